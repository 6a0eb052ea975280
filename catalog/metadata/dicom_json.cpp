#include "catalog/metadata/dicom_json.h"

#include <dcmtk/dcmdata/dcbytstr.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/ofstd/ofstd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <type_traits>
#include <vector>

#include "catalog/common/json_string.h"
#include "catalog/metadata/dicom_string_values.h"
#include "catalog/metadata/json_text.h"
#include "catalog/metadata/person_name_json.h"

// PS3.18 F.2 as DCMTK 3.6.7 writes it (the stored headers must not change):
// - F.2.2: members in the data set's order, which is ascending tag order;
//   group lengths (gggg,0000) left out; a PN value an object of its
//   non-empty component groups; a sequence item an object ({} when empty);
// - F.2.3: DS and IS values are Numbers when they are valid DS or IS, else
//   Strings; SV and UV Numbers within +-(2^53-1), else Strings ("Number or
//   String" in Table F.2.3-1); AT values "GGGGEEEE";
// - F.2.4: values split at '\' (not in LT, ST, UT, UR); F.2.5: an empty
//   value is null, an element without value has no "Value";
// - F.2.6 / F.2.7: BulkDataURI by the rules of bulk_data.h, else
//   InlineBinary, little endian.
// Where DCMTK departs from the standard, kept on purpose: numbers are
// normalised but not checked, so a DS "0e5" becomes e5 and an infinite or
// NaN FD or FL first value inf or nan, none of them JSON (RFC 8259 section
// 6); an infinite or NaN later value fails the whole header.
namespace pixeldex::metadata {
namespace {

// How a string element's values become JSON (PS3.18 F.2.3).
enum class ValueKind { kText, kDecimal, kInteger };

constexpr Sint64 kMaxSafeInteger = 9007199254740991;  // 2^53 - 1, as DCMTK's JSON_MAX_SAFE_INTEGER

class DicomJsonWriter {
 public:
  // `bulk_tags`: tags already known to be bulk data anywhere in the data set
  // (a second pass, see NeedsSecondPass).
  DicomJsonWriter(std::string& out, std::vector<DcmTagKey> bulk_tags)
      : out_(out), bulk_tags_(std::move(bulk_tags)) {}

  // The members of one item or of the data set, without braces; group
  // lengths (gggg,0000) are left out as DCMTK does.
  OFCondition WriteMembers(DcmItem& item) {
    bool first = true;
    for (DcmObject* obj = item.nextInContainer(nullptr); obj != nullptr;
         obj = item.nextInContainer(obj)) {
      if (obj->getTag().getElement() == 0) continue;
      if (!first) out_.push_back(',');
      first = false;
      const OFCondition cond = WriteElement(*static_cast<DcmElement*>(obj));
      if (cond.bad()) return cond;
    }
    return EC_Normal;
  }

  // DCMTK's rule makes a tag bulk data everywhere once one of its binary
  // values anywhere is long (bulk_data.h). This writer learns those tags as
  // it walks, so an element of such a tag met before the long value was
  // written inline: then the walk is to be done again, knowing the tags.
  bool NeedsSecondPass() const { return stale_; }
  std::vector<DcmTagKey> TakeBulkTags() { return std::move(bulk_tags_); }

 private:
  OFCondition WriteElement(DcmElement& element) {
    WriteOpener(element);
    OFCondition cond = EC_Normal;
    switch (element.ident()) {
      case EVR_SQ:
        cond = WriteSequence(static_cast<DcmSequenceOfItems&>(element));
        break;
      case EVR_PN:
        cond = WritePersonName(static_cast<DcmByteString&>(element));
        break;
      case EVR_AT:
        cond = WriteAttributeTags(element);
        break;
      case EVR_US:
        cond = WriteBinaryNumbers<Uint16>(element, &DcmElement::getUint16Array);
        break;
      case EVR_SS:
        cond = WriteBinaryNumbers<Sint16>(element, &DcmElement::getSint16Array);
        break;
      case EVR_UL:
      case EVR_up:
        cond = WriteBinaryNumbers<Uint32>(element, &DcmElement::getUint32Array);
        break;
      case EVR_SL:
        cond = WriteBinaryNumbers<Sint32>(element, &DcmElement::getSint32Array);
        break;
      case EVR_SV:
        cond = WriteBinaryNumbers<Sint64>(element, &DcmElement::getSint64Array);
        break;
      case EVR_UV:
        cond = WriteBinaryNumbers<Uint64>(element, &DcmElement::getUint64Array);
        break;
      case EVR_FL:
        cond = WriteBinaryNumbers<Float32>(element, &DcmElement::getFloat32Array);
        break;
      case EVR_FD:
        cond = WriteBinaryNumbers<Float64>(element, &DcmElement::getFloat64Array);
        break;
      case EVR_PixelData:
        cond = WritePixelData(static_cast<DcmPixelData&>(element));
        break;
      case EVR_OF:
      case EVR_OD:
      case EVR_OL:
      case EVR_OV:
        cond = WriteBinary(element);
        break;
      default:
        if (const StringValueRule* rule = StringValueRuleOf(element.ident())) {
          cond = WriteStrings(element, *rule);
          break;
        }
        // DcmOtherByteOtherWord and its kin: ident() is the tag's VR (OB,
        // OW, UN, DCMTK's internal ones, overlay data).
        if (dynamic_cast<DcmOtherByteOtherWord*>(&element) == nullptr) return EC_IllegalCall;
        cond = WriteBinary(element);
    }
    out_.push_back('}');
    return cond;
  }

