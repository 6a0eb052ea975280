#pragma once
// MultipartBody: writes a multipart/related payload (RFC 2387, RFC 2046 5.1;
// PS3.18 8.6.1.2, 8.7.1) into a StreamedBody, so that stored files go out
// without being read into memory. Each part is
//   --<boundary> CRLF  Content-Type: <type> CRLF  CRLF  <content> CRLF
// and the payload ends with --<boundary>-- CRLF. The boundary is 32 random
// hex digits after a fixed prefix; a file is not scanned for it (as every
// implementation does, the chance of a collision is negligible). A part may
// be optional: made when the body reaches it, and left out whole (headers
// and delimiter too) when it has nothing to show. Not thread-safe; one per
// response.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/http/http_message.h"
#include "server/http/streamed_body.h"

namespace pixeldex::server {

class MultipartBody {
 public:
  MultipartBody();
  explicit MultipartBody(std::string boundary);

  // The Content-Type of the whole: multipart/related; type="<type>";
  // boundary=<boundary> (the root part's type, RFC 2387 3.1).
  std::string ContentType(const std::string& type) const;

  void AddBytes(const std::string& content_type, std::string bytes);
  void AddFile(const std::string& content_type, std::filesystem::path file, uint64_t size);
  void AddProduced(const std::string& content_type, StreamedBody::Producer produce);
  // A part made when reached; nullopt leaves it out of the payload. Only
  // after another part: a multipart payload holds at least one part (RFC
  // 2046 5.1.1), which the caller makes sure of.
  using OptionalProducer = std::function<Result<std::optional<std::string>>()>;
  void AddOptional(const std::string& content_type, OptionalProducer produce);

  int parts() const { return parts_; }
  // Closes the payload; the builder is spent.
  std::shared_ptr<StreamedBody> Finish();
  // Finish() as a 200 answer whose Content-Type is ContentType(type); `type`
  // may carry parameters (only the media type is used).
  HttpResponse Respond(const std::string& type);

 private:
  // The delimiter and headers that open a part.
  std::string PartHeader(const std::string& content_type) const;
  void BeginPart(const std::string& content_type);

  std::string boundary_;
  std::shared_ptr<StreamedBody> body_ = std::make_shared<StreamedBody>();
  int parts_ = 0;
};

}  // namespace pixeldex::server
