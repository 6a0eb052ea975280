#include "server/dicomweb/retrieve_syntax.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <map>

#include "catalog/thumbnail/codec_registry.h"
#include "server/retrieve/outgoing_syntax.h"

namespace pixeldex::server {

Result<SyntaxChoice> ChooseTransferSyntax(const std::vector<PartChoice>& choices,
                                          const std::string& media_type,
                                          const std::string& stored_syntax) {
  bool any = false;
  for (const PartChoice& choice : choices) {
    if (choice.media_type != media_type) continue;
    any = true;
    if (choice.transfer_syntax == "*" || choice.transfer_syntax == stored_syntax) {
      return SyntaxChoice{stored_syntax, false};
    }
    const std::string wanted =
        choice.transfer_syntax.empty() ? kExplicitVrLittleEndian : choice.transfer_syntax;
    if (wanted == stored_syntax) return SyntaxChoice{stored_syntax, false};
    if (CanConvert(DcmXfer(stored_syntax.c_str()).getXfer(), DcmXfer(wanted.c_str()).getXfer())) {
      return SyntaxChoice{wanted, true};
    }
  }
  if (!any) return Status::Unsupported("the Accept header admits no " + media_type + " parts");
  return Status::Unsupported("an instance stored in " + stored_syntax +
                             " cannot be sent in any transfer syntax the Accept header admits "
                             "(pixeldex converts only losslessly)");
}

std::string CompressedFrameMediaType(const std::string& transfer_syntax) {
  static const std::map<std::string, std::string> kTypes = {
      {"1.2.840.10008.1.2.4.50", "image/jpeg"},   {"1.2.840.10008.1.2.4.51", "image/jpeg"},
      {"1.2.840.10008.1.2.4.57", "image/jpeg"},   {"1.2.840.10008.1.2.4.70", "image/jpeg"},
      {"1.2.840.10008.1.2.5", "image/dicom-rle"}, {"1.2.840.10008.1.2.4.80", "image/jls"},
      {"1.2.840.10008.1.2.4.81", "image/jls"},    {"1.2.840.10008.1.2.4.90", "image/jp2"},
      {"1.2.840.10008.1.2.4.91", "image/jp2"},    {"1.2.840.10008.1.2.4.92", "image/jpx"},
      {"1.2.840.10008.1.2.4.93", "image/jpx"},    {"1.2.840.10008.1.2.4.201", "image/jphc"},
      {"1.2.840.10008.1.2.4.202", "image/jphc"},  {"1.2.840.10008.1.2.4.203", "image/jphc"}};
  auto it = kTypes.find(transfer_syntax);
  return it == kTypes.end() ? std::string() : it->second;
}

Result<FrameRepresentation> ChooseFrameRepresentation(const std::vector<PartChoice>& choices,
                                                      const std::string& stored_syntax) {
  constexpr char kOctets[] = "application/octet-stream";
  const std::string media_type = CompressedFrameMediaType(stored_syntax);
  const thumbnail::SyntaxKind kind =
      thumbnail::ClassifyTransferSyntax(DcmXfer(stored_syntax.c_str()).getXfer());
  const bool native = media_type.empty() && kind == thumbnail::SyntaxKind::kNative;
  const bool decodable = !media_type.empty() && (kind == thumbnail::SyntaxKind::kDcmtkCodec ||
                                                 kind == thumbnail::SyntaxKind::kJpeg2000);
  for (const PartChoice& choice : choices) {
    const std::string& syntax = choice.transfer_syntax;
    const bool as_stored = syntax.empty() || syntax == "*" || syntax == stored_syntax;
    if (!media_type.empty() && ((choice.media_type == media_type && as_stored) ||
                                (choice.media_type == kOctets && syntax == "*"))) {
      return FrameRepresentation{media_type + "; transfer-syntax=" + stored_syntax, true};
    }
    const bool samples =
        syntax.empty() || syntax == kExplicitVrLittleEndian || (native && syntax == "*");
    if ((native || decodable) && choice.media_type == kOctets && samples) {
      return FrameRepresentation{
          std::string(kOctets) + "; transfer-syntax=" + kExplicitVrLittleEndian, false};
    }
  }
  if (!native && !decodable && media_type.empty()) {
    return Status::Unsupported("the frames of an instance stored in " + stored_syntax +
                               " cannot be served one by one");
  }
  return Status::Unsupported(
      native ? "frames of native pixel data are served as application/octet-stream"
             : "frames stored in " + stored_syntax + " are served as " + media_type +
                   ", as application/octet-stream with transfer-syntax=*" +
                   (decodable ? ", or decoded as application/octet-stream" : ""));
}

}  // namespace pixeldex::server
