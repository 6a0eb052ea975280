#pragma once
// Which DIMSE service a presentation context's abstract syntax stands for in
// pixeldex: Verification (PS3.4 A), the C-FIND, C-GET and C-MOVE Patient and
// Study Root Query/Retrieve information models (PS3.4 C.6.1, C.6.2), or,
// for every other abstract syntax, storage (PS3.4 B.5; negotiation accepts
// others only as storage SOP classes). Used when contexts are negotiated,
// when a command is checked against its context, and by the PduInspector.
// Immutable tables; safe from any thread.

#include <string_view>
#include <vector>

namespace pixeldex::server {

enum class Service { kVerification, kFind, kGet, kMove, kStorage };

struct ServiceClass {
  const char* uid;
  Service service;
};

// Verification and the Query/Retrieve models pixeldex serves.
const std::vector<ServiceClass>& ServiceClasses();

Service ServiceOf(std::string_view abstract_syntax);

// "C-FIND", "storage", ... for log lines.
const char* ServiceName(Service service);

}  // namespace pixeldex::server
