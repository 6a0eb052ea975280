#pragma once
// AcceptNotifyingLayer: a DCMTK transport layer that wraps another one (plain
// TCP or TLS) and runs the calling thread's callback the moment a connection
// has been accepted, before any byte is read from it and before a TLS
// handshake starts. DicomServer installs one on each listening network: the
// callback sets TCP_NODELAY and hands the listening socket on to the next
// thread, so that a peer that is slow to send its A-ASSOCIATE-RQ (or its TLS
// ClientHello) never holds up other callers. Every connection it creates is
// a GuardedConnection (guarded_connection.h) around the wrapped layer's.
// Thread-safe: the callback is per thread; the wrapped layer must be too
// (both of DCMTK's are).

#include <functional>

#include <dcmtk/dcmnet/dcmlayer.h>

namespace pixeldex::server {

class AcceptNotifyingLayer : public DcmTransportLayer {
 public:
  // `inner` creates the connections and must outlive this layer.
  explicit AcceptNotifyingLayer(DcmTransportLayer& inner) : inner_(inner) {}

  DcmTransportConnection* createConnection(DcmNativeSocketType socket, OFBool secure) override;

  // Sets (or, with an empty function, clears) the callback run for connections
  // accepted on the calling thread; it receives the accepted socket.
  static void OnAcceptOnThisThread(std::function<void(DcmNativeSocketType)> callback);

 private:
  DcmTransportLayer& inner_;
};

}  // namespace pixeldex::server
