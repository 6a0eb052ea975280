#pragma once
// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the object goes away.

#include <filesystem>
#include <string>

namespace pixeldex::testing {

// $TMPDIR, or /tmp where it is unset or empty: where TempDir makes folders.
std::filesystem::path TempRoot();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace pixeldex::testing
