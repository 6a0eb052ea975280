#include "bench/find_bench/find_peers.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/scu.h>

#include <cstdint>
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

// Sends the C-FIND-RQ command and its identifier (DIMSE encodes both).
bool SendFindRequest(T_ASC_Association* association, T_ASC_PresentationContextID pres_id,
                     const T_DIMSE_C_FindRQ& request, DcmDataset& identifier,
                     std::string* error) {
  T_DIMSE_Message message{};
  message.CommandField = DIMSE_C_FIND_RQ;
  message.msg.CFindRQ = request;
  return !Failed(DIMSE_sendMessageUsingMemoryData(association, pres_id, &message, nullptr,
                                                  &identifier, nullptr, nullptr),
                 "C-FIND-RQ", error);
}

// The responses read command by command by DIMSE (each command set decoded
// into a DcmDataset); the identifiers' PDVs read and dropped undecoded.
class DimsePeer final : public AscPeer {
 protected:
  bool Exchange(T_ASC_PresentationContextID pres_id, T_DIMSE_C_FindRQ& request,
                DcmDataset& identifier, FindOutcome* outcome, std::string* error) override {
    if (!SendFindRequest(association_, pres_id, request, identifier, error)) return false;
    for (;;) {
      T_DIMSE_Message response{};
      T_ASC_PresentationContextID response_pres_id = 0;
      DcmDataset* detail = nullptr;
      const OFCondition cond = DIMSE_receiveCommand(association_, DIMSE_BLOCKING, 0,
                                                    &response_pres_id, &response, &detail);
      delete detail;
      if (Failed(cond, "C-FIND-RSP", error)) return false;
      const T_DIMSE_C_FindRSP& rsp = response.msg.CFindRSP;
      if (response.CommandField != DIMSE_C_FIND_RSP ||
          rsp.MessageIDBeingRespondedTo != request.MessageID || response_pres_id != pres_id) {
        *error = "a response that is not this request's C-FIND-RSP";
        return false;
      }
      const bool has_identifier = rsp.DataSetType != DIMSE_DATASET_NULL;
      if (has_identifier) {
        DIC_UL bytes = 0, pdvs = 0;
        if (Failed(DIMSE_ignoreDataSet(association_, DIMSE_BLOCKING, 0, &bytes, &pdvs),
                   "identifier", error)) {
          return false;
        }
      }
      if (!DICOM_PENDING_STATUS(rsp.DimseStatus)) {
        outcome->final_status = rsp.DimseStatus;
        return true;
      }
      if (has_identifier) ++outcome->pending_identifiers;
    }
  }
};

// The responses read PDV by PDV (P-DATA-TF, PS3.8 9.3.5, E.2): each
// command set's four fields the client needs picked from its Implicit VR
// Little Endian elements (PS3.7 6.3.1), each identifier's fragments dropped.
class LightPeer final : public AscPeer {
 protected:
  bool Exchange(T_ASC_PresentationContextID pres_id, T_DIMSE_C_FindRQ& request,
                DcmDataset& identifier, FindOutcome* outcome, std::string* error) override {
    if (!SendFindRequest(association_, pres_id, request, identifier, error)) return false;
    for (;;) {
      ResponseCommand command;
      if (!ReadCommand(pres_id, &command, error)) return false;
      if (command.command_field != DIMSE_C_FIND_RSP ||
          command.message_id_responded_to != request.MessageID) {
        *error = "a response that is not this request's C-FIND-RSP";
        return false;
      }
      // PS3.7 E.2: 0101H means no data set follows.
      const bool has_identifier = command.data_set_type != 0x0101;
      if (has_identifier && !SkipDataSet(pres_id, error)) return false;
      if (!DICOM_PENDING_STATUS(command.status)) {
        outcome->final_status = command.status;
        return true;
      }
      if (has_identifier) ++outcome->pending_identifiers;
    }
  }

 private:
  struct ResponseCommand {
    uint16_t command_field = 0, message_id_responded_to = 0, data_set_type = 0, status = 0xFFFF;
  };

  // The next PDV of the association, reading a P-DATA-TF when none is left.
  bool NextPdv(T_ASC_PresentationContextID pres_id, DUL_PDV* pdv, std::string* error) {
    OFCondition cond = DUL_NextPDV(&association_->DULassociation, pdv);
    if (cond == DUL_NOPDVS) {
      // DUL reports a P-DATA-TF read as DUL_PDATAPDUARRIVED (as DIMSE expects).
      cond = DUL_ReadPDVs(&association_->DULassociation, nullptr, DUL_BLOCK, 0);
      if (cond == DUL_PDATAPDUARRIVED) cond = DUL_NextPDV(&association_->DULassociation, pdv);
    }
    if (Failed(cond, "reading a PDV", error)) return false;
    if (pdv->presentationContextID != pres_id) {
      *error = "a PDV on another presentation context";
      return false;
    }
    return true;
  }

  bool ReadCommand(T_ASC_PresentationContextID pres_id, ResponseCommand* command,
                   std::string* error) {
    command_.clear();
    DUL_PDV pdv{};
    do {
      if (!NextPdv(pres_id, &pdv, error)) return false;
      if (pdv.pdvType != DUL_COMMANDPDV) {
        *error = "a data set PDV where a command was due";
        return false;
      }
      const auto* bytes = static_cast<const uint8_t*>(pdv.data);
      command_.insert(command_.end(), bytes, bytes + pdv.fragmentLength);
    } while (!pdv.lastPDV);
    // Elements: group, element (16 bits each), length (32), value; little endian.
    const auto u16 = [&](size_t at) { return uint16_t(command_[at] | command_[at + 1] << 8); };
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
          case 0x0800: command->data_set_type = u16(at); break;
          case 0x0900: command->status = u16(at); break;
        }
      }
      at += length;
    }
    return true;
  }

  bool SkipDataSet(T_ASC_PresentationContextID pres_id, std::string* error) {
    DUL_PDV pdv{};
    do {
      if (!NextPdv(pres_id, &pdv, error)) return false;
      if (pdv.pdvType != DUL_DATASETPDV) {
        *error = "a command PDV inside an identifier";
        return false;
      }
    } while (!pdv.lastPDV);
    return true;
  }

  std::vector<uint8_t> command_;  // one command set's bytes, reused
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
