#pragma once
// PduInspector: watches the bytes a peer sends on an association, PDU by PDU
// and PDV by PDV (PS3.8 9.3, E.2), before DCMTK sees them, and refuses what
// would make DCMTK work without bound or read the stream differently from
// the inspector. DCMTK parses command sets, and the data sets of every
// request but C-STORE (C-FIND identifiers, say), in memory, recursing once
// per nested sequence level; a few hundred KiB of nesting would overflow the
// thread's stack. So:
//  - an A-ASSOCIATE-RQ must pass ScreenAssociateRequest (bounded contexts
//    and negotiation items, valid AE titles) and come once;
//  - P-DATA-TF PDUs must be framed as DCMTK requires (PDVs of at least 2
//    bytes that exactly fill their PDU, even fragments);
//  - a command set may not exceed kMaxCommandBytes and must pass
//    ParseCommandSet (one reading, DCMTK's); its fragments share one context;
//  - a data set PDV must follow a command that announced a data set, on that
//    command's presentation context, and no command may start before that
//    data set ended (DCMTK refuses these too, after parsing some of them);
//  - a data set may exceed kMaxRequestDataSetBytes only when it is KNOWN to
//    be a C-STORE-RQ's on a context proposed for a storage SOP class; those
//    go to a file unparsed and are checked there
//    (catalog/metadata/sequence_depth.h). Everything else is bounded.
// Not thread-safe: one per connection, fed by its reading thread.

#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/common/status.h"
#include "server/listener/associate_request.h"

namespace pixeldex::server {

constexpr size_t kMaxCommandBytes = 64 * 1024;
constexpr size_t kMaxRequestDataSetBytes = 128 * 1024;

class PduInspector {
 public:
  // Ok, or InvalidArgument saying what the peer did; once failed, stays failed.
  Status Feed(const char* data, size_t size);

 private:
  Status StartPdu();
  Status EndPdu();
  Status StartPdv();
  Status PdvBytes(const char* data, size_t size);
  Status EndOfPdv();
  Status EndOfCommand();

  Status failure_;
  std::string pdu_header_;  // the 6 bytes of a PDU header being read
  uint8_t pdu_type_ = 0;
  uint64_t pdu_left_ = 0;   // bytes of the current PDU still to come
  bool pdu_open_ = false;   // a PDU header was read and its body is not over
  bool pdu_has_pdv_ = false;
  std::string associate_;     // the A-ASSOCIATE-RQ body being received
  bool associate_seen_ = false;
  ProposedContexts contexts_;
  std::string pdv_header_;  // the 6 bytes of a PDV item header being read
  uint64_t pdv_left_ = 0;   // bytes of the current PDV's value still to come
  bool pdv_open_ = false;
  uint8_t pdv_context_ = 0;
  bool pdv_command_ = false;
  bool pdv_last_ = false;
  // The message being received: a command set, then perhaps its data set.
  std::string command_;
  bool command_started_ = false;
  uint8_t command_context_ = 0;
  bool expect_data_ = false;     // the last command announced a data set not yet ended
  bool data_unbounded_ = false;  // ... and it is a C-STORE-RQ's on a storage context
  size_t data_bytes_ = 0;
};

}  // namespace pixeldex::server
