#include "catalog/thumbnail/encapsulated_frame.h"

#include <dcmtk/dcmdata/dcpxitem.h>

#include <fmt/format.h>

namespace pixeldex::thumbnail {
namespace {

struct Fragment {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// Loads the value of pixel item `index` (lazily read from the file if needed).
Result<Fragment> LoadItem(DcmPixelSequence& sequence, unsigned long index) {
  DcmPixelItem* item = nullptr;
  if (sequence.getItem(item, index).bad() || item == nullptr) {
    return Status::Corruption(fmt::format("missing pixel item {}", index));
  }
  Fragment fragment;
  fragment.size = item->getLength();
  if (fragment.size == 0) return fragment;
  Uint8* bytes = nullptr;
  OFCondition cond = item->getUint8Array(bytes);
  if (cond.bad() || bytes == nullptr) {
    return Status::Corruption(
        fmt::format("cannot read pixel item {}: {}", index, cond.text()));
  }
  fragment.data = bytes;
  return fragment;
}

bool StartsWithJpeg2000Marker(const Fragment& fragment) {
  return fragment.size >= 2 && fragment.data[0] == 0xFF && fragment.data[1] == 0x4F;
}

// Reads the Basic Offset Table (item 0): byte offsets of each frame's first
// fragment, relative to the first byte of the first fragment's item tag.
Result<std::vector<uint32_t>> ReadOffsetTable(DcmPixelSequence& sequence) {
  Result<Fragment> table = LoadItem(sequence, 0);
  if (!table.ok()) return table.status();
  std::vector<uint32_t> offsets(table->size / 4);
  for (size_t i = 0; i < offsets.size(); ++i) {
    const uint8_t* p = table->data + 4 * i;  // always little endian (PS3.5 A.4)
    offsets[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  return offsets;
}

// Appends fragments [first, last) (item indices) to `out`.
Status AppendFragments(DcmPixelSequence& sequence, unsigned long first, unsigned long last,
                       std::vector<uint8_t>* out) {
  for (unsigned long i = first; i < last; ++i) {
    Result<Fragment> fragment = LoadItem(sequence, i);
    if (!fragment.ok()) return fragment.status();
    out->insert(out->end(), fragment->data, fragment->data + fragment->size);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<uint8_t>> ExtractEncapsulatedFrame(DcmPixelSequence& sequence,
                                                      int number_of_frames, int frame_index) {
  const unsigned long items = sequence.card();
  if (items < 2) return Status::Corruption("encapsulated pixel data has no fragments");
  const unsigned long fragments = items - 1;
  const unsigned long frames = static_cast<unsigned long>(number_of_frames);
  const unsigned long wanted = static_cast<unsigned long>(frame_index);
  std::vector<uint8_t> out;

  if (frames == 1) {
    PIXELDEX_RETURN_IF_ERROR(AppendFragments(sequence, 1, items, &out));
    return out;
  }
  if (fragments == frames) {
    PIXELDEX_RETURN_IF_ERROR(AppendFragments(sequence, wanted + 1, wanted + 2, &out));
    return out;
  }

  Result<std::vector<uint32_t>> offsets = ReadOffsetTable(sequence);
  if (!offsets.ok()) return offsets.status();
  if (offsets->size() == frames) {
    // Walk the fragments, tracking each one's offset from the first item tag.
    uint64_t position = 0;
    const uint64_t begin = (*offsets)[wanted];
    const uint64_t end = wanted + 1 < frames ? (*offsets)[wanted + 1] : UINT64_MAX;
    for (unsigned long i = 1; i < items && position < end; ++i) {
      DcmPixelItem* item = nullptr;
      if (sequence.getItem(item, i).bad() || item == nullptr) break;
      if (position >= begin) {
        PIXELDEX_RETURN_IF_ERROR(AppendFragments(sequence, i, i + 1, &out));
      }
      position += 8 + static_cast<uint64_t>(item->getLength());  // item tag + length
    }
    if (out.empty()) {
      return Status::Corruption(fmt::format("Basic Offset Table has no frame {}", wanted));
    }
    return out;
  }

  // No usable table: a JPEG 2000 codestream begins with SOC (FF 4F), so a
  // fragment starting with it starts the next frame.
  long frame = -1;
  for (unsigned long i = 1; i < items; ++i) {
    Result<Fragment> fragment = LoadItem(sequence, i);
    if (!fragment.ok()) return fragment.status();
    if (StartsWithJpeg2000Marker(*fragment)) ++frame;
    if (frame == static_cast<long>(wanted)) {
      out.insert(out.end(), fragment->data, fragment->data + fragment->size);
    } else if (frame > static_cast<long>(wanted)) {
      break;
    }
  }
  if (out.empty()) {
    return Status::Corruption(fmt::format(
        "cannot locate frame {} among {} fragments without an offset table", wanted, fragments));
  }
  return out;
}

bool FirstFragmentIsJpeg2000(DcmPixelSequence& sequence) {
  if (sequence.card() < 2) return false;
  Result<Fragment> first = LoadItem(sequence, 1);
  return first.ok() && StartsWithJpeg2000Marker(*first);
}

}  // namespace pixeldex::thumbnail
