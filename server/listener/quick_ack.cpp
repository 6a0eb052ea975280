#include "server/listener/quick_ack.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace pixeldex::server {

void RearmQuickAck(DcmNativeSocketType socket) {
#ifdef TCP_QUICKACK
  const int one = 1;
  (void)::setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#else
  (void)socket;
#endif
}

}  // namespace pixeldex::server
