#include "catalog/deidentify/descriptor_cleaner.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <algorithm>
#include <array>

namespace pixeldex::deidentify {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerCase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), Lower);
  return lower;
}

// A letter, a digit or a byte of a non-ASCII character.
bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const size_t cut = text.find(separator);
    parts.push_back(text.substr(0, cut));
    if (cut == std::string_view::npos) return parts;
    text.remove_prefix(cut + 1);
  }
}

// Whether `term` (lower case) is in `text` at `at` as a whole word.
bool MatchesAt(std::string_view text, size_t at, std::string_view term) {
  if (at + term.size() > text.size()) return false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (Lower(text[at + i]) != term[i]) return false;
  }
  const bool open_before = !IsWordByte(term.front()) || at == 0 || !IsWordByte(text[at - 1]);
  const size_t end = at + term.size();
  const bool open_after = !IsWordByte(term.back()) || end == text.size() || !IsWordByte(text[end]);
  return open_before && open_after;
}

// Runs of spaces made one, ends trimmed.
std::string Tidy(std::string_view text) {
  std::string tidy;
  for (const char c : Trim(text)) {
    if (c == ' ' && !tidy.empty() && tidy.back() == ' ') continue;
    tidy.push_back(c);
  }
  return tidy;
}

// PS3.15 E.3.5: the attributes whose values identify (besides names and dates).
bool IsIdentifyingTag(const DcmTagKey& key) {
  static const std::array kIdentifyingTags = {DCM_PatientID,
                                              DCM_RETIRED_OtherPatientIDs,
                                              DCM_RETIRED_MedicalRecordLocator,
                                              DCM_AccessionNumber,
                                              DCM_StudyID,
                                              DCM_AdmissionID,
                                              DCM_PatientAddress,
                                              DCM_PatientTelephoneNumbers,
                                              DCM_InstitutionName,
                                              DCM_InstitutionAddress,
                                              DCM_InstitutionalDepartmentName,
                                              DCM_ReferringPhysicianAddress,
                                              DCM_ReferringPhysicianTelephoneNumbers};
  return std::find(kIdentifyingTags.begin(), kIdentifyingTags.end(), key) != kIdentifyingTags.end();
}

void CollectTerms(DcmItem& item, std::vector<std::string>& terms) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (element->ident() == EVR_SQ) {
      auto* items = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long j = 0; j < items->card(); ++j) CollectTerms(*items->getItem(j), terms);
      continue;
    }
    const DcmEVR vr = element->ident();
    const bool wanted = vr == EVR_PN || vr == EVR_DA || vr == EVR_DT ||
                        IsIdentifyingTag(element->getTag().getXTag());
    OFString all;
    if (!wanted || element->getOFStringArray(all).bad()) continue;
    const std::string_view text(all.c_str(), all.length());
    if (vr == EVR_PN) {
      for (std::string& term : PersonNameTerms(text)) terms.push_back(std::move(term));
      continue;
    }
    for (const std::string_view value : Split(text, '\\')) {
      if (vr == EVR_DA || vr == EVR_DT) {
        for (std::string& term : DateTerms(Trim(value).substr(0, 8)))
          terms.push_back(std::move(term));
      } else {
        terms.emplace_back(Trim(value));
      }
    }
  }
}

}  // namespace

DescriptorCleaner::DescriptorCleaner(std::vector<std::string> terms) {
  for (const std::string& term : terms) {
    if (term.size() >= 2) terms_.push_back(LowerCase(term));
  }
  std::sort(terms_.begin(), terms_.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  terms_.erase(std::unique(terms_.begin(), terms_.end()), terms_.end());
}

std::string DescriptorCleaner::Clean(std::string_view text) const {
  std::string cleaned;
  bool removed = false;
  for (size_t at = 0; at < text.size();) {
    const auto term = std::find_if(terms_.begin(), terms_.end(),
                                   [&](const std::string& t) { return MatchesAt(text, at, t); });
    if (term == terms_.end()) {
      cleaned.push_back(text[at++]);
    } else {
      at += term->size();
      removed = true;
    }
  }
  return removed ? Tidy(cleaned) : cleaned;
}

std::vector<std::string> IdentifyingTerms(DcmItem& dataset) {
  std::vector<std::string> terms;
  CollectTerms(dataset, terms);
  return terms;
}

std::vector<std::string> PersonNameTerms(std::string_view name) {
  std::vector<std::string> terms;
  for (const std::string_view value : Split(name, '\\')) {
    terms.emplace_back(Trim(value));
    for (const std::string_view group : Split(value, '=')) {  // PS3.5 6.2.1.2
      terms.emplace_back(Trim(group));
      const std::vector<std::string_view> components = Split(group, '^');
      // Family, given and middle name; not the prefix and suffix.
      for (size_t c = 0; c < std::min<size_t>(components.size(), 3); ++c) {
        terms.emplace_back(Trim(components[c]));
        for (const std::string_view word : Split(components[c], ' ')) terms.emplace_back(word);
      }
      if (components.size() >= 2) {
        const std::string family(Trim(components[0]));
        const std::string given(Trim(components[1]));
        terms.push_back(given + " " + family);
        terms.push_back(family + " " + given);
        terms.push_back(family + ", " + given);
      }
    }
  }
  return terms;
}

std::vector<std::string> DateTerms(std::string_view date) {
  if (date.size() != 8 ||
      !std::all_of(date.begin(), date.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  const std::string y(date.substr(0, 4)), m(date.substr(4, 2)), d(date.substr(6, 2));
  return {std::string(date),     y + "-" + m + "-" + d, y + "/" + m + "/" + d,
          y + "." + m + "." + d, d + "." + m + "." + y, d + "/" + m + "/" + y,
          d + "-" + m + "-" + y, m + "/" + d + "/" + y};
}

}  // namespace pixeldex::deidentify
