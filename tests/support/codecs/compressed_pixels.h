#pragma once
// Compressed Pixel Data for generated test and benchmark data: JPEG 2000
// codestreams made by OpenJPEG, and encapsulation of compressed frames into a
// dataset (PS3.5 A.4). Shared by the thumbnail tests and thumbnail_bench; no
// GoogleTest, so that benchmark code can link it. Throws std::runtime_error on
// failure. Any thread may call these functions.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdint>
#include <vector>

namespace pixeldex::thumbnail::testing {

// Encodes interleaved samples as a JPEG 2000 codestream with OpenJPEG.
// `mct`: apply the reversible/irreversible colour transform (3 components).
std::vector<uint8_t> EncodeJpeg2000(const std::vector<int32_t>& samples, int width, int height,
                                    int components, int precision, bool is_signed, bool lossless,
                                    bool mct);
// Replaces the Pixel Data of `dataset` by an encapsulated pixel sequence with
// one fragment per frame and an empty Basic Offset Table; with
// `max_fragment_kbytes` > 0, frames are split into fragments of at most that
// many KiB and the Basic Offset Table is filled in.
void PutEncapsulated(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                     const std::vector<std::vector<uint8_t>>& frames, int max_fragment_kbytes = 0);

}  // namespace pixeldex::thumbnail::testing
