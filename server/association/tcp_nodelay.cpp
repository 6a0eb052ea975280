#include "server/association/tcp_nodelay.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "catalog/common/log.h"
#include "server/association/association_socket.h"

namespace pixeldex::server {

void DisableNagle(T_ASC_Association* assoc) {
  const DcmNativeSocketType socket = SocketOf(assoc);
  if (socket != DCMNET_INVALID_SOCKET) DisableNagle(socket);
}

void DisableNagle(DcmNativeSocketType socket) {
  const int one = 1;
  if (::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    LogWarning("cannot set TCP_NODELAY on an association's socket");
  }
}

}  // namespace pixeldex::server
