#include "server/retrieve/move_destinations.h"

#include <charconv>
#include <sstream>
#include <string_view>

namespace pixeldex::server {
namespace {

constexpr std::string_view kTlsScheme = "tls://";

Result<MoveDestination> ParseEntry(const std::string& entry) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("malformed move destination '" + entry + "' (" + why +
                                   "; expected AET=host:port or AET=tls://host:port)");
  };
  const size_t eq = entry.find('=');
  const size_t colon = entry.rfind(':');
  if (eq == std::string::npos || colon == std::string::npos || colon < eq) {
    return bad("no AET= or :port");
  }
  MoveDestination d;
  d.aet = entry.substr(0, eq);
  size_t host_start = eq + 1;
  if (entry.compare(host_start, kTlsScheme.size(), kTlsScheme) == 0) {
    d.tls = true;
    host_start += kTlsScheme.size();
  }
  if (colon < host_start) return bad("no :port");
  d.host = entry.substr(host_start, colon - host_start);
  // PS3.8 9.3.1: an AE title is 1 to 16 characters.
  if (d.aet.empty() || d.aet.size() > 16) return bad("AE title must be 1 to 16 characters");
  if (d.host.empty()) return bad("no host");
  if (d.host.find_first_of(":/") != std::string::npos) {
    return bad("host must be a name or an IPv4 address");
  }
  const std::string port = entry.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), d.port);
  if (ec != std::errc() || ptr != port.data() + port.size() || d.port < 1 || d.port > 65535) {
    return bad("port must be 1 to 65535");
  }
  return d;
}

}  // namespace

Result<std::vector<MoveDestination>> ParseMoveDestinations(const std::string& text) {
  std::string normalized = text;
  for (char& c : normalized) {
    if (c == ',') c = ' ';
  }
  std::istringstream words(normalized);
  std::vector<MoveDestination> destinations;
  std::string word;
  while (words >> word) {
    auto d = ParseEntry(word);
    if (!d.ok()) return d.status();
    if (FindMoveDestination(destinations, d->aet) != nullptr) {
      return Status::InvalidArgument("move destination " + d->aet + " is listed twice");
    }
    destinations.push_back(std::move(d).value());
  }
  return destinations;
}

bool AnyUsesTls(const std::vector<MoveDestination>& destinations) {
  for (const MoveDestination& d : destinations) {
    if (d.tls) return true;
  }
  return false;
}

const MoveDestination* FindMoveDestination(const std::vector<MoveDestination>& destinations,
                                           const std::string& aet) {
  for (const MoveDestination& d : destinations) {
    if (d.aet == aet) return &d;
  }
  return nullptr;
}

}  // namespace pixeldex::server
