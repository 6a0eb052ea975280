#include "server/listener/accept_notifying_layer.h"

#include "server/listener/guarded_connection.h"

namespace pixeldex::server {
namespace {

thread_local std::function<void(DcmNativeSocketType)> on_accept;

}  // namespace

DcmTransportConnection* AcceptNotifyingLayer::createConnection(DcmNativeSocketType socket,
                                                               OFBool secure) {
  if (on_accept) on_accept(socket);
  DcmTransportConnection* connection = inner_.createConnection(socket, secure);
  if (connection == nullptr) return nullptr;
  return new GuardedConnection(socket, connection);
}

void AcceptNotifyingLayer::OnAcceptOnThisThread(std::function<void(DcmNativeSocketType)> callback) {
  on_accept = std::move(callback);
}

}  // namespace pixeldex::server
