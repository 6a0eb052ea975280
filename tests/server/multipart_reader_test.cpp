// The multipart/related reader of STOW-RS (RFC 2046 5.1.1) and the
// Content-Type parser that finds its boundary (RFC 9110 8.3.1).

#include "server/dicomweb/multipart_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "server/dicomweb/media_type.h"

namespace pixeldex::server {
namespace {

std::string Part(const std::string& boundary, const std::string& content,
                 const std::string& headers = "Content-Type: application/dicom\r\n") {
  return "--" + boundary + "\r\n" + headers + "\r\n" + content + "\r\n";
}

TEST(MultipartReaderTest, ReadsPartsWithTheirHeadersAndBinaryContent) {
  const std::string binary("\0\r\n--\r\nab\n\r", 11);
  const std::string body =
      Part("b1", "first") +
      Part("b1", binary, "Content-Type: application/dicom\r\nContent-Length: 11\r\n") +
      "--b1--\r\n";
  auto read = ReadMultipart(body, "b1");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->closed);
  ASSERT_EQ(read->parts.size(), 2u);
  EXPECT_EQ(read->parts[0].content, "first");
  EXPECT_EQ(read->parts[0].Header("content-type"), "application/dicom");
  EXPECT_EQ(read->parts[1].content, binary);
  EXPECT_EQ(read->parts[1].Header("content-length"), "11");
  EXPECT_TRUE(read->parts[1].problem.empty());
}

TEST(MultipartReaderTest, IgnoresPreambleAndEpilogue) {
  const std::string body = "This is a preamble.\r\n" + Part("xyz", "one") +
                           "--xyz--\r\nthe epilogue\r\n--xyz\r\n\r\nnot a part\r\n";
  auto read = ReadMultipart(body, "xyz");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 1u);
  EXPECT_EQ(read->parts[0].content, "one");
  EXPECT_TRUE(read->closed);
}

TEST(MultipartReaderTest, ABoundaryPrefixInsideContentIsContent) {
  // "--b" followed by anything but "--", padding or CRLF is not a delimiter.
  const std::string content = "x\r\n--bb\r\ny\r\n--b-x";
  const std::string body = Part("b", content) + "--b--";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 1u);
  EXPECT_EQ(read->parts[0].content, content);
}

TEST(MultipartReaderTest, TransportPaddingAfterADelimiterIsAllowed) {
  const std::string body = "--b \t\r\n\r\none\r\n--b  \r\n\r\ntwo\r\n--b--";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 2u);
  EXPECT_EQ(read->parts[0].content, "one");
  EXPECT_EQ(read->parts[1].content, "two");
  EXPECT_TRUE(read->parts[0].headers.empty());
}

TEST(MultipartReaderTest, BoundariesWithRfc2046PunctuationAndSpaces) {
  const std::string boundary = "a'()+_,-./:=? z";
  // The parts are views into the body, which must outlive them.
  const std::string body = Part(boundary, "c") + "--" + boundary + "--";
  auto read = ReadMultipart(body, boundary);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->parts.size(), 1u);
  EXPECT_EQ(read->parts[0].content, "c");
}

TEST(MultipartReaderTest, InvalidBoundariesAreRefused) {
  for (const std::string& boundary : {std::string(), std::string(71, 'a'), std::string("ends "),
                                      std::string("semi;colon"), std::string("quote\"")}) {
    EXPECT_FALSE(ReadMultipart("--x\r\n\r\n\r\n--x--", boundary).ok()) << boundary;
  }
  EXPECT_TRUE(ReadMultipart(Part(std::string(70, 'a'), "c"), std::string(70, 'a')).ok());
}

