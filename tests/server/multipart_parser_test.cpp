// The streaming multipart/related parser of STOW-RS (RFC 2046 5.1.1): a body
// fed in pieces of any size, split anywhere (inside a delimiter, its
// transport padding, a part's header lines), gives the same parts as the
// body fed whole, and a body that ends early never yields a whole part it
// did not hold.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "server/dicomweb/multipart_reader.h"

namespace pixeldex::server {
namespace {

// Everything a parser reported, one entry per part.
struct SeenPart {
  std::map<std::string, std::string> headers;
  std::string problem;
  std::string content;
  int data_calls = 0;
  bool ended = false;      // PartEnd
  bool truncated = false;  // PartTruncated
  bool operator==(const SeenPart& other) const {
    return headers == other.headers && problem == other.problem && content == other.content &&
           ended == other.ended && truncated == other.truncated;
  }
};

class Recorder : public MultipartSink {
 public:
  void PartBegin(MultipartPartHead head) override {
    ASSERT_TRUE(parts.empty() || parts.back().ended || parts.back().truncated);
    SeenPart& part = parts.emplace_back();
    part.headers = std::move(head.headers);
    part.problem = std::move(head.problem);
  }
  void PartData(std::string_view bytes) override {
    ASSERT_FALSE(parts.empty());
    ASSERT_TRUE(parts.back().problem.empty()) << "content for a part with a problem";
    parts.back().content.append(bytes);
    ++parts.back().data_calls;
  }
  void PartEnd() override { parts.back().ended = true; }
  void PartTruncated(const std::string& reason) override {
    parts.back().truncated = true;
    parts.back().problem = reason;
  }
  std::vector<SeenPart> parts;
};

struct Parsed {
  std::vector<SeenPart> parts;
  bool closed = false;
  bool ok = false;
};

// Feeds `pieces` in order, then finishes.
Parsed Parse(const std::vector<std::string>& pieces, const std::string& boundary = "b") {
  auto parser = MultipartParser::Create(boundary);
  EXPECT_TRUE(parser.ok());
  Recorder recorder;
  for (const std::string& piece : pieces) parser->Feed(piece, recorder);
  Parsed parsed;
  parsed.ok = parser->Finish(recorder).ok();
  parsed.closed = parser->closed();
  parsed.parts = std::move(recorder.parts);
  return parsed;
}

// The body split in two at every offset, and fed a byte at a time: each
// gives what the whole body gives.
void ExpectSameAtEverySplit(const std::string& body, const Parsed& whole) {
  for (size_t at = 0; at <= body.size(); ++at) {
    const Parsed split = Parse({body.substr(0, at), body.substr(at)});
    ASSERT_EQ(split.ok, whole.ok) << "split at " << at;
    ASSERT_EQ(split.closed, whole.closed) << "split at " << at;
    ASSERT_EQ(split.parts, whole.parts) << "split at " << at;
  }
  std::vector<std::string> bytes;
  for (char c : body) bytes.emplace_back(1, c);
  const Parsed trickle = Parse(bytes);
  EXPECT_EQ(trickle.parts, whole.parts);
  EXPECT_EQ(trickle.closed, whole.closed);
}

const std::string kBody =
    "preamble with --b inside\r\n--bX not a delimiter\r\n"
    "--b \t \r\n"  // transport padding
    "Content-Type: application/dicom\r\nX-Folded: one\r\n two\r\n\r\n"
    "first\r\n--b-x is content\r\n--bb too\r\n-"
    "\r\n--b\r\n"
    "\r\n"  // no header lines
    "second"
    "\r\n--b\r\n"
    "no colon\r\n\r\nskipped content\r\n--b\r"
    "\r\n--b\r\nContent-Type: application/dicom\r\n\r\n"
    "\r\n--b--\t epilogue\r\n--b\r\nContent-Type: x\r\n\r\nignored\r\n--b--";

TEST(MultipartParserTest, ABodyFedWholeGivesItsPartsPreambleAndEpilogueIgnored) {
  const Parsed whole = Parse({kBody});
  ASSERT_TRUE(whole.ok);
  EXPECT_TRUE(whole.closed);
  ASSERT_EQ(whole.parts.size(), 4u);
  EXPECT_EQ(whole.parts[0].headers.at("content-type"), "application/dicom");
  EXPECT_EQ(whole.parts[0].headers.at("x-folded"), "one two");
  EXPECT_EQ(whole.parts[0].content, "first\r\n--b-x is content\r\n--bb too\r\n-");
  EXPECT_TRUE(whole.parts[0].ended);
  EXPECT_TRUE(whole.parts[1].headers.empty());
  EXPECT_EQ(whole.parts[1].content, "second");
  EXPECT_NE(whole.parts[2].problem.find("malformed"), std::string::npos);
  EXPECT_TRUE(whole.parts[2].content.empty());
  EXPECT_TRUE(whole.parts[2].ended);
  EXPECT_EQ(whole.parts[3].content, "");
  EXPECT_TRUE(whole.parts[3].ended);
  for (const SeenPart& part : whole.parts) EXPECT_FALSE(part.truncated);
}

TEST(MultipartParserTest, ASplitAtEveryOffsetGivesTheSameParts) {
  ExpectSameAtEverySplit(kBody, Parse({kBody}));
}

TEST(MultipartParserTest, ADelimiterOpeningTheBodyIsFoundWhenSplit) {
  const std::string body = "--b\r\nContent-Type: a/b\r\n\r\nx\r\n--b--";
  const Parsed whole = Parse({body});
  ASSERT_EQ(whole.parts.size(), 1u);
  EXPECT_EQ(whole.parts[0].content, "x");
  ExpectSameAtEverySplit(body, whole);
}

TEST(MultipartParserTest, ABodyEndingInsideAPartTruncatesItAtEverySplit) {
  const std::string body = "--b\r\n\r\nwhole\r\n--b\r\nContent-Type: a/b\r\n\r\nhalf of it\r\n--";
  const Parsed whole = Parse({body});
  ASSERT_TRUE(whole.ok);
  EXPECT_FALSE(whole.closed);
  ASSERT_EQ(whole.parts.size(), 2u);
  EXPECT_TRUE(whole.parts[0].ended);
  EXPECT_EQ(whole.parts[0].content, "whole");
  EXPECT_TRUE(whole.parts[1].truncated);
  EXPECT_FALSE(whole.parts[1].ended);
  EXPECT_NE(whole.parts[1].problem.find("truncated"), std::string::npos);
  ExpectSameAtEverySplit(body, whole);
}

TEST(MultipartParserTest, ABodyEndingInsidePartHeadersTruncatesThePart) {
  const std::string body = "--b\r\n\r\nwhole\r\n--b\r\nContent-Type: appl";
  const Parsed whole = Parse({body});
  ASSERT_EQ(whole.parts.size(), 2u);
  EXPECT_TRUE(whole.parts[1].truncated);
  ExpectSameAtEverySplit(body, whole);
}

TEST(MultipartParserTest, AMissingCloseDelimiterLeavesWholePartsWholeButNotClosed) {
  for (const std::string& tail : {std::string("--b"), std::string("--b "), std::string("--b\r")}) {
    const std::string body = "--b\r\n\r\none\r\n" + tail;
    const Parsed whole = Parse({body});
    ASSERT_TRUE(whole.ok) << tail;
    EXPECT_FALSE(whole.closed);
    ASSERT_EQ(whole.parts.size(), 1u);
    EXPECT_TRUE(whole.parts[0].ended);
    EXPECT_EQ(whole.parts[0].content, "one");
    ExpectSameAtEverySplit(body, whole);
  }
}

TEST(MultipartParserTest, ABodyWithoutAnyDelimiterIsAnErrorHoweverItIsSplit) {
  const std::string body = "just text, -- b, \r\n-b\r\n--";
  EXPECT_FALSE(Parse({body}).ok);
  ExpectSameAtEverySplit(body, Parse({body}));
}

TEST(MultipartParserTest, ContentIsGivenAsItArrivesNotWhenThePartEnds) {
  auto parser = MultipartParser::Create("b");
  ASSERT_TRUE(parser.ok());
  Recorder recorder;
  parser->Feed("--b\r\n\r\n", recorder);
  const std::string piece(64 * 1024, 'x');
  for (int i = 0; i < 16; ++i) parser->Feed(piece, recorder);
  ASSERT_EQ(recorder.parts.size(), 1u);
  EXPECT_EQ(recorder.parts[0].content.size(), 16 * piece.size());
  EXPECT_GE(recorder.parts[0].data_calls, 16);
  EXPECT_FALSE(recorder.parts[0].ended);
  parser->Feed("\r\n--b--", recorder);
  EXPECT_TRUE(recorder.parts[0].ended);
  EXPECT_TRUE(parser->Finish(recorder).ok());
}

TEST(MultipartParserTest, OverlongPaddingOrHeadersDoNotGrowWithoutBound) {
  // Padding beyond kMaxTransportPadding: the line is content, not a delimiter.
  std::string padding;
  padding.resize(kMaxTransportPadding + 1, ' ');
  std::string padded = "--b\r\n\r\none\r\n--b";
  padded.append(padding).append("\r\nmore\r\n--b--");
  const Parsed parsed = Parse({padded});
  ASSERT_EQ(parsed.parts.size(), 1u);
  std::string expected = "one\r\n--b";
  expected.append(padding).append("\r\nmore");
  EXPECT_EQ(parsed.parts[0].content, expected);
  // Header lines that never end: a problem once past the limit, and the
  // next part is still read.
  std::string run;
  run.resize(1024, 'a');
  std::vector<std::string> pieces = {"--b\r\nX-Big: "};
  pieces.resize(65, run);
  pieces.push_back("\r\n--b\r\n\r\nnext\r\n--b--");
  const Parsed big = Parse(pieces);
  ASSERT_EQ(big.parts.size(), 2u);
  EXPECT_NE(big.parts[0].problem.find("16 KiB"), std::string::npos);
  EXPECT_EQ(big.parts[1].content, "next");
}

}  // namespace
}  // namespace pixeldex::server
