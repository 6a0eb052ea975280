#pragma once
// A guard for a DCMTK 3.6.7 memory and time sink. The IJG decoder inside
// DCMTK allocates what a JPEG stream's frame header (ITU-T T.81 B.2.2)
// declares -- for a progressive or multi-scan stream a coefficient buffer for
// the whole image, zeroed -- and only afterwards does DCMTK compare the image
// with the frame buffer the data set declares. A 2 KB progressive stream in a
// 64x64 data set whose header claims 20000x20000 took 790 MB (and 105-220 s
// elapsed on a loaded machine) to be refused; at 65500x65500 it asks for
// 8.6 GB. CheckJpegFrameHeader reads the frame header where DCMTK finds it
// (jpeg_marker_guard.h) and checks it against the data set's frame before
// DCMTK decodes. Pure function.

#include <cstddef>
#include <cstdint>

#include "catalog/common/result.h"
#include "catalog/thumbnail/frame_layout.h"

namespace pixeldex::thumbnail {

// The frame header DCMTK decodes in the JPEG stream `data` of one frame of
// a data set laid out as `declared`: its sample precision P, or 0 when
// DCMTK would reach no frame header (it refuses the stream itself).
// kCorruption saying why the stream must not be handed to DCMTK: its frame
// header is truncated, or declares a sample precision outside 2..16 bits,
// no lines or columns, or more samples (lines x columns x components, at
// the precision's bytes) than the data set's frame holds (DCMTK refuses
// those after decoding).
Result<unsigned> CheckJpegFrameHeader(const uint8_t* data, size_t size,
                                      const FrameLayout& declared);

}  // namespace pixeldex::thumbnail
