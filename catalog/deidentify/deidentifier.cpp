#include "catalog/deidentify/deidentifier.h"

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrui.h>

#include <optional>
#include <string_view>
#include <vector>

#include "catalog/deidentify/descriptor_cleaner.h"

namespace pixeldex::deidentify {
namespace {

// PS3.16 CID 7050 "De-identification Method", coding scheme DCM.
struct MethodCode {
  const char* value;
  const char* meaning;
};
constexpr MethodCode kBasicProfile = {"113100", "Basic Application Confidentiality Profile"};
constexpr MethodCode kCleanDescriptors = {"113105", "Clean Descriptors Option"};
constexpr MethodCode kModifiedDates = {
    "113107", "Retain Longitudinal Temporal Information Modified Dates Option"};
constexpr MethodCode kPatientCharacteristics = {"113108", "Retain Patient Characteristics Option"};
constexpr MethodCode kDeviceIdentity = {"113109", "Retain Device Identity Option"};

std::vector<MethodCode> MethodCodes(const ProfileOptions& options) {
  std::vector<MethodCode> codes = {kBasicProfile};
  if (options.clean_descriptors) codes.push_back(kCleanDescriptors);
  if (options.retain_long_modified_dates) codes.push_back(kModifiedDates);
  if (options.retain_patient_characteristics) codes.push_back(kPatientCharacteristics);
  if (options.retain_device_identity) codes.push_back(kDeviceIdentity);
  return codes;
}

// A dummy value for action D, consistent with the VR (PS3.5 6.2).
const char* DummyValue(std::string_view vr) {
  if (vr == "DA") return "19000101";
  if (vr == "DT") return "19000101000000";
  if (vr == "TM") return "000000";
  if (vr == "AS") return "000Y";
  if (vr == "DS" || vr == "IS" || vr == "US" || vr == "SS" || vr == "UL" || vr == "SL" ||
      vr == "FL" || vr == "FD" || vr == "UV" || vr == "SV") {
    return "0";
  }
  if (vr == "OB" || vr == "OW" || vr == "OF" || vr == "OD" || vr == "OL" || vr == "OV" ||
      vr == "UN" || vr == "UR" || vr == "AT") {
    return "";
  }
  return "ANONYMIZED";  // AE, CS, LO, LT, PN, SH, ST, UC, UT
}

std::vector<std::string> Values(DcmElement& element) {
  std::vector<std::string> values;
  OFString all;
  if (element.getOFStringArray(all).bad()) return values;
  std::string_view rest(all.c_str(), all.length());
  for (;;) {
    const size_t cut = rest.find('\\');
    values.emplace_back(rest.substr(0, cut));
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  return values;
}

void PutValues(DcmElement& element, const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& v : values) joined += (joined.empty() ? "" : "\\") + v;
  element.putOFStringArray(OFString(joined.c_str(), joined.size()));
}

// The raw bytes of a UN element as text, without trailing padding.
std::string RawText(DcmElement& element) {
  Uint8* bytes = nullptr;
  if (element.getUint8Array(bytes).bad() || bytes == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(bytes), element.getLength());
  while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string Text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

}  // namespace

void Deidentifier::Apply(DcmDataset& dataset) const {
  const std::string patient_id = Text(dataset, DCM_PatientID);
  // The identifying values are gathered before any of them is removed.
  std::optional<DescriptorCleaner> cleaner;
  if (options_.clean_descriptors) cleaner.emplace(IdentifyingTerms(dataset));
  CleanItem(dataset, {keys_.DateShiftDays(patient_id), cleaner ? &*cleaner : nullptr});
  MarkDeidentified(dataset, patient_id);
}

void Deidentifier::CleanItem(DcmItem& item, const PerDataset& context) const {
  for (unsigned long i = 0; i < item.card();) {
    if (CleanElement(item, i, context)) {
      ++i;
    } else {
      delete item.remove(i);
    }
  }
}

bool Deidentifier::CleanElement(DcmItem& item, unsigned long index,
                                const PerDataset& context) const {
  DcmElement* element = item.getElement(index);
  const DcmTag& tag = element->getTag();
  if (tag.isPrivate()) return false;  // no private attribute is listed as safe
  const bool sequence = element->ident() == EVR_SQ;
  const ProfileRow* row = FindProfileRow(tag.getGroup(), tag.getElement());
  if (row == nullptr) {
    if (sequence) {
      auto* items = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long i = 0; i < items->card(); ++i) CleanItem(*items->getItem(i), context);
    }
    return true;
  }
  const std::string_view vr = sequence ? "SQ" : DcmVR(element->ident()).getValidVRName();
  const Action action = ResolveAction(*row, options_, vr);
  if (vr == "UN" && action != Action::kKeep) {
    if (action != Action::kReplaceUid) return false;
    // Written back with its dictionary VR, UI, and the stand-in value.
    const std::string uid = keys_.Uid(RawText(*element));
    const DcmTag key(tag.getGroup(), tag.getElement(), EVR_UI);
    delete item.remove(index);
    item.putAndInsertString(key, uid.c_str());
    return true;
  }
  switch (action) {
    case Action::kRemove:
      return false;
    case Action::kEmpty:
      if (sequence) {
        static_cast<DcmSequenceOfItems*>(element)->clear();
      } else {
        element->clear();
      }
      return true;
    case Action::kDummy:
      element->putString(DummyValue(vr));
      return true;
    case Action::kReplaceUid: {
      std::vector<std::string> values = Values(*element);
      for (std::string& v : values) v = keys_.Uid(v);
      PutValues(*element, values);
      return true;
    }
    case Action::kShiftDate: {
      std::vector<std::string> values = Values(*element);
      for (std::string& v : values) {
        v = vr == "DA" ? ShiftDate(v, context.shift_days) : ShiftDateTime(v, context.shift_days);
      }
      PutValues(*element, values);
      return true;
    }
    case Action::kCleanItems: {
      auto* items = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long i = 0; i < items->card(); ++i) CleanItem(*items->getItem(i), context);
      return true;
    }
    case Action::kCleanText: {
      // PS3.15 E.3.5; text VRs only (every C of the column is one).
      OFString text;
      if (context.cleaner == nullptr || !element->isaString() ||
          element->getOFStringArray(text).bad()) {
        return false;
      }
      const std::string cleaned =
          context.cleaner->Clean(std::string_view(text.c_str(), text.length()));
      // Emptied, an attribute whose basic action is a dummy keeps one (it is
      // a Type 1 attribute somewhere, e.g. RT Plan Label).
      const bool dummy = cleaned.empty() && ResolveAction(*row, {}, vr) == Action::kDummy;
      element->putOFStringArray(dummy ? OFString(DummyValue(vr))
                                      : OFString(cleaned.c_str(), cleaned.size()));
      return true;
    }
    case Action::kKeep:
      return true;
  }
  return true;
}

