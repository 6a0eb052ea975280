#pragma once
// TlsTransport: DICOM over TLS (PS3.15 Annex B) for pixeldex's associations.
// It builds DCMTK's TLS transport layer from TlsSettings: our certificate and
// private key, the certification authorities peers must chain to, the peer
// verification mode and the BCP 195 profile. One TlsTransport serves any
// number of connections on any thread; it must outlive every network it is
// installed on. The listener uses the acceptor role; an association pixeldex
// opens itself (e.g. a C-MOVE sub-association) uses the requestor role with
// the same settings:
//
//   auto tls = TlsTransport::Create(settings.tls, NET_REQUESTOR);
//   tls->InstallOn(network);                 // once per T_ASC_Network
//   TlsTransport::UseFor(params);            // per association, before
//   ASC_requestAssociation(network, params, &assoc);

#include <memory>

#include <dcmtk/dcmnet/assoc.h>

#include "catalog/common/result.h"
#include "server/config/settings.h"

class DcmTLSTransportLayer;
class DcmTransportLayer;

namespace pixeldex::server {

class TlsTransport {
 public:
  // Loads and checks the files named by `settings`. InvalidArgument names the
  // setting or file that is missing or wrong (a key that does not match its
  // certificate, an unreadable CA file).
  static Result<std::unique_ptr<TlsTransport>> Create(const TlsSettings& settings,
                                                      T_ASC_NetworkRole role);
  ~TlsTransport();
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  // Makes every connection of `network` speak TLS; the network does not take
  // ownership.
  Status InstallOn(T_ASC_Network* network);
  // Requestor side: asks for a TLS connection for this association.
  static Status UseFor(T_ASC_Parameters* params);
  // The DCMTK layer itself, for a listener that wraps it.
  DcmTransportLayer& layer();

 private:
  explicit TlsTransport(std::unique_ptr<DcmTLSTransportLayer> layer);
  std::unique_ptr<DcmTLSTransportLayer> layer_;
};

}  // namespace pixeldex::server
