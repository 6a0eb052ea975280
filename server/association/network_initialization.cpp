#include "server/association/network_initialization.h"

namespace pixeldex::server {

std::unique_lock<std::mutex> LockNetworkInitialization() {
  static std::mutex mutex;
  return std::unique_lock<std::mutex>(mutex);
}

OFCondition InitializeNetwork(T_ASC_NetworkRole role, int port, int acse_timeout_seconds,
                              T_ASC_Network** network) {
  const std::unique_lock<std::mutex> lock = LockNetworkInitialization();
  return ASC_initializeNetwork(role, port, acse_timeout_seconds, network);
}

}  // namespace pixeldex::server
