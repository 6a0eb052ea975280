#include "server/dicomweb/stored_instance.h"

#include "catalog/common/log.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/frame_reader.h"
#include "server/dicomweb/stored_file_path.h"
#include "server/dicomweb/uid_segment.h"
#include "server/lazy_file_load.h"

namespace pixeldex::server {

Result<std::unique_ptr<DcmFileFormat>> LoadStoredFile(const std::filesystem::path& path) {
  PIXELDEX_RETURN_IF_ERROR(metadata::CheckStoredDataSet(path.string()));
  auto file = std::make_unique<DcmFileFormat>();
  const OFCondition cond = LoadLeavingLargeValuesOnDisk(path, *file);
  if (cond.bad()) return Status::Corruption("cannot read " + path.string() + ": " + cond.text());
  return file;
}

Result<StoredInstance> OpenStoredInstance(const DicomwebContext& context,
                                          const index::InstanceScope& scope) {
  auto reader = context.open_index_reader();
  if (!reader.ok()) return Status::IoError("cannot open the index: " + reader.status().message());
  auto files = query::ListStoredFiles(**reader, scope);
  if (!files.ok()) return files.status();
  if (files->empty()) return Status::NotFound("no such instance");
  StoredInstance instance{std::move(files->front()), nullptr};
  auto path = StoredFilePath(context.storage_root, instance.stored);
  if (!path.ok())
    return path.status().code() == Status::Code::kNotFound
               ? Status::Corruption(path.status().message())
               : path.status();
  auto file = LoadStoredFile(*path);
  if (!file.ok()) return file.status();
  instance.file = std::move(file).value();
  return instance;
}

InstanceOfPath OpenInstanceOfPath(const DicomwebContext& context, const PathParams& params,
                                  const std::string& what) {
  auto scope = ScopeOfPath(params);
  if (!scope.ok()) return {std::nullopt, HttpResponse::Text(400, scope.status().message())};
  auto instance = OpenStoredInstance(context, *scope);
  if (!instance.ok()) return {std::nullopt, InstanceFailure(instance.status(), what)};
  return {std::move(instance).value(), {}};
}

Result<std::string> ReadServedFrame(DcmDataset& dataset, const thumbnail::FrameLayout& layout,
                                    const std::string& stored_syntax, bool compressed, int number) {
  if (compressed) {
    auto stream = thumbnail::ReadEncapsulatedFrame(dataset, layout, number - 1);
    if (!stream.ok()) return stream.status();
    return std::string(stream->begin(), stream->end());
  }
  if (layout.bits_allocated % 8 != 0) {
    return Status::Unsupported("frames of bit-packed pixel data (1 bit allocated) are not served");
  }
  const thumbnail::SyntaxKind kind =
      thumbnail::ClassifyTransferSyntax(DcmXfer(stored_syntax.c_str()).getXfer());
  thumbnail::EnsureDcmtkDecodersRegistered();
  // The whole frame, even where a smaller resolution would be cheaper.
  auto frame =
      thumbnail::ReadFrame(dataset, kind, layout, number - 1, {layout.columns, layout.rows});
  if (!frame.ok()) return frame.status();
  const std::span<const uint8_t> samples = frame->Samples();
  return std::string(samples.begin(), samples.end());
}

HttpResponse InstanceFailure(const Status& status, const std::string& what) {
  switch (status.code()) {
    case Status::Code::kNotFound:
      return HttpResponse::Text(404, status.message());
    case Status::Code::kInvalidArgument:
      return HttpResponse::Text(400, status.message());
    case Status::Code::kUnsupported:
      return HttpResponse::Text(406, status.message());
    case Status::Code::kIoError:
    case Status::Code::kAborted:
      LogError("wado: {}: {}", what, status.ToString());
      return HttpResponse::Text(503, "the index cannot be read");
    default:
      LogError("wado: {}: {}", what, status.ToString());
      return HttpResponse::Text(500, what + " failed");
  }
}

}  // namespace pixeldex::server
