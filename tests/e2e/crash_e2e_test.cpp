// Crash safety on the SQLite index, end to end: the rounds of crash_rounds.h,
// the write lock a long transaction holds, then `pixeldex check` on what is
// left.

#include "tests/e2e/crash_rounds.h"
#include "tests/support/index_write_lock.h"

namespace pixeldex::testing {
namespace {

class CrashE2eTest : public CrashRounds {
 protected:
  class SqliteLock final : public HeldWriteLock {
   public:
    explicit SqliteLock(const std::string& index) : lock_(index) {}
    bool locked() const override { return lock_.locked(); }

   private:
    IndexWriteLock lock_;
  };
  std::unique_ptr<HeldWriteLock> LockIndexWrites() override {
    return std::make_unique<SqliteLock>(index_);
  }
};

TEST_F(CrashE2eTest, AcknowledgedInstancesSurviveSigkillAtRandomMoments) {
  RunRounds();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(server_->Stop(), 0);
  auto check = RunProcess({PIXELDEX_BINARY, "check", "--storage", storage_, "--index", index_});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

}  // namespace
}  // namespace pixeldex::testing
