#pragma once
// A ZIP archive built in memory from whole files, for the page's series
// download: the entries as catalog/export/zip_stream.h writes them (stored,
// not compressed), collected into one string. The download refuses more
// than kMaxZipBytes. Not thread-safe; one per response.

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/export/zip_stream.h"

namespace pixeldex::server {

inline constexpr size_t kMaxZipBytes = size_t{1} << 30;  // 1 GiB: built in memory

class ZipArchive {
 public:
  ZipArchive();
  ZipArchive(const ZipArchive&) = delete;  // the stream writes into out_
  ZipArchive& operator=(const ZipArchive&) = delete;
  void Add(std::string_view name, std::string_view bytes);
  // The archive's bytes; no Add after it.
  std::string Finish();
  size_t size() const { return out_.size(); }

 private:
  std::string out_;
  exporting::ZipStream stream_;
};

}  // namespace pixeldex::server
