#include "catalog/thumbnail/codec_registry.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <mutex>

namespace pixeldex::thumbnail {

SyntaxKind ClassifyTransferSyntax(E_TransferSyntax transfer_syntax) {
  switch (transfer_syntax) {
    case EXS_LittleEndianImplicit:
    case EXS_LittleEndianExplicit:
    case EXS_BigEndianExplicit:
    case EXS_BigEndianImplicit:
    case EXS_DeflatedLittleEndianExplicit:
      return SyntaxKind::kNative;
    case EXS_JPEGProcess1:
    case EXS_JPEGProcess2_4:
    case EXS_JPEGProcess6_8:    // retired spectral selection, still decoded
    case EXS_JPEGProcess10_12:  // retired progressive, still decoded
    case EXS_JPEGProcess14:
    case EXS_JPEGProcess14SV1:
    case EXS_JPEGLSLossless:
    case EXS_JPEGLSLossy:
    case EXS_RLELossless:
      return SyntaxKind::kDcmtkCodec;
    case EXS_JPEG2000LosslessOnly:
    case EXS_JPEG2000:
    case EXS_JPEG2000MulticomponentLosslessOnly:
    case EXS_JPEG2000Multicomponent:
      return SyntaxKind::kJpeg2000;
    case EXS_Unknown:
      return SyntaxKind::kUnknown;
    default:
      // Other retired JPEG processes (hierarchical, arithmetic), JPIP, MPEG-2,
      // MPEG-4, HEVC and the GE private syntax.
      return SyntaxKind::kUnsupported;
  }
}

void EnsureDcmtkDecodersRegistered() {
  static std::once_flag once;
  std::call_once(once, [] {
    // EDC_photometricInterpretation: YCbCr JPEG becomes RGB after decoding, and
    // the decoder reports that colour model for the frame.
    DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation);
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

}  // namespace pixeldex::thumbnail
