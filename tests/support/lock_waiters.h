#pragma once
// LockWaiters: how many fcntl(2) lock requests (open file description locks
// or POSIX record locks, of any process) are waiting, blocked, for a lock on
// the file at `path`, as /proc/locks lists them (proc(5): a line with "->"
// is a request blocked behind the lock above it). The observable state a
// test polls to know that a second locker is waiting, instead of sleeping.
// 0 when the file does not exist.

#include <string>

namespace pixeldex::testing {

int LockWaiters(const std::string& path);

// Polls LockWaiters(path) until it is at least `count`, for up to 30 s;
// whether it got there.
bool AwaitLockWaiters(const std::string& path, int count);

}  // namespace pixeldex::testing
