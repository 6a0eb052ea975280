#include "server/http/streamed_body.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pixeldex::server {

StreamedBody::~StreamedBody() { CloseFile(); }

void StreamedBody::AddBytes(std::string bytes) {
  if (bytes.empty()) return;
  if (size_) *size_ += bytes.size();
  if (!parts_.empty() && parts_.back().kind == Part::Kind::kBytes) {
    parts_.back().bytes += bytes;
    return;
  }
  Part part;
  part.bytes = std::move(bytes);
  parts_.push_back(std::move(part));
}

void StreamedBody::AddFile(std::filesystem::path file, uint64_t size) {
  if (size_) *size_ += size;
  Part part;
  part.kind = Part::Kind::kFile;
  part.file = std::move(file);
  part.size = size;
  parts_.push_back(std::move(part));
}

void StreamedBody::AddProduced(Producer produce) {
  size_.reset();
  Part part;
  part.kind = Part::Kind::kProduced;
  part.produce = std::move(produce);
  parts_.push_back(std::move(part));
}

void StreamedBody::CloseFile() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status StreamedBody::ReadFile(Part& part, std::string& out, size_t max) {
  const std::string name = part.file.string();
  if (fd_ < 0) {
    fd_ = ::open(part.file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd_ < 0) return Status::FromErrno(errno, "opening " + name);
  }
  const size_t want = static_cast<size_t>(std::min<uint64_t>(part.size - done_, max - out.size()));
  const size_t old_size = out.size();
  out.resize(old_size + want);
  size_t got = 0;
  while (got < want) {
    const ssize_t n = ::read(fd_, out.data() + old_size + got, want - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "reading " + name);
    if (n == 0) {
      return Status::Corruption(name + " is shorter than the " + std::to_string(part.size) +
                                " bytes the index records");
    }
    got += static_cast<size_t>(n);
  }
  done_ += want;
  if (done_ == part.size) {
    char extra;
    ssize_t n;
    do {
      n = ::read(fd_, &extra, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 0) {
      return Status::Corruption(name + " is longer than the " + std::to_string(part.size) +
                                " bytes the index records");
    }
    CloseFile();
  }
  return Status::Ok();
}

Status StreamedBody::Next(std::string& out, size_t max) {
  out.clear();
  while (out.size() < max && !parts_.empty()) {
    Part& part = parts_.front();
    switch (part.kind) {
      case Part::Kind::kProduced: {
        Result<std::string> bytes = part.produce();
        if (!bytes.ok()) return bytes.status();
        part.kind = Part::Kind::kBytes;
        part.bytes = std::move(bytes).value();
        part.produce = nullptr;
        continue;
      }
      case Part::Kind::kBytes: {
        const size_t n = std::min(part.bytes.size() - done_, max - out.size());
        out.append(part.bytes, done_, n);
        done_ += n;
        if (done_ < part.bytes.size()) return Status::Ok();
        break;
      }
      case Part::Kind::kFile:
        PIXELDEX_RETURN_IF_ERROR(ReadFile(part, out, max));
        if (done_ < part.size) return Status::Ok();
        break;
    }
    parts_.pop_front();
    done_ = 0;
  }
  return Status::Ok();
}

}  // namespace pixeldex::server
