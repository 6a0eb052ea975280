#include "catalog/metadata/metadata_extractor.h"

#include <dcmtk/dcmdata/dcbytstr.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "catalog/common/attribute_table.h"
#include "catalog/metadata/dataset_text.h"
#include "catalog/metadata/dicom_json.h"
#include "catalog/metadata/dicom_string_values.h"
#include "catalog/metadata/unknown_vr.h"

namespace pixeldex::metadata {
namespace {

// The data set's own elements (not those of its sequences) by tag, found in
// one walk: DcmItem::findAndGet* walks the element list from its start for
// every tag, once per typed attribute.
class TopLevelElements {
 public:
  explicit TopLevelElements(DcmItem& item) {
    for (DcmObject* obj = item.nextInContainer(nullptr); obj != nullptr;
         obj = item.nextInContainer(obj)) {
      elements_.push_back(static_cast<DcmElement*>(obj));
    }
    std::stable_sort(elements_.begin(), elements_.end(), [](DcmElement* a, DcmElement* b) {
      return a->getTag() < b->getTag();
    });
  }
  // The element of `tag`, as DcmItem::findAndGetElement finds it; null
  // when absent.
  DcmElement* Find(const DcmTagKey& tag) const {
    auto it = std::lower_bound(
        elements_.begin(), elements_.end(), tag,
        [](DcmElement* e, const DcmTagKey& key) { return e->getTag() < key; });
    return it != elements_.end() && (*it)->getTag() == tag ? *it : nullptr;
  }

 private:
  std::vector<DcmElement*> elements_;
};

// What DcmItem::findAndGetOFStringArray gives: the whole (possibly
// multi-valued) value, padding removed as its VR allows. String values are
// read in place (DCMTK's getOFStringArray converts the value to its padded
// form and back on every call, scanning a UID for spaces each time).
std::string GetString(DcmElement* element) {
  if (element == nullptr) return {};
  if (const StringValueRule* rule = StringValueRuleOf(element->ident())) {
    char* text = nullptr;
    Uint32 length = 0;
    if (static_cast<DcmByteString*>(element)->getString(text, length).bad() || text == nullptr) {
      return {};
    }
    return JoinedValues(std::string_view(text, length), *rule);
  }
  OFString value;
  if (element->getOFStringArray(value).bad()) return {};
  return std::string(value.c_str(), value.length());
}
std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  DcmElement* element = nullptr;
  return item.findAndGetElement(tag, element).good() ? GetString(element) : std::string();
}

// IS values are text; a malformed one yields no value rather than an error.
std::optional<int64_t> GetInteger(DcmElement* element) {
  std::string text = GetString(element);
  const size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return std::nullopt;
  const char* first = text.data() + begin;
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first) return std::nullopt;
  return value;
}

// US values (Rows, Columns) are binary.
std::optional<int64_t> GetUnsigned16(DcmElement* element) {
  Uint16 value = 0;
  if (element == nullptr || element->getUint16(value).bad()) return std::nullopt;
  return value;
}

}  // namespace

Result<ExtractedMetadata> ExtractMetadata(DcmFileFormat& file) {
  DcmDataset& ds = *file.getDataset();
  ExtractedMetadata out;
  for (const DcmTagKey& tag : ReadUnknownVrWithDictionaryVr(ds, ds.getOriginalXfer())) {
    if (tag == DCM_SOPClassUID || tag == DCM_SOPInstanceUID) out.identity_encoded_as_un = true;
  }
  const TextDecodingReport text = DecodeTextToUtf8(ds);
  out.instance.specific_character_set = text.declared_character_set;
  out.warning = text.Describe();

  // The typed attributes of the four levels (attribute_table.h).
  const TopLevelElements elements(ds);
  for (const TypedAttribute& attribute : TypedAttributes()) {
    DcmElement* element = elements.Find(DcmTagKey(attribute.group, attribute.element));
    VisitField(attribute, out, [&](auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
        value = GetString(element);
      } else if (std::string_view(attribute.vr) == "US") {
        value = GetUnsigned16(element);
      } else {
        value = GetInteger(element);
      }
    });
  }

  // Not in the table: the transfer syntax is the file's, from its meta information.
  InstanceKeys& in = out.instance;
  in.transfer_syntax_uid = GetString(*file.getMetaInfo(), DCM_TransferSyntaxUID);
  if (in.transfer_syntax_uid.empty()) {
    in.transfer_syntax_uid = DcmXfer(ds.getOriginalXfer()).getXferID();
  }

  auto json = ToDicomJson(ds);
  if (!json.ok()) return json.status();
  out.header_json = std::move(json).value();
  return out;
}

}  // namespace pixeldex::metadata
