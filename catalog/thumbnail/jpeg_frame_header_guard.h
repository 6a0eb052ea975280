#pragma once
// A guard for a DCMTK 3.6.7 memory and time sink. The IJG decoder inside
// DCMTK allocates what a JPEG stream's frame header (ITU-T T.81 B.2.2)
// declares -- for a progressive or multi-scan stream a coefficient buffer for
// the whole image, zeroed -- and only afterwards does DCMTK compare the image
// with the frame buffer the data set declares. A 2 KB progressive stream in a
// 64x64 data set whose header claims 20000x20000 took 790 MB (and 105-220 s
// elapsed on a loaded machine) to be refused; at 65500x65500 it asks for
// 8.6 GB. JpegFrameHeaderProblem reads the frame header where DCMTK finds it
// (jpeg_marker_guard.h) and checks it against the data set's frame before
// DCMTK decodes. Pure function.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "catalog/thumbnail/frame_layout.h"

namespace pixeldex::thumbnail {

// Why the JPEG stream `data` of one frame of a data set laid out as
// `declared` must not be handed to DCMTK: its frame header is truncated, or
// declares a sample precision outside 2..16 bits, no lines or columns, or
// more samples (lines x columns x components, at the precision's bytes) than
// the data set's frame holds (DCMTK refuses those after decoding). nullopt
// when the header fits, or when DCMTK would not reach one (it refuses the
// stream itself).
std::optional<std::string> JpegFrameHeaderProblem(const uint8_t* data, size_t size,
                                                  const FrameLayout& declared);

// The sample precision P (T.81 B.2.2) of the frame header DCMTK decodes in
// the JPEG stream `data`; nullopt when it would reach none or the header
// is truncated.
std::optional<unsigned> JpegSamplePrecision(const uint8_t* data, size_t size);

}  // namespace pixeldex::thumbnail
