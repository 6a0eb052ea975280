#pragma once
// FindQuery: the decisions of one C-FIND (PS3.4 C.4.1), apart from the
// association that carries it: validates the request (SOP Class, query
// level, keys, their character set), opens a cursor on the index, and
// answers one response at a time: a pending one per match, then exactly one
// final one. find_handler.cpp drives it from DCMTK's provider callbacks and
// sends what it answers; unit tests drive it directly (no sockets).
//
// Statuses (PS3.4 C.4.1.1.4, PS3.7 C):
//   FF00 / FF01  pending; FF01 when a key carried a value the index cannot
//                match on (the "Number of ... Related ..." keys)
//   0000         matching complete
//   FE00         cancelled by C-CANCEL
//   A900         identifier does not match SOP class (invalid level, keys
//                below the level, malformed values), with Error Comment
//   A700         refused, out of resources, with an Error Comment saying
//                which limit: more than options.max_results entities match
//                (the first max_results were sent), the request ran longer
//                than time_limit (the matches found so far were sent), or
//                the identifier has more than options.max_keys keys. C-FIND
//                has no warning status for a truncated result, and 0000
//                means "matching is complete" (PS3.4 C.4.1.1.4, Table
//                C.4-1), so a truncated answer must end in a failure.
//   C000         unable to process (index unavailable, database error, unknown
//                Specific Character Set), with Error Comment
//   0122         SOP class not supported: only the Patient Root and Study
//                Root Query/Retrieve Information Models - FIND are served
// One per request, on the association's thread, reading the index
// (SQLite or PostgreSQL) through the reader FindContext::reader lends.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/dimse.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/common/result.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_options.h"
#include "catalog/query/index_reader.h"
#include "server/find/identifier_encoder.h"
#include "server/metrics/metric_types.h"

namespace pixeldex::server {

struct FindContext {
  // Lends a read-only index reader, valid for the whole request.
  std::function<Result<query::IndexReader*>()> reader;
  query::FindOptions options;
  // How long one request may take, from its arrival to its final response,
  // counting the database's work (SQLite's progress handler interrupts a
  // step, PostgreSQL's statement_timeout a fetch) and the time the peer
  // takes to read the responses; 0 = no limit. The index snapshot a request
  // reads is held at most this long.
  std::chrono::seconds time_limit{0};
  // PS3.4 C.5.1.1: the SCU negotiated combined date-time range matching.
  bool combined_datetime = false;
  std::string calling_ae;  // for the log line
  // Counts the final status of each answered request, when set.
  metrics::LabeledCounter* responses = nullptr;
};

// One C-FIND response: a pending one carries a match's identifier, either
// already encoded (when FindQuery::EncodeIdentifiers was given a syntax and
// the match allows it) or as a DcmDataset; a final one may carry an Error
// Comment (0000,0902).
struct FindAnswer {
  Uint16 status = STATUS_Success;
  // Empty: `identifier` holds it. Points into the FindQuery, valid until its
  // next call (one buffer serves every response of the request).
  std::string_view encoded_identifier;
  std::unique_ptr<DcmDataset> identifier;
  std::string comment;

  bool pending() const { return DICOM_PENDING_STATUS(status); }
};

class FindQuery {
 public:
  // The request arrives now (its time limit starts). `while_searching` runs
  // every few microseconds of SQLite work (the handler writes out the
  // pending responses it holds; on PostgreSQL they go out between fetches);
  // may be empty.
  FindQuery(const FindContext& context, std::function<void()> while_searching);

  // Validates the request and opens the cursor; the final answer when the
  // request cannot run, nothing when it can.
  std::optional<FindAnswer> Start(const std::string& sop_class_uid, DcmDataset* identifier);
  // After Start() succeeded: the next response; `cancelled` when a C-CANCEL
  // arrived before it. Once an answer is final, the index is released.
  FindAnswer Next(bool cancelled);
  // Pending answers carry their identifier encoded in `syntax` when the
  // match allows it (identifier_encoder.h); without this call, a DcmDataset.
  void EncodeIdentifiers(IdentifierSyntax syntax) { syntax_ = syntax; }

  const std::string& level() const { return level_; }  // "-" until known
  size_t matches() const { return matches_; }
  // The final answer's status and comment, once given.
  Uint16 final_status() const { return final_status_; }
  const std::string& comment() const { return comment_; }
  bool TimedOut() const;
  std::string TimeLimitComment() const;

 private:
  Status Open(const std::string& sop_class_uid, DcmDataset* identifier, Uint16* refused);
  FindAnswer Final(Uint16 status, std::string comment);

  const FindContext& context_;
  std::function<void()> while_searching_;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<query::FindCursor> cursor_;
  std::optional<IdentifierSyntax> syntax_;
  // Reused from match to match (no allocation per response once grown).
  query::FindMatch match_;
  std::string encoded_;
  std::string level_ = "-";
  size_t matches_ = 0;
  Uint16 final_status_ = STATUS_FIND_Success;
  std::string comment_;
};

}  // namespace pixeldex::server
