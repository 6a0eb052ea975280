#include "bench/find_bench/find_peers.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>
#include <dcmtk/dcmnet/scu.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace pixeldex::bench {
namespace {

constexpr const char* kCallingAet = "FINDBENCH";
// Both roots, each with both little endian syntaxes (PS3.5 A.1, A.2).
constexpr const char* kFindModels[] = {UID_FINDStudyRootQueryRetrieveInformationModel,
                                       UID_FINDPatientRootQueryRetrieveInformationModel};
constexpr const char* kSyntaxes[] = {UID_LittleEndianExplicitTransferSyntax,
                                     UID_LittleEndianImplicitTransferSyntax};

const char* ModelOf(const ShapeQuery& query) {
  return query.patient_root ? UID_FINDPatientRootQueryRetrieveInformationModel
                            : UID_FINDStudyRootQueryRetrieveInformationModel;
}

DcmDataset ToDataset(const ShapeQuery& query) {
  DcmDataset ds;
  for (const auto& k : query.keys) {
    ds.putAndInsertString(DcmTag(k.group, k.element), k.value.c_str());
  }
  return ds;
}

bool Failed(const OFCondition& cond, const char* what, std::string* error) {
  if (cond.good()) return false;
  *error = std::string(what) + ": " + cond.text();
  return true;
}

// DCMTK's DcmSCU: what an application built on it pays per response.
class DcmScuPeer final : public FindPeer {
 public:
  bool Connect(const PeerAddress& peer, std::string* error) {
    scu_.setAETitle(kCallingAet);
    scu_.setPeerHostName(peer.host.c_str());
    scu_.setPeerPort(static_cast<Uint16>(peer.port));
    scu_.setPeerAETitle(peer.called_aet.c_str());
    scu_.setMaxReceivePDULength(ASC_DEFAULTMAXPDU);
    OFList<OFString> syntaxes;
    for (const char* s : kSyntaxes) syntaxes.push_back(s);
    for (const char* model : kFindModels) scu_.addPresentationContext(model, syntaxes);
    return Negotiate(error);
  }
  ~DcmScuPeer() override { scu_.releaseAssociation(); }

  bool Find(const ShapeQuery& query, FindOutcome* outcome, std::string* error) override {
    DcmDataset ds = ToDataset(query);
    OFList<QRResponse*> responses;
    const OFCondition cond =
        scu_.sendFINDRequest(scu_.findPresentationContextID(ModelOf(query), ""), &ds, &responses);
    *outcome = {};
    for (QRResponse* r : responses) {
      if (r->m_dataset != nullptr && DICOM_PENDING_STATUS(r->m_status)) {
        ++outcome->pending_identifiers;
      }
      outcome->final_status = r->m_status;
      delete r;
    }
    return !Failed(cond, "C-FIND", error);
  }

  bool Renegotiate(std::string* error) override {
    scu_.releaseAssociation();  // which also drops DcmSCU's network
    return Negotiate(error);
  }

 private:
  bool Negotiate(std::string* error) {
    OFCondition cond = scu_.initNetwork();
    if (cond.good()) cond = scu_.negotiateAssociation();
    return !Failed(cond, "association", error);
  }
  DcmSCU scu_;
};

// An association of DCMTK's ASC layer; subclasses run the C-FIND on it.
class AscPeer : public FindPeer {
 public:
  ~AscPeer() override {
    Release();
    if (network_ != nullptr) ASC_dropNetwork(&network_);
  }

  bool Connect(const PeerAddress& peer, std::string* error) {
    peer_ = peer;
    return !Failed(ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &network_), "network", error) &&
           Negotiate(error);
  }

  bool Find(const ShapeQuery& query, FindOutcome* outcome, std::string* error) override {
    const T_ASC_PresentationContextID pres_id =
        ASC_findAcceptedPresentationContextID(association_, ModelOf(query));
    if (pres_id == 0) {
      *error = std::string("no accepted presentation context for ") + ModelOf(query);
      return false;
    }
    DcmDataset identifier = ToDataset(query);
    T_DIMSE_C_FindRQ request{};
    request.MessageID = association_->nextMsgID++;
    OFStandard::strlcpy(request.AffectedSOPClassUID, ModelOf(query),
                        sizeof(request.AffectedSOPClassUID));
    request.Priority = DIMSE_PRIORITY_MEDIUM;
    request.DataSetType = DIMSE_DATASET_PRESENT;
    *outcome = {};
    return Exchange(pres_id, request, identifier, outcome, error);
  }

