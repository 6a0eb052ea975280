#include "server/listener/negotiation_budget.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pixeldex::server {

NegotiationBudget::~NegotiationBudget() {
  for (auto& [id, slot] : slots_) CloseWatch(slot);
}

bool NegotiationBudget::WaitForSlot(Clock::duration wait) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, wait, [this] {
    return static_cast<int>(slots_.size()) < limits_.per_port;
  });
}

NegotiationBudget::SlotId NegotiationBudget::Reserve() {
  std::lock_guard lock(mutex_);
  const SlotId id = next_id_++;
  slots_.emplace(id, Slot{});
  return id;
}

bool NegotiationBudget::Admit(SlotId id, int socket, const std::string& peer,
                              Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(id);
  if (it == slots_.end()) return false;
  int& held = per_peer_[peer];
  if (held >= limits_.per_peer) return false;
  ++held;
  it->second.peer = peer;
  it->second.watch_fd = ::dup(socket);
  it->second.deadline = now + limits_.request_timeout;
  return true;
}

bool NegotiationBudget::Disarm(SlotId id) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(id);
  if (it == slots_.end()) return false;
  CloseWatch(it->second);
  return it->second.overdue;
}

void NegotiationBudget::Release(SlotId id) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(id);
  if (it == slots_.end()) return;
  CloseWatch(it->second);
  if (!it->second.peer.empty()) {
    auto peer = per_peer_.find(it->second.peer);
    if (peer != per_peer_.end() && --peer->second <= 0) per_peer_.erase(peer);
  }
  slots_.erase(it);
  changed_.notify_all();
}

int NegotiationBudget::CloseOverdue(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  int closed = 0;
  for (auto& [id, slot] : slots_) {
    if (slot.watch_fd < 0 || now < slot.deadline) continue;
    ::shutdown(slot.watch_fd, SHUT_RDWR);
    CloseWatch(slot);
    slot.overdue = true;
    ++closed;
  }
  return closed;
}

bool NegotiationBudget::Exhausted() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(slots_.size()) >= limits_.per_port;
}

int NegotiationBudget::negotiating() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(slots_.size());
}

bool NegotiationBudget::WaitUntilIdle(Clock::duration wait) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, wait, [this] { return slots_.empty(); });
}

void NegotiationBudget::CloseWatch(Slot& slot) {
  if (slot.watch_fd >= 0) ::close(slot.watch_fd);
  slot.watch_fd = -1;
}

std::string PeerAddressOf(int socket) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(socket, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text, sizeof(text));
  }
  return text;
}

}  // namespace pixeldex::server
