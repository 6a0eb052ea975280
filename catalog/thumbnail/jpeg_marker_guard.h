#pragma once
// A guard for a DCMTK 3.6.7 hang. Before decoding a JPEG frame, DCMTK walks
// the stream's markers to find its bit depth
// (DJCodecDecoder::scanJpegDataForBitDepth) and never advances past a TEM
// marker (FF 01): a 431-byte stream found by fuzzing spins the thread that
// renders its thumbnail forever. DcmtkJpegScanTerminates walks the markers
// exactly as DCMTK does and says whether that walk ends. Pure function.

#include <cstddef>
#include <cstdint>

namespace pixeldex::thumbnail {

// False when DCMTK's bit-depth scan of `data` would never return.
bool DcmtkJpegScanTerminates(const uint8_t* data, size_t size);

}  // namespace pixeldex::thumbnail
