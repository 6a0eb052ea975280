#include "catalog/import/import_shard.h"

#include <charconv>
#include <cstdint>
#include <filesystem>

#include "catalog/storage/sha256.h"

namespace pixeldex::import {
namespace {

bool ParseCount(std::string_view text, int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<ImportShard> ParseImportShard(std::string_view text) {
  const size_t slash = text.find('/');
  ImportShard shard;
  if (slash == std::string_view::npos || !ParseCount(text.substr(0, slash), &shard.index) ||
      !ParseCount(text.substr(slash + 1), &shard.count)) {
    return Status::InvalidArgument("--shard wants I/N (e.g. 2/3), not '" + std::string(text) + "'");
  }
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    return Status::InvalidArgument("--shard " + std::string(text) + ": I/N needs 1 <= I <= N");
  }
  return shard;
}

int ShardOf(std::string_view relative_path, int count) {
  const std::string hex = storage::Sha256Hex(relative_path);
  uint64_t head = 0;  // the digest's first 8 bytes, big-endian
  std::from_chars(hex.data(), hex.data() + 16, head, 16);
  return static_cast<int>(head % static_cast<uint64_t>(count)) + 1;
}

bool ShardFilter::Owns(const std::string& walked_path) const {
  if (shard_.count == 1) return true;
  return ShardOf(Relative(walked_path), shard_.count) == shard_.index;
}

std::string ShardFilter::Relative(const std::string& walked_path) const {
  size_t best = std::string::npos;
  for (const std::string& root : roots_) {
    if (walked_path == root) return std::filesystem::path(root).filename().string();
    std::string prefix = root;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    if (walked_path.starts_with(prefix) && (best == std::string::npos || prefix.size() > best)) {
      best = prefix.size();
    }
  }
  return best == std::string::npos ? walked_path : walked_path.substr(best);
}

}  // namespace pixeldex::import
