#include "server/retrieve/store_association.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <map>
#include <set>

#include "server/association/association_socket.h"
#include "server/association/network_initialization.h"
#include "server/association/tcp_nodelay.h"
#include "server/listener/quick_ack_layer.h"

namespace pixeldex::server {
namespace {

// PS3.8 9.3.2.2: presentation context IDs are odd numbers 1 to 255.
constexpr int kMaxContexts = 128;

bool IsUncompressedUid(const std::string& uid) {
  return uid == UID_LittleEndianExplicitTransferSyntax ||
         uid == UID_LittleEndianImplicitTransferSyntax;
}

// The contexts to propose: per SOP class the uncompressed syntaxes first (any
// instance DCMTK can decode can go in them), then each other stored syntax.
std::vector<std::pair<std::string, std::vector<std::string>>> Proposals(
    const std::vector<query::RetrieveInstance>& instances) {
  std::map<std::string, std::set<std::string>> syntaxes_by_class;
  for (const auto& i : instances) syntaxes_by_class[i.sop_class_uid].insert(i.transfer_syntax_uid);
  std::vector<std::pair<std::string, std::vector<std::string>>> proposals;
  for (const auto& [sop_class, syntaxes] : syntaxes_by_class) {
    proposals.push_back({sop_class,
                         {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}});
  }
  for (const auto& [sop_class, syntaxes] : syntaxes_by_class) {
    for (const std::string& ts : syntaxes) {
      if (!IsUncompressedUid(ts)) proposals.push_back({sop_class, {ts}});
    }
  }
  if (proposals.size() > kMaxContexts) proposals.resize(kMaxContexts);
  return proposals;
}

// Installs the transport layer of `network`: every connection re-arms quick
// ACKs (quick_ack_layer.h), and speaks TLS when `destination` asks for it.
Status InstallTransport(const MoveDestination& destination, TlsTransport* tls,
                        T_ASC_Network* network, T_ASC_Parameters* params) {
  if (destination.tls && tls == nullptr) {
    return Status::Internal("no TLS transport for a tls:// destination");
  }
  auto layer = std::make_unique<QuickAckLayer>(destination.tls ? &tls->layer() : nullptr);
  const OFCondition cond = ASC_setTransportLayer(network, layer.get(), OFTrue);
  if (cond.bad()) return Status::Internal(std::string("cannot set the transport: ") + cond.text());
  layer.release();  // the network owns it now
  return destination.tls ? TlsTransport::UseFor(params) : Status::Ok();
}

OFCondition Propose(T_ASC_Parameters* params, const std::vector<query::RetrieveInstance>& instances) {
  int id = 1;
  for (const auto& [sop_class, syntaxes] : Proposals(instances)) {
    std::vector<const char*> ts;
    for (const std::string& s : syntaxes) ts.push_back(s.c_str());
    OFCondition cond = ASC_addPresentationContext(params, static_cast<T_ASC_PresentationContextID>(id),
                                                  sop_class.c_str(), ts.data(),
                                                  static_cast<int>(ts.size()));
    if (cond.bad()) return cond;
    id += 2;
  }
  return EC_Normal;
}

}  // namespace

Result<std::unique_ptr<StoreAssociation>> StoreAssociation::Open(
    const MoveDestination& destination, const std::vector<query::RetrieveInstance>& instances,
    const StoreAssociationOptions& options) {
  T_ASC_Network* network = nullptr;
  OFCondition cond = InitializeNetwork(NET_REQUESTOR, 0, options.acse_timeout_seconds, &network);
  if (cond.bad()) return Status::IoError(std::string("cannot initialize network: ") + cond.text());
  T_ASC_Parameters* params = nullptr;
  cond = ASC_createAssociationParameters(&params, options.max_pdu);
  if (cond.good()) {
    cond = ASC_setAPTitles(params, options.calling_aet.c_str(), destination.aet.c_str(), nullptr);
  }
  const std::string address = destination.host + ":" + std::to_string(destination.port);
  if (cond.good()) cond = ASC_setPresentationAddresses(params, "localhost", address.c_str());
  if (cond.good()) cond = Propose(params, instances);
  if (cond.good()) {
    const Status transport = InstallTransport(destination, options.tls, network, params);
    if (!transport.ok()) cond = makeOFCondition(0, 2, OF_error, transport.message().c_str());
  }
  T_ASC_Association* assoc = nullptr;
  if (cond.good()) {
    cond = ASC_requestAssociation(network, params, &assoc);  // takes ownership of params
    params = nullptr;
  }
  if (params != nullptr) ASC_destroyAssociationParameters(&params);
  if (cond.good() && ASC_countAcceptedPresentationContexts(assoc->params) == 0) {
    cond = makeOFCondition(0, 1, OF_error, "no presentation context accepted");
  }
  if (cond.bad()) {
    if (assoc != nullptr) {
      ASC_abortAssociation(assoc);
      ASC_destroyAssociation(&assoc);
    }
    ASC_dropNetwork(&network);
    return Status::IoError("cannot associate with " + destination.aet + " at " +
                           (destination.tls ? "tls://" : "") + address + ": " + cond.text());
  }
  DisableNagle(assoc);
  // The global socket timeouts (network.acse_timeout) bounded connecting and
  // negotiating; a destination that stalls inside a PDU, or stops reading
  // ours, is dropped after the DIMSE timeout from now on.
  const DcmNativeSocketType socket = SocketOf(assoc);
  if (socket != DCMNET_INVALID_SOCKET) SetSocketTimeouts(socket, options.dimse_timeout_seconds);
  return std::unique_ptr<StoreAssociation>(new StoreAssociation(network, assoc));
}

StoreAssociation::~StoreAssociation() {
  if (broken_) {
    ASC_abortAssociation(assoc_);
  } else if (ASC_releaseAssociation(assoc_).bad()) {
    ASC_abortAssociation(assoc_);
  }
  ASC_destroyAssociation(&assoc_);
  ASC_dropNetwork(&network_);
}

}  // namespace pixeldex::server