  // PS3.18 F.2.2: "GGGGEEEE":{"vr":"XX" (the closing brace is WriteElement's).
  void WriteOpener(DcmElement& element) {
    const DcmTag& tag = element.getTag();
    const std::array<char, 8> key = TagKeyHex(tag.getGTag(), tag.getETag());
    out_.push_back('"');
    out_.append(key.data(), key.size());
    out_.append("\":{\"vr\":\"");
    out_.append(tag.getVR().getValidVRName());
    out_.push_back('"');
  }

  // PS3.18 F.2.6: ,"BulkDataURI":"..." when the tag is bulk data; false
  // (and nothing written) otherwise.
  bool WroteBulkDataUri(const DcmTagKey& tag) {
    if (!IsBulkByNature(tag) &&
        std::find(bulk_tags_.begin(), bulk_tags_.end(), tag) == bulk_tags_.end()) {
      inline_tags_.push_back(tag);
      return false;
    }
    out_.append(",\"BulkDataURI\":");
    AppendJsonString(out_, BulkDataUri(tag).text());
    return true;
  }

  void NoteBinaryLength(DcmElement& element) {
    if (!IsBinaryVr(element.ident()) || element.getLengthField() <= kInlineBinaryLimit) return;
    const DcmTagKey& tag = element.getTag();
    if (std::find(bulk_tags_.begin(), bulk_tags_.end(), tag) != bulk_tags_.end()) return;
    bulk_tags_.push_back(tag);
    if (std::find(inline_tags_.begin(), inline_tags_.end(), tag) != inline_tags_.end()) {
      stale_ = true;
    }
  }

  // PS3.18 F.2.3-F.2.5: strings, DS and IS as numbers when valid; an empty
  // value is null, an element without significant characters has no Value.
  // DCMTK asks about bulk data for DS, IS and the DcmCharString VRs (LT, ST,
  // UT, UC) but not for LO, SH and the DcmByteString VRs.
  OFCondition WriteStrings(DcmElement& element, const StringValueRule& rule) {
    const DcmEVR ident = element.ident();
    const ValueKind kind = ident == EVR_DS   ? ValueKind::kDecimal
                           : ident == EVR_IS ? ValueKind::kInteger
                                             : ValueKind::kText;
    const bool may_be_bulk = kind != ValueKind::kText || ident == EVR_LT || ident == EVR_ST ||
                             ident == EVR_UT || ident == EVR_UC;
    char* text = nullptr;
    Uint32 length = 0;
    OFCondition cond = static_cast<DcmByteString&>(element).getString(text, length);
    if (cond.bad()) return cond;
    const std::string_view value =
        text == nullptr ? std::string_view() : std::string_view(text, length);
    if (HasNoValue(value, rule)) return EC_Normal;
    if (may_be_bulk && WroteBulkDataUri(element.getTag())) return EC_Normal;
    out_.append(",\"Value\":[");
    ForEachValue(value, rule, [&](std::string_view v, bool first) {
      if (!first) out_.push_back(',');
      if (kind == ValueKind::kDecimal && IsDecimalStringValue(v)) {
        AppendDecimalNumber(out_, v);
      } else if (kind == ValueKind::kInteger && IsIntegerStringValue(v)) {
        AppendIntegerNumber(out_, v);
      } else {
        AppendJsonStringOrNull(out_, v);
      }
    });
    out_.push_back(']');
    return EC_Normal;
  }

  OFCondition WritePersonName(DcmByteString& element) {
    char* text = nullptr;
    Uint32 length = 0;
    const OFCondition cond = element.getString(text, length);
    if (cond.bad()) return cond;
    AppendPersonNameValue(out_,
                          text == nullptr ? std::string_view() : std::string_view(text, length));
    return EC_Normal;
  }

  // PS3.18 F.2.3: AT as "GGGGEEEE" strings.
  OFCondition WriteAttributeTags(DcmElement& element) {
    Uint16* words = nullptr;
    element.getUint16Array(words);
    const unsigned long count = element.getLengthField() / 4;
    if (words == nullptr || count == 0) return EC_Normal;
    out_.append(",\"Value\":[");
    for (unsigned long i = 0; i < count; ++i) {
      if (i > 0) out_.push_back(',');
      const std::array<char, 8> key = TagKeyHex(words[2 * i], words[2 * i + 1]);
      AppendJsonString(out_, std::string_view(key.data(), key.size()));
    }
    out_.push_back(']');
    return EC_Normal;
  }

