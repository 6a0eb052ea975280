#include "catalog/index/postgres/pg_instance_locks.h"

#include "catalog/common/fnv1a.h"
#include "catalog/common/log.h"

namespace pixeldex::index::postgres {

class PgInstanceLocks::Held final : public InstanceLock {
 public:
  Held(PgInstanceLocks& owner, PgConnection conn, int64_t key)
      : owner_(owner), conn_(std::move(conn)), key_(key) {}
  ~Held() override {
    auto unlocked = conn_.Exec("SELECT pg_advisory_unlock($1)", {PgParam::Int(key_)});
    // A connection that cannot unlock is dropped: its session, and the
    // lock with it, ends with the connection.
    if (unlocked.ok()) {
      owner_.ReturnIdle(std::move(conn_));
    } else {
      LogWarning("cannot release an instance lock: {}", unlocked.status().ToString());
    }
  }

 private:
  PgInstanceLocks& owner_;
  PgConnection conn_;
  int64_t key_;
};

int64_t PgInstanceLocks::KeyOf(const std::string& sop_instance_uid) {
  return static_cast<int64_t>(Fnv1a64(sop_instance_uid));
}

Result<PgConnection> PgInstanceLocks::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      PgConnection conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  return PgConnection::Open(uri_);
}

void PgInstanceLocks::ReturnIdle(PgConnection conn) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(conn));
}

Result<std::unique_ptr<InstanceLock>> PgInstanceLocks::Lock(const std::string& sop_instance_uid) {
  return Take(sop_instance_uid, "pg_advisory_lock");
}

Result<std::unique_ptr<InstanceLock>> PgInstanceLocks::TryLock(
    const std::string& sop_instance_uid) {
  return Take(sop_instance_uid, "pg_try_advisory_lock");
}

Result<std::unique_ptr<InstanceLock>> PgInstanceLocks::Take(const std::string& name,
                                                           const char* function) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  const int64_t key = KeyOf(name);
  // pg_advisory_lock returns void (its text is empty), pg_try_advisory_lock
  // a boolean (text "t" or "f").
  const std::string sql = std::string("SELECT ") + function + "($1)";
  auto locked = conn->Exec(sql, {PgParam::Int(key)});
  // An idle connection may have been lost meanwhile; the statement is safe
  // to repeat once on the connection made again (a lost session holds none).
  if (!locked.ok() && locked.status().code() == Status::Code::kIoError) {
    locked = conn->Exec(sql, {PgParam::Int(key)});
  }
  if (!locked.ok()) return locked.status();
  if (locked->Text(0, 0) == "f") {
    ReturnIdle(std::move(conn).value());
    return std::unique_ptr<InstanceLock>();
  }
  return std::unique_ptr<InstanceLock>(
      std::make_unique<Held>(*this, std::move(conn).value(), key));
}

}  // namespace pixeldex::index::postgres
