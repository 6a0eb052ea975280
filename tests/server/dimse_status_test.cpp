// The status table (server/dimse/dimse_status.h): every Status code has one
// row, and each row says what PS3.4 and PS3.7 (and HTTP) say it should.

#include "server/dimse/dimse_status.h"

#include <gtest/gtest.h>

#include <vector>

namespace pixeldex::server {
namespace {

using Code = Status::Code;

// The expected table, written out from the standard rather than copied.
struct Expected {
  Code code;
  Uint16 store, find, retrieve;
  int http;
};
const std::vector<Expected> kExpected = {
    {Code::kOk, 0x0000, 0x0000, 0x0000, 200},
    {Code::kInvalidArgument, 0xA900, 0xA900, 0xA900, 400},  // PS3.4 B.2.3, C.4.1.1.4
    {Code::kNotFound, 0x0110, 0xC000, 0xC000, 404},
    {Code::kAlreadyExists, 0x0111, 0xC000, 0xC000, 409},  // PS3.7 C.5.8
    {Code::kIoError, 0xA700, 0xC000, 0xC000, 500},
    {Code::kResourceExhausted, 0xA700, 0xA700, 0xA701, 503},  // PS3.4 C.4.1.1.4, C.4.2.1.5
    {Code::kUnsupported, 0x0110, 0xC000, 0xC000, 501},
    {Code::kCorruption, 0xC000, 0xC000, 0xC000, 500},
    {Code::kInternal, 0x0110, 0xC000, 0xC000, 500},  // PS3.7 C.4.2 processing failure
    {Code::kAborted, 0xA700, 0xC000, 0xC000, 503},   // PS3.4 B.2.3: a store worth resending
};

Status WithCode(Code code) {
  switch (code) {
    case Code::kOk: return Status::Ok();
    case Code::kInvalidArgument: return Status::InvalidArgument("x");
    case Code::kNotFound: return Status::NotFound("x");
    case Code::kAlreadyExists: return Status::AlreadyExists("x");
    case Code::kIoError: return Status::IoError("x");
    case Code::kResourceExhausted: return Status::ResourceExhausted("x");
    case Code::kUnsupported: return Status::Unsupported("x");
    case Code::kCorruption: return Status::Corruption("x");
    case Code::kInternal: return Status::Internal("x");
    case Code::kAborted: return Status::Aborted("x");
  }
  return Status::Internal("unreachable");
}

TEST(StatusTableTest, HasOneRowPerStatusCodeInOrder) {
  const auto table = StatusTable();
  ASSERT_EQ(table.size(), kExpected.size());
  for (size_t i = 0; i < table.size(); ++i) EXPECT_EQ(table[i].code, kExpected[i].code) << i;
}

TEST(StatusTableTest, EachCodeMapsToTheStatusOfEveryService) {
  for (const Expected& e : kExpected) {
    const Status status = WithCode(e.code);
    SCOPED_TRACE(status.ToString());
    EXPECT_EQ(DimseStatusFor(DimseService::kStore, status), e.store);
    EXPECT_EQ(DimseStatusFor(DimseService::kFind, status), e.find);
    EXPECT_EQ(DimseStatusFor(DimseService::kRetrieve, status), e.retrieve);
    EXPECT_EQ(HttpStatusFor(status), e.http);
  }
}

// Every failure is a failure in every column: no failed Status is answered
// with a success, pending or warning status.
TEST(StatusTableTest, NoFailureIsAnsweredAsASuccess) {
  for (const StatusRow& row : StatusTable()) {
    if (row.code == Code::kOk) continue;
    for (Uint16 dimse : {row.store, row.find, row.retrieve}) {
      EXPECT_TRUE(dimse >= 0xA000 || dimse == 0x0110 || dimse == 0x0111) << std::hex << dimse;
    }
    EXPECT_GE(row.http, 400);
  }
}

}  // namespace
}  // namespace pixeldex::server
