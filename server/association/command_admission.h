#pragma once
// AdmitCommand: whether a DIMSE request may be served on the presentation
// context it arrived on. Negotiation accepts only the contexts the caller's
// access lists allow; this keeps every command to its context (PS3.7 9.1,
// PS3.4 A-C):
//  - C-ECHO-RQ only on a Verification context; C-STORE-RQ only on a storage
//    SOP class context; C-FIND-RQ, C-GET-RQ and C-MOVE-RQ only on a context
//    of their own Query/Retrieve information model;
//  - the request's Affected SOP Class UID is the context's abstract syntax;
//  - the service's access list (store, find, retrieve) admits the caller;
//  - a C-STORE-RQ from the peer only where it has the SCU role: a storage
//    context accepted with the requestor as SCP only carries C-GET's
//    sub-operations towards the requestor (PS3.7 D.3.3.4).
// A refusal carries the status to answer (PS3.7 C.5: 0122H Refused: SOP
// Class not supported; 0124H Refused: Not authorized) and why.
// A pure function; safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/association/presentation_contexts.h"

namespace pixeldex::server {

constexpr uint16_t kStatusSopClassNotSupported = 0x0122;  // PS3.7 C.5.3
constexpr uint16_t kStatusNotAuthorized = 0x0124;         // PS3.7 C.5.5

struct CommandRefusal {
  uint16_t status;
  std::string reason;
};

struct ArrivedOn {
  std::string_view abstract_syntax;  // of the accepted context
  bool peer_is_scu = true;           // false: accepted with the requestor as SCP only
};

// nullopt when the request may be served. `command_field` is the request's
// (PS3.7 E.1); commands other than C-ECHO/C-STORE/C-FIND/C-GET/C-MOVE-RQ
// are left to the dispatcher. `allowed` holds the caller's permissions.
std::optional<CommandRefusal> AdmitCommand(uint16_t command_field, std::string_view sop_class,
                                           const ArrivedOn& context,
                                           const NegotiationPolicy& allowed);

}  // namespace pixeldex::server
