#pragma once
// PduInspector: watches the bytes a peer sends on an association, PDU by PDU
// and PDV by PDV (PS3.8 9.3, E.2), before DCMTK sees them, and refuses what
// would let DCMTK's in-memory parser recurse or grow without bound. DCMTK
// parses command sets, and the data sets of every request but C-STORE (C-FIND
// identifiers, say), in memory, recursing once per nested sequence level; a
// few hundred KiB of nesting would overflow the thread's stack. So:
//  - a command set may not exceed kMaxCommandBytes, nor hold an element of
//    undefined length (PS3.7 E.1: command elements are never sequences);
//  - the data set of a request other than C-STORE-RQ may not exceed
//    kMaxRequestDataSetBytes (with the association threads' stack that bounds
//    nesting far below what overflows it).
// C-STORE data sets go to a file unparsed and are checked there
// (catalog/metadata/sequence_depth.h). Framing errors are left for DCMTK.
// Not thread-safe: one per connection, fed by its reading thread.

#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/common/status.h"

namespace pixeldex::server {

constexpr size_t kMaxCommandBytes = 64 * 1024;
constexpr size_t kMaxRequestDataSetBytes = 128 * 1024;

class PduInspector {
 public:
  // Ok, or InvalidArgument saying what the peer did; once failed, stays failed.
  Status Feed(const char* data, size_t size);

 private:
  Status PdvBytes(const char* data, size_t size);
  Status EndOfPdv();
  Status ParseCommand();

  Status failure_;
  std::string pdu_header_;  // the 6 bytes of a PDU header being read
  uint8_t pdu_type_ = 0;
  uint64_t pdu_left_ = 0;   // bytes of the current PDU still to come
  std::string pdv_header_;  // the 6 bytes of a PDV item header being read
  uint64_t pdv_left_ = 0;   // bytes of the current PDV's value still to come
  bool pdv_command_ = false;
  bool pdv_last_ = false;
  std::string command_;       // the command set being received
  bool store_data_ = false;   // the data set that follows is a C-STORE's
  size_t data_bytes_ = 0;     // bytes of the current request data set so far
};

}  // namespace pixeldex::server
