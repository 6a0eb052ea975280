#include "catalog/thumbnail/frame_reader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "catalog/thumbnail/encapsulated_frame.h"
#include "catalog/thumbnail/in_memory_input_stream.h"
#include "catalog/thumbnail/jpeg2000_decoder.h"
#include "catalog/thumbnail/jpeg_frame_header_guard.h"
#include "catalog/thumbnail/jpeg_marker_guard.h"
#include "catalog/thumbnail/packed_bits.h"
#include "catalog/thumbnail/rle_header_guard.h"

namespace pixeldex::thumbnail {
namespace {

// The one place where DCMTK's OFCondition becomes a Status.
Status DcmtkError(const char* step, const OFCondition& condition) {
  return Status::Corruption(fmt::format("{}: {}", step, condition.text()));
}

// Decoded frames are never chroma subsampled; name their colour model so.
std::string FullResolutionModel(std::string model) {
  while (!model.empty() && model.back() == ' ') model.pop_back();
  if (model == "YBR_FULL_422") return "YBR_FULL";
  if (model == "YBR_PARTIAL_422" || model == "YBR_PARTIAL_420") return "YBR_PARTIAL";
  return model;
}

Result<DcmPixelSequence*> OriginalPixelSequence(DcmPixelData& pixel_data) {
  E_TransferSyntax original = EXS_Unknown;
  const DcmRepresentationParameter* parameter = nullptr;
  pixel_data.getOriginalRepresentationKey(original, parameter);
  DcmPixelSequence* sequence = nullptr;
  // A pixel sequence read under a syntax DCMTK does not know is filed under the
  // syntax DCMTK fell back to, so do not require an encapsulated syntax here.
  if (pixel_data.getEncapsulatedRepresentation(original, parameter, sequence).bad() ||
      sequence == nullptr) {
    return Status::Corruption("pixel data is not encapsulated");
  }
  return sequence;
}

bool IsEncapsulated(DcmPixelData& pixel_data) { return OriginalPixelSequence(pixel_data).ok(); }

// Whether native pixel data holds bytes [offset, offset + size) of frame
// `frame_index`: kCorruption naming them when it is shorter.
Status CheckFrameIsPresent(uint64_t available, uint64_t offset, size_t size, int frame_index) {
  if (offset + size <= available) return Status::Ok();
  return Status::Corruption(
      fmt::format("pixel data truncated: frame {} needs bytes {}..{}, only {} present", frame_index,
                  offset, offset + size, available));
}

// The bytes of native Pixel Data already in memory, as many as its length
// says and are there: loaded (a small file), or left where they are in a
// received or imported copy (in_memory_input_stream.h); nullopt when the
// value is on disk.
Result<std::optional<std::span<const uint8_t>>> ValueInMemory(DcmPixelData& pixel_data) {
  const size_t length = pixel_data.getLength();
  if (pixel_data.valueLoaded()) {
    Uint8* value = nullptr;
    if (pixel_data.getUint8Array(value).bad() || value == nullptr) {
      return Status::Corruption("native pixel data cannot be read");
    }
    return std::optional(std::span<const uint8_t>(value, length));
  }
  const auto* left = dynamic_cast<const InMemoryValue*>(pixel_data.getInputStream());
  if (left == nullptr) return std::optional<std::span<const uint8_t>>();
  const std::span<const uint8_t> bytes = left->Bytes();
  return std::optional(bytes.first(std::min(length, bytes.size())));
}

// Reads `size` bytes at `offset` of native pixel data, as DCMTK holds them:
// in host byte order, swapped in units of the element's VR (2 for OW).
Status ReadNativeBytes(DcmPixelData& pixel_data, uint64_t offset, size_t size, int frame_index,
                       uint8_t* out) {
  PIXELDEX_RETURN_IF_ERROR(CheckFrameIsPresent(pixel_data.getLength(), offset, size, frame_index));
  OFCondition condition = pixel_data.getPartialValue(out, static_cast<Uint32>(offset),
                                                     static_cast<Uint32>(size));
  if (condition.bad()) return DcmtkError("reading native pixel data", condition);
  return Status::Ok();
}

// PS3.5 7.3: a Big Endian 32-bit sample is stored most significant byte
// first. DCMTK swaps OW values in 16-bit units (and OB not at all), which
// leaves each sample's halves (or bytes) reversed; finish the swap.
void FinishBigEndianSwap(DcmEVR vr, RawFrame& frame) {
  if (vr == EVR_OL) return;  // swapped in 32-bit units already
  for (size_t i = 0; i + 4 <= frame.bytes.size(); i += 4) {
    uint8_t* sample = frame.bytes.data() + i;
    if (vr == EVR_OW) {
      std::swap(sample[0], sample[2]);
      std::swap(sample[1], sample[3]);
    } else {
      std::reverse(sample, sample + 4);
    }
  }
}

// PS3.5 8.1.1: 1 bit allocated; frame i is bits [i*pixels, (i+1)*pixels) of
// the stream. Returned as 8-bit containers holding 0 or 1.
Result<RawFrame> ReadBitPackedFrame(DcmPixelData& pixel_data, const FrameLayout& layout,
                                    int frame_index) {
  const size_t pixels = static_cast<size_t>(layout.rows) * layout.columns;
  const uint64_t first_bit = static_cast<uint64_t>(pixels) * frame_index;
  // Whole 16-bit units, so that an OW value is never read from half a word.
  const uint64_t first_byte = first_bit / 16 * 2;
  const uint64_t end_byte = (first_bit + pixels + 7) / 8;
  std::vector<uint8_t> packed(end_byte - first_byte);
  PIXELDEX_RETURN_IF_ERROR(
      ReadNativeBytes(pixel_data, first_byte, packed.size(), frame_index, packed.data()));
  RawFrame frame;
  frame.layout = layout;
  frame.layout.bits_allocated = 8;
  frame.layout.bits_stored = 1;
  frame.layout.high_bit = 0;
  frame.bytes.resize(pixels);
  UnpackBits(packed.data(), first_bit - first_byte * 8, pixels, frame.bytes.data());
  return frame;
}

// PS3.5 8.1: native pixel data; frame i occupies bytes [i*size, (i+1)*size).
Result<RawFrame> ReadNativeFrame(DcmDataset& dataset, DcmPixelData& pixel_data,
                                 const FrameLayout& layout, int frame_index) {
  if (layout.bits_allocated == 1) return ReadBitPackedFrame(pixel_data, layout, frame_index);
  RawFrame frame;
  frame.layout = layout;
  // PS3.3 C.7.6.3.1.2: native YBR_FULL_422 stores Y1 Y2 Cb Cr per pixel pair.
  frame.layout.chroma_subsampled =
      layout.photometric == "YBR_FULL_422" || layout.photometric == "YBR_PARTIAL_422";
  const size_t size = frame.layout.FrameBytes();
  const uint64_t offset = static_cast<uint64_t>(size) * frame_index;
  const bool big_endian = dataset.getOriginalXfer() == EXS_BigEndianExplicit;
  if (!big_endian && gLocalByteOrder == EBO_LittleEndian) {
    // Read from a little-endian stream into memory already: the value's
    // bytes are the samples as the copy below would give them, so the frame
    // points at them instead.
    Result<std::optional<std::span<const uint8_t>>> in_memory = ValueInMemory(pixel_data);
    if (!in_memory.ok()) return in_memory.status();
    if (*in_memory) {
      PIXELDEX_RETURN_IF_ERROR(
          CheckFrameIsPresent((*in_memory)->size(), offset, size, frame_index));
      frame.borrowed = (*in_memory)->subspan(offset, size);
      return frame;
    }
  }
  frame.bytes.resize(size);
  PIXELDEX_RETURN_IF_ERROR(
      ReadNativeBytes(pixel_data, offset, size, frame_index, frame.bytes.data()));
  if (layout.bits_allocated == 32 && big_endian) FinishBigEndianSwap(pixel_data.getVR(), frame);
  return frame;
}

// DCMTK's JPEG decoder (A.4.1) can hang on a crafted stream or allocate what
// its frame header claims, and its RLE decoder (A.4.2) reads past the frame
// on crafted segment offsets: check those streams first
// (jpeg_marker_guard.h, jpeg_frame_header_guard.h, rle_header_guard.h).
// Returns a JPEG stream's sample precision, 0 for the other syntaxes.
Result<unsigned> CheckDcmtkCodecFrame(DcmPixelData& pixel_data, const FrameLayout& layout,
                                      int frame_index) {
  E_TransferSyntax xfer = EXS_Unknown;
  const DcmRepresentationParameter* parameter = nullptr;
  pixel_data.getOriginalRepresentationKey(xfer, parameter);
  const bool jpeg = xfer >= EXS_JPEGProcess1 && xfer <= EXS_JPEGProcess14SV1;
  if (!jpeg && xfer != EXS_RLELossless) return 0u;
  Result<DcmPixelSequence*> sequence = OriginalPixelSequence(pixel_data);
  if (!sequence.ok()) return sequence.status();
  Result<std::vector<uint8_t>> stream =
      ExtractEncapsulatedFrame(**sequence, layout.number_of_frames, frame_index);
  if (!stream.ok()) return stream.status();
  if (!jpeg) {
    std::optional<std::string> problem = RleHeaderProblem(stream->data(), stream->size());
    if (problem) return Status::Corruption(*problem);
    return 0u;
  }
  if (!DcmtkJpegScanTerminates(stream->data(), stream->size())) {
    return Status::Corruption("JPEG stream with a TEM marker before its frame header");
  }
  return CheckJpegFrameHeader(stream->data(), stream->size(), layout);
}

// PS3.5 8.2.1: the data set's pixel attributes (Bits Allocated among them)
// shall be consistent with the JPEG stream, and the stream's own
// characteristics are used to decode it. Some writers put a stream of 8-bit
// precision in a data set of 16 bits allocated; DCMTK 3.6.7 decodes one
// frame of it into the first half of the 16-bit frame as 8-bit samples.
// They are widened in place to the 16-bit containers the data set declares,
// so that every reader of the frame (thumbnail, WADO-RS frames) gets the
// samples the data set describes instead of pairs of them.
void WidenEightBitSamples(unsigned precision, RawFrame& frame) {
  if (precision == 0 || precision > 8 || frame.layout.bits_allocated != 16) return;
  uint8_t* bytes = frame.bytes.data();
  for (size_t i = frame.bytes.size() / 2; i-- > 0;) {  // last first: 2i >= i
    const uint16_t sample = bytes[i];
    std::memcpy(bytes + 2 * i, &sample, sizeof sample);  // host byte order
  }
}

// Decodes one frame with the DCMTK codec registered for the syntax.
Result<RawFrame> ReadDcmtkCodecFrame(DcmDataset& dataset, DcmPixelData& pixel_data,
                                     const FrameLayout& layout, int frame_index) {
  Result<unsigned> jpeg_precision = CheckDcmtkCodecFrame(pixel_data, layout, frame_index);
  if (!jpeg_precision.ok()) return jpeg_precision.status();
  Uint32 dcmtk_size = 0;
  if (pixel_data.getUncompressedFrameSize(&dataset, dcmtk_size).bad()) dcmtk_size = 0;
  // The decoders write full-resolution samples; leave room for the pad byte.
  const size_t full = static_cast<size_t>(layout.rows) * layout.columns *
                      layout.samples_per_pixel * layout.BytesPerSample();
  const size_t buffer_size = (std::max<size_t>(full, dcmtk_size) + 1) & ~size_t{1};
  RawFrame frame;
  frame.layout = layout;
  // Zeroed: DCMTK 3.6.7 may write less than the frame and still succeed (a
  // JPEG stream of 8-bit precision in a 16-bit data set fills half of it, a
  // smaller image part of it), and unwritten bytes would put whatever the
  // heap held -- another instance's pixels -- into a thumbnail or a
  // rendered frame (found running mutated frame headers under valgrind).
  frame.bytes.assign(buffer_size, 0);
  Uint32 start_fragment = 0;  // DCMTK finds the frame's first fragment itself
  OFString color_model;
  OFCondition condition = pixel_data.getUncompressedFrame(
      &dataset, static_cast<Uint32>(frame_index), start_fragment, frame.bytes.data(),
      static_cast<Uint32>(buffer_size), color_model);
  if (condition.bad()) return DcmtkError("decoding compressed frame", condition);
  frame.bytes.resize(full);
  if (!color_model.empty()) frame.layout.photometric = FullResolutionModel(color_model.c_str());
  frame.layout.chroma_subsampled = false;
  WidenEightBitSamples(*jpeg_precision, frame);
  return frame;
}

Result<RawFrame> ReadJpeg2000Frame(DcmPixelData& pixel_data, const FrameLayout& layout,
                                   int frame_index, Size at_least) {
  Result<DcmPixelSequence*> sequence = OriginalPixelSequence(pixel_data);
  if (!sequence.ok()) return sequence.status();
  Result<std::vector<uint8_t>> codestream =
      ExtractEncapsulatedFrame(**sequence, layout.number_of_frames, frame_index);
  if (!codestream.ok()) return codestream.status();
  return DecodeJpeg2000Frame(*codestream, layout, at_least);
}

// A syntax DCMTK does not know (HTJ2K in DCMTK 3.6.7, which it reads as
// explicit little endian): native if the pixel data is not encapsulated,
// JPEG 2000 if the first fragment is a J2K codestream (HTJ2K is one too).
Result<SyntaxKind> SniffKind(DcmPixelData& pixel_data, const FrameLayout& layout) {
  Result<DcmPixelSequence*> sequence = OriginalPixelSequence(pixel_data);
  if (!sequence.ok()) return SyntaxKind::kNative;
  if (FirstFragmentIsJpeg2000(**sequence)) return SyntaxKind::kJpeg2000;
  return Status::Unsupported("encapsulated pixel data in an unknown transfer syntax");
}

DcmPixelData* FindPixelData(DcmDataset& dataset) {
  DcmElement* element = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, element).bad()) return nullptr;
  return dynamic_cast<DcmPixelData*>(element);
}

}  // namespace

