#pragma once
// Finds the compressed bitstream of one frame inside encapsulated Pixel Data
// (PS3.5 A.4): a Basic Offset Table item followed by fragments. Only the
// fragments of the requested frame are loaded from the file.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcpixseq.h>

#include <cstdint>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::thumbnail {

// Returns the concatenated fragments of frame `frame_index` (0-based) of a
// pixel sequence holding `number_of_frames` frames. Frames are found, in
// order of preference: one frame = all fragments; one fragment per frame; the
// Basic Offset Table; else fragments that begin with a JPEG 2000 SOC marker
// start a new frame. Fails with kCorruption when the frame cannot be found.
Result<std::vector<uint8_t>> ExtractEncapsulatedFrame(DcmPixelSequence& sequence,
                                                      int number_of_frames, int frame_index);

// True when the first fragment starts with the JPEG 2000 SOC marker (FF 4F);
// loads only that fragment.
bool FirstFragmentIsJpeg2000(DcmPixelSequence& sequence);

}  // namespace pixeldex::thumbnail
