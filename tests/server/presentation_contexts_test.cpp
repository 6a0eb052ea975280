// Presentation context negotiation for retrieves: the GET and MOVE models
// follow the retrieve permission, and storage contexts proposed with the SCP
// role for the requestor (PS3.7 D.3.3.4) are accepted with that role.

#include "server/association/presentation_contexts.h"

#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dcuid.h>

#include <vector>

#include "tests/server/association_params_test_base.h"

namespace pixeldex::server {
namespace {

class PresentationContextsTest : public AssociationParamsTest {
 protected:
  // Proposes a context; returns its ID.
  T_ASC_PresentationContextID Propose(const char* abstract_syntax,
                                      std::vector<const char*> syntaxes,
                                      T_ASC_SC_ROLE role = ASC_SC_ROLE_DEFAULT) {
    const auto id = static_cast<T_ASC_PresentationContextID>(next_id_);
    next_id_ += 2;
    EXPECT_TRUE(ASC_addPresentationContext(params_, id, abstract_syntax, syntaxes.data(),
                                           static_cast<int>(syntaxes.size()), role)
                    .good());
    return id;
  }

  T_ASC_PresentationContext Result(T_ASC_PresentationContextID id) {
    T_ASC_PresentationContext pc{};
    for (int i = 0; i < ASC_countPresentationContexts(params_); ++i) {
      ASC_getPresentationContext(params_, i, &pc);
      if (pc.presentationContextID == id) break;
    }
    return pc;
  }

  int next_id_ = 1;
};

TEST_F(PresentationContextsTest, RetrieveModelsFollowThePermission) {
  const auto get = Propose(UID_GETStudyRootQueryRetrieveInformationModel,
                           {UID_LittleEndianImplicitTransferSyntax});
  const auto move = Propose(UID_MOVEPatientRootQueryRetrieveInformationModel,
                            {UID_LittleEndianExplicitTransferSyntax});
  NegotiationPolicy policy;
  policy.allow_retrieve = false;
  ASSERT_TRUE(AcceptPresentationContexts(params_, policy).good());
  EXPECT_NE(Result(get).resultReason, ASC_P_ACCEPTANCE);
  EXPECT_NE(Result(move).resultReason, ASC_P_ACCEPTANCE);
  policy.allow_retrieve = true;
  ASSERT_TRUE(AcceptPresentationContexts(params_, policy).good());
  EXPECT_EQ(Result(get).resultReason, ASC_P_ACCEPTANCE);
  EXPECT_EQ(Result(move).resultReason, ASC_P_ACCEPTANCE);
}

TEST_F(PresentationContextsTest, StorageWithTheScpRoleIsAcceptedWithThatRoleUncompressedFirst) {
  const auto get_storage = Propose(UID_CTImageStorage,
                                   {UID_RLELosslessTransferSyntax, UID_LittleEndianExplicitTransferSyntax},
                                   ASC_SC_ROLE_SCP);
  const auto only_rle = Propose(UID_MRImageStorage, {UID_RLELosslessTransferSyntax}, ASC_SC_ROLE_SCP);
  ASSERT_TRUE(AcceptPresentationContexts(params_, NegotiationPolicy{}).good());
  const auto ct = Result(get_storage);
  EXPECT_EQ(ct.resultReason, ASC_P_ACCEPTANCE);
  EXPECT_EQ(ct.acceptedRole, ASC_SC_ROLE_SCP);
  EXPECT_STREQ(ct.acceptedTransferSyntax, UID_LittleEndianExplicitTransferSyntax);
  const auto mr = Result(only_rle);
  EXPECT_EQ(mr.resultReason, ASC_P_ACCEPTANCE);
  EXPECT_STREQ(mr.acceptedTransferSyntax, UID_RLELosslessTransferSyntax);
}

TEST_F(PresentationContextsTest, RetrieveWithoutStoreGrantsOnlyTheScpRole) {
  const auto plain = Propose(UID_CTImageStorage, {UID_LittleEndianExplicitTransferSyntax});
  const auto both = Propose(UID_MRImageStorage, {UID_LittleEndianExplicitTransferSyntax},
                            ASC_SC_ROLE_SCUSCP);
  NegotiationPolicy policy;
  policy.allow_store = false;
  ASSERT_TRUE(AcceptPresentationContexts(params_, policy).good());
  EXPECT_NE(Result(plain).resultReason, ASC_P_ACCEPTANCE);  // a C-STORE to pixeldex
  const auto mr = Result(both);
  EXPECT_EQ(mr.resultReason, ASC_P_ACCEPTANCE);
  EXPECT_EQ(mr.acceptedRole, ASC_SC_ROLE_SCP);
}

}  // namespace
}  // namespace pixeldex::server
