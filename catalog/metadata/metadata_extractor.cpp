#include "catalog/metadata/metadata_extractor.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <charconv>
#include <optional>
#include <string_view>
#include <type_traits>

#include "catalog/common/attribute_table.h"
#include "catalog/metadata/dataset_text.h"
#include "catalog/metadata/dicom_json.h"
#include "catalog/metadata/unknown_vr.h"

namespace pixeldex::metadata {
namespace {

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  // The whole (possibly multi-valued) value, without trailing padding.
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  return std::string(value.c_str(), value.length());
}

// IS values are text; a malformed one yields no value rather than an error.
std::optional<int64_t> GetInteger(DcmItem& item, const DcmTagKey& tag) {
  std::string text = GetString(item, tag);
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
std::optional<int64_t> GetUnsigned16(DcmItem& item, const DcmTagKey& tag) {
  Uint16 value = 0;
  if (item.findAndGetUint16(tag, value).bad()) return std::nullopt;
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
  for (const TypedAttribute& attribute : TypedAttributes()) {
    const DcmTagKey tag(attribute.group, attribute.element);
    VisitField(attribute, out, [&](auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
        value = GetString(ds, tag);
      } else if (std::string_view(attribute.vr) == "US") {
        value = GetUnsigned16(ds, tag);
      } else {
        value = GetInteger(ds, tag);
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
