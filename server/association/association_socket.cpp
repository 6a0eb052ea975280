#include "server/association/association_socket.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <dcmtk/dcmnet/dul.h>

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

DcmNativeSocketType SocketOf(T_ASC_Association* assoc) {
  DcmTransportConnection* connection = DUL_getTransportConnection(assoc->DULassociation);
  return connection != nullptr ? SocketAccess::Of(connection) : DCMNET_INVALID_SOCKET;
}

void SetSocketTimeouts(DcmNativeSocketType socket, int seconds) {
  const timeval limit{seconds, 0};
  ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
}

}  // namespace pixeldex::server
