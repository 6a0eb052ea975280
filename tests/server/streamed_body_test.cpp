// StreamedBody and MultipartBody without sockets: what the HTTP server would
// send, read back with Next() in small chunks, and the multipart framing read
// back as a client reads it.

#include "server/http/streamed_body.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/dicomweb/multipart_body.h"
#include "tests/support/multipart_reader.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::server {
namespace {

using testing::TempDir;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Everything Next() gives, `max` bytes at a time; each call gives at most `max`.
Result<std::string> ReadAll(StreamedBody& body, size_t max) {
  std::string all, chunk;
  for (;;) {
    PIXELDEX_RETURN_IF_ERROR(body.Next(chunk, max));
    EXPECT_LE(chunk.size(), max);
    if (chunk.empty()) return all;
    all += chunk;
  }
}

std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  return bytes;
}

TEST(StreamedBodyTest, SendsBytesFilesAndProducedPartsInOrder) {
  TempDir dir;
  const std::string content = Pattern(10000);
  WriteFile(dir / "a", content);
  StreamedBody body;
  body.AddBytes("head|");
  body.AddFile(dir / "a", content.size());
  body.AddBytes("|tail");
  ASSERT_EQ(body.size(), 5u + content.size() + 5u);
  body.AddProduced([] { return Result<std::string>(std::string("|made")); });
  EXPECT_FALSE(body.size().has_value());  // chunked: the size is not known
  auto all = ReadAll(body, 333);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, "head|" + content + "|tail|made");
}

TEST(StreamedBodyTest, RefusesAFileOfAnotherSizeThanAnnounced) {
  TempDir dir;
  WriteFile(dir / "a", "12345");
  StreamedBody shorter;
  shorter.AddFile(dir / "a", 6);
  EXPECT_EQ(ReadAll(shorter, 4).status().code(), Status::Code::kCorruption);
  StreamedBody longer;
  longer.AddFile(dir / "a", 4);
  EXPECT_EQ(ReadAll(longer, 100).status().code(), Status::Code::kCorruption);
  StreamedBody missing;
  missing.AddFile(dir / "none", 4);
  EXPECT_FALSE(ReadAll(missing, 100).ok());
}

TEST(StreamedBodyTest, RefusesASymbolicLink) {
  TempDir dir;
  WriteFile(dir / "a", "12345");
  std::filesystem::create_symlink(dir / "a", dir / "link");
  StreamedBody body;
  body.AddFile(dir / "link", 5);
  EXPECT_FALSE(ReadAll(body, 100).ok());
}

TEST(StreamedBodyTest, AFailingProducedPartEndsTheBody) {
  StreamedBody body;
  body.AddBytes("start");
  body.AddProduced([] { return Result<std::string>(Status::Unsupported("cannot convert")); });
  std::string chunk;
  ASSERT_TRUE(body.Next(chunk, 3).ok());
  EXPECT_EQ(chunk, "sta");
  EXPECT_EQ(body.Next(chunk, 100).code(), Status::Code::kUnsupported);
}

TEST(MultipartBodyTest, FramesEachPartAsRfc2046Says) {
  MultipartBody multipart("XyZ");
  multipart.AddBytes("application/octet-stream", "one");
  multipart.AddBytes("image/jls", "two\r\n--XyZ-not-a-boundary");
  EXPECT_EQ(multipart.ContentType("application/octet-stream"),
            "multipart/related; type=\"application/octet-stream\"; boundary=XyZ");
  auto body = multipart.Finish();
  auto all = ReadAll(*body, 7);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all,
            "--XyZ\r\nContent-Type: application/octet-stream\r\n\r\none\r\n"
            "--XyZ\r\nContent-Type: image/jls\r\n\r\ntwo\r\n--XyZ-not-a-boundary\r\n--XyZ--\r\n");
}

TEST(MultipartBodyTest, AClientReadsBackTheFilesByteForByte) {
  TempDir dir;
  const std::string a = Pattern(70000), b = Pattern(3);
  WriteFile(dir / "a", a);
  WriteFile(dir / "b", b);
  MultipartBody multipart;
  multipart.AddFile("application/dicom", dir / "a", a.size());
  multipart.AddFile("application/dicom", dir / "b", b.size());
  const std::string type = multipart.ContentType("application/dicom");
  auto body = multipart.Finish();
  auto all = ReadAll(*body, 4096);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(body->size(), all->size());
  auto parts = testing::ReadMultipart(type, *all);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].content, a);
  EXPECT_EQ(parts[1].content, b);
  EXPECT_EQ(parts[1].headers["content-type"], "application/dicom");
}

TEST(MultipartBodyTest, LeavesOutOptionalPartsThatHaveNothingAndStopsAtAFailure) {
  MultipartBody multipart("XyZ");
  multipart.AddBytes("image/png", "first");
  using Made = Result<std::optional<std::string>>;
  multipart.AddOptional("image/png", [] { return Made(std::optional<std::string>()); });
  multipart.AddOptional("image/png", [] { return Made(std::optional<std::string>("third")); });
  auto body = multipart.Finish();
  auto all = ReadAll(*body, 5);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all,
            "--XyZ\r\nContent-Type: image/png\r\n\r\nfirst\r\n"
            "--XyZ\r\nContent-Type: image/png\r\n\r\nthird\r\n--XyZ--\r\n");

  MultipartBody failing("XyZ");
  failing.AddBytes("image/png", "first");
  failing.AddOptional("image/png", [] { return Made(Status::Corruption("unreadable")); });
  EXPECT_EQ(ReadAll(*failing.Finish(), 64).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace pixeldex::server
