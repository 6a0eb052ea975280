// The runtime package list of docker/Dockerfile against the libraries the
// pixeldex binary needs (docker/check-runtime-packages.sh). Labelled `native`:
// it reads the uninstrumented binary of the normal build, whose libraries are
// the ones a runtime image must ship (a sanitizer build also needs
// libasan/libubsan, which no runtime image carries).

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

const std::string kScript = std::string(PIXELDEX_SOURCE_DIR) + "/docker/check-runtime-packages.sh";

TEST(RuntimePackagesTest, ListCoversEveryLibraryTheBinaryNeeds) {
  auto r = RunProcess({"bash", kScript, PIXELDEX_BINARY});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// jemalloc, not glibc, answers the binary's malloc: asked for its
// statistics at exit (MALLOC_CONF), it prints them.
TEST(RuntimePackagesTest, TheBinaryAllocatesWithJemalloc) {
  auto r = RunProcess({"env", "MALLOC_CONF=stats_print:true", PIXELDEX_BINARY, "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("pixeldex "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("jemalloc statistics"), std::string::npos) << r.output;
}

TEST(RuntimePackagesTest, ALibraryWhosePackageIsMissingIsCaught) {
  TempDir dir;
  std::ofstream(dir / "list.txt") << "libdcmtk17\nlibpng16-16\nlibopenjp2-7\nlibssl3\nlibfmt9\n"
                                     "libstdc++6\nlibgcc-s1\nlibc6\nno-such-package-xyz\n";
  auto r = RunProcess({"bash", kScript, PIXELDEX_BINARY, dir / "list.txt"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("libsqlite3.so.0 comes from libsqlite3-0"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("not an installed package: no-such-package-xyz"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace pixeldex::testing
