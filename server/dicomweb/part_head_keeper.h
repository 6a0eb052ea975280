#pragma once
// HeadKeeper: the first bytes of a PS3.10 file that arrives in pieces (a
// STOW-RS part, stow_receiver.h), kept only as far as the part's checks
// read them: the first import::kSniffBytes (ClassifyDicomPrefix) and, past
// them, up to the end of the File Meta Information (PS3.10 7.1, for
// FileMetaValue), at most `limit` bytes when that end does not show. Once
// whole() nothing more is kept, however many bytes follow. Not thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace pixeldex::server {

class HeadKeeper {
 public:
  // `limit`: the most bytes kept when the File Meta Information's end does
  // not show (not a PS3.10 file, or a malformed one); at least kSniffBytes.
  explicit HeadKeeper(size_t limit) : limit_(limit) {}

  // The file's next bytes.
  void Add(std::string_view bytes);
  // The bytes kept, from the file's first.
  const std::string& head() const { return head_; }
  // Everything the checks read is kept (or `limit` bytes are).
  bool whole() const { return whole_; }

 private:
  const size_t limit_;
  std::string head_;
  bool whole_ = false;
};

}  // namespace pixeldex::server
