#pragma once
// AccessControl: the AccessPolicy in force, replaceable while associations
// run (SIGHUP reloads it). Replace() swaps the whole policy at once; each
// association takes the policy current when it negotiates and keeps it, so
// no association ever sees half of an old and half of a new policy.
// Thread-safe.

#include <memory>
#include <mutex>

#include "server/access/access_policy.h"

namespace pixeldex::server {

class AccessControl {
 public:
  // Initially everyone may do everything (AccessPolicy's default).
  std::shared_ptr<const AccessPolicy> Current() const {
    std::lock_guard lock(mutex_);
    return policy_;
  }
  void Replace(AccessPolicy policy) {
    auto next = std::make_shared<const AccessPolicy>(std::move(policy));
    std::lock_guard lock(mutex_);
    policy_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const AccessPolicy> policy_ = std::make_shared<const AccessPolicy>();
};

}  // namespace pixeldex::server
