#pragma once
// C-MOVE destinations: the AE titles pixeldex may send to, and where they
// listen (PS3.4 C.4.2.1.3: the SCP must know the Move Destination's address;
// an unknown one is answered A801). Text form, as in move.destinations and
// --move-destination: "AET=host:port" entries, comma- or space-separated;
// "AET=tls://host:port" marks a destination reached over TLS (PS3.15 B.1).
// The host is a name or an IPv4 address (DCMTK 3.6.7 networking is IPv4).
// Plain values; parsing is stateless and safe from any thread.

#include <string>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

struct MoveDestination {
  std::string aet;
  std::string host;
  int port = 0;
  bool tls = false;  // the sub-association speaks TLS with the [tls] settings
};

// InvalidArgument names the malformed entry.
Result<std::vector<MoveDestination>> ParseMoveDestinations(const std::string& text);

// True when any of `destinations` is reached over TLS.
bool AnyUsesTls(const std::vector<MoveDestination>& destinations);

// The destination with AE title `aet` (exact, case-sensitive), or nullptr.
const MoveDestination* FindMoveDestination(const std::vector<MoveDestination>& destinations,
                                           const std::string& aet);

}  // namespace pixeldex::server
