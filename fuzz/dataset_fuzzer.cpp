// Fuzz target over the dataset-to-index path: the bytes of a received data
// set go through the nesting guard, DCMTK's parser, metadata extraction
// (typed keys + DICOM JSON), thumbnail rendering, and C-FIND identifier
// parsing up to the SQL plan, as the server would take them. Input: one byte
// choosing the transfer syntax (below), then the data set. Crashes, sanitizer
// reports and hangs are findings; errors returned are fine.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/metadata/metadata_extractor.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sql_plan.h"
#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/thumbnail_renderer.h"
#include "server/find/find_identifier.h"

namespace {

// Little endian syntaxes only (the nesting guard's in-memory form): the
// uncompressed ones and each codec family the thumbnailer decodes.
constexpr E_TransferSyntax kSyntaxes[] = {
    EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_JPEGProcess1,
    EXS_JPEGProcess14SV1,     EXS_JPEGLSLossless,       EXS_RLELossless,
    EXS_JPEG2000LosslessOnly, EXS_JPEG2000,
};

void Exercise(DcmFileFormat& file, E_TransferSyntax xfer) {
  using namespace pixeldex;
  (void)metadata::ExtractMetadata(file);
  thumbnail::ThumbnailOptions options;
  options.max_size = 32;
  (void)thumbnail::RenderThumbnail(*file.getDataset(), xfer, options);
  auto keys = server::IdentifierToKeys(*file.getDataset());
  if (!keys.ok()) return;
  for (auto model : {query::InformationModel::kPatientRoot, query::InformationModel::kStudyRoot}) {
    auto request = query::MakeFindRequest(model, *keys, true);
    if (request.ok()) (void)query::BuildSqlPlan(*request, query::FindOptions{});
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // DCMTK's complaints are expected
  pixeldex::thumbnail::EnsureDcmtkDecodersRegistered();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const E_TransferSyntax xfer = kSyntaxes[data[0] % (sizeof(kSyntaxes) / sizeof(kSyntaxes[0]))];
  const std::string dataset(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (!pixeldex::metadata::CheckSequenceDepthOfBytes(dataset, xfer == EXS_LittleEndianImplicit).ok()) {
    return 0;  // refused before parsing, as the ingest pipeline does
  }
  DcmInputBufferStream in;
  in.setBuffer(dataset.data(), static_cast<offile_off_t>(dataset.size()));
  in.setEos();
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  ds->transferInit();
  const OFCondition cond = ds->read(in, xfer, EGL_noChange);
  ds->transferEnd();
  if (cond.bad()) return 0;
  Exercise(file, xfer);
  return 0;
}
