// Fuzz target over the dataset-to-index path: the bytes of a received data
// set go through what the ingest pipeline does with them -- written behind a
// Part-10 meta header as the receiver writes it, the nesting guard, DCMTK's
// parser (large values left on disk), metadata extraction (typed keys + DICOM
// JSON), thumbnail rendering, the transfer syntax conversion a C-GET or
// C-MOVE makes when the peer did not accept the stored syntax (decoding every
// frame with DCMTK's codecs) -- and through C-FIND identifier parsing up to
// the SQL plan. Input: one byte choosing the transfer syntax (below), then
// the data set. Crashes, sanitizer reports, hangs and huge allocations are
// findings; errors returned are fine.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "catalog/metadata/metadata_extractor.h"
#include "catalog/metadata/sequence_depth.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sql_plan.h"
#include "catalog/query/sqlite_dialect.h"
#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/thumbnail_renderer.h"
#include "server/find/find_identifier.h"
#include "server/retrieve/outgoing_syntax.h"

namespace {

// The uncompressed syntaxes and each codec family the thumbnailer decodes.
constexpr E_TransferSyntax kSyntaxes[] = {
    EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_JPEGProcess1,
    EXS_JPEGProcess14SV1,     EXS_JPEGLSLossless,       EXS_RLELossless,
    EXS_JPEG2000LosslessOnly, EXS_JPEG2000,             EXS_BigEndianExplicit,
    EXS_DeflatedLittleEndianExplicit,
};
// Chosen by a first byte of 0x80 or more (below it, kSyntaxes as before, so
// that earlier findings keep their meaning): the other codec variants DCMTK
// decodes with other code (IJG's 12- and 16-bit libraries, JPEG-LS NEAR).
constexpr E_TransferSyntax kCodecVariants[] = {
    EXS_JPEGProcess2_4, EXS_JPEGProcess14, EXS_JPEGLSLossy,
};

E_TransferSyntax SyntaxFor(uint8_t selector) {
  if (selector < 0x80) return kSyntaxes[selector % std::size(kSyntaxes)];
  return kCodecVariants[(selector - 0x80) % std::size(kCodecVariants)];
}

// As the ingest pipeline loads received files: values above this stay on disk.
constexpr Uint32 kLazyLoadThreshold = 4096;

std::string Le16(uint16_t v) { return {char(v & 0xff), char(v >> 8)}; }

// PS3.10 7.1: preamble, "DICM", and a File Meta Information group naming
// the transfer syntax, as DCMTK's receiver writes in front of a data set.
std::string MetaHeader(E_TransferSyntax xfer) {
  std::string uid = DcmXfer(xfer).getXferID();
  if (uid.size() % 2 != 0) uid.push_back('\0');
  const std::string version = Le16(0x0002) + Le16(0x0001) + "OB" + std::string(2, '\0') +
                              std::string("\x02\x00\x00\x00\x00\x01", 6);
  const std::string syntax = Le16(0x0002) + Le16(0x0010) + "UI" + Le16(uid.size()) + uid;
  const uint32_t group_length = version.size() + syntax.size();
  const std::string length = Le16(0x0002) + Le16(0x0000) + "UL" + Le16(4) +
                             Le16(group_length & 0xffff) + Le16(group_length >> 16);
  return std::string(128, '\0') + "DICM" + length + version + syntax;
}

// One scratch file per fuzzing process.
const std::string& ScratchPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/pixeldex-fuzz-" +
           std::to_string(::getpid()) + ".dcm";
  }();
  return path;
}

void Exercise(DcmFileFormat& file, E_TransferSyntax xfer) {
  using namespace pixeldex;
  (void)metadata::ExtractMetadata(file);
  thumbnail::ThumbnailOptions options;
  options.max_size = 32;
  (void)thumbnail::RenderThumbnail(*file.getDataset(), xfer, options);
  // Last: the conversion decompresses the data set in place.
  if (thumbnail::ClassifyTransferSyntax(xfer) == thumbnail::SyntaxKind::kDcmtkCodec) {
    (void)server::ConvertForSending(*file.getDataset(), EXS_LittleEndianExplicit);
  }
  auto keys = server::IdentifierToKeys(*file.getDataset());
  if (!keys.ok()) return;
  for (auto model : {query::InformationModel::kPatientRoot, query::InformationModel::kStudyRoot}) {
    auto request = query::MakeFindRequest(model, *keys, true);
    if (request.ok()) (void)query::BuildSqlPlan(*request, query::FindOptions{}, query::SqliteDialect::Instance());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);  // DCMTK's complaints are expected
  pixeldex::thumbnail::EnsureDcmtkDecodersRegistered();
  // The path is built before the handler is registered, so that it is
  // destroyed after the handler ran (exit handlers run in reverse order; the
  // other way round the handler read a freed string, as valgrind reported).
  (void)ScratchPath();
  std::atexit([] { std::remove(ScratchPath().c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const E_TransferSyntax xfer = SyntaxFor(data[0]);
  const std::string& path = ScratchPath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << MetaHeader(xfer);
    out.write(reinterpret_cast<const char*>(data) + 1, static_cast<std::streamsize>(size - 1));
  }
  if (!pixeldex::metadata::CheckStoredDataSet(path).ok()) {
    return 0;  // refused before parsing, as the ingest pipeline does
  }
  DcmFileFormat file;
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kLazyLoadThreshold, ERM_autoDetect).good()) {
    Exercise(file, file.getDataset()->getOriginalXfer());
  }
  return 0;
}
