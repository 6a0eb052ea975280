#pragma once
// The one C-FIND constraint model (PS3.4 C.2.2.2): a request key parsed into
// the kind of matching the standard prescribes for its value and VR. Both the
// in-memory evaluator (constraint_matcher.h) and the SQL generator
// (sql_constraint.h) consume this, so the two cannot disagree on parsing.
//
//   value                      VR              constraint
//   ""  or "*" (only stars)    any             universal             C.2.2.2.3
//   "a\b\c"                    UI              any of singles        C.2.2.2.2
//   "a\b"                      other (not      any of the values (a pixeldex
//                              LT/ST/UT/UR)    extension; e.g. Modalities in Study)
//   "A*B?"                     not excluded    pattern               C.2.2.2.4
//   "a-b", "a-", "-b"          DA, TM, DT      inclusive range       C.2.2.2.5
//   "1030" (partial)           TM, DT          the range its precision denotes
//   "5", "1.25"                IS DS US ...    numeric equality
//   anything else              -               single value          C.2.2.2.1
//   SQ with one item           SQ              some stored item matches every
//                                              key of the item      C.2.2.2.6

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/find_options.h"
#include "catalog/query/query_types.h"

namespace pixeldex::query {

struct ValueTest {
  enum class Kind { kEquals, kPattern, kRange, kNumber };
  Kind kind = Kind::kEquals;
  std::string text;  // kEquals: the value; kPattern: the DICOM pattern (* and ?)
  // kRange: inclusive bounds in the normalised form of NormalizeStoredTime;
  // an absent bound is open.
  std::optional<std::string> lower;
  std::optional<std::string> upper;
  double number = 0;  // kNumber
};

struct Constraint {
  Tag tag;
  std::string vr;
  bool universal = true;
  bool case_insensitive = false;  // PN with FindOptions::pn_case_insensitive
  std::vector<ValueTest> any_of;  // non-SQ: a stored value passes one of them
  std::vector<Constraint> item;   // SQ: one stored item satisfies all of them
};

// Parses one key. InvalidArgument when the value is malformed for its VR (a
// non-numeric IS, a sequence key with more than one item, a bad range).
Result<Constraint> ParseConstraint(const QueryKey& key, const FindOptions& options);

// VR classification used by the parser and the generators.
bool IsDateTimeVr(std::string_view vr);   // DA, TM, DT: range matching
bool IsNumericVr(std::string_view vr);    // IS DS SS US SL UL FL FD SV UV
// PS3.4 C.2.2.2.4: the VRs on which "*" and "?" are ordinary characters.
bool WildcardsExcluded(std::string_view vr);

// A stored TM or DT value in the form range bounds use: TM padded with zeros
// to HHMMSS, DT to YYYYMMDDHHMMSS (so "10" compares as 10:00:00). Other VRs
// unchanged. The SQL generator applies the same normalisation in SQL.
std::string NormalizeStoredTime(std::string_view vr, std::string_view stored);

// PS3.4 C.2.2.2.5.1: combined date-time range matching of a DA key and its
// TM key (Study Date + Study Time, ...). `lower`/`upper` bound the stored
// date concatenated with NormalizeStoredTime("TM", time); `date_lower` /
// `date_upper` bound the date alone (to let SQL use a date index).
struct DateTimeRange {
  std::optional<std::string> lower, upper;
  std::optional<std::string> date_lower, date_upper;
};
// The combined range when both keys constrain with exactly one value each;
// nullopt otherwise (the keys then match separately).
std::optional<DateTimeRange> CombineDateTime(const Constraint& date, const Constraint& time);
// The TM key paired with a DA key for combined matching, or nullopt.
std::optional<Tag> PairedTimeTag(Tag date_tag);

// Trims the padding DICOM allows around a value (trailing spaces and NULs;
// leading spaces too except for LT, ST, UT).
std::string_view TrimValue(std::string_view vr, std::string_view value);

}  // namespace pixeldex::query
