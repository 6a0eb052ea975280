#include "tests/support/lock_waiters.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace pixeldex::testing {

int LockWaiters(const std::string& path) {
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0) return 0;
  // A line: "<id>: [->] <type> <ADVISORY|MANDATORY> <READ|WRITE> <pid>
  // <major>:<minor>:<inode> <start> <end>", the device numbers in hex
  // (fs/locks.c, "%02x:%02x:%lu").
  char file_id[64];
  std::snprintf(file_id, sizeof file_id, "%02x:%02x:%lu", ::major(file.st_dev),
                ::minor(file.st_dev), static_cast<unsigned long>(file.st_ino));
  std::ifstream locks("/proc/locks");
  int waiters = 0;
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string id, arrow, type, kind, mode, pid, device;
    fields >> id >> arrow;
    if (arrow != "->") continue;
    fields >> type >> kind >> mode >> pid >> device;
    if (device == file_id) ++waiters;
  }
  return waiters;
}

bool AwaitLockWaiters(const std::string& path, int count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (LockWaiters(path) < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace pixeldex::testing
