#pragma once
// ImportShard: which files of a folder tree one of N cooperating imports
// catalogs (`pixeldex import --shard I/N`), so that N machines can catalog
// one huge tree into one PostgreSQL index without overlap: every file
// belongs to exactly one shard, decided from its path relative to the DIR
// it was found under (the tree may be mounted at different places on each
// machine), never from its content, so no shard reads another's files.
//
// The hash is SHA-256 (FIPS 180-4) of the relative path's bytes, its first 8
// bytes read big-endian, modulo N: the same on every machine, compiler and
// run (std::hash is implementation-defined and may differ between builds),
// and uniform, so shards get equal shares. A file given itself as DIR is
// placed by its name. Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::import {

struct ImportShard {
  int index = 1;  // 1-based
  int count = 1;
};

// "I/N" with 1 <= I <= N (decimal); kInvalidArgument saying what is wrong.
Result<ImportShard> ParseImportShard(std::string_view text);

// The shard, 1..count, of `relative_path`.
int ShardOf(std::string_view relative_path, int count);

// Which walked files (folder_walker.h: the root as given, joined with the
// names below it) belong to `shard`.
class ShardFilter {
 public:
  ShardFilter(ImportShard shard, std::vector<std::string> roots)
      : shard_(shard), roots_(std::move(roots)) {}
  bool Owns(const std::string& walked_path) const;

 private:
  // `walked_path` relative to the longest root it lies below.
  std::string Relative(const std::string& walked_path) const;

  ImportShard shard_;
  std::vector<std::string> roots_;
};

}  // namespace pixeldex::import
