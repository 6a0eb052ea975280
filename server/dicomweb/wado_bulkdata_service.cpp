#include "server/dicomweb/wado_bulkdata_service.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include "catalog/common/hex_digit.h"
#include "server/dicomweb/multipart_body.h"
#include "server/dicomweb/retrieve_syntax.h"
#include "server/dicomweb/stored_instance.h"
#include "server/dicomweb/wado_frames_service.h"

namespace pixeldex::server {
namespace {

constexpr char kOctets[] = "application/octet-stream";

Result<DcmTagKey> ParseTag(const std::string& segment) {
  uint32_t value = 0;
  bool valid = segment.size() == 8;
  for (size_t i = 0; valid && i < 8; ++i) {
    const int digit = HexDigitValue(segment[i]);
    valid = digit >= 0;
    value = value << 4 | static_cast<uint32_t>(digit);
  }
  if (!valid) return Status::InvalidArgument("bulk data tag '" + segment + "' is not GGGGEEEE");
  return DcmTagKey(static_cast<Uint16>(value >> 16), static_cast<Uint16>(value & 0xffff));
}

HttpResponse Bulkdata(const DicomwebContext& context, const HttpRequest& request,
                      const PathParams& params) {
  auto tag = ParseTag(params.at("tag"));
  if (!tag.ok()) return HttpResponse::Text(400, tag.status().message());
  InstanceOfPath opened = OpenInstanceOfPath(context, params, "reading bulk data");
  if (!opened.instance) return opened.refusal;
  std::optional<StoredInstance>& instance = opened.instance;
  const std::string accept = request.Header("accept");
  if (*tag == DCM_PixelData &&
      !CompressedFrameMediaType(instance->stored.transfer_syntax_uid).empty()) {
    return FramesResponse(*instance, accept, {});
  }
  if (!ChooseTransferSyntax(MultipartPartChoices(accept, kOctets), kOctets, kExplicitVrLittleEndian)
           .ok()) {
    return HttpResponse::Text(406, "bulk data is served as application/octet-stream");
  }
  DcmElement* element = nullptr;
  DcmDataset& dataset = instance->dataset();
  if (dataset.findAndGetElement(*tag, element, OFFalse).bad() &&
      dataset.findAndGetElement(*tag, element, OFTrue).bad()) {
    return HttpResponse::Text(404, "the instance has no attribute " + params.at("tag"));
  }
  const Uint32 length = element->getLength();
  std::string bytes(length, '\0');
  if (length > 0) {
    const OFCondition cond = element->getPartialValue(bytes.data(), 0, length);
    if (cond.bad()) {
      return InstanceFailure(Status::Corruption(cond.text()), "reading bulk data");
    }
  }
  MultipartBody body;
  body.AddBytes(std::string(kOctets) + "; transfer-syntax=" + kExplicitVrLittleEndian,
                std::move(bytes));
  return body.Respond(kOctets);
}

}  // namespace

void AddWadoBulkdataRoutes(Router& router, std::shared_ptr<const DicomwebContext> context) {
  router.Add("GET",
             "/dicom-web/studies/{study}/series/{series}/instances/{instance}/bulkdata/{tag}",
             RouteAccess::kRead, [context](const HttpRequest& request, const PathParams& params) {
               return Bulkdata(*context, request, params);
             });
}

}  // namespace pixeldex::server
