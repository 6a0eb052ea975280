#include "server/listener/accept_notifying_layer.h"

namespace pixeldex::server {
namespace {

thread_local std::function<void(DcmNativeSocketType)> on_accept;

}  // namespace

DcmTransportConnection* AcceptNotifyingLayer::createConnection(DcmNativeSocketType socket,
                                                               OFBool secure) {
  if (on_accept) on_accept(socket);
  return inner_.createConnection(socket, secure);
}

void AcceptNotifyingLayer::OnAcceptOnThisThread(std::function<void(DcmNativeSocketType)> callback) {
  on_accept = std::move(callback);
}

}  // namespace pixeldex::server
