#pragma once
// IndexWriteLock: holds the SQLite index's write lock from another connection
// (as a long `pixeldex import` transaction or a person's sqlite3 session
// could) for as long as it lives, so that a server's stores wait between
// "file in place" and "rows committed": files without rows are certain while
// it is held. One thread.

#include <sqlite3.h>

#include <string>

namespace pixeldex::testing {

class IndexWriteLock {
 public:
  explicit IndexWriteLock(const std::string& index_path) {
    sqlite3_open(index_path.c_str(), &db_);
    sqlite3_busy_timeout(db_, 30000);
    locked_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~IndexWriteLock() {
    if (locked_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  IndexWriteLock(const IndexWriteLock&) = delete;
  IndexWriteLock& operator=(const IndexWriteLock&) = delete;
  bool locked() const { return locked_; }

 private:
  sqlite3* db_ = nullptr;
  bool locked_ = false;
};

}  // namespace pixeldex::testing