  bool Renegotiate(std::string* error) override {
    Release();
    return Negotiate(error);
  }

 protected:
  virtual bool Exchange(T_ASC_PresentationContextID pres_id, T_DIMSE_C_FindRQ& request,
                        DcmDataset& identifier, FindOutcome* outcome, std::string* error) = 0;
  T_ASC_Association* association_ = nullptr;

 private:
  bool Negotiate(std::string* error) {
    T_ASC_Parameters* params = nullptr;
    if (Failed(ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU), "parameters", error)) {
      return false;
    }
    ASC_setAPTitles(params, kCallingAet, peer_.called_aet.c_str(), nullptr);
    const std::string address = peer_.host + ":" + std::to_string(peer_.port);
    ASC_setPresentationAddresses(params, "localhost", address.c_str());
    T_ASC_PresentationContextID id = 1;  // odd numbers (PS3.8 9.3.2.2)
    for (const char* model : kFindModels) {
      ASC_addPresentationContext(params, id, model, const_cast<const char**>(kSyntaxes), 2);
      id += 2;
    }
    const OFCondition cond = ASC_requestAssociation(network_, params, &association_);
    if (cond.bad()) {
      if (association_ == nullptr) ASC_destroyAssociationParameters(&params);
      ASC_destroyAssociation(&association_);
      return !Failed(cond, "association", error);
    }
    return true;
  }
  void Release() {
    if (association_ == nullptr) return;
    ASC_releaseAssociation(association_);
    ASC_destroyAssociation(&association_);
  }
  PeerAddress peer_;
  T_ASC_Network* network_ = nullptr;
};

// DIMSE_findUser: DCMTK's C-FIND loop, each identifier parsed into a
// DcmDataset and handed to a callback that only counts.
class FindUserPeer final : public AscPeer {
 protected:
  bool Exchange(T_ASC_PresentationContextID pres_id, T_DIMSE_C_FindRQ& request,
                DcmDataset& identifier, FindOutcome* outcome, std::string* error) override {
    int responses = 0;
    T_DIMSE_C_FindRSP final_response{};
    DcmDataset* detail = nullptr;
    const OFCondition cond =
        DIMSE_findUser(association_, pres_id, &request, &identifier, responses, &Count, outcome,
                       DIMSE_BLOCKING, 0, &final_response, &detail);
    delete detail;
    outcome->final_status = final_response.DimseStatus;
    return !Failed(cond, "C-FIND", error);
  }

 private:
  static void Count(void* data, T_DIMSE_C_FindRQ*, int, T_DIMSE_C_FindRSP* response,
                    DcmDataset* identifier) {
    if (identifier != nullptr && DICOM_PENDING_STATUS(response->DimseStatus)) {
      ++static_cast<FindOutcome*>(data)->pending_identifiers;
    }
  }
};

// The C-FIND-RQ sent by DIMSE_sendMessageUsingMemoryData; each response's
// identifier read off the association and dropped undecoded. Subclasses
// read one response's command.
class SkippingPeer : public AscPeer {
 protected:
  // What the client checks of a C-FIND-RSP command set (PS3.7 9.3.2.2).
  struct ResponseCommand {
    uint16_t command_field = 0, message_id_responded_to = 0, status = 0xFFFF;
    T_ASC_PresentationContextID pres_id = 0;
    bool has_identifier = false;
  };
  // Reads the next response's command, then drops its identifier if any.
  virtual bool ReadResponse(T_ASC_PresentationContextID pres_id, ResponseCommand* command,
                            std::string* error) = 0;

