// Access lists: parsing and the association / store / find decisions.

#include "server/access/access_policy.h"

#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

TEST(AccessPolicyTest, EmptyListsAllowEveryone) {
  AccessPolicy open;
  EXPECT_TRUE(open.MayAssociate("ANY", "10.0.0.1"));
  EXPECT_TRUE(open.MayStore("ANY", "10.0.0.1"));
  EXPECT_TRUE(open.MayFind("ANY", "10.0.0.1"));
  EXPECT_TRUE(open.MayRetrieve("ANY", "10.0.0.1"));
}

TEST(AccessPolicyTest, EntriesMatchAeTitleAndOptionalAddress) {
  auto policy = AccessPolicy::Parse("CT1, PACS@192.168.1.5 VIEWER", "CT1 PACS@192.168.1.5", "VIEWER",
                                    "VIEWER PACS@192.168.1.5");
  ASSERT_TRUE(policy.ok());
  EXPECT_TRUE(policy->MayAssociate("CT1", "10.1.1.1"));
  EXPECT_TRUE(policy->MayAssociate("PACS", "192.168.1.5"));
  EXPECT_FALSE(policy->MayAssociate("PACS", "192.168.1.6"));
  EXPECT_FALSE(policy->MayAssociate("ct1", "10.1.1.1"));  // AE titles are case-sensitive
  EXPECT_TRUE(policy->MayStore("CT1", "10.1.1.1"));
  EXPECT_FALSE(policy->MayStore("VIEWER", "10.1.1.1"));
  EXPECT_TRUE(policy->MayFind("VIEWER", "10.1.1.1"));
  EXPECT_FALSE(policy->MayFind("CT1", "10.1.1.1"));
  EXPECT_TRUE(policy->MayRetrieve("VIEWER", "10.1.1.1"));
  EXPECT_TRUE(policy->MayRetrieve("PACS", "192.168.1.5"));
  EXPECT_FALSE(policy->MayRetrieve("CT1", "10.1.1.1"));
}

TEST(AccessPolicyTest, StoreAndRetrieveListsCannotWidenTheAssociationList) {
  auto policy = AccessPolicy::Parse("CT1", "OTHER", "", "OTHER");
  ASSERT_TRUE(policy.ok());
  EXPECT_FALSE(policy->MayStore("OTHER", "10.1.1.1"));
  EXPECT_FALSE(policy->MayRetrieve("OTHER", "10.1.1.1"));
}

TEST(AccessPolicyTest, MalformedEntriesAreRefused) {
  EXPECT_FALSE(AccessPolicy::Parse("CT1@", "", "", "").ok());
  EXPECT_FALSE(AccessPolicy::Parse("@10.0.0.1", "", "", "").ok());
  EXPECT_FALSE(AccessPolicy::Parse("SEVENTEEN_CHARS_X", "", "", "").ok());
  EXPECT_FALSE(AccessPolicy::Parse("", "", "", "VIEWER@").ok());
  EXPECT_FALSE(AccessPolicy::Parse("A\\B", "", "", "").ok());
  EXPECT_FALSE(AccessPolicy::Parse("", "BAD\x01", "", "").ok());
}

}  // namespace
}  // namespace pixeldex::server
