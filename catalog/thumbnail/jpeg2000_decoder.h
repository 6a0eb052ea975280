#pragma once
// Decodes one JPEG 2000 frame (PS3.5 A.4.4, and HTJ2K codestreams, which
// OpenJPEG >= 2.5 decodes) with OpenJPEG, because the free DCMTK has no
// JPEG 2000 codec. All OpenJPEG errors are translated here. Thread-safe: each
// call uses its own codec and stream objects.

#include <cstdint>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/thumbnail/area_average.h"
#include "catalog/thumbnail/frame_layout.h"

namespace pixeldex::thumbnail {

// Decodes `codestream` (a raw J2K codestream, or a JP2 file as some writers
// wrap it) into samples in the layout the dataset declares (`declared`: Bits
// Allocated, signedness), interleaved (planar configuration 0). Components
// with chroma subsampling are upsampled. When the codestream used a
// multi-component transform (photometric YBR_RCT / YBR_ICT), OpenJPEG has
// inverted it, so the frame is reported as "RGB". Fails with kCorruption
// carrying OpenJPEG's message when the codestream cannot be decoded, or when
// its size or component count contradicts the dataset.
//
// Only as much resolution as `at_least` needs is decoded: JPEG 2000 codes an
// image as a pyramid of resolution levels (ISO/IEC 15444-1 Annex B), and each
// level left out halves both sides and skips that level's code-blocks. The
// frame comes back at the smallest level still covering `at_least` (a
// 512x512 CT for a 256-pixel thumbnail: 256x256, about a quarter of the
// decoding work), with its layout's rows and columns set to that size.
// `at_least` of {0, 0} or as large as the frame decodes it whole.
Result<RawFrame> DecodeJpeg2000Frame(const std::vector<uint8_t>& codestream,
                                     const FrameLayout& declared, Size at_least = {});

}  // namespace pixeldex::thumbnail
