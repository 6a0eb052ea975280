#include "catalog/metadata/dataset_text.h"

#include <dcmtk/dcmdata/dcbytstr.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cstdio>
#include <optional>
#include <string_view>

#include "catalog/metadata/text_decoder.h"

namespace pixeldex::metadata {
namespace {

// PS3.5 6.1.2.3: the VRs whose values Specific Character Set applies to.
std::optional<TextKind> CharacterSetKind(DcmEVR vr) {
  switch (vr) {
    case EVR_SH: case EVR_LO: case EVR_UC:
      return TextKind::kMultiValue;
    case EVR_PN:
      return TextKind::kPersonName;
    case EVR_ST: case EVR_LT: case EVR_UT:
      return TextKind::kSingleValue;
    default:
      return std::nullopt;
  }
}

bool NeedsDecoding(std::string_view bytes, bool code_extensions) {
  for (const unsigned char b : bytes) {
    if (b >= 0x80 || (b == 0x1b && code_extensions)) return true;
  }
  return false;
}

std::string TagText(const DcmTagKey& tag) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "(%04X,%04X)", tag.getGroup(), tag.getElement());
  return buf;
}

class DatasetTextDecoder {
 public:
  explicit DatasetTextDecoder(TextDecodingReport& report) : report_(report) {}

  void DecodeItem(DcmItem& item, const CharacterSet& inherited, bool top) {
    CharacterSet own;
    const CharacterSet* charset = &inherited;
    DcmElement* declared = nullptr;
    if (item.findAndGetElement(DCM_SpecificCharacterSet, declared, OFFalse).good()) {
      OFString value;
      declared->getOFStringArray(value);
      if (top) report_.declared_character_set = value.c_str();
      own = ParseSpecificCharacterSet(value.c_str());
      for (const std::string& t : own.unknown_terms) report_.unknown_terms.push_back(t);
      charset = &own;
    }
    for (unsigned long k = 0; k < item.card(); ++k) {
      DcmElement* element = item.getElement(k);
      if (element == nullptr || element == declared) continue;
      if (element->ident() == EVR_SQ) {
        auto* sequence = static_cast<DcmSequenceOfItems*>(element);
        for (unsigned long n = 0; n < sequence->card(); ++n) {
          if (DcmItem* sub = sequence->getItem(n)) DecodeItem(*sub, *charset, false);
        }
        continue;
      }
      if (auto* text = dynamic_cast<DcmByteString*>(element)) DecodeValue(*text, *charset);
    }
    // PS3.5 6.1.2.5: the values are now UTF-8, and say so.
    if (declared != nullptr) declared->putString("ISO_IR 192");
  }

 private:
  void DecodeValue(DcmByteString& element, const CharacterSet& charset) {
    const std::optional<TextKind> kind = CharacterSetKind(element.ident());
    const CharacterSet& in_force = kind ? charset : default_repertoire_;
    char* raw = nullptr;
    Uint32 length = 0;
    if (element.getString(raw, length).bad() || raw == nullptr || length == 0) return;
    const std::string_view bytes(raw, length);
    // Bytes below 0x80 other than ESC are ASCII in every set.
    if (!NeedsDecoding(bytes, in_force.code_extensions)) return;
    std::string utf8;
    const int replaced =
        decoder_.Decode(in_force, bytes, kind.value_or(TextKind::kMultiValue), utf8);
    if (replaced > 0) report_.replaced_tags.push_back(TagText(element.getTag()));
    if (utf8 != bytes) element.putString(utf8.data(), static_cast<Uint32>(utf8.size()));
  }

  TextDecodingReport& report_;
  TextDecoder decoder_;
  const CharacterSet default_repertoire_ = ParseSpecificCharacterSet("");
};

}  // namespace

std::string TextDecodingReport::Describe() const {
  if (faithful()) return {};
  std::string text = "character set '" + declared_character_set + "'";
  if (!unknown_terms.empty()) {
    text += ": unknown defined term";
    for (const std::string& t : unknown_terms) text += " '" + t + "'";
  }
  if (!replaced_tags.empty()) {
    text += ": undecodable bytes replaced by U+FFFD in";
    for (const std::string& t : replaced_tags) text += " " + t;
  }
  return text;
}

TextDecodingReport DecodeTextToUtf8(DcmItem& dataset) {
  TextDecodingReport report;
  DatasetTextDecoder decoder(report);
  decoder.DecodeItem(dataset, ParseSpecificCharacterSet(""), true);
  return report;
}

}  // namespace pixeldex::metadata
