#pragma once
// In which transfer syntax one stored instance goes out in a WADO-RS
// retrieve (PS3.18 10.4.1, 8.7.3.5): the first acceptable choice of the
// Accept header (accept_header.h) that pixeldex can meet:
//   transfer-syntax=*       the stored syntax, bytes as stored
//   transfer-syntax=<UID>   as stored when it is the stored syntax, else a
//                           lossless conversion DCMTK makes (CanConvert in
//                           server/retrieve/outgoing_syntax.h)
//   no transfer-syntax      the resource's default: Explicit VR Little
//                           Endian for application/dicom (PS3.18 Table
//                           8.7.3-2) and uncompressed application/octet-stream
// Unsupported (-> 406) with the reason when no choice can be met.
// Stateless.

#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "server/dicomweb/accept_header.h"

namespace pixeldex::server {

inline constexpr char kExplicitVrLittleEndian[] = "1.2.840.10008.1.2.1";

struct SyntaxChoice {
  std::string transfer_syntax;  // the UID the part is sent in
  bool convert = false;         // not the stored syntax
};

// `choices` are those for `media_type` (others are skipped).
Result<SyntaxChoice> ChooseTransferSyntax(const std::vector<PartChoice>& choices,
                                          const std::string& media_type,
                                          const std::string& stored_syntax);

// PS3.18 Table 8.7.3-5: the media type of one compressed frame in
// `transfer_syntax` (image/jpeg, image/jls, image/jp2, image/jpx,
// image/dicom-rle, image/jphc); "" for native syntaxes and for video, whose
// frames cannot be served one by one.
std::string CompressedFrameMediaType(const std::string& transfer_syntax);

// How the frames of an instance stored in `stored_syntax` go out (PS3.18
// 8.7.3.3): native pixel data as application/octet-stream, little endian
// (Explicit VR Little Endian's encoding, the default of Table 8.7.3-4);
// compressed pixel data as stored, under its media type (Table 8.7.3-5),
// when the Accept header asks for that type or for
// application/octet-stream with transfer-syntax=*; else, for
// application/octet-stream without transfer-syntax (or Explicit VR Little
// Endian), decoded to native samples when pixeldex decodes the syntax
// (DCMTK: JPEG, JPEG-LS, RLE; OpenJPEG: JPEG 2000; JPEG's YCbCr becomes
// RGB). Anything else is Unsupported (-> 406).
struct FrameRepresentation {
  std::string content_type;  // of each part, with its transfer-syntax parameter
  bool compressed = false;   // the stored bitstream, not samples
};
Result<FrameRepresentation> ChooseFrameRepresentation(const std::vector<PartChoice>& choices,
                                                      const std::string& stored_syntax);

}  // namespace pixeldex::server
