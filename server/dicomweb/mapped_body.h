#pragma once
// A request body as one read-only view, without a copy: the body held in
// memory, or the spooled file (HttpRequest::spooled_body, a STOW-RS body)
// mapped with mmap(2). The mapping's pages come from the page cache; what
// has been read and stored can be released (madvise MADV_DONTNEED: the pages
// leave this process, and would be read from the file again if touched), so
// a body of gigabytes read front to back keeps the resident size to about
// one part's. Move-only; unmaps on destruction.

#include <cstddef>
#include <string_view>

#include "catalog/common/result.h"
#include "server/http/http_message.h"

namespace pixeldex::server {

class MappedBody {
 public:
  // IoError when the spooled file cannot be opened or mapped.
  static Result<MappedBody> Open(const HttpRequest& request);
  MappedBody(MappedBody&& other) noexcept;
  MappedBody& operator=(MappedBody&&) = delete;
  MappedBody(const MappedBody&) = delete;
  MappedBody& operator=(const MappedBody&) = delete;
  ~MappedBody();

  std::string_view view() const { return view_; }
  // The bytes before `offset` will not be read again.
  void Release(size_t offset);

 private:
  MappedBody(std::string_view view, void* mapping, size_t mapped_bytes)
      : view_(view), mapping_(mapping), mapped_bytes_(mapped_bytes) {}

  std::string_view view_;
  void* mapping_ = nullptr;  // null for an in-memory body
  size_t mapped_bytes_ = 0;
  size_t released_ = 0;
};

}  // namespace pixeldex::server
