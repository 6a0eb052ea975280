// LatchedOutputStream (server/dimse/latched_output_stream.h): every byte
// reaches the target, and the copy it can keep for the pipeline holds
// exactly those bytes, or nothing once the data set outgrows its limit.

#include "server/dimse/latched_output_stream.h"

#include <dcmtk/dcmdata/dcostrmb.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pixeldex::server {
namespace {

// Writes `chunks` through a LatchedOutputStream into a buffer and returns
// what the buffer received.
std::string WriteThrough(const std::vector<std::string>& chunks, std::string& copy,
                         size_t copy_limit) {
  std::vector<char> buffer(1 << 16);
  DcmOutputBufferStream target(buffer.data(), buffer.size());
  {
    LatchedOutputStream latched(target, copy, copy_limit);
    for (const std::string& chunk : chunks) {
      EXPECT_EQ(latched.write(chunk.data(), chunk.size()), static_cast<offile_off_t>(chunk.size()));
    }
    latched.flush();
    EXPECT_TRUE(latched.failure().good());
  }
  void* written = nullptr;
  offile_off_t length = 0;
  target.flushBuffer(written, length);
  return std::string(static_cast<const char*>(written), static_cast<size_t>(length));
}

TEST(LatchedOutputStream, KeepsACopyOfEveryBytePassedOn) {
  const std::vector<std::string> chunks = {"DICM", std::string(5000, 'x'), "the end"};
  std::string copy = "HEAD";  // appended to, as the Part-10 header's room is
  const std::string passed = WriteThrough(chunks, copy, 1 << 20);
  EXPECT_EQ(passed, "DICM" + std::string(5000, 'x') + "the end");
  EXPECT_EQ(copy, "HEAD" + passed);
}

TEST(LatchedOutputStream, ADataSetOverTheLimitLeavesNoCopy) {
  const std::vector<std::string> chunks = {std::string(3000, 'a'), std::string(3000, 'b')};
  std::string copy = "HEAD";
  const std::string passed = WriteThrough(chunks, copy, 4000);
  EXPECT_EQ(passed, std::string(3000, 'a') + std::string(3000, 'b'));  // all of it, still
  EXPECT_EQ(copy, "");
  // At the limit exactly, the copy is kept.
  std::string exact = "HEAD";
  WriteThrough(chunks, exact, 6004);
  EXPECT_EQ(exact.size(), 6004u);
}

}  // namespace
}  // namespace pixeldex::server
