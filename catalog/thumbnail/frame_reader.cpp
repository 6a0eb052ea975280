#include "catalog/thumbnail/frame_reader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "catalog/thumbnail/encapsulated_frame.h"
#include "catalog/thumbnail/jpeg_marker_guard.h"
#include "catalog/thumbnail/jpeg2000_decoder.h"

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

// PS3.5 8.1: native pixel data; frame i occupies bytes [i*size, (i+1)*size).
Result<RawFrame> ReadNativeFrame(DcmPixelData& pixel_data, const FrameLayout& layout,
                                 int frame_index) {
  RawFrame frame;
  frame.layout = layout;
  // PS3.3 C.7.6.3.1.2: native YBR_FULL_422 stores Y1 Y2 Cb Cr per pixel pair.
  frame.layout.chroma_subsampled =
      layout.photometric == "YBR_FULL_422" || layout.photometric == "YBR_PARTIAL_422";
  const size_t size = frame.layout.FrameBytes();
  const uint64_t offset = static_cast<uint64_t>(size) * frame_index;
  const uint64_t available = pixel_data.getLength();
  if (offset + size > available) {
    return Status::Corruption(fmt::format("pixel data truncated: frame {} needs bytes {}..{}, "
                                          "only {} present",
                                          frame_index, offset, offset + size, available));
  }
  frame.bytes.resize(size);
  OFCondition condition = pixel_data.getPartialValue(frame.bytes.data(),
                                                     static_cast<Uint32>(offset),
                                                     static_cast<Uint32>(size));
  if (condition.bad()) return DcmtkError("reading native pixel data", condition);
  return frame;
}

// DCMTK's JPEG decoder (A.4.1) can hang on a crafted stream: check first.
Status CheckDcmtkJpegFrame(DcmPixelData& pixel_data, const FrameLayout& layout,
                           int frame_index) {
  E_TransferSyntax xfer = EXS_Unknown;
  const DcmRepresentationParameter* parameter = nullptr;
  pixel_data.getOriginalRepresentationKey(xfer, parameter);
  if (xfer < EXS_JPEGProcess1 || xfer > EXS_JPEGProcess14SV1) return Status::Ok();
  Result<DcmPixelSequence*> sequence = OriginalPixelSequence(pixel_data);
  if (!sequence.ok()) return sequence.status();
  Result<std::vector<uint8_t>> stream =
      ExtractEncapsulatedFrame(**sequence, layout.number_of_frames, frame_index);
  if (!stream.ok()) return stream.status();
  if (!DcmtkJpegScanTerminates(stream->data(), stream->size())) {
    return Status::Corruption("JPEG stream with a TEM marker before its frame header");
  }
  return Status::Ok();
}

// Decodes one frame with the DCMTK codec registered for the syntax.
Result<RawFrame> ReadDcmtkCodecFrame(DcmDataset& dataset, DcmPixelData& pixel_data,
                                     const FrameLayout& layout, int frame_index) {
  PIXELDEX_RETURN_IF_ERROR(CheckDcmtkJpegFrame(pixel_data, layout, frame_index));
  Uint32 dcmtk_size = 0;
  if (pixel_data.getUncompressedFrameSize(&dataset, dcmtk_size).bad()) dcmtk_size = 0;
  // The decoders write full-resolution samples; leave room for the pad byte.
  const size_t full = static_cast<size_t>(layout.rows) * layout.columns *
                      layout.samples_per_pixel * layout.BytesPerSample();
  const size_t buffer_size = (std::max<size_t>(full, dcmtk_size) + 1) & ~size_t{1};
  RawFrame frame;
  frame.layout = layout;
  frame.bytes.resize(buffer_size);
  Uint32 start_fragment = 0;  // DCMTK finds the frame's first fragment itself
  OFString color_model;
  OFCondition condition = pixel_data.getUncompressedFrame(
      &dataset, static_cast<Uint32>(frame_index), start_fragment, frame.bytes.data(),
      static_cast<Uint32>(buffer_size), color_model);
  if (condition.bad()) return DcmtkError("decoding compressed frame", condition);
  frame.bytes.resize(full);
  if (!color_model.empty()) frame.layout.photometric = FullResolutionModel(color_model.c_str());
  frame.layout.chroma_subsampled = false;
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

  if (kind == SyntaxKind::kUnknown ||
      (kind == SyntaxKind::kNative && IsEncapsulated(*pixel_data))) {
    Result<SyntaxKind> sniffed = SniffKind(*pixel_data, layout);
    if (!sniffed.ok()) return sniffed.status();
    kind = *sniffed;
  }
  switch (kind) {
    case SyntaxKind::kNative:
      return ReadNativeFrame(*pixel_data, layout, frame_index);
    case SyntaxKind::kDcmtkCodec:
      if (!IsEncapsulated(*pixel_data)) return ReadNativeFrame(*pixel_data, layout, frame_index);
      return ReadDcmtkCodecFrame(dataset, *pixel_data, layout, frame_index);
    case SyntaxKind::kJpeg2000:
      if (!IsEncapsulated(*pixel_data)) return ReadNativeFrame(*pixel_data, layout, frame_index);
      return ReadJpeg2000Frame(*pixel_data, layout, frame_index, at_least);
    default:
      return Status::Unsupported("transfer syntax not decodable");
  }
}

}  // namespace pixeldex::thumbnail
