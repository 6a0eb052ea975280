#include "server/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "catalog/common/log.h"

namespace pixeldex::server {

void NotifyServiceManager(const char* state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t length = std::strlen(path);
  if (length >= sizeof(addr.sun_path) || (path[0] != '/' && path[0] != '@')) {
    LogWarning("NOTIFY_SOCKET '{}' is not a usable socket path", path);
    return;
  }
  std::memcpy(addr.sun_path, path, length);
  if (path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace, as sd_notify does
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    LogWarning("cannot notify the service manager: {}", std::strerror(errno));
    return;
  }
  const socklen_t addr_length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  if (::sendto(fd, state, std::strlen(state), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
               addr_length) < 0) {
    LogWarning("cannot notify the service manager ({}): {}", path, std::strerror(errno));
  }
  ::close(fd);
}

}  // namespace pixeldex::server
