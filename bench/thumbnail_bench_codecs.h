#pragma once
// Compressed copies of a native dataset for thumbnail_bench, made the way a
// modality would send them: JPEG, JPEG-LS and RLE by DCMTK's encoders, JPEG
// 2000 by OpenJPEG (PS3.5 A.4). Each copy is written as a Part-10 file in the
// temp dir and read back, so that it holds only the compressed representation,
// exactly like a received file; DCMTK may read fragments from that file while
// decoding, so it lives as long as the CompressedFile. Exits the process on
// failure (benchmark code).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <memory>
#include <string>

namespace pixeldex::bench {

// `dataset` (native, single frame) encoded in `syntax`: one of
// EXS_JPEGProcess1 (8-bit only), EXS_JPEGProcess14SV1, EXS_JPEGLSLossless,
// EXS_RLELossless or EXS_JPEG2000LosslessOnly (monochrome only).
struct CompressedFile {
  std::unique_ptr<DcmFileFormat> file;
  std::string path;
  ~CompressedFile();
};
std::unique_ptr<CompressedFile> Compressed(DcmDataset& dataset, E_TransferSyntax syntax);

}  // namespace pixeldex::bench
