#include "tests/support/temp_dir.h"

#include <cstdlib>
#include <stdexcept>

namespace pixeldex::testing {

std::filesystem::path TempRoot() {
  const char* base = std::getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

TempDir::TempDir() {
  std::string pattern = (TempRoot() / "pixeldex-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace pixeldex::testing
