#include "server/dicomweb/multipart_body.h"

#include <random>

namespace pixeldex::server {
namespace {

std::string RandomBoundary() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;
  std::string boundary = "pixeldex-";
  for (int i = 0; i < 32; ++i) boundary += kHex[random() % 16];
  return boundary;
}

}  // namespace

MultipartBody::MultipartBody() : MultipartBody(RandomBoundary()) {}

MultipartBody::MultipartBody(std::string boundary) : boundary_(std::move(boundary)) {}

std::string MultipartBody::ContentType(const std::string& type) const {
  return "multipart/related; type=\"" + type + "\"; boundary=" + boundary_;
}

std::string MultipartBody::PartHeader(const std::string& content_type) const {
  // Each part after the first begins with the CRLF that ends the previous one.
  return (parts_ > 0 ? "\r\n--" : "--") + boundary_ + "\r\nContent-Type: " + content_type +
         "\r\n\r\n";
}

void MultipartBody::BeginPart(const std::string& content_type) {
  body_->AddBytes(PartHeader(content_type));
  ++parts_;
}

void MultipartBody::AddBytes(const std::string& content_type, std::string bytes) {
  BeginPart(content_type);
  body_->AddBytes(std::move(bytes));
}

void MultipartBody::AddFile(const std::string& content_type, std::filesystem::path file,
                            uint64_t size) {
  BeginPart(content_type);
  body_->AddFile(std::move(file), size);
}

void MultipartBody::AddProduced(const std::string& content_type, StreamedBody::Producer produce) {
  BeginPart(content_type);
  body_->AddProduced(std::move(produce));
}

void MultipartBody::AddOptional(const std::string& content_type, OptionalProducer produce) {
  body_->AddProduced([header = PartHeader(content_type),
                      produce = std::move(produce)]() -> Result<std::string> {
    auto made = produce();
    if (!made.ok()) return made.status();
    if (!made->has_value()) return std::string();
    return header + **made;
  });
  ++parts_;
}

std::shared_ptr<StreamedBody> MultipartBody::Finish() {
  body_->AddBytes((parts_ > 0 ? "\r\n--" : "--") + boundary_ + "--\r\n");
  return std::move(body_);
}

HttpResponse MultipartBody::Respond(const std::string& type) {
  HttpResponse response{200, ContentType(type.substr(0, type.find(';')))};
  response.stream = Finish();
  return response;
}

}  // namespace pixeldex::server
