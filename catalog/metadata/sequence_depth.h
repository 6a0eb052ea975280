#pragma once
// Data set framing guards, run on a stored file before DCMTK parses it. They
// walk the element headers without recursion and without reading values
// (they are skipped), in linear time.
//
// Nesting: DCMTK's parser recurses once per nested sequence and item, so a
// data set of a few megabytes that nests sequences 100 000 deep overflows any
// thread's stack. CheckSequenceDepth refuses what it positively sees nest too
// deep.
//
// Structure: DCMTK spends CPU per element far beyond the element's bytes (a
// run of zero bytes parses as a stream of (0000,0000) elements at about
// 0.3 s per MB, again at every later parse). CheckStoredDataSet also refuses
// a data set with a group 0000 or 0002 element, a tag repeated or out of
// ascending order at any level, or more than kMaxDataSetElements elements,
// which no real instance has.
//
// Both refuse, in a Deflated data set (which DCMTK must inflate into memory
// whole, allocating each declared length up front), a value longer than what
// the stream holds or more than 256 MiB inflated: a deflate bomb. The
// structure of a Deflated data set is checked on the inflated stream.
// Framing they cannot follow otherwise (garbage, truncation) is left for
// DCMTK to report as it always did.

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/common/status.h"

namespace pixeldex::metadata {

// Deeper than any real data set nests (SR content trees reach a few dozen),
// far shallower than what overflows a thread's stack.
constexpr int kMaxSequenceDepth = 128;

// Corruption when the Part-10 file (or bare data set) at `path` nests
// sequences more than `max_depth` deep or is a deflate bomb; ok otherwise.
Status CheckSequenceDepth(const std::string& path, int max_depth = kMaxSequenceDepth);

// Elements (items and delimiters included) in a stored data set. Real
// instances stay below: a large RT Structure Set has a few hundred thousand,
// an enhanced multi-frame object about 100 per frame (20,000 frames: 2
// million). A backstop only: DCMTK reads and writes 2^20 empty, ascending
// elements in about 2 s of CPU (dcmconv, measured), where 20 MB of
// (0000,0000) elements, refused by the group rule, cost it 40 s.
constexpr uint64_t kMaxDataSetElements = uint64_t{1} << 22;

// Corruption when the file at `path` fails CheckSequenceDepth or the
// structure rules above, with a reason fit for a DIMSE Error Comment.
Status CheckStoredDataSet(const std::string& path);
// The same for a whole file's bytes in memory (the ingest pipeline reads a
// small file once, then checks and parses those bytes).
Status CheckStoredDataSetOfFile(std::string_view file_bytes);

// The same for data set bytes in memory, in Explicit (or, when `implicit_vr`,
// Implicit) VR Little Endian: for fuzzing and tests.
Status CheckSequenceDepthOfBytes(const std::string& dataset, bool implicit_vr,
                                 int max_depth = kMaxSequenceDepth);
Status CheckStoredDataSetOfBytes(const std::string& dataset, bool implicit_vr);

}  // namespace pixeldex::metadata