void Deidentifier::MarkDeidentified(DcmDataset& dataset,
                                    const std::string& original_patient_id) const {
  const std::string pseudonym = keys_.PatientId(original_patient_id);
  dataset.putAndInsertString(DCM_PatientID, pseudonym.c_str());
  dataset.putAndInsertString(DCM_PatientName, pseudonym.c_str());
  dataset.putAndInsertString(DCM_PatientIdentityRemoved, "YES");
  const std::vector<MethodCode> codes = MethodCodes(options_);
  std::string method;
  for (const MethodCode& code : codes) method += (method.empty() ? "" : "\\") + std::string(code.meaning);
  dataset.putAndInsertString(DCM_DeidentificationMethod, method.c_str());
  dataset.findAndDeleteElement(DCM_DeidentificationMethodCodeSequence);
  for (const MethodCode& method_code : codes) {
    DcmItem* code = nullptr;
    if (dataset.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, code,
                                         -2 /* a new item at the end */).good()) {
      code->putAndInsertString(DCM_CodeValue, method_code.value);
      code->putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
      code->putAndInsertString(DCM_CodeMeaning, method_code.meaning);
    }
  }
  dataset.putAndInsertString(DCM_LongitudinalTemporalInformationModified,
                             options_.retain_long_modified_dates ? "MODIFIED" : "REMOVED");
}

}  // namespace pixeldex::deidentify
