#pragma once
// RetrieveOperation: the state of one C-GET or C-MOVE between the DIMSE
// provider's callbacks, shared by both services (PS3.4 C.4.2, C.4.3): the
// identifier -> instance list, the sub-operation counters, the Failed SOP
// Instance UID List, the final status, and the one log line and history
// event (`events`, kind "retrieve") that record the retrieve.
//
// Every retrieve also counts in /metrics: its final status (the responses
// counter it is given), its sub-operations by result, the bytes sent.
//
// Statuses (PS3.4 C.4.2.1.5, C.4.3.1.4; PS3.7 C; docs/conformance.md 4.2.5,
// whose table a test keeps equal to the constants this code answers with):
//   FF00  pending, with remaining/completed/failed/warning counts
//   0000  every sub-operation completed
//   B000  sub-operations complete, one or more failed or had warnings
//   A702  out of resources, unable to perform sub-operations: every one
//         failed, or the move destination could not be reached
//   A701  out of resources, unable to calculate the number of matches
//   A801  move destination unknown (C-MOVE)
//   A900  identifier does not match the SOP class (retrieve_request.h)
//   C000  unable to process (index unreadable, unknown character set)
//   FE00  cancelled by C-CANCEL (checked between sub-operations)
//   0122  SOP class not supported
// One operation per request; not thread-safe (the association's thread).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmnet/dimse.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/common/event_kind.h"
#include "catalog/query/index_reader.h"
#include "catalog/query/retrieve_request.h"
#include "server/association/server_context.h"
#include "server/retrieve/store_sub_operation.h"

namespace pixeldex::server {

struct RetrieveContext {
  const ServerContext* server = nullptr;
  // Lends the association's read-only index reader (SQLite or PostgreSQL).
  std::function<Result<query::IndexReader*>()> reader;
  std::string calling_ae;
};

class RetrieveOperation {
 public:
  // `service` names it in logs: "C-GET" or "C-MOVE"; `responses` counts its
  // final status (context.server->metrics.gets or .moves).
  RetrieveOperation(std::string service, metrics::LabeledCounter& responses,
                    const RetrieveContext& context);

  // Validates the request and lists its instances. False when the request is
  // refused; FillFinal() then answers why.
  bool Start(const char* sop_class_uid, DcmDataset* identifier);
  // Refuses or fails the whole request.
  void Refuse(Uint16 status, std::string comment);

  const std::vector<query::RetrieveInstance>& instances() const { return instances_; }
  void set_destination(std::string aet) { destination_ = std::move(aet); }

  // One callback of the DIMSE provider once Start() succeeded: unless
  // cancelled or done, runs the next sub-operation through `send` (a bad
  // condition: the association carrying them is lost, every remaining one
  // fails) and fills a pending response; otherwise fills the final one.
  // Response is T_DIMSE_C_GetRSP or T_DIMSE_C_MoveRSP (same fields and bits).
  using Sender = std::function<OFCondition(const SubOperation&, SubOperationResult*)>;
  template <typename Response>
  void Advance(bool cancelled, const Sender& send, Response* response, DcmDataset** detail,
               DcmDataset** ids);
  // Fills the final response: status, counts, Error Comment, Failed SOP
  // Instance UID List (the provider deletes what it gets).
  template <typename Response>
  void FillFinal(Response* response, DcmDataset** detail, DcmDataset** ids) const;
  // Logs the retrieve's line and records its history event; call once.
  void Report() const;

 private:
  bool HasNext() const { return next_ < instances_.size(); }
  // The next sub-operation's instance and file; advances.
  SubOperation NextSubOperation();
  // Counts a finished sub-operation (and in /metrics); a failure or warning
  // is logged and recorded as a "retrieve_failed" / "retrieve_warning" event.
  void Record(const query::RetrieveInstance& instance, const SubOperationResult& result);
  // Counts every instance not yet sent as failed (the association is gone,
  // the server stops), with one log line and one event for all of them.
  void FailRemaining(const std::string& reason);
  void Cancel() { cancelled_ = true; }
  // Logs a failure or warning and records it as an event of `kind`.
  void Note(EventKind kind, const std::string& sop_instance_uid, std::optional<int64_t> status,
            const std::string& what) const;
  // The status of the final response (see above).
  Uint16 final_status() const;
  template <typename Response>
  void FillCounts(Response* response, bool pending) const;
  // Error Comment for a refusal, nullptr otherwise (caller owns).
  DcmDataset* StatusDetail() const;
  // Failed SOP Instance UID List (0008,0058) when sub-operations failed, else
  // nullptr (caller owns).
  DcmDataset* FailedUidIdentifier() const;

  std::string service_;
  metrics::LabeledCounter& responses_;
  const RetrieveContext& context_;
  std::string level_ = "-";
  std::string what_;  // the retrieve-level unique key's value
  std::string destination_;
  std::vector<query::RetrieveInstance> instances_;
  size_t next_ = 0;
  int completed_ = 0, failed_ = 0, warning_ = 0, converted_ = 0;
  std::vector<std::string> failed_uids_;
  bool cancelled_ = false;
  Uint16 refused_status_ = 0;  // nonzero: the request was refused
  std::string comment_;
};

}  // namespace pixeldex::server
