#pragma once
// DescriptorCleaner: the cleaning of the Clean Descriptors Option (PS3.15
// E.3.5, column "Clean Desc. Opt." of Table E.1-1): a descriptor marked C
// (Study Description, Series Description, Image Comments, ...) is kept, but
// every identifying value known from the same data set is removed from its
// text. The identifying values (IdentifyingTerms) are, from the data set at
// any depth:
//   - every person name (every element of VR PN: the patient's, other and
//     birth names, the mother's birth name, referring, performing, reading
//     physicians, physicians of record, operators, ...): the whole value,
//     each component group (PS3.5 6.2.1), the family, given and middle name
//     components and their words, and "given family" / "family given" /
//     "family, given"; the prefix and suffix components ("Dr", "Jr") are not
//     identifying and are left alone;
//   - Patient ID, Other Patient IDs, Medical Record Locator, Accession
//     Number, Study ID, Admission ID, Patient's Address and Telephone
//     Numbers, Institution Name and Address, Institutional Department Name,
//     Referring Physician's Address and Telephone Numbers;
//   - every date (each DA value, and the date of each DT: birth date, study,
//     series, acquisition and content dates, ...) written as YYYYMMDD,
//     YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY
//     and MM/DD/YYYY.
// Terms shorter than two characters are not used (an initial would remove
// every "a" and "I"). A term is removed only as a whole word, compared
// without regard to ASCII case: it must not have a letter or digit (or a
// non-ASCII byte) right before or after it, so the patient "Li" does not
// touch "Liver", nor the ID "123" "1234". At each position the longest
// matching term wins; after a removal, runs of spaces become one and the
// text is trimmed. Immutable; any thread.

#include <string>
#include <string_view>
#include <vector>

class DcmItem;

namespace pixeldex::deidentify {

class DescriptorCleaner {
 public:
  // Terms as given (any case); empty and one-character terms are dropped.
  explicit DescriptorCleaner(std::vector<std::string> terms);

  // `text` without any of the terms.
  std::string Clean(std::string_view text) const;

 private:
  std::vector<std::string> terms_;  // lower case, longest first
};

// The identifying values of `dataset` listed above, as cleaning terms.
std::vector<std::string> IdentifyingTerms(DcmItem& dataset);

// The terms of one person name value (PN, possibly several values and
// component groups).
std::vector<std::string> PersonNameTerms(std::string_view name);

// The written forms of one DA value (YYYYMMDD); none when it is not 8 digits.
std::vector<std::string> DateTerms(std::string_view date);

}  // namespace pixeldex::deidentify
