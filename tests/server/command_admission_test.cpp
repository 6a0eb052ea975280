// AdmitCommand: every request against the context it arrived on and the
// caller's permissions (PS3.7 9.1, D.3.3.4; PS3.4 A-C).

#include "server/association/command_admission.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

constexpr uint16_t kEcho = 0x0030, kStore = 0x0001, kFind = 0x0020, kGet = 0x0010, kMove = 0x0021;
constexpr uint16_t kCancel = 0x0FFF;
const char* const kCt = UID_CTImageStorage;
const char* const kVerification = UID_VerificationSOPClass;
const char* const kStudyFind = UID_FINDStudyRootQueryRetrieveInformationModel;
const char* const kPatientFind = UID_FINDPatientRootQueryRetrieveInformationModel;
const char* const kStudyGet = UID_GETStudyRootQueryRetrieveInformationModel;
const char* const kStudyMove = UID_MOVEStudyRootQueryRetrieveInformationModel;

NegotiationPolicy Everything() { return NegotiationPolicy{}; }

// The status AdmitCommand answers, 0 when it admits the request.
uint16_t StatusFor(uint16_t command, const char* sop_class, const char* context,
                   const NegotiationPolicy& allowed = Everything(), bool peer_is_scu = true) {
  const auto refusal = AdmitCommand(command, sop_class, ArrivedOn{context, peer_is_scu}, allowed);
  return refusal ? refusal->status : 0;
}

TEST(CommandAdmissionTest, EachServiceOnlyOnItsOwnContexts) {
  struct Case {
    uint16_t command;
    const char* sop_class;
    const char* context;
    uint16_t status;
  };
  const Case cases[] = {
      {kEcho, kVerification, kVerification, 0},
      {kStore, kCt, kCt, 0},
      {kFind, kStudyFind, kStudyFind, 0},
      {kGet, kStudyGet, kStudyGet, 0},
      {kMove, kStudyMove, kStudyMove, 0},
      // The bypasses of issue 13: C-STORE on Verification, C-MOVE on C-FIND.
      {kStore, kCt, kVerification, 0x0122},
      {kStore, kVerification, kVerification, 0x0122},
      {kMove, kStudyMove, kStudyFind, 0x0122},
      {kMove, kStudyFind, kStudyFind, 0x0122},
      {kEcho, kVerification, kCt, 0x0122},
      {kFind, kStudyFind, kStudyGet, 0x0122},
      {kGet, kStudyGet, kStudyMove, 0x0122},
      {kFind, kStudyFind, kCt, 0x0122},
      // Same service, other SOP class than the context's.
      {kFind, kPatientFind, kStudyFind, 0x0122},
      {kStore, UID_MRImageStorage, kCt, 0x0122},
      // Not a request this check knows: left to the dispatcher.
      {kCancel, "", kStudyFind, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StatusFor(c.command, c.sop_class, c.context), c.status)
        << std::hex << c.command << " " << c.sop_class << " on " << c.context;
  }
}

TEST(CommandAdmissionTest, EachServiceNeedsItsPermission) {
  NegotiationPolicy find_only;
  find_only.allow_store = find_only.allow_retrieve = false;
  EXPECT_EQ(StatusFor(kFind, kStudyFind, kStudyFind, find_only), 0);
  EXPECT_EQ(StatusFor(kEcho, kVerification, kVerification, find_only), 0);
  EXPECT_EQ(StatusFor(kStore, kCt, kCt, find_only), 0x0124);
  EXPECT_EQ(StatusFor(kGet, kStudyGet, kStudyGet, find_only), 0x0124);
  EXPECT_EQ(StatusFor(kMove, kStudyMove, kStudyMove, find_only), 0x0124);
  NegotiationPolicy store_only;
  store_only.allow_find = store_only.allow_retrieve = false;
  EXPECT_EQ(StatusFor(kFind, kStudyFind, kStudyFind, store_only), 0x0124);
}

TEST(CommandAdmissionTest, AStoreNeedsTheScuRoleOnItsContext) {
  EXPECT_EQ(StatusFor(kStore, kCt, kCt, Everything(), /*peer_is_scu=*/false), 0x0124);
}

}  // namespace
}  // namespace pixeldex::server
