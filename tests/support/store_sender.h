#pragma once
// StoreSender: a small C-STORE SCU (DCMTK's DcmSCU) for tests that must know
// exactly which instances the server acknowledged: storescu's output does not
// say so per instance when the connection dies half-way. One association
// over loopback; files are sent one after the other, and a SOP Instance UID
// counts as acknowledged only when its C-STORE-RSP arrived with status 0000.
// Not thread-safe; use one sender per thread.

#include <functional>
#include <string>
#include <vector>

namespace pixeldex::testing {

struct SentFile {
  std::string path;
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

class StoreSender {
 public:
  // Called with each SOP Instance UID acknowledged with status 0000, at once.
  using OnAcknowledged = std::function<void(const std::string& sop_instance_uid)>;

  StoreSender(std::string calling_aet, int port)
      : calling_aet_(std::move(calling_aet)), port_(port) {}

  // Opens one association (Explicit VR Little Endian for every SOP class of
  // `files`) and sends them in order until one is not acknowledged or the
  // association fails. Returns how many were acknowledged; the reason it
  // stopped early, if it did, is in last_error().
  int Send(const std::vector<SentFile>& files, const OnAcknowledged& on_acknowledged);
  const std::string& last_error() const { return last_error_; }

 private:
  std::string calling_aet_;
  int port_;
  std::string last_error_;
};

}  // namespace pixeldex::testing
