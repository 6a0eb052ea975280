#include "server/listener/guarded_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include <dcmtk/dcmnet/dul.h>

#include "catalog/common/log.h"
#include "server/listener/quick_ack.h"

namespace pixeldex::server {
namespace {

std::string PeerAddress(DcmNativeSocketType socket) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  char text[INET6_ADDRSTRLEN] = "?";
  if (::getpeername(socket, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    const void* ip = addr.ss_family == AF_INET6
                         ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr)
                         : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&addr)->sin_addr);
    ::inet_ntop(addr.ss_family, ip, text, sizeof(text));
  }
  return text;
}

}  // namespace

GuardedConnection::GuardedConnection(DcmNativeSocketType socket, DcmTransportConnection* inner)
    : ForwardingConnection(socket, inner),
      writes_([this](const char* data, size_t size) {
        return ForwardingConnection::write(const_cast<char*>(data), size);
      }) {}

GuardedConnection::~GuardedConnection() = default;

ssize_t GuardedConnection::read(void* buf, size_t nbyte) {
  const ssize_t n = ForwardingConnection::read(buf, nbyte);
  if (n <= 0) return n;
  RearmQuickAck(getSocket());  // a peer that leaves Nagle on waits for our ACK
  const Status checked = inspector_.Feed(static_cast<const char*>(buf), static_cast<size_t>(n));
  if (checked.ok()) return n;
  if (!reported_) {
    const std::string peer = PeerAddress(getSocket());
    LogWarning({{"peer", peer}, {"outcome", "dropped"}, {"reason", checked.message()}},
               "association from {} dropped: {}", peer, checked.message());
    reported_ = true;
  }
  errno = EPROTO;
  return -1;
}

WriteCoalescer* WriteCoalescerOf(T_ASC_Association* assoc) {
  auto* guarded =
      dynamic_cast<GuardedConnection*>(DUL_getTransportConnection(assoc->DULassociation));
  return guarded != nullptr ? &guarded->writes() : nullptr;
}

HeldWrites::HeldWrites(T_ASC_Association* assoc) : assoc_(assoc) {
  if (WriteCoalescer* writes = WriteCoalescerOf(assoc_)) writes->Hold();
}

HeldWrites::~HeldWrites() {
  // Looked up again: when the exchange failed, DCMTK may have closed the
  // connection and destroyed it with its coalescer (ASan:
  // heap-use-after-free in SlowPeerE2eTest.FindRequestWhoseIdentifierNeverComesIsDropped).
  if (WriteCoalescer* writes = WriteCoalescerOf(assoc_)) writes->Release();
}

}  // namespace pixeldex::server