bool HasPixelData(DcmDataset& dataset) {
  DcmPixelData* pixel_data = FindPixelData(dataset);
  if (pixel_data == nullptr) return false;
  Result<DcmPixelSequence*> sequence = OriginalPixelSequence(*pixel_data);
  if (sequence.ok()) return (*sequence)->card() > 1;
  return pixel_data->getLength() > 0;
}

Result<RawFrame> ReadFrame(DcmDataset& dataset, SyntaxKind kind, const FrameLayout& layout,
                           int frame_index, Size at_least) {
  DcmPixelData* pixel_data = FindPixelData(dataset);
  if (pixel_data == nullptr) return Status::NotFound("no Pixel Data");
  if (frame_index < 0 || frame_index >= layout.number_of_frames) {
    return Status::InvalidArgument(fmt::format("no frame {}", frame_index));
  }

  // PS3.5 8.1.1: bit-packed frames exist only in native encodings.
  if (layout.bits_allocated == 1 && IsEncapsulated(*pixel_data)) {
    return Status::Unsupported("encapsulated pixel data with 1 bit allocated");
  }
  if (kind == SyntaxKind::kUnknown ||
      (kind == SyntaxKind::kNative && IsEncapsulated(*pixel_data))) {
    Result<SyntaxKind> sniffed = SniffKind(*pixel_data, layout);
    if (!sniffed.ok()) return sniffed.status();
    kind = *sniffed;
  }
  switch (kind) {
    case SyntaxKind::kNative:
      return ReadNativeFrame(dataset, *pixel_data, layout, frame_index);
    case SyntaxKind::kDcmtkCodec:
      if (!IsEncapsulated(*pixel_data)) {
        return ReadNativeFrame(dataset, *pixel_data, layout, frame_index);
      }
      return ReadDcmtkCodecFrame(dataset, *pixel_data, layout, frame_index);
    case SyntaxKind::kJpeg2000:
      if (!IsEncapsulated(*pixel_data)) {
        return ReadNativeFrame(dataset, *pixel_data, layout, frame_index);
      }
      return ReadJpeg2000Frame(*pixel_data, layout, frame_index, at_least);
    default:
      return Status::Unsupported("transfer syntax not decodable");
  }
}