  bool Exchange(T_ASC_PresentationContextID pres_id, T_DIMSE_C_FindRQ& request,
                DcmDataset& identifier, FindOutcome* outcome, std::string* error) override {
    T_DIMSE_Message message{};
    message.CommandField = DIMSE_C_FIND_RQ;
    message.msg.CFindRQ = request;
    if (Failed(DIMSE_sendMessageUsingMemoryData(association_, pres_id, &message, nullptr,
                                                &identifier, nullptr, nullptr),
               "C-FIND-RQ", error)) {
      return false;
    }
    for (;;) {
      ResponseCommand command;
      if (!ReadResponse(pres_id, &command, error)) return false;
      if (command.command_field != DIMSE_C_FIND_RSP ||
          command.message_id_responded_to != request.MessageID || command.pres_id != pres_id) {
        *error = "a response that is not this request's C-FIND-RSP";
        return false;
      }
      if (!DICOM_PENDING_STATUS(command.status)) {
        outcome->final_status = command.status;
        return true;
      }
      if (command.has_identifier) ++outcome->pending_identifiers;
    }
  }
};

// Each command set read and decoded into a DcmDataset by DIMSE_receiveCommand,
// each identifier's PDVs dropped by DIMSE_ignoreDataSet.
class DimsePeer final : public SkippingPeer {
 protected:
  bool ReadResponse(T_ASC_PresentationContextID, ResponseCommand* command,
                    std::string* error) override {
    T_DIMSE_Message response{};
    DcmDataset* detail = nullptr;
    const OFCondition cond = DIMSE_receiveCommand(association_, DIMSE_BLOCKING, 0,
                                                  &command->pres_id, &response, &detail);
    delete detail;
    if (Failed(cond, "C-FIND-RSP", error)) return false;
    const T_DIMSE_C_FindRSP& rsp = response.msg.CFindRSP;
    command->command_field = response.CommandField;
    command->message_id_responded_to = rsp.MessageIDBeingRespondedTo;
    command->status = rsp.DimseStatus;
    command->has_identifier = rsp.DataSetType != DIMSE_DATASET_NULL;
    DIC_UL bytes = 0, pdvs = 0;
    return !command->has_identifier ||
           !Failed(DIMSE_ignoreDataSet(association_, DIMSE_BLOCKING, 0, &bytes, &pdvs),
                   "identifier", error);
  }
};

// The responses read from the socket in large reads, parsed as PDUs by the
// client itself (P-DATA-TF, PS3.8 9.3.5: type 04H, a reserved byte, a 32-bit
// big endian length; each PDV item a 32-bit length, the presentation context
// ID, the message control header of PS3.8 E.2, the fragment): each command
// set's fields picked from its Implicit VR Little Endian elements (PS3.7
// 6.3.1), each identifier's fragments dropped. DCMTK's DUL reads each PDU
// by exact lengths, about four read() calls per response; this reads what
// the association's transport connection holds, up to 256 kB at a time. The request, association and release stay DCMTK's; the
// server sends nothing between a final response and the next request, so
// DUL never finds bytes this buffered.
class LightPeer final : public SkippingPeer {
 protected:
  bool ReadResponse(T_ASC_PresentationContextID pres_id, ResponseCommand* command,
                    std::string* error) override {
    command_.clear();
    Pdv pdv;
    do {
      if (!NextPdv(pres_id, true, &pdv, error)) return false;
      command_.insert(command_.end(), pdv.data, pdv.data + pdv.length);
    } while (!pdv.last);
    command->pres_id = pres_id;
    // Elements: group, element (16 bits each), length (32), value; little endian.
    const auto u16 = [&](size_t at) { return uint16_t(command_[at] | command_[at + 1] << 8); };
    uint16_t data_set_type = 0;
    for (size_t at = 0; at + 8 <= command_.size();) {
      const uint16_t group = u16(at), element = u16(at + 2);
      const uint32_t length = u16(at + 4) | uint32_t{u16(at + 6)} << 16;
      at += 8;
      if (group != 0x0000 || length > command_.size() - at) {
        *error = "a malformed command set";
        return false;
      }
      if (length == 2) {
        switch (element) {
          case 0x0100: command->command_field = u16(at); break;
          case 0x0120: command->message_id_responded_to = u16(at); break;
          case 0x0800: data_set_type = u16(at); break;
          case 0x0900: command->status = u16(at); break;
        }
      }
      at += length;
    }
    // PS3.7 E.2: Command Data Set Type 0101H, no data set follows.
    command->has_identifier = data_set_type != 0x0101;
    while (command->has_identifier) {
      if (!NextPdv(pres_id, false, &pdv, error)) return false;
      if (pdv.last) break;
    }
    return true;
  }