  // PS3.18 F.2.3: US, SS, UL, SL, SV, UV, FL, FD as numbers.
  template <typename T>
  OFCondition WriteBinaryNumbers(DcmElement& element, OFCondition (DcmElement::*get)(T*&)) {
    const Uint32 length = element.getLengthField();
    if (length == 0) return EC_Normal;
    T* values = nullptr;
    (element.*get)(values);
    const unsigned long count = values == nullptr ? 0 : length / sizeof(T);
    if constexpr (std::is_floating_point_v<T>) {
      // DCMTK checks every value but the first (dcvrfd.cc, dcvrfl.cc).
      for (unsigned long i = 1; i < count; ++i) {
        if (std::isinf(values[i]) || std::isnan(values[i])) return EC_CannotWriteJsonNumber;
      }
    }
    if (WroteBulkDataUri(element.getTag())) return EC_Normal;
    if (count == 0) return EC_IllegalParameter;
    out_.append(",\"Value\":[");
    for (unsigned long i = 0; i < count; ++i) {
      if (i > 0) out_.push_back(',');
      AppendNumber(values[i]);
    }
    out_.push_back(']');
    return EC_Normal;
  }

  template <typename T>
  void AppendNumber(T value) {
    char text[64];
    if constexpr (std::is_floating_point_v<T>) {
      // DCMTK's getOFString: 9 significant digits for FL, 17 for FD.
      OFStandard::ftoa(text, sizeof(text), value, 0, 0, std::is_same_v<T, Float32> ? 9 : 17);
      AppendDecimalNumber(out_, text);
    } else {
      const char* end = std::to_chars(text, text + sizeof(text), value).ptr;
      const std::string_view digits(text, end - text);
      if constexpr (sizeof(T) == 8) {
        if (value > T(kMaxSafeInteger) || (std::is_signed_v<T> && value < T(-kMaxSafeInteger))) {
          AppendJsonString(out_, digits);
          return;
        }
      }
      out_.append(digits);
    }
  }

  // PS3.18 F.2.7 InlineBinary (little endian, PS3.18 F.2.7) or F.2.6.
  OFCondition WriteBinary(DcmElement& element) {
    NoteBinaryLength(element);
    const Uint32 length = element.getLengthField();
    if (length == 0 || WroteBulkDataUri(element.getTag())) return EC_Normal;
    return WriteInlineBinary(element, length);
  }

  OFCondition WriteInlineBinary(DcmElement& element, Uint32 length) {
    scratch_.resize(length);
    const OFCondition cond =
        element.getPartialValue(scratch_.data(), 0, length, nullptr, EBO_LittleEndian);
    if (cond.bad()) return cond;
    out_.append(",\"InlineBinary\":\"");
    AppendBase64(out_, scratch_.data(), length);
    out_.push_back('"');
    return EC_Normal;
  }

  // DcmPixelData::writeJson: an empty native value has no Value; encapsulated
  // pixel data cannot be inline.
  OFCondition WritePixelData(DcmPixelData& pixels) {
    E_TransferSyntax current = EXS_Unknown;
    const DcmRepresentationParameter* parameter = nullptr;
    pixels.getCurrentRepresentationKey(current, parameter);
    const bool encapsulated = DcmXfer(current).isEncapsulated();
    const Uint32 length = pixels.getLengthField();
    if (!encapsulated && length == 0) return EC_Normal;
    if (WroteBulkDataUri(pixels.getTag())) return EC_Normal;
    if (encapsulated) return EC_CannotWriteJsonInlineBinary;
    return WriteInlineBinary(pixels, length);
  }

  // PS3.18 F.2.2: a sequence's Value is an array of objects.
  OFCondition WriteSequence(DcmSequenceOfItems& sequence) {
    DcmObject* item = sequence.nextInContainer(nullptr);
    if (item == nullptr) return EC_Normal;
    out_.append(",\"Value\":[");
    for (bool first = true; item != nullptr; item = sequence.nextInContainer(item), first = false) {
      if (!first) out_.push_back(',');
      out_.push_back('{');
      const OFCondition cond = WriteMembers(*static_cast<DcmItem*>(item));
      if (cond.bad()) return cond;
      out_.push_back('}');
    }
    out_.push_back(']');
    return EC_Normal;
  }

  std::string& out_;
  std::vector<DcmTagKey> bulk_tags_;
  std::vector<DcmTagKey> inline_tags_;  // tags asked about and written inline
  bool stale_ = false;
  std::vector<unsigned char> scratch_;
};

OFCondition WriteDataSet(DcmDataset& dataset, std::string& out, DicomJsonWriter& writer) {
  out.push_back('{');
  const OFCondition cond = writer.WriteMembers(dataset);
  out.push_back('}');
  return cond;
}

}  // namespace

Result<std::string> ToDicomJson(DcmDataset& dataset) {
  std::string out;
  out.reserve(8192);
  DicomJsonWriter writer(out, {});
  OFCondition cond = WriteDataSet(dataset, out, writer);
  if (cond.good() && writer.NeedsSecondPass()) {
    out.clear();
    DicomJsonWriter informed(out, writer.TakeBulkTags());
    cond = WriteDataSet(dataset, out, informed);
  }
  if (cond.bad()) return Status::InvalidArgument(std::string("DICOM JSON: ") + cond.text());
  return out;
}

}  // namespace pixeldex::metadata
