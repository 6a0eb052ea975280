#pragma once
// Reads the samples of ONE frame of a dataset's Pixel Data, whatever the
// transfer syntax, without loading or decompressing the other frames: native
// data is read by byte range (lazily from the file), DCMTK codecs decode one
// frame, JPEG 2000 frames go to OpenJPEG. DCMTK's OFCondition errors are
// translated to Status here. Thread-safe for different datasets.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>

#include "catalog/common/result.h"
#include "catalog/thumbnail/area_average.h"
#include "catalog/thumbnail/codec_registry.h"
#include "catalog/thumbnail/frame_layout.h"

namespace pixeldex::thumbnail {

// True when `dataset` has Pixel Data (7FE0,0010) with content: a non-empty
// native value or an encapsulated sequence with at least one fragment.
bool HasPixelData(DcmDataset& dataset);

// Returns frame `frame_index` (0-based) of the Pixel Data of `dataset`, which
// must exist, in host byte order. `kind` is the syntax family of the dataset's
// pixel data (not kUnsupported). The returned layout's photometric is the
// colour model of the returned bytes (e.g. "RGB" when the JPEG decoder
// converted YCbCr). Errors: kUnsupported when the pixel data turns out to be in
// a format no decoder handles; kCorruption when it is truncated or undecodable.
// A syntax that can decode a smaller frame more cheaply (JPEG 2000) returns
// one no smaller than `at_least` (rows/columns in the returned layout); the
// others return the whole frame.
Result<RawFrame> ReadFrame(DcmDataset& dataset, SyntaxKind kind, const FrameLayout& layout,
                           int frame_index, Size at_least = {});

// The compressed bitstream of frame `frame_index` (0-based) of encapsulated
// Pixel Data, as stored (its fragments concatenated; PS3.18 8.7.3.3.2 serves
// it so). kNotFound without Pixel Data; kInvalidArgument when the Pixel Data
// is native; kCorruption when the frame cannot be found.
Result<std::vector<uint8_t>> ReadEncapsulatedFrame(DcmDataset& dataset, const FrameLayout& layout,
                                                   int frame_index);

// Whether every frame of every encapsulated Pixel Data element of `dataset`
// (nested ones too, each against the pixel attributes of its own item, as
// DCMTK's whole-data-set decode reads them) may be handed to DCMTK's
// decoders: kCorruption naming the first frame (and the sequence of a
// nested element) whose JPEG stream would hang DCMTK (jpeg_marker_guard.h)
// or declares a larger image than its item (jpeg_frame_header_guard.h), or
// whose RLE header would make it read past the frame (rle_header_guard.h).
// Ok for native Pixel Data, other syntaxes and data sets without pixels.
// ReadFrame checks its frame itself; callers that let DCMTK decode a whole
// data set (a transfer syntax conversion) call this first.
Status CheckDcmtkDecodable(DcmDataset& dataset);

}  // namespace pixeldex::thumbnail
