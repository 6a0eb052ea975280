#pragma once
// Sequence nesting guard. DCMTK's parser recurses once per nested sequence
// and item, so a data set of a few megabytes that nests sequences 100 000 deep
// overflows any thread's stack. CheckSequenceDepth walks the element headers
// of a file without recursion and without reading values (they are skipped),
// before DCMTK is let near it.
//
// It only ever refuses what it positively sees nest too deep, and, in a
// Deflated data set (which DCMTK must inflate into memory whole, allocating
// each declared length up front), a value longer than what the stream holds
// or more than 256 MiB inflated: a deflate bomb. Framing it cannot follow
// otherwise (garbage, truncation) is left for DCMTK to report as it always did.

#include <string>

#include "catalog/common/status.h"

namespace pixeldex::metadata {

// Deeper than any real data set nests (SR content trees reach a few dozen),
// far shallower than what overflows a thread's stack.
constexpr int kMaxSequenceDepth = 128;

// Corruption when the Part-10 file (or bare data set) at `path` nests
// sequences more than `max_depth` deep or is a deflate bomb; ok otherwise.
Status CheckSequenceDepth(const std::string& path, int max_depth = kMaxSequenceDepth);

// The same for data set bytes in memory, in Explicit (or, when `implicit_vr`,
// Implicit) VR Little Endian: for fuzzing and tests.
Status CheckSequenceDepthOfBytes(const std::string& dataset, bool implicit_vr,
                                 int max_depth = kMaxSequenceDepth);

}  // namespace pixeldex::metadata
