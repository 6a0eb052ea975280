#include "server/association/command_admission.h"

#include <fmt/format.h>

#include "server/association/service_classes.h"

namespace pixeldex::server {
namespace {

// The service a request command asks for (PS3.7 E.1), or nullopt.
std::optional<Service> RequestedService(uint16_t command_field) {
  switch (command_field) {
    case 0x0030: return Service::kVerification;
    case 0x0001: return Service::kStorage;
    case 0x0020: return Service::kFind;
    case 0x0010: return Service::kGet;
    case 0x0021: return Service::kMove;
    default: return std::nullopt;
  }
}

bool Permitted(Service service, const NegotiationPolicy& allowed) {
  switch (service) {
    case Service::kVerification: return true;
    case Service::kStorage: return allowed.allow_store;
    case Service::kFind: return allowed.allow_find;
    case Service::kGet:
    case Service::kMove: return allowed.allow_retrieve;
  }
  return false;
}

}  // namespace

std::optional<CommandRefusal> AdmitCommand(uint16_t command_field, std::string_view sop_class,
                                           const ArrivedOn& context,
                                           const NegotiationPolicy& allowed) {
  const std::optional<Service> wanted = RequestedService(command_field);
  if (!wanted) return std::nullopt;
  const Service offered = ServiceOf(context.abstract_syntax);
  if (offered != *wanted) {
    return CommandRefusal{kStatusSopClassNotSupported,
                          fmt::format("{} request on a {} context ({})", ServiceName(*wanted),
                                      ServiceName(offered), context.abstract_syntax)};
  }
  if (sop_class != context.abstract_syntax) {
    return CommandRefusal{kStatusSopClassNotSupported,
                          fmt::format("{} request for SOP class {} on a context for {}",
                                      ServiceName(*wanted), sop_class, context.abstract_syntax)};
  }
  if (!Permitted(*wanted, allowed)) {
    return CommandRefusal{kStatusNotAuthorized,
                          fmt::format("caller may not use {}", ServiceName(*wanted))};
  }
  if (*wanted == Service::kStorage && !context.peer_is_scu) {
    return CommandRefusal{kStatusNotAuthorized,
                          "C-STORE request on a context accepted for C-GET sub-operations only"};
  }
  return std::nullopt;
}

}  // namespace pixeldex::server
