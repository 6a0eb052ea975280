// CodeOfSqlState: PostgreSQL's SQLSTATEs (documentation, Appendix A
// "PostgreSQL Error Codes") become the Status codes the callers act on.
#include "catalog/index/postgres/pg_error.h"

#include <gtest/gtest.h>

namespace pixeldex::index::postgres {
namespace {

using Code = Status::Code;

TEST(PgErrorTest, ALostOrRestartingServerIsAnIoErrorToRetry) {
  EXPECT_EQ(CodeOfSqlState("08006"), Code::kIoError);  // connection failure
  EXPECT_EQ(CodeOfSqlState("08001"), Code::kIoError);  // cannot establish a connection
  EXPECT_EQ(CodeOfSqlState("57P01"), Code::kIoError);  // admin shutdown
  EXPECT_EQ(CodeOfSqlState("57P03"), Code::kIoError);  // cannot connect now (starting up)
}

// Class 40 "transaction rollback": the server is there, the transaction lost
// a conflict with another one; the same work may pass in a new transaction.
TEST(PgErrorTest, ADeadlockOrSerializationFailureIsAConflictToRetry) {
  EXPECT_EQ(CodeOfSqlState("40001"), Code::kAborted);  // serialization failure
  EXPECT_EQ(CodeOfSqlState("40P01"), Code::kAborted);  // deadlock detected
  EXPECT_EQ(CodeOfSqlState("40000"), Code::kAborted);  // transaction rollback
}

TEST(PgErrorTest, ConstraintsAndRulesAreTheCallersBusiness) {
  EXPECT_EQ(CodeOfSqlState("23505"), Code::kAlreadyExists);    // unique violation
  EXPECT_EQ(CodeOfSqlState("23503"), Code::kInvalidArgument);  // foreign key violation
  EXPECT_EQ(CodeOfSqlState("25006"), Code::kInvalidArgument);  // read-only SQL transaction
  EXPECT_EQ(CodeOfSqlState("42501"), Code::kInvalidArgument);  // insufficient privilege
  EXPECT_EQ(CodeOfSqlState("42601"), Code::kInvalidArgument);  // syntax error
  EXPECT_EQ(CodeOfSqlState("22P02"), Code::kInvalidArgument);  // invalid text representation
}

TEST(PgErrorTest, ResourcesCorruptionAndTheRest) {
  EXPECT_EQ(CodeOfSqlState("53100"), Code::kResourceExhausted);  // disk full
  EXPECT_EQ(CodeOfSqlState("XX001"), Code::kCorruption);         // data corrupted
  EXPECT_EQ(CodeOfSqlState("XX002"), Code::kCorruption);         // index corrupted
  EXPECT_EQ(CodeOfSqlState("0A000"), Code::kUnsupported);        // feature not supported
  EXPECT_EQ(CodeOfSqlState("XX000"), Code::kInternal);           // internal error
  EXPECT_EQ(CodeOfSqlState(""), Code::kInternal);                // no SQLSTATE at all
}

}  // namespace
}  // namespace pixeldex::index::postgres
