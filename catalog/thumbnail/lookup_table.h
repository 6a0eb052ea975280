#pragma once
// LookupTable: a DICOM LUT given by a descriptor (number of entries, first
// input value mapped, bits per entry) and its data. Used for the Modality LUT
// (PS3.3 C.11.1), the VOI LUT (C.11.2) and Palette Color LUTs (C.7.6.3.1.5/6).
// Immutable after reading; safe to share between threads.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <cstdint>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::thumbnail {

struct LookupTable {
  int64_t first_mapped = 0;  // input value that maps to entries[0]
  int bits_per_entry = 16;
  std::vector<uint16_t> entries;  // never empty once read

  // The entry for `input`; inputs outside the table map to the first or last
  // entry (PS3.3 C.11.1.1 / C.11.2.1.1).
  uint16_t Lookup(int64_t input) const {
    int64_t i = input - first_mapped;
    if (i < 0) i = 0;
    if (i >= static_cast<int64_t>(entries.size())) i = static_cast<int64_t>(entries.size()) - 1;
    return entries[static_cast<size_t>(i)];
  }
  // Largest value an entry can hold: 2^bits_per_entry - 1.
  int MaxEntry() const { return (1 << bits_per_entry) - 1; }
};

// Reads a LUT from `item`: a 3-valued descriptor (US or SS) at `descriptor_tag`
// and data at `data_tag`. `input_signed`: the first mapped value is signed
// (Pixel Representation 1). kNotFound when the descriptor is absent;
// kInvalidArgument when descriptor and data disagree.
Result<LookupTable> ReadLookupTable(DcmItem& item, const DcmTagKey& descriptor_tag,
                                    const DcmTagKey& data_tag, bool input_signed);

// Reads the LUT in the first item of `sequence_tag` (Modality LUT Sequence or
// VOI LUT Sequence: descriptor (0028,3002), data (0028,3006)). kNotFound when
// the sequence is absent or empty.
Result<LookupTable> ReadLookupTableFromSequence(DcmItem& dataset, const DcmTagKey& sequence_tag,
                                                bool input_signed);

}  // namespace pixeldex::thumbnail
