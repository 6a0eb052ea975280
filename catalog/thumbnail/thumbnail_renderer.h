#pragma once
// The thumbnail of a DICOM instance: its representative frame rendered as a
// radiologist's viewer would show it (Modality LUT, VOI window, MONOCHROME1
// inversion, colour models), shrunk by area averaging and encoded as PNG.
//
// Whatever the dataset holds, RenderThumbnail never throws and never fails its
// caller: problems are reported in the record's status, and the caller decides
// whether to log them. Thread-safe: may be called concurrently from many
// threads on different datasets. Memory is bounded by one decoded frame: a
// multi-frame object is never decompressed as a whole.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "catalog/common/instance_record.h"
#include "catalog/thumbnail/thumbnail_options.h"

namespace pixeldex::thumbnail {

// Renders the representative frame of `dataset` -- the middle one, frame index
// Number of Frames / 2 (0-based; frame 0 of a single-frame image) -- whose
// Pixel Data may be encapsulated in `transfer_syntax`, to an 8-bit grey or RGB
// PNG. The returned record's status is:
//   kOk                 png, width and height are set
//   kNoPixelData        the dataset has no (or empty) Pixel Data (7FE0,0010)
//   kUnsupportedSyntax  video (MPEG-2/4, HEVC), JPIP, retired JPEG processes
//   kDecodeError        missing/inconsistent attributes, corrupt or truncated
//                       pixel data, codec failures; `reason` says which
// The dataset's in-memory state may change (fragments of the chosen frame
// loaded); its content does not.
ThumbnailRecord RenderThumbnail(DcmDataset& dataset, E_TransferSyntax transfer_syntax,
                                const ThumbnailOptions& options);

}  // namespace pixeldex::thumbnail
