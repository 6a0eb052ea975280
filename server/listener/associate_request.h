#pragma once
// ScreenAssociateRequest: the checks an A-ASSOCIATE-RQ PDU (PS3.8 9.3.2)
// passes before DCMTK parses it. DCMTK keeps proposed presentation contexts
// and user information sub-items in linked lists that negotiation walks once
// per context, so a request of 1 MB with 16 000 contexts costs tens of
// seconds of CPU; the screen bounds every repeated item to what a conformant
// requestor can send, cheaply and before any of that work:
//  - at most 128 presentation contexts, with distinct odd IDs 1..255
//    (PS3.8 9.3.2.2), each with one abstract syntax and at most 50 transfer
//    syntaxes (DCMTK's DICOM_MAXTRANSFERSYNTAXES: it fails on more);
//  - one user information item, holding at most one of each single sub-item
//    (maximum length, implementation class and version, asynchronous
//    operations window, user identity: PS3.7 D.3.3) and at most 128 SCP/SCU
//    role selection, SOP class extended and common extended negotiation
//    sub-items each (one per proposed abstract syntax is all PS3.7 D.3.3.4-6
//    use);
//  - called and calling AE titles that are valid AE titles (ae_title.h);
//  - items that fit inside what contains them (DCMTK refuses the same).
// It keeps the abstract syntax proposed for each context ID, for the
// inspector's data set bounds. A pure function; safe from any thread.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::server {

// DCMTK's default limit on A-ASSOCIATE PDUs (dcmAssociatePDUSizeLimit).
constexpr size_t kMaxAssociateRequestBytes = 1024 * 1024;
constexpr int kMaxPresentationContexts = 128;
constexpr int kMaxTransferSyntaxesPerContext = 50;
constexpr int kMaxNegotiationSubItems = 128;

// The abstract syntax proposed for each presentation context ID.
using ProposedContexts = std::array<std::optional<std::string>, 256>;

// `body` is the PDU after its 6-byte header. InvalidArgument says what is
// wrong with it.
Result<ProposedContexts> ScreenAssociateRequest(std::string_view body);

}  // namespace pixeldex::server
