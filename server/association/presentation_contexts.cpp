#include "server/association/presentation_contexts.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>

#include "server/association/service_classes.h"

namespace pixeldex::server {

const std::vector<const char*>& StorageTransferSyntaxes() {
  static const std::vector<const char*> syntaxes = {
      UID_LittleEndianExplicitTransferSyntax,
      UID_LittleEndianImplicitTransferSyntax,
      UID_BigEndianExplicitTransferSyntax,
      UID_DeflatedExplicitVRLittleEndianTransferSyntax,
      UID_JPEGProcess1TransferSyntax,
      UID_JPEGProcess2_4TransferSyntax,
      UID_JPEGProcess14TransferSyntax,
      UID_JPEGProcess14SV1TransferSyntax,
      UID_JPEGLSLosslessTransferSyntax,
      UID_JPEGLSLossyTransferSyntax,
      UID_JPEG2000LosslessOnlyTransferSyntax,
      UID_JPEG2000TransferSyntax,
      UID_JPEG2000Part2MulticomponentImageCompressionLosslessOnlyTransferSyntax,
      UID_JPEG2000Part2MulticomponentImageCompressionTransferSyntax,
      UID_RLELosslessTransferSyntax,
      UID_MPEG2MainProfileAtMainLevelTransferSyntax,
      UID_MPEG2MainProfileAtHighLevelTransferSyntax,
      UID_MPEG4HighProfileLevel4_1TransferSyntax,
      UID_MPEG4BDcompatibleHighProfileLevel4_1TransferSyntax,
      UID_MPEG4HighProfileLevel4_2_For2DVideoTransferSyntax,
      UID_MPEG4HighProfileLevel4_2_For3DVideoTransferSyntax,
      UID_MPEG4StereoHighProfileLevel4_2TransferSyntax,
      UID_HEVCMainProfileLevel5_1TransferSyntax,
      UID_HEVCMain10ProfileLevel5_1TransferSyntax,
  };
  return syntaxes;
}

const std::vector<const char*>& UncompressedTransferSyntaxes() {
  static const std::vector<const char*> syntaxes = {
      UID_LittleEndianExplicitTransferSyntax,
      UID_LittleEndianImplicitTransferSyntax,
      UID_BigEndianExplicitTransferSyntax,
  };
  return syntaxes;
}

const std::vector<const char*>& ServiceSopClasses() {
  static const std::vector<const char*> classes = [] {
    std::vector<const char*> uids;
    for (const ServiceClass& c : ServiceClasses()) uids.push_back(c.uid);
    return uids;
  }();
  return classes;
}

namespace {

OFCondition Accept(T_ASC_Parameters* params, const std::vector<const char*>& abstract_syntaxes,
                   const std::vector<const char*>& transfer_syntaxes) {
  return ASC_acceptContextsWithPreferredTransferSyntaxes(
      params, const_cast<const char**>(abstract_syntaxes.data()),
      static_cast<int>(abstract_syntaxes.size()),
      const_cast<const char**>(transfer_syntaxes.data()),
      static_cast<int>(transfer_syntaxes.size()));
}

bool Proposed(const T_ASC_PresentationContext& pc, const char* ts) {
  return std::any_of(pc.proposedTransferSyntaxes,
                     pc.proposedTransferSyntaxes + pc.transferSyntaxCount,
                     [&](const DIC_UI& p) { return std::strcmp(p, ts) == 0; });
}

bool IsIn(const std::vector<const char*>& list, const char* uid) {
  return std::any_of(list.begin(), list.end(),
                     [&](const char* s) { return std::strcmp(s, uid) == 0; });
}

bool IsServiceClass(const char* uid) { return ServiceOf(uid) != Service::kStorage; }

// The storage transfer syntax to accept from a context's proposal, or null.
// PS3.8 9.3.2.2 leaves the choice to the acceptor. An archive keeps what the
// modality encoded: when the sender's first supported choice is a compressed
// syntax, it is taken (choosing an uncompressed one would make the sender
// transcode, and for lossy syntaxes store a decompressed copy of the lossy
// image). Otherwise our uncompressed preference applies (Explicit VR Little
// Endian first, since it keeps the VRs).
const char* ChooseStorageSyntax(const T_ASC_PresentationContext& pc) {
  for (int i = 0; i < pc.transferSyntaxCount; ++i) {
    const char* ts = pc.proposedTransferSyntaxes[i];
    if (!IsIn(StorageTransferSyntaxes(), ts)) continue;
    if (!IsIn(UncompressedTransferSyntaxes(), ts)) return ts;
    break;
  }
  for (const char* ts : StorageTransferSyntaxes()) {
    if (Proposed(pc, ts)) return ts;
  }
  return nullptr;
}

// Gives every accepted storage context, and (when `unknown_classes`) every
// still-unaccepted one with another abstract syntax, the syntax
// ChooseStorageSyntax picks, keeping the role negotiated for it.
OFCondition ChooseStorageSyntaxes(T_ASC_Parameters* params, bool unknown_classes) {
  const int count = ASC_countPresentationContexts(params);
  for (int i = 0; i < count; ++i) {
    T_ASC_PresentationContext pc;
    OFCondition cond = ASC_getPresentationContext(params, i, &pc);
    if (cond.bad()) return cond;
    if (IsServiceClass(pc.abstractSyntax)) continue;
    if (pc.resultReason != ASC_P_ACCEPTANCE && !unknown_classes) continue;
    const char* ts = ChooseStorageSyntax(pc);
    if (ts == nullptr) continue;
    const T_ASC_SC_ROLE role =
        pc.resultReason == ASC_P_ACCEPTANCE ? pc.acceptedRole : ASC_SC_ROLE_DEFAULT;
    cond = ASC_acceptPresentationContext(params, pc.presentationContextID, ts, role);
    if (cond.bad()) return cond;
  }
  return EC_Normal;
}

// PS3.7 D.3.3.4 SCP/SCU role selection for C-GET: a storage context whose
// requestor proposes to be SCP is accepted with that role, in the first
// syntax of StorageTransferSyntaxes() it proposes. One context carries one
// syntax, so uncompressed comes first: every instance DCMTK can decode fits
// it; a requestor that wants compressed instances unchanged proposes a
// context with only that syntax. Without the store permission the requestor
// gets the SCP role only.
OFCondition AcceptRetrieveRoles(T_ASC_Parameters* params, const NegotiationPolicy& policy) {
  const int count = ASC_countPresentationContexts(params);
  for (int i = 0; i < count; ++i) {
    T_ASC_PresentationContext pc;
    OFCondition cond = ASC_getPresentationContext(params, i, &pc);
    if (cond.bad()) return cond;
    if (pc.proposedRole != ASC_SC_ROLE_SCP && pc.proposedRole != ASC_SC_ROLE_SCUSCP) continue;
    if (IsServiceClass(pc.abstractSyntax)) continue;
    if (!policy.accept_unknown_sop_classes && !dcmIsaStorageSOPClassUID(pc.abstractSyntax)) continue;
    const auto& ours = StorageTransferSyntaxes();
    const auto chosen_it =
        std::find_if(ours.begin(), ours.end(), [&](const char* ts) { return Proposed(pc, ts); });
    const char* chosen = chosen_it == ours.end() ? nullptr : *chosen_it;
    if (chosen == nullptr) continue;
    const T_ASC_SC_ROLE role = policy.allow_store ? pc.proposedRole : ASC_SC_ROLE_SCP;
    cond = ASC_acceptPresentationContext(params, pc.presentationContextID, chosen, role);
    if (cond.bad()) return cond;
  }
  return EC_Normal;
}

// "Name (UID)", or the UID alone when DCMTK does not know it.
std::string NamedUid(const char* uid) {
  const char* name = dcmFindNameOfUID(uid, nullptr);
  return name == nullptr ? std::string(uid) : fmt::format("{} ({})", name, uid);
}

// PS3.8 9.3.3.2: the result/reason of a presentation context not accepted.
const char* RejectionReason(T_ASC_P_ResultReason reason) {
  switch (reason) {
    case ASC_P_USERREJECTION:
      return "rejected by pixeldex";
    case ASC_P_ABSTRACTSYNTAXNOTSUPPORTED:
      return "abstract syntax not supported";
    case ASC_P_TRANSFERSYNTAXESNOTSUPPORTED:
      return "none of the proposed transfer syntaxes is supported";
    default:
      return "not offered to this caller (service not permitted)";
  }
}

}  // namespace

std::string DescribeRejectedContexts(T_ASC_Parameters* params) {
  std::vector<std::string> rejected;
  const int count = ASC_countPresentationContexts(params);
  for (int i = 0; i < count; ++i) {
    T_ASC_PresentationContext pc;
    if (ASC_getPresentationContext(params, i, &pc).bad()) continue;
    if (pc.resultReason == ASC_P_ACCEPTANCE) continue;
    std::vector<std::string> syntaxes;
    for (int t = 0; t < pc.transferSyntaxCount; ++t) {
      syntaxes.push_back(NamedUid(pc.proposedTransferSyntaxes[t]));
    }
    rejected.push_back(fmt::format("#{} {} in [{}]: {}", pc.presentationContextID,
                                   NamedUid(pc.abstractSyntax), fmt::join(syntaxes, ", "),
                                   RejectionReason(pc.resultReason)));
  }
  if (rejected.empty()) return {};
  return fmt::format("{} of {} presentation contexts rejected: {}", rejected.size(), count,
                     fmt::join(rejected, "; "));
}

OFCondition AcceptPresentationContexts(T_ASC_Parameters* params, const NegotiationPolicy& policy) {
  std::vector<const char*> services = {UID_VerificationSOPClass};
  if (policy.allow_find) {
    services.push_back(UID_FINDPatientRootQueryRetrieveInformationModel);
    services.push_back(UID_FINDStudyRootQueryRetrieveInformationModel);
  }
  if (policy.allow_retrieve) {
    services.push_back(UID_GETPatientRootQueryRetrieveInformationModel);
    services.push_back(UID_GETStudyRootQueryRetrieveInformationModel);
    services.push_back(UID_MOVEPatientRootQueryRetrieveInformationModel);
    services.push_back(UID_MOVEStudyRootQueryRetrieveInformationModel);
  }
  OFCondition cond = Accept(params, services, UncompressedTransferSyntaxes());
  if (cond.bad()) return cond;
  if (policy.allow_store) {
    std::vector<const char*> storage(dcmAllStorageSOPClassUIDs,
                                     dcmAllStorageSOPClassUIDs + numberOfDcmAllStorageSOPClassUIDs);
    cond = Accept(params, storage, StorageTransferSyntaxes());
    if (cond.good()) cond = ChooseStorageSyntaxes(params, policy.accept_unknown_sop_classes);
    if (cond.bad()) return cond;
  }
  if (policy.allow_retrieve) return AcceptRetrieveRoles(params, policy);
  return EC_Normal;
}

}  // namespace pixeldex::server
