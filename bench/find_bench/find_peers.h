#pragma once
// FindPeer: one C-FIND SCU association of find_client, in one of four
// client implementations over DCMTK, so that the client's own cost can be
// told from the server's (bench/README.md "C-FIND"). All four are standard
// Query/Retrieve SCUs (PS3.4 C.4.1: Study Root and Patient Root FIND, the
// identifier in Explicit or Implicit VR Little Endian) on one association
// reused for every query, as a PACS client keeps its association:
//
// - kDcmScu: DcmSCU::sendFINDRequest, every pending response's identifier
//   parsed into a DcmDataset and copied into a QRResponse (what a DcmSCU
//   application pays);
// - kFindUser: DIMSE_findUser with a callback that only counts: each
//   identifier still parsed into a DcmDataset by DIMSE;
// - kDimse: the C-FIND-RQ by DIMSE_sendMessageUsingMemoryData, then each
//   response's command set by DIMSE_receiveCommand (decoded into a
//   DcmDataset by DIMSE; status, Message ID Being Responded To checked) and
//   its identifier's PDVs read and dropped by DIMSE_ignoreDataSet;
// - kLight: the same request, then the responses' PDVs read with DUL
//   (DUL_ReadPDVs, DUL_NextPDV): each command set's Command Field, Message
//   ID Being Responded To, Command Data Set Type and Status read from its
//   bytes, each identifier's PDVs dropped, nothing decoded by dcmdata.
//
// Each reports the pending responses that carried an identifier and the
// final response's status (PS3.4 C.4.1.1.4, Table C.4-1).

#include <cstdint>
#include <memory>
#include <string>

#include "bench/find_bench/find_shapes.h"

namespace pixeldex::bench {

enum class ClientKind { kDcmScu, kFindUser, kDimse, kLight };

// "dcmscu", "finduser", "dimse", "light"; false for any other name.
bool ParseClientKind(const std::string& name, ClientKind* kind);
const char* ClientKindName(ClientKind kind);

struct PeerAddress {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string called_aet = "PIXELDEX";
};

struct FindOutcome {
  size_t pending_identifiers = 0;  // pending responses (FF00, FF01) with an identifier
  uint16_t final_status = 0xFFFF;  // the status of the response that ended the C-FIND
};

class FindPeer {
 public:
  virtual ~FindPeer() = default;
  // Sends `query` and receives every response to it. False (with `error`)
  // when the association failed or the peer broke the protocol.
  virtual bool Find(const ShapeQuery& query, FindOutcome* outcome, std::string* error) = 0;
  // Releases the association and negotiates a new one.
  virtual bool Renegotiate(std::string* error) = 0;
};

// Negotiates an association of `kind` with the peer; nullptr (with `error`)
// when it is refused.
std::unique_ptr<FindPeer> ConnectFindPeer(ClientKind kind, const PeerAddress& peer,
                                          std::string* error);

}  // namespace pixeldex::bench
