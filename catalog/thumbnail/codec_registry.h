#pragma once
// Which decoder handles which transfer syntax, and the one-time registration of
// DCMTK's decoders. Both functions are safe to call from any thread at any time.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcxfer.h>

namespace pixeldex::thumbnail {

enum class SyntaxKind {
  kNative,      // uncompressed (PS3.5 A.1-A.3; deflate is undone when reading)
  kDcmtkCodec,  // JPEG (A.4.1), JPEG-LS (A.4.3), RLE (A.4.2): decoded by DCMTK
  kJpeg2000,    // JPEG 2000 (A.4.4): decoded by OpenJPEG
  kUnknown,     // a syntax DCMTK does not know (e.g. HTJ2K in DCMTK 3.6.7): sniff
  kUnsupported, // video (MPEG-2/4, HEVC), JPIP, anything else we cannot decode
};

// Maps a transfer syntax to the decoder family that handles its pixel data.
SyntaxKind ClassifyTransferSyntax(E_TransferSyntax transfer_syntax);

// Registers DCMTK's JPEG, JPEG-LS and RLE decoders exactly once per process.
// Decoders convert YCbCr to RGB when decompressing JPEG (as viewers do).
void EnsureDcmtkDecodersRegistered();

}  // namespace pixeldex::thumbnail
