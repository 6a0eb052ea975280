#include "server/association/tcp_nodelay.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>

#include "catalog/common/log.h"

namespace pixeldex::server {
namespace {

// DcmTransportConnection::getSocket() is protected in DCMTK 3.6.7; a derived
// class may name it, and the member pointer it yields works on any connection.
struct SocketAccess : DcmTransportConnection {
  static DcmNativeSocketType Of(DcmTransportConnection* connection) {
    DcmNativeSocketType (DcmTransportConnection::*get)() = &SocketAccess::getSocket;
    return (connection->*get)();
  }
};

}  // namespace

void DisableNagle(T_ASC_Association* assoc) {
  DcmTransportConnection* connection = DUL_getTransportConnection(assoc->DULassociation);
  if (connection != nullptr) DisableNagle(SocketAccess::Of(connection));
}

void DisableNagle(DcmNativeSocketType socket) {
  const int one = 1;
  if (::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    LogWarning("cannot set TCP_NODELAY on an association's socket");
  }
}

}  // namespace pixeldex::server
