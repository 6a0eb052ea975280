// SOP Class Extended Negotiation for C-FIND (PS3.4 C.5.1.1.1).

#include "server/association/query_extended_negotiation.h"

#include <gtest/gtest.h>

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/extneg.h>

#include "tests/server/association_params_test_base.h"

namespace pixeldex::server {
namespace {

class ExtendedNegotiationTest : public AssociationParamsTest {
 protected:
  void Request(const char* sop_class, std::vector<unsigned char> info) {
    if (requested_ == nullptr) {
      requested_ = new SOPClassExtendedNegotiationSubItemList;
      ASC_setRequestedExtNegList(params_, requested_);
    }
    auto* item = new SOPClassExtendedNegotiationSubItem;
    item->sopClassUID = sop_class;
    item->serviceClassAppInfoLength = static_cast<unsigned short>(info.size());
    item->serviceClassAppInfo = new unsigned char[info.size()];
    std::copy(info.begin(), info.end(), item->serviceClassAppInfo);
    requested_->push_back(item);
  }

  std::vector<unsigned char> Answer(const char* sop_class) {
    SOPClassExtendedNegotiationSubItemList* accepted = nullptr;
    ASC_getAcceptedExtNegList(params_, &accepted);
    if (accepted == nullptr) return {};
    for (auto* item : *accepted) {
      if (item->sopClassUID == sop_class) {
        return {item->serviceClassAppInfo, item->serviceClassAppInfo + item->serviceClassAppInfoLength};
      }
    }
    return {};
  }

  SOPClassExtendedNegotiationSubItemList* requested_ = nullptr;
};

TEST_F(ExtendedNegotiationTest, CombinedDateTimeIsGrantedOtherFeaturesRefused) {
  Request(UID_FINDStudyRootQueryRetrieveInformationModel, {1, 1, 1, 1});
  EXPECT_TRUE(NegotiateQueryExtensions(params_));
  EXPECT_EQ(Answer(UID_FINDStudyRootQueryRetrieveInformationModel),
            (std::vector<unsigned char>{0, 1, 0, 0}));
}

TEST_F(ExtendedNegotiationTest, NoRequestMeansNoCombinedMatching) {
  EXPECT_FALSE(NegotiateQueryExtensions(params_));
  Request(UID_FINDPatientRootQueryRetrieveInformationModel, {1});  // relational only
  EXPECT_FALSE(NegotiateQueryExtensions(params_));
  EXPECT_EQ(Answer(UID_FINDPatientRootQueryRetrieveInformationModel),
            (std::vector<unsigned char>{0}));
}

TEST_F(ExtendedNegotiationTest, OtherSopClassesAreNotAnswered) {
  Request(UID_CTImageStorage, {1, 1});
  EXPECT_FALSE(NegotiateQueryExtensions(params_));
  EXPECT_TRUE(Answer(UID_CTImageStorage).empty());
}

}  // namespace
}  // namespace pixeldex::server
