#pragma once
// AssociationSession: one accepted transport connection from A-ASSOCIATE-RQ to
// release or abort, on its own thread. It negotiates (called AE title policy,
// presentation contexts), then serves DIMSE requests one at a time, each
// only on a context that admits it (command_admission.h), until the
// peer releases, the connection drops, the DIMSE timeout passes idle, or the
// server stops (the current operation always finishes first). Logs one line
// for the association and one per failure.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <optional>
#include <string>

#include "catalog/common/log.h"
#include "server/association/command_admission.h"
#include "server/association/presentation_contexts.h"
#include "server/association/server_context.h"
#include "server/retrieve/retrieve_operation.h"

namespace pixeldex::server {

class AssociationSession {
 public:
  // Takes ownership of `assoc` (as returned by ASC_receiveAssociation).
  AssociationSession(T_ASC_Association* assoc, const ServerContext& context);
  ~AssociationSession();
  AssociationSession(const AssociationSession&) = delete;
  AssociationSession& operator=(const AssociationSession&) = delete;

  void Run();
  // After Run() threw (`unexpected` says what): aborts the association
  // (A-ABORT), logs one line, and records an `association_aborted` event and
  // the association's history row.
  void AbortAfter(const Status& unexpected);

 private:
  bool Negotiate();
  // Rejects the association, logs why, and records it in the history.
  void RejectWith(T_ASC_RejectParametersResult result, T_ASC_RejectParametersSource source,
                  T_ASC_RejectParametersReason reason, const std::string& why);
  void RecordAssociation(const std::string& outcome);
  // Logs `message` with the association's AE titles and peer address as
  // fields (calling_aet, called_aet, peer), then `extra`.
  void LogLine(LogLevel level, const std::string& message, LogFields extra = {}) const;
  // The association's read-only index reader (SQLite or PostgreSQL) for
  // C-FIND and retrieves, opened on first use.
  Result<query::IndexReader*> Reader();
  // Serves requests until the association ends; returns how it ended.
  std::string Serve();
  // Serves a request, or refuses it when its context does not admit it.
  OFCondition Dispatch(T_DIMSE_Message& message, T_ASC_PresentationContextID pres_id);
  std::optional<CommandRefusal> Admit(const T_DIMSE_Message& message,
                                      T_ASC_PresentationContextID pres_id) const;
  RetrieveContext MakeRetrieveContext();

  T_ASC_Association* assoc_;
  const ServerContext& context_;
  AssociationStats stats_;
  std::string calling_aet_;
  std::string called_aet_;
  std::string peer_;
  std::string started_at_;
  std::unique_ptr<query::IndexReader> reader_;
  bool combined_datetime_ = false;  // PS3.4 C.5.1.1.1 byte 2 was negotiated
  NegotiationPolicy allowed_;       // what the caller may do, fixed at negotiation
};

// Rejects an association that arrived beyond the concurrency limit with
// "local limit exceeded" (PS3.8 9.3.4, transient), records it, and frees it.
void RejectOverLimit(T_ASC_Association* assoc, const ServerContext& context);

}  // namespace pixeldex::server