Result<std::vector<uint8_t>> ReadEncapsulatedFrame(DcmDataset& dataset, const FrameLayout& layout,
                                                   int frame_index) {
  DcmPixelData* pixel_data = FindPixelData(dataset);
  if (pixel_data == nullptr) return Status::NotFound("no Pixel Data");
  Result<DcmPixelSequence*> sequence = OriginalPixelSequence(*pixel_data);
  if (!sequence.ok()) return Status::InvalidArgument("pixel data is not encapsulated");
  return ExtractEncapsulatedFrame(**sequence, layout.number_of_frames, frame_index);
}

Status CheckDcmtkDecodable(DcmDataset& dataset) {
  // DcmDataset::chooseRepresentation decodes every Pixel Data element it
  // finds, nested ones too (an Icon Image Sequence's, PS3.3 F.7, or any a
  // crafted item carries), each with the pixel attributes of the item that
  // holds it (DJCodecDecoder reads them from the element's parent): each is
  // checked the same way. Found as DCMTK finds them (a deep search).
  DcmStack stack;
  stack.push(&dataset);
  while (dataset.search(DCM_PixelData, stack, ESM_afterStackTop, OFTrue).good()) {
    auto* pixel_data = dynamic_cast<DcmPixelData*>(stack.top());
    if (pixel_data == nullptr || !IsEncapsulated(*pixel_data)) continue;
    auto* item = stack.card() > 1 ? dynamic_cast<DcmItem*>(stack.elem(1)) : nullptr;
    if (item == nullptr) return Status::Corruption("Pixel Data outside an item");
    // The stack of a top-level one holds it and the data set; a nested
    // one's, its item, the item's sequence and so on up.
    const bool nested = stack.card() > 2;
    const std::string where = nested ? fmt::format("Pixel Data in an item of {}, ",
                                                   stack.elem(2)->getTag().toString().c_str())
                                     : "";
    Result<FrameLayout> layout = ReadFrameLayout(*item);
    if (!layout.ok()) {
      return nested ? Status::Corruption(where + layout.status().message()) : layout.status();
    }
    for (int frame = 0; frame < layout->number_of_frames; ++frame) {
      if (Result<unsigned> checked = CheckDcmtkCodecFrame(*pixel_data, *layout, frame);
          !checked.ok()) {
        return Status::Corruption(
            fmt::format("{}frame {}: {}", where, frame + 1, checked.status().message()));
      }
    }
  }
  return Status::Ok();
}

}  // namespace pixeldex::thumbnail
