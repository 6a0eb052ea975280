#include "server/dicomweb/retrieve_syntax.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcxfer.h>

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

}  // namespace pixeldex::server