 private:
  struct Pdv {
    const uint8_t* data = nullptr;  // valid until the next NextPdv
    size_t length = 0;
    bool last = false;
  };

  static uint32_t BigEndian32(const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
  }

  // The next PDV, a command's (else a data set's) fragment on `pres_id`.
  bool NextPdv(T_ASC_PresentationContextID pres_id, bool command, Pdv* pdv, std::string* error) {
    if (pdu_left_ == 0) {
      if (!Buffer(6, error)) return false;
      const uint8_t* header = buffer_.data() + begin_;
      if (header[0] != 0x04) {
        *error = "a PDU of type " + std::to_string(header[0]) + " where a P-DATA-TF was due";
        return false;
      }
      pdu_left_ = BigEndian32(header + 2);
      begin_ += 6;
    }
    if (pdu_left_ < 6 || !Buffer(4, error)) return MalformedPdu(error);
    const uint32_t item_length = BigEndian32(buffer_.data() + begin_);
    if (item_length < 2 || item_length > pdu_left_ - 4) return MalformedPdu(error);
    if (!Buffer(4 + item_length, error)) return false;
    const uint8_t* item = buffer_.data() + begin_;
    const uint8_t control = item[5];
    if (item[4] != pres_id || ((control & 0x01) != 0) != command) {
      *error = "a PDV of another kind or presentation context than the response's";
      return false;
    }
    *pdv = {item + 6, item_length - 2, (control & 0x02) != 0};
    begin_ += 4 + item_length;
    pdu_left_ -= 4 + item_length;
    return true;
  }

  static bool MalformedPdu(std::string* error) {
    *error = "a malformed P-DATA-TF";
    return false;
  }

  // Makes at least `need` unread bytes buffered, reading what the socket has.
  bool Buffer(size_t need, std::string* error) {
    if (end_ - begin_ >= need) return true;
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (buffer_.size() < need) buffer_.resize(need);
    DcmTransportConnection* connection = DUL_getTransportConnection(association_->DULassociation);
    while (end_ < need) {
      const ssize_t n = connection->read(buffer_.data() + end_, buffer_.size() - end_);
      if (n > 0) {
        end_ += static_cast<size_t>(n);
      } else if (n == 0 || errno != EINTR) {
        *error = n == 0 ? "the peer closed the connection" : std::strerror(errno);
        return false;
      }
    }
    return true;
  }

  std::vector<uint8_t> command_;  // one command set's bytes, reused
  std::vector<uint8_t> buffer_ = std::vector<uint8_t>(size_t{256} << 10);
  size_t begin_ = 0, end_ = 0;  // the unread bytes in buffer_
  uint32_t pdu_left_ = 0;       // bytes of the current P-DATA-TF not yet parsed
};

template <typename Peer>
std::unique_ptr<FindPeer> Connected(const PeerAddress& peer, std::string* error) {
  auto p = std::make_unique<Peer>();
  if (!p->Connect(peer, error)) return nullptr;
  return p;
}

}  // namespace

bool ParseClientKind(const std::string& name, ClientKind* kind) {
  for (ClientKind k :
       {ClientKind::kDcmScu, ClientKind::kFindUser, ClientKind::kDimse, ClientKind::kLight}) {
    if (name == ClientKindName(k)) {
      *kind = k;
      return true;
    }
  }
  return false;
}

const char* ClientKindName(ClientKind kind) {
  switch (kind) {
    case ClientKind::kDcmScu: return "dcmscu";
    case ClientKind::kFindUser: return "finduser";
    case ClientKind::kDimse: return "dimse";
    case ClientKind::kLight: return "light";
  }
  return "?";
}

std::unique_ptr<FindPeer> ConnectFindPeer(ClientKind kind, const PeerAddress& peer,
                                          std::string* error) {
  switch (kind) {
    case ClientKind::kDcmScu: return Connected<DcmScuPeer>(peer, error);
    case ClientKind::kFindUser: return Connected<FindUserPeer>(peer, error);
    case ClientKind::kDimse: return Connected<DimsePeer>(peer, error);
    case ClientKind::kLight: return Connected<LightPeer>(peer, error);
  }
  return nullptr;
}

}  // namespace pixeldex::bench
