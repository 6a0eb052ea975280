#pragma once
// The Basic Application Level Confidentiality Profile of PS3.15 Annex E
// (E.1.1 and Table E.1-1) as data: the table's rows (confidentiality_profile.inc,
// the one source of truth, listed in the README) and the rule that turns a
// row, the options chosen and the element's kind into one action. Stateless.

#include <cstdint>
#include <string_view>
#include <vector>

namespace pixeldex::deidentify {

// One row of Table E.1-1. The action columns hold the table's codes:
// "X", "Z", "D", "U", "K", "C", "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*" or
// "" (the option says nothing about the attribute).
struct ProfileRow {
  uint32_t tag;   // (group << 16) | element
  uint32_t mask;  // the tag bits that must match (repeating groups)
  const char* keyword;
  bool retired;
  const char* basic;
  const char* retain_safe_private;
  const char* retain_uids;
  const char* retain_device_identity;
  const char* retain_institution_identity;
  const char* retain_patient_characteristics;
  const char* retain_long_full_dates;
  const char* retain_long_modified_dates;
  const char* clean_descriptors;
  const char* clean_structured_content;
  const char* clean_graphics;
};

// Every row, sorted by tag.
const std::vector<ProfileRow>& ProfileRows();

// The row of an attribute, or nullptr when the table does not list it.
const ProfileRow* FindProfileRow(uint16_t group, uint16_t element);

// The options of Annex E that pixeldex implements (E.3.6, E.3.7, E.3.5).
struct ProfileOptions {
  bool retain_long_modified_dates = false;   // 113107
  bool retain_patient_characteristics = false;  // 113108
  bool retain_device_identity = false;       // 113109
  bool clean_descriptors = false;            // 113105
};

// What happens to one element.
enum class Action {
  kRemove,      // X
  kEmpty,       // Z: zero length (a sequence: no items)
  kDummy,       // D: a dummy value consistent with the VR
  kReplaceUid,  // U: each UID replaced by its keyed stand-in
  kKeep,        // K for a value
  kShiftDate,   // C of Retain Longitudinal Temporal Information with Modified Dates
  kCleanText,   // C of Clean Descriptors: kept without identifying values (E.3.5)
  kCleanItems,  // a kept sequence: the profile applied to every item
};

// The action for an element of `row` (PS3.15 E.1.1: "A requirement for an
// Option, when implemented, overrides any requirement for the underlying
// Profile"). Compound codes of the basic profile, which depend on the type
// of the attribute in its IOD, are resolved without knowing the IOD towards
// keeping the IOD valid: X/Z -> Z (X for Referenced Study Sequence, a Type 3
// sequence that must not be present empty), X/D, Z/D and X/Z/D -> D, X/Z/U* -> the
// sequence kept and cleaned (its UIDs replaced). The C of Clean Descriptors
// (E.3.5) becomes kCleanText (a sequence: kCleanItems), and takes precedence
// over the other options' C for the two rows where both speak (Allergies,
// Patient State); other options' C on free text, which pixeldex does not
// clean, falls back to the basic action; the C on dates and times of
// Modified Dates becomes kShiftDate for DA and DT and kKeep for TM (whole
// days are shifted, so times stay). A sequence is never kept or made a dummy
// uncleaned: K, D, U and C on a sequence are kCleanItems.
Action ResolveAction(const ProfileRow& row, const ProfileOptions& options,
                     std::string_view vr);

}  // namespace pixeldex::deidentify
