#pragma once
// RawStoreClient: one association opened with DCMTK whose C-STORE data set
// goes out as raw bytes, never parsed on the way, in P-DATA-TF PDUs. For
// tests that need data sets a well-behaved client cannot produce (deep
// nesting, lying lengths) or senders that stall part-way through.

#include <dcmtk/dcmnet/assoc.h>

#include <string>
#include <vector>

namespace pixeldex::testing {

class RawStoreClient {
 public:
  struct Context {
    std::string sop_class;
    T_ASC_SC_ROLE role = ASC_SC_ROLE_DEFAULT;
  };
  // Opens an association to 127.0.0.1:`port` proposing `sop_class` in
  // Explicit VR Little Endian; connected() says whether it was accepted.
  RawStoreClient(int port, const std::string& sop_class);
  // Opens one from `calling_aet` proposing `contexts` as presentation
  // contexts 1, 3, 5, ...; connected() says whether all were accepted.
  RawStoreClient(int port, const std::vector<Context>& contexts, const std::string& calling_aet);
  ~RawStoreClient();
  RawStoreClient(const RawStoreClient&) = delete;
  RawStoreClient& operator=(const RawStoreClient&) = delete;

  bool connected() const { return assoc_ != nullptr; }
  // The largest PDU the server said it receives (its A-ASSOCIATE-AC).
  unsigned long server_max_pdu() const { return assoc_->params->DULparams.peerMaxPDU; }
  // Sends the C-STORE-RQ command set for `sop_instance_uid` (or, when it is
  // empty, a C-FIND-RQ command set).
  bool SendCommand(const std::string& sop_instance_uid);
  // Sends `command` verbatim as one last command PDV, whatever it holds.
  bool SendCommandBytes(std::string command, T_ASC_PresentationContextID context = 1);
  // Sends `bytes` as data set PDVs, the last flagged as last when `last`.
  bool SendData(const std::string& bytes, bool last, T_ASC_PresentationContextID context = 1);
  // Writes `bytes` straight to the socket, bypassing the PDU layer.
  bool SendRawBytes(const std::string& bytes);
  // The C-STORE-RSP status, or -1 when none arrives within `timeout_seconds`.
  int ReceiveStatus(int timeout_seconds);
  // Whether the server aborts the association (A-ABORT) or closes the
  // connection within `timeout_seconds`; other PDUs are read and discarded.
  bool EndedByServerWithin(int timeout_seconds);
  // For DIMSE calls on the association (DIMSE_storeUser, DIMSE_moveUser...).
  T_ASC_Association* association() const { return assoc_; }

 private:
  T_ASC_Network* net_ = nullptr;
  T_ASC_Association* assoc_ = nullptr;
  std::string sop_class_;
};

// Association parameters from `calling_aet` to PIXELDEX at 127.0.0.1:`port`
// proposing `sop_class` in Explicit VR Little Endian as presentation context 1
// (with `role`: PS3.7 D.3.3.4).
T_ASC_Parameters* LoopbackAssociationParameters(int port, const char* calling_aet,
                                                const char* sop_class,
                                                T_ASC_SC_ROLE role = ASC_SC_ROLE_DEFAULT);

// A TCP connection to 127.0.0.1:`port`, or -1. With `from` (another
// loopback address, e.g. "127.0.0.2"), the connection comes from there: a
// second peer address on one machine.
int ConnectLoopback(int port, const char* from = nullptr);

// Whether the peer of socket `fd` closes it within `timeout_ms` (data it
// sends first counts as not closed).
bool PeerClosedWithin(int fd, int timeout_ms);

// The TCP socket under `assoc` (DCMTK 3.6.7 keeps it protected).
int AssociationSocket(T_ASC_Association* assoc);

// Connects, sends a complete C-STORE of `dataset` (raw bytes in Explicit VR
// Little Endian) and returns the response status, or -1.
int RawStore(int port, const std::string& sop_class, const std::string& sop_instance_uid,
             const std::string& dataset);

}  // namespace pixeldex::testing
