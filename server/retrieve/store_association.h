#pragma once
// StoreAssociation: the association pixeldex requests to a C-MOVE destination
// to carry the C-STORE sub-operations (PS3.4 C.4.2.2). It proposes, for each
// SOP class to send, one context with the uncompressed syntaxes and one per
// other stored syntax (so instances can go unchanged), at most 128 in all
// (PS3.8 9.3.2.2: odd context IDs 1-255). TCP_NODELAY is set on its socket,
// its reads re-arm quick ACKs (a destination that leaves Nagle on answers
// without waiting for our delayed ACKs, quick_ack.h), and once associated its reads and writes time out after the DIMSE timeout.
// A destination marked tls:// is reached over TLS (PS3.15 B.1) through the
// shared requestor TlsTransport; others over plain TCP.
// Owned by one thread; the destructor releases the association.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/retrieve_request.h"
#include "server/retrieve/move_destinations.h"
#include "server/tls/tls_transport.h"

namespace pixeldex::server {

struct StoreAssociationOptions {
  std::string calling_aet;  // ours
  uint32_t max_pdu = 131072;
  int acse_timeout_seconds = 30;
  int dimse_timeout_seconds = 60;
  // Required for a tls:// destination; not owned, outlives the association.
  TlsTransport* tls = nullptr;
};

class StoreAssociation {
 public:
  // Connects (with TLS for a tls:// destination) and negotiates; IoError
  // (with DCMTK's reason) when the destination cannot be reached, fails the
  // TLS handshake or accepts none of the contexts.
  static Result<std::unique_ptr<StoreAssociation>> Open(
      const MoveDestination& destination, const std::vector<query::RetrieveInstance>& instances,
      const StoreAssociationOptions& options);
  ~StoreAssociation();
  StoreAssociation(const StoreAssociation&) = delete;
  StoreAssociation& operator=(const StoreAssociation&) = delete;

  T_ASC_Association* get() const { return assoc_; }
  // After a network failure: abort instead of releasing.
  void MarkBroken() { broken_ = true; }

 private:
  StoreAssociation(T_ASC_Network* network, T_ASC_Association* assoc)
      : network_(network), assoc_(assoc) {}
  T_ASC_Network* network_ = nullptr;
  T_ASC_Association* assoc_ = nullptr;
  bool broken_ = false;
};

}  // namespace pixeldex::server
