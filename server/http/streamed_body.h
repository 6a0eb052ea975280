#pragma once
// StreamedBody: a response body that is never held in memory whole (WADO-RS
// retrieve of a study), sent by the HTTP server (http_server.h) a chunk at a
// time as the peer takes it. It is a sequence of parts:
//   - literal bytes (multipart headers, boundaries, small values)
//   - the whole content of a file of a known size, opened when the server
//     reaches it (O_NOFOLLOW: a symbolic link is refused) and read in chunks
//   - bytes computed when reached (e.g. an instance converted to another
//     transfer syntax), so that only one such part is in memory at a time
// When every part's size is known the response carries Content-Length;
// otherwise it is sent with chunked transfer coding (RFC 9112 7.1). A part
// that fails when reached (a file missing, shorter or longer than announced,
// a conversion failing) ends the body early: the server then closes the
// connection, which the client sees as an incomplete message (RFC 9112 8).
// No sockets: handlers build one, tests read it with Next(). Not
// thread-safe: built by one thread, then read by one thread at a time.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "catalog/common/result.h"

namespace pixeldex::server {

class StreamedBody {
 public:
  using Producer = std::function<Result<std::string>()>;

  StreamedBody() = default;
  ~StreamedBody();
  StreamedBody(const StreamedBody&) = delete;
  StreamedBody& operator=(const StreamedBody&) = delete;

  void AddBytes(std::string bytes);
  // The file's `size` bytes; a file of another size when reached is an error.
  void AddFile(std::filesystem::path file, uint64_t size);
  void AddProduced(Producer produce);

  // The total size, when no part is produced.
  std::optional<uint64_t> size() const { return size_; }

  // Replaces `out` with the next bytes, at most `max` (> 0); `out` is empty
  // once the whole body was read. An error leaves the body unfinished.
  Status Next(std::string& out, size_t max);

 private:
  struct Part {
    enum class Kind { kBytes, kFile, kProduced };
    Kind kind = Kind::kBytes;
    std::string bytes;
    std::filesystem::path file;
    uint64_t size = 0;
    Producer produce;
  };
  // Appends up to `max` - out.size() bytes of the front file part to `out`.
  Status ReadFile(Part& part, std::string& out, size_t max);
  void CloseFile();

  std::deque<Part> parts_;
  std::optional<uint64_t> size_ = 0;
  size_t done_ = 0;  // bytes of the front part already read
  int fd_ = -1;      // the front file part, once opened
};

}  // namespace pixeldex::server
