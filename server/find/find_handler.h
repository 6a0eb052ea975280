#pragma once
// Answers one C-FIND request from the SQLite index (PS3.4 C.4.1, PS3.7
// 9.1.2): parses and validates the identifier, streams one pending response
// per match through DIMSE_findProvider (which checks for C-CANCEL between
// responses) and sends exactly one final response, whatever fails. Pending
// responses are gathered into few socket writes (WriteCoalescer, at most
// ~2 ms late); the final response is written at once.
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
//   C000         unable to process (index unavailable, SQLite error, unknown
//                Specific Character Set), with Error Comment
//   0122         SOP class not supported: only the Patient Root and Study
//                Root Query/Retrieve Information Models - FIND are served
// Runs on the association's thread, on the read-only index connection that
// FindContext::reader lends (the association keeps it between requests, so
// its page cache stays warm).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <chrono>
#include <functional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/query/find_options.h"
#include "server/metrics/metric_types.h"

namespace pixeldex::server {

struct FindContext {
  // Lends a read-only index connection (index::PrepareForReading applied),
  // valid for the whole request.
  std::function<Result<index::Db*>()> reader;
  query::FindOptions options;
  // How long one request may take, from its arrival to its final response,
  // counting SQLite's work (its progress handler interrupts a step) and the
  // time the peer takes to read the responses; 0 = no limit. The index
  // snapshot a request reads is held at most this long.
  std::chrono::seconds time_limit{0};
  // PS3.4 C.5.1.1: the SCU negotiated combined date-time range matching.
  bool combined_datetime = false;
  std::string calling_ae;  // for the log line
  // Counts the final status of each answered request, when set.
  metrics::LabeledCounter* responses = nullptr;
};

// `request` must hold a C-FIND-RQ received on `pres_id`. Returns the DIMSE
// condition of the exchange (a network failure), not the C-FIND status.
OFCondition HandleFindRequest(T_ASC_Association* assoc, T_DIMSE_Message& request,
                              T_ASC_PresentationContextID pres_id, const FindContext& context);

}  // namespace pixeldex::server
