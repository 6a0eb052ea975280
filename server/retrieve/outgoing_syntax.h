#pragma once
// In which presentation context, and so in which transfer syntax, one stored
// instance goes out as a C-STORE sub-operation, and the conversion that takes.
// Preference: the stored syntax itself (sent unchanged), then Explicit VR
// Little Endian, Implicit VR Little Endian, Deflated, Explicit VR Big Endian,
// then the lossless compressed syntaxes DCMTK encodes (JPEG lossless SV1,
// JPEG-LS lossless, RLE, JPEG lossless). The source must be uncompressed or
// decodable by DCMTK (JPEG, JPEG-LS, RLE); pixeldex never compresses lossily
// on the way out, and JPEG 2000 and video are sent only in their stored
// syntax. Stateless; safe from any thread.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/assoc.h>

#include <string>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

struct OutgoingContext {
  T_ASC_PresentationContextID id = 0;
  E_TransferSyntax transfer_syntax = EXS_Unknown;
  bool converted = false;  // not the stored syntax
};

// Which side of the association sends the C-STOREs.
enum class StoreSender {
  kRequestor,  // C-MOVE: pixeldex opened the association
  kAcceptor,   // C-GET: the peer must have accepted the SCP role (PS3.7 D.3.3.4)
};

// The syntaxes an instance can be converted to when the peer did not accept
// its stored one, in order of preference: the uncompressed ones, then the
// lossless compressed ones DCMTK encodes. docs/conformance.md lists them.
std::vector<E_TransferSyntax> ConversionSyntaxes();

// True when an instance stored in `stored` can be sent in `target`: the same
// syntax, or a conversion ConvertForSending makes (the ranking above).
bool CanConvert(E_TransferSyntax stored, E_TransferSyntax target);

// The best accepted context for `sop_class_uid` that can carry an instance
// stored in `stored`; NotFound (with the reason, for the log) when none can.
Result<OutgoingContext> ChooseOutgoingContext(T_ASC_Association* assoc,
                                              const std::string& sop_class_uid,
                                              E_TransferSyntax stored, StoreSender sender);

// Converts `dataset` to `target` in memory when needed (Pixel Data is loaded,
// decompressed, and compressed losslessly again if the target asks it);
// Unsupported when DCMTK cannot.
Status ConvertForSending(DcmDataset& dataset, E_TransferSyntax target);

}  // namespace pixeldex::server
