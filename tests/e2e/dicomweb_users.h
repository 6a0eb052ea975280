#pragma once
// The DICOMweb users of the e2e tests: alice may write, bob is read-only;
// their hashes are made by the real `pixeldex hash-password`.

#include <gtest/gtest.h>

#include <string>

#include "tests/support/process.h"

namespace pixeldex::testing {

// A password hash made by the real `pixeldex hash-password` (few iterations,
// to keep the test quick; the format is the production one).
inline std::string HashWithCli(const std::string& secret) {
  auto r = RunProcess(
      {"sh", "-c",
       "printf '%s\\n' '" + secret + "' | '" PIXELDEX_BINARY "' hash-password --iterations 1000"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::string hash = r.output.substr(0, r.output.find('\n'));
  EXPECT_EQ(hash.rfind("pbkdf2-sha256$1000$", 0), 0u) << r.output;
  return hash;
}

// "http.users=alice:<hash of wonderland>:rw,bob:<hash of builder>:ro".
inline const std::string& UsersSetting() {
  static const std::string users =
      "http.users=alice:" + HashWithCli("wonderland") + ":rw,bob:" + HashWithCli("builder") + ":ro";
  return users;
}

}  // namespace pixeldex::testing
