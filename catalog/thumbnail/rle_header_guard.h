#pragma once
// A guard for a DCMTK 3.6.7 crash. DCMTK's RLE decoder takes each segment's
// length from the RLE header's offsets (PS3.5 G.5) without checking them
// against the fragment: an offset past the end makes it read far beyond the
// frame's bytes (a 915-byte data set found by fuzzing, header offsets 64 and
// 196704 in a 368-byte fragment, crashed the thumbnail renderer with SEGV).
// RleHeaderProblem checks the header as PS3.5 G.5 defines it before DCMTK
// decodes the frame. Pure function.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pixeldex::thumbnail {

// Why the RLE-encoded frame `data` (the header and its segments, PS3.5 G.5)
// cannot be decoded safely: fewer than 64 bytes, a segment count outside
// 1..15 (G.5), a first segment not at offset 64, or offsets that do not
// increase or reach past the end. nullopt when the header is sound.
std::optional<std::string> RleHeaderProblem(const uint8_t* data, size_t size);

}  // namespace pixeldex::thumbnail