TEST(MultipartReaderTest, ABodyWithoutAnyDelimiterIsAnError) {
  for (const std::string& body :
       {std::string(), std::string("just text"), std::string("--other\r\n\r\nx\r\n--other--"),
        std::string("x--b\r\n\r\nnot at a line start")}) {
    auto read = ReadMultipart(body, "b");
    EXPECT_FALSE(read.ok()) << body;
    EXPECT_EQ(read.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(MultipartReaderTest, APartTheBodyEndsInsideIsTruncatedAndHasNoContent) {
  const std::string body = Part("b", "whole") + "--b\r\nContent-Type: application/dicom\r\n\r\nhal";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->closed);
  ASSERT_EQ(read->parts.size(), 2u);
  EXPECT_EQ(read->parts[0].content, "whole");
  EXPECT_TRUE(read->parts[0].problem.empty());
  EXPECT_NE(read->parts[1].problem.find("truncated"), std::string::npos);
  EXPECT_TRUE(read->parts[1].content.empty());
}

TEST(MultipartReaderTest, MissingCloseDelimiterIsReportedAsNotClosed) {
  // Whole parts, but the body stops in (or right after) the last delimiter line.
  for (const std::string& tail : {std::string("--b"), std::string("--b "), std::string("--b\r")}) {
    const std::string body = Part("b", "one") + tail;
    auto read = ReadMultipart(body, "b");
    ASSERT_TRUE(read.ok()) << tail;
    EXPECT_FALSE(read->closed);
    ASSERT_EQ(read->parts.size(), 1u);
    EXPECT_EQ(read->parts[0].content, "one");
  }
  // After a complete delimiter line, the next part has not arrived.
  const std::string body = Part("b", "one") + "--b\r\n";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 2u);
  EXPECT_FALSE(read->parts[1].problem.empty());
}

TEST(MultipartReaderTest, HeaderNamesAreCaseInsensitiveAndFoldedLinesJoined) {
  const std::string body =
      Part("b", "c", "CONTENT-type:  application/dicom \r\nX-Long: one\r\n two\r\n") + "--b--";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 1u);
  EXPECT_EQ(read->parts[0].Header("content-type"), "application/dicom");
  EXPECT_EQ(read->parts[0].Header("x-long"), "one two");
}

TEST(MultipartReaderTest, AMalformedPartFailsAloneAndTheOthersAreRead) {
  const std::string body = Part("b", "good") + Part("b", "bad", "no colon here\r\n") +
                           "--b\r\nContent-Type: application/dicom\r\n--b\r\n\r\nlast\r\n--b--";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 4u);
  EXPECT_EQ(read->parts[0].content, "good");
  EXPECT_NE(read->parts[1].problem.find("malformed"), std::string::npos);
  EXPECT_TRUE(read->parts[1].content.empty());
  EXPECT_NE(read->parts[2].problem.find("empty line"), std::string::npos);
  EXPECT_EQ(read->parts[3].content, "last");
}

TEST(MultipartReaderTest, OverlongPartHeadersAreAProblem) {
  const std::string headers = "X-Big: " + std::string(kMaxPartHeaderBytes, 'a') + "\r\n";
  const std::string body = Part("b", "c", headers) + "--b--";
  auto read = ReadMultipart(body, "b");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->parts.size(), 1u);
  EXPECT_NE(read->parts[0].problem.find("16 KiB"), std::string::npos);
}

TEST(MultipartReaderTest, GarbageNeverCrashesAndEveryContentLiesInsideTheBody) {
  std::mt19937 random(1234);
  const std::string alphabet = "-b\r\n: xC";
  for (int round = 0; round < 2000; ++round) {
    std::string body(random() % 200, ' ');
    for (char& c : body) c = alphabet[random() % alphabet.size()];
    auto read = ReadMultipart(body, "b");
    if (!read.ok()) continue;
    for (const MultipartPart& part : read->parts) {
      if (part.content.empty()) continue;
      EXPECT_GE(part.content.data(), body.data());
      EXPECT_LE(part.content.data() + part.content.size(), body.data() + body.size());
    }
  }
}

TEST(MultipartReaderTest, AHugeBodyWithoutDelimitersIsRefusedInOnePass) {
  const std::string body(64 << 20, '-');  // 64 MiB of near-matches
  EXPECT_FALSE(ReadMultipart(body, "b").ok());
}

TEST(MediaTypeTest, SplitsTypeAndParametersQuotedOrNot) {
  auto media = ParseMediaType(
      "Multipart/Related; type=\"application/dicom\"; BOUNDARY=\"a b;c\\\"d\"; start=x");
  ASSERT_TRUE(media.ok()) << media.status().ToString();
  EXPECT_EQ(media->type, "multipart/related");
  EXPECT_EQ(media->Parameter("type"), "application/dicom");
  EXPECT_EQ(media->Parameter("boundary"), "a b;c\"d");
  EXPECT_EQ(media->Parameter("start"), "x");
  EXPECT_EQ(media->Parameter("absent"), "");

  auto plain = ParseMediaType("multipart/related;boundary=abc;type=application/dicom");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Parameter("boundary"), "abc");
  EXPECT_EQ(plain->Parameter("type"), "application/dicom");
}

TEST(MediaTypeTest, MalformedValuesAreRefused) {
  for (const char* value : {"", "multipart", "multipart/", "/related", "a/b; x",
                            "a/b; x=", "a/b; x=\"open", "a/b x=1", "a/b; x=1; X=2"}) {
    EXPECT_FALSE(ParseMediaType(value).ok()) << value;
  }
}

}  // namespace
}  // namespace pixeldex::server
