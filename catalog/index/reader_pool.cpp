#include "catalog/index/reader_pool.h"

#include <sys/stat.h>

#include <utility>

#include "catalog/index/schema.h"
#include "catalog/index/sqlite_native.h"

namespace pixeldex::index {
namespace {

// Changes with any schema change (DDL, by any connection or process) and with
// a migration's user_version.
constexpr std::string_view kVersionSql =
    "SELECT (SELECT schema_version FROM pragma_schema_version()),"
    "       (SELECT user_version FROM pragma_user_version())";

Result<std::pair<int64_t, int64_t>> ReadVersion(Statement& query) {
  std::pair<int64_t, int64_t> version;
  const bool row = query.Step();
  if (row) version = {query.Int(0), query.Int(1)};
  const Status status = query.status();
  query.Reset();  // ends the read transaction: nothing stays pinned
  if (!row) return status.ok() ? Status::Internal("no schema version") : status;
  return version;
}

// The file now at `path` (device and inode), or nullopt when there is none.
std::optional<std::pair<dev_t, ino_t>> FileIdentity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(st.st_dev, st.st_ino);
}

// True when no statement but `own` and the `kept` ones (all reset) exists on
// `db`, no transaction is open and the last call succeeded: the connection
// is fit for another user.
bool Reusable(sqlite3* db, sqlite3_stmt* own, const StatementCache& kept) {
  if (sqlite3_get_autocommit(db) == 0) return false;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr; s = sqlite3_next_stmt(db, s)) {
    if (s != own && !kept.Keeps(s)) return false;
  }
  const int code = sqlite3_errcode(db);
  return code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE;
}

}  // namespace

struct PooledReader::Connection {
  Db db;
  Statement version_query;
  std::pair<int64_t, int64_t> version;
  std::optional<std::pair<dev_t, ino_t>> file;  // what was opened
  StatementCache statements{};                  // after db: finalized before it closes
};

PooledReader::PooledReader(ReaderPool* pool, std::unique_ptr<Connection> connection)
    : pool_(pool), connection_(std::move(connection)), db_(&connection_->db) {}

PooledReader::PooledReader(PooledReader&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      db_(std::exchange(other.db_, nullptr)) {}

PooledReader& PooledReader::operator=(PooledReader&& other) noexcept {
  if (this != &other) {
    Return();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

PooledReader::~PooledReader() { Return(); }

StatementCache& PooledReader::statements() { return connection_->statements; }

void PooledReader::Return() {
  if (connection_ != nullptr && pool_ != nullptr) pool_->Put(std::move(connection_));
  connection_.reset();
  db_ = nullptr;
}

ReaderPool::ReaderPool(std::string index_path, size_t max_idle)
    : index_path_(std::move(index_path)), max_idle_(max_idle) {}

ReaderPool::~ReaderPool() = default;

Result<std::unique_ptr<PooledReader::Connection>> ReaderPool::OpenConnection() {
  const auto file = FileIdentity(index_path_);
  auto db = Db::Open(index_path_, Db::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(PrepareForReading(*db));
  auto query = db->Prepare(kVersionSql);
  if (!query.ok()) return query.status();
  auto version = ReadVersion(*query);
  if (!version.ok()) return version.status();
  {
    std::lock_guard lock(mutex_);
    ++opened_;
  }
  return std::make_unique<PooledReader::Connection>(
      PooledReader::Connection{std::move(db).value(), std::move(query).value(), *version, file});
}

Result<PooledReader> ReaderPool::Acquire() {
  while (true) {
    std::unique_ptr<PooledReader::Connection> connection;
    {
      std::lock_guard lock(mutex_);
      if (idle_.empty()) break;
      connection = std::move(idle_.back());  // the most recently used: warmest cache
      idle_.pop_back();
    }
    if (FileIdentity(index_path_) != connection->file) {
      // The index file was removed or replaced: the open connections still
      // read the old one. Close them all; a new connection tells the truth.
      std::lock_guard lock(mutex_);
      idle_.clear();
      continue;
    }
    const auto version = ReadVersion(connection->version_query);
    if (version.ok() && *version == connection->version) {
      return PooledReader(this, std::move(connection));
    }
    // Schema changed or the connection fails: close it, try the next one.
  }
  auto connection = OpenConnection();
  if (!connection.ok()) return connection.status();
  return PooledReader(this, std::move(connection).value());
}

void ReaderPool::Put(std::unique_ptr<PooledReader::Connection> connection) {
  if (!Reusable(NativeHandle(connection->db), NativeHandle(connection->version_query),
                connection->statements)) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

size_t ReaderPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

int64_t ReaderPool::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

}  // namespace pixeldex::index
