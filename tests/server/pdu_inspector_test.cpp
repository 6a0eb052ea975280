// PduInspector: what it lets through to DCMTK and what it refuses, however
// the bytes are split across reads.

#include "server/listener/pdu_inspector.h"

#include <gtest/gtest.h>

#include <string>

namespace pixeldex::server {
namespace {

std::string Le16(uint16_t v) { return {char(v & 0xff), char(v >> 8)}; }
std::string Le32(uint32_t v) { return Le16(v & 0xffff) + Le16(v >> 16); }
std::string Be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

// An Implicit VR Little Endian command element.
std::string Element(uint16_t element, const std::string& value) {
  return Le16(0x0000) + Le16(element) + Le32(static_cast<uint32_t>(value.size())) + value;
}
std::string CommandSet(uint16_t command_field) {
  return Element(0x0002, "1.2.840.10008.5.1.4.1.1.2") + Element(0x0100, Le16(command_field)) +
         Element(0x0800, Le16(0x0000));
}
// One P-DATA-TF PDU holding one PDV.
std::string PData(const std::string& value, bool command, bool last) {
  const char control = static_cast<char>((command ? 1 : 0) | (last ? 2 : 0));
  const std::string pdv = Be32(static_cast<uint32_t>(value.size() + 2)) + '\x01' + control + value;
  return std::string{'\x04', '\0'} + Be32(static_cast<uint32_t>(pdv.size())) + pdv;
}
// A request: its command set, then its data set in `fragments` PDUs.
std::string Request(uint16_t command_field, size_t data_bytes, int fragments = 4) {
  std::string out = PData(CommandSet(command_field), true, true);
  for (int i = 0; i < fragments; ++i) {
    out += PData(std::string(data_bytes / fragments, 'x'), false, i == fragments - 1);
  }
  return out;
}

// Feeds `bytes` in chunks of `chunk` (1 = byte by byte).
Status FeedInChunks(PduInspector& inspector, const std::string& bytes, size_t chunk) {
  Status last;
  for (size_t at = 0; at < bytes.size() && last.ok(); at += chunk) {
    last = inspector.Feed(bytes.data() + at, std::min(chunk, bytes.size() - at));
  }
  return last;
}

class PduInspectorTest : public ::testing::TestWithParam<size_t> {};

TEST_P(PduInspectorTest, StoreDataSetsAreNotLimited) {
  PduInspector inspector;
  const std::string associate = std::string{'\x01', '\0'} + Be32(10) + std::string(10, 'a');
  EXPECT_TRUE(FeedInChunks(inspector, associate + Request(0x0001, 4 << 20), GetParam()).ok());
}

TEST_P(PduInspectorTest, OtherRequestDataSetsAreLimited) {
  PduInspector inspector;
  EXPECT_TRUE(FeedInChunks(inspector, Request(0x0020, kMaxRequestDataSetBytes), GetParam()).ok());
  // The limit is per data set: the next one starts from zero.
  EXPECT_TRUE(FeedInChunks(inspector, Request(0x0020, kMaxRequestDataSetBytes), GetParam()).ok());
  const Status refused = FeedInChunks(inspector, Request(0x0020, kMaxRequestDataSetBytes + 4), GetParam());
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.message().find("request data set"), std::string::npos) << refused.message();
  EXPECT_FALSE(inspector.Feed("x", 1).ok()) << "stays failed";
}

TEST_P(PduInspectorTest, CommandSetsMayNotHoldSequencesNorGrowLarge) {
  PduInspector with_sequence;
  const std::string sequence = Le16(0x0000) + Le16(0x1234) + Le32(0xFFFFFFFF);
  EXPECT_FALSE(
      FeedInChunks(with_sequence, PData(CommandSet(0x0020) + sequence, true, true), GetParam()).ok());
  PduInspector large;
  std::string big;
  for (int i = 0; i < 5; ++i) big += PData(std::string(kMaxCommandBytes / 4, 'c'), true, false);
  EXPECT_FALSE(FeedInChunks(large, big, GetParam()).ok());
}

INSTANTIATE_TEST_SUITE_P(Chunkings, PduInspectorTest, ::testing::Values(1, 7, 4096, 1 << 20),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return "Chunk" + std::to_string(info.param);
                         });

}  // namespace
}  // namespace pixeldex::server
