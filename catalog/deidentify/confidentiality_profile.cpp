#include "catalog/deidentify/confidentiality_profile.h"

#include <algorithm>
#include <string>

namespace pixeldex::deidentify {
namespace {

const std::vector<ProfileRow> kRows = {
#include "catalog/deidentify/confidentiality_profile.inc"
};

Action FromCode(std::string_view code) {
  if (code == "X") return Action::kRemove;
  if (code == "Z" || code == "X/Z") return Action::kEmpty;
  if (code == "D" || code == "X/D" || code == "Z/D" || code == "X/Z/D") return Action::kDummy;
  if (code == "U") return Action::kReplaceUid;
  if (code == "X/Z/U*") return Action::kCleanItems;
  return Action::kKeep;  // "K"
}

// The option column that applies, or "" when no chosen option speaks.
std::string_view OptionCode(const ProfileRow& row, const ProfileOptions& options,
                            std::string_view vr) {
  if (options.clean_descriptors && std::string_view(row.clean_descriptors) == "C") return "clean";
  // Only one column of a row is ever non-empty among these three.
  if (options.retain_device_identity && *row.retain_device_identity) {
    return row.retain_device_identity;
  }
  if (options.retain_patient_characteristics && *row.retain_patient_characteristics) {
    return row.retain_patient_characteristics;
  }
  if (options.retain_long_modified_dates && *row.retain_long_modified_dates) {
    if (vr == "DA" || vr == "DT") return "shift";
    if (vr == "TM") return "K";
  }
  return "";
}

// X/Z means X where the attribute is Type 3 and Z where it is Type 2
// (E.1.1). Without the IOD, Z is taken; but a sequence that is Type 3 with
// "one or more Items" in the modules of the storage IODs must not be left
// present with no items, so it is removed: Referenced Study Sequence
// (PS3.3 C.7.2.1 General Study Module). Acquisition Context Sequence, the
// other X/Z sequence, is Type 2 (C.7.6.14) and emptied.
bool IsType3OnlySequence(uint32_t tag) { return tag == 0x00081110; }

}  // namespace

const std::vector<ProfileRow>& ProfileRows() { return kRows; }

const ProfileRow* FindProfileRow(uint16_t group, uint16_t element) {
  const uint32_t tag = (static_cast<uint32_t>(group) << 16) | element;
  const auto exact = std::lower_bound(kRows.begin(), kRows.end(), tag,
                                      [](const ProfileRow& r, uint32_t t) { return r.tag < t; });
  if (exact != kRows.end() && exact->tag == tag && exact->mask == 0xFFFFFFFF) return &*exact;
  for (const ProfileRow& row : kRows) {
    if (row.mask != 0xFFFFFFFF && (tag & row.mask) == row.tag) return &row;
  }
  return nullptr;
}

Action ResolveAction(const ProfileRow& row, const ProfileOptions& options, std::string_view vr) {
  const std::string_view option = OptionCode(row, options, vr);
  Action action = FromCode(row.basic);
  if (option == "clean") {
    action = Action::kCleanText;
  } else if (option == "shift") {
    action = Action::kShiftDate;
  } else if (option == "K") {
    action = Action::kKeep;
  }  // another option's "C" on anything but a date: the basic action
  if (vr == "SQ" && action == Action::kEmpty && std::string_view(row.basic) == "X/Z" &&
      IsType3OnlySequence(row.tag)) {
    return Action::kRemove;
  }
  if (vr == "SQ" &&
      (action == Action::kKeep || action == Action::kDummy || action == Action::kReplaceUid ||
       action == Action::kShiftDate || action == Action::kCleanText)) {
    return Action::kCleanItems;
  }
  return action;
}

}  // namespace pixeldex::deidentify
