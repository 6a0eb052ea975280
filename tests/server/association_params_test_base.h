#pragma once
// AssociationParamsTest: a GoogleTest fixture owning fresh DCMTK association
// parameters (params_), as negotiation code sees them, without any socket.

#include <gtest/gtest.h>

#include <dcmtk/dcmnet/assoc.h>

namespace pixeldex::server {

class AssociationParamsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(ASC_createAssociationParameters(&params_, 16384).good()); }
  void TearDown() override { ASC_destroyAssociationParameters(&params_); }

  T_ASC_Parameters* params_ = nullptr;
};

}  // namespace pixeldex::server
