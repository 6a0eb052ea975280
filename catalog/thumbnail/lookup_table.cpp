#include "catalog/thumbnail/lookup_table.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>

#include <fmt/format.h>

namespace pixeldex::thumbnail {
namespace {

// Descriptor values may be encoded as US or SS (PS3.3 C.11.1.1); read either.
bool GetDescriptorValue(DcmElement& element, unsigned long position, int64_t* value,
                        bool as_signed) {
  Uint16 u = 0;
  if (element.getUint16(u, position).good()) {
    *value = as_signed ? static_cast<int16_t>(u) : u;
    return true;
  }
  Sint16 s = 0;
  if (element.getSint16(s, position).good()) {
    *value = as_signed ? s : static_cast<uint16_t>(s);
    return true;
  }
  return false;
}

}  // namespace

Result<LookupTable> ReadLookupTable(DcmItem& item, const DcmTagKey& descriptor_tag,
                                    const DcmTagKey& data_tag, bool input_signed) {
  DcmElement* descriptor = nullptr;
  if (item.findAndGetElement(descriptor_tag, descriptor).bad() || descriptor == nullptr) {
    return Status::NotFound("no LUT descriptor");
  }
  int64_t count = 0, first = 0, bits = 0;
  if (!GetDescriptorValue(*descriptor, 0, &count, false) ||
      !GetDescriptorValue(*descriptor, 1, &first, input_signed) ||
      !GetDescriptorValue(*descriptor, 2, &bits, false)) {
    return Status::InvalidArgument("LUT descriptor needs three values");
  }
  if (count == 0) count = 65536;  // PS3.3 C.11.1.1: 0 means 2^16 entries
  if (bits < 1 || bits > 16) {
    return Status::InvalidArgument(fmt::format("LUT with {} bits per entry", bits));
  }

  const Uint16* words = nullptr;
  unsigned long word_count = 0;
  if (item.findAndGetUint16Array(data_tag, words, &word_count).bad() || words == nullptr) {
    return Status::InvalidArgument("LUT data missing");
  }
  LookupTable table;
  table.first_mapped = first;
  table.bits_per_entry = static_cast<int>(bits);
  table.entries.resize(static_cast<size_t>(count));
  const size_t n = table.entries.size();
  if (word_count >= n) {
    for (size_t i = 0; i < n; ++i) {
      // 8-bit entries written one per word sometimes sit in the high byte.
      table.entries[i] = (bits <= 8 && words[i] > 255) ? words[i] >> 8 : words[i];
    }
  } else if (bits <= 8 && word_count * 2 >= n) {
    // 8-bit entries packed two per word, low byte first (PS3.3 C.7.6.3.1.6).
    for (size_t i = 0; i < n; ++i) {
      table.entries[i] = (words[i / 2] >> (8 * (i % 2))) & 0xFF;
    }
  } else {
    return Status::InvalidArgument(
        fmt::format("LUT data has {} words for {} entries", word_count, n));
  }
  return table;
}

Result<LookupTable> ReadLookupTableFromSequence(DcmItem& dataset, const DcmTagKey& sequence_tag,
                                                bool input_signed) {
  DcmItem* first = nullptr;
  if (dataset.findAndGetSequenceItem(sequence_tag, first, 0).bad() || first == nullptr) {
    return Status::NotFound("no LUT sequence");
  }
  Result<LookupTable> table = ReadLookupTable(*first, DCM_LUTDescriptor, DCM_LUTData,
                                              input_signed);
  if (table.status().code() == Status::Code::kNotFound) {
    return Status::InvalidArgument("LUT sequence item without LUT Descriptor");
  }
  return table;
}

}  // namespace pixeldex::thumbnail
