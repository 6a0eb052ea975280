#pragma once
// NegotiationBudget: the connections of one listening port that have not yet
// delivered their whole A-ASSOCIATE-RQ (on the TLS port, the handshake
// included). Each port has its own budget, so a flood on one port never
// stops the other, and:
//   - at most `per_port` connections negotiate at once: the accept loop
//     waits for a free slot before it accepts (more callers wait in the
//     kernel's backlog);
//   - one peer address holds at most `per_peer` of them: a connection beyond
//     that is refused the moment it is accepted (Admit returns false);
//   - a connection still negotiating `request_timeout` after it was accepted
//     is shut down by CloseOverdue (PS3.8 9.2, the ARTIM timer: in state Sta2,
//     "awaiting A-ASSOCIATE-RQ PDU", Evt18 leads to AA-2, close the transport
//     connection). The accept loop calls it at every poll.
// A slot goes from Reserve (accept loop) to Admit (the connection's thread,
// once accepted) to Disarm (request delivered) and Release.
// Thread-safe. The budget keeps a duplicate descriptor of each admitted
// socket until Disarm or Release, so that shutting down an overdue connection
// never reaches a descriptor number its owner closed and the kernel reused.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace pixeldex::server {

class NegotiationBudget {
 public:
  using Clock = std::chrono::steady_clock;
  using SlotId = uint64_t;

  struct Limits {
    int per_port = 64;
    int per_peer = 16;
    Clock::duration request_timeout = std::chrono::seconds(5);
  };

  explicit NegotiationBudget(Limits limits) : limits_(limits) {}
  ~NegotiationBudget();
  NegotiationBudget(const NegotiationBudget&) = delete;
  NegotiationBudget& operator=(const NegotiationBudget&) = delete;

  // Waits up to `wait` for a free slot; true when one is free.
  bool WaitForSlot(Clock::duration wait);
  // Takes a slot for the connection about to be accepted. Only the port's
  // accept loop reserves, after WaitForSlot said one is free.
  SlotId Reserve();
  // The reserved slot's connection was accepted from `peer` on `socket`;
  // its request is due `request_timeout` after `now`. False when `peer`
  // already holds per_peer slots: the caller refuses the connection (the
  // slot stays reserved until Release).
  bool Admit(SlotId slot, int socket, const std::string& peer, Clock::time_point now);
  // The connection's request arrived or its receive ended: no deadline any
  // more. True when CloseOverdue had shut the connection down (DCMTK may then
  // report an empty request as received).
  bool Disarm(SlotId slot);
  // Frees the slot (request delivered and answered, connection failed or
  // refused, or nothing was accepted).
  void Release(SlotId slot);
  // Shuts down (both directions) every admitted connection whose request is
  // overdue at `now`; their threads' reads then end at once. Returns how many.
  int CloseOverdue(Clock::time_point now);

  // True while every slot is taken.
  bool Exhausted() const;
  int negotiating() const;
  // Waits up to `wait` until no slot is taken; true when none is.
  bool WaitUntilIdle(Clock::duration wait);
  const Limits& limits() const { return limits_; }

 private:
  struct Slot {
    std::string peer;               // empty until admitted
    int watch_fd = -1;              // our duplicate of the socket, while armed
    Clock::time_point deadline{};
    bool overdue = false;           // shut down by CloseOverdue
  };
  void CloseWatch(Slot& slot);

  const Limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<SlotId, Slot> slots_;
  std::map<std::string, int> per_peer_;
  SlotId next_id_ = 1;
};

// The numeric address of the peer connected to `socket` ("127.0.0.1",
// "::1"), or "" when it cannot be read.
std::string PeerAddressOf(int socket);

}  // namespace pixeldex::server
