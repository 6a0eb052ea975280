#pragma once
// A guard for a DCMTK 3.6.7 hang. Before decoding a JPEG frame, DCMTK walks
// the stream's markers to find its bit depth
// (DJCodecDecoder::scanJpegDataForBitDepth) and never advances past a TEM
// marker (FF 01): a 431-byte stream found by fuzzing spins the thread that
// renders its thumbnail forever. DcmtkJpegScanTerminates walks the markers
// exactly as DCMTK does and says whether that walk ends;
// DcmtkJpegFrameHeaderAt says where it ends, at the frame header that DCMTK
// (and the IJG decoder after it) go by. Pure functions.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace pixeldex::thumbnail {

// False when DCMTK's bit-depth scan of `data` would never return.
bool DcmtkJpegScanTerminates(const uint8_t* data, size_t size);

// The offset of the SOFn marker (ITU-T T.81 B.2.2) where DCMTK's scan of
// `data` stops; nullopt when it never reaches one (DCMTK then refuses the
// stream, or hangs: see above).
std::optional<size_t> DcmtkJpegFrameHeaderAt(const uint8_t* data, size_t size);

}  // namespace pixeldex::thumbnail
