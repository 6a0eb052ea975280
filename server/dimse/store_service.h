#pragma once
// StoreService: the decisions of the C-STORE SCP (PS3.4 Annex B), apart from
// the association that carries them. store_handler.cpp receives the data set
// into a file and sends the one C-STORE-RSP; this class says what that
// response is: whether the request is refused before a byte is written (free
// space below storage.min_free_mb), what a reception failure is answered
// with, and what the ingest pipeline's outcome is answered with (the status
// table, dimse_status.h: e.g. 0111 for a duplicate under
// storage.duplicates = reject). Each outcome is counted in the association's
// stats and logged once, and each failure is recorded as a store_failed
// event. No sockets: unit-tested with a real archive in a temp dir.
// One per request, on the association's thread.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/dimse.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "catalog/common/log.h"
#include "catalog/storage/file_store.h"
#include "catalog/storage/incoming_file.h"
#include "server/association/server_context.h"

namespace pixeldex::server {

// When the storage file system has less free space than `min_free_mb`
// (storage.min_free_mb; C-STOREs and STOW-RS are then refused with A700):
// says so with the numbers, e.g. "free space 12 MB is below
// storage.min_free_mb 500", in at most 64 characters (it is the A700's Error
// Comment, PS3.7 C.4). Nothing when there is enough, the threshold is 0, or
// the space is unknown. The free space is FileStore::FreeBytesFor's: not a
// statfs per store (free_space_gauge.h).
std::optional<std::string> FreeSpaceShortfall(const storage::FileStore& store, int64_t min_free_mb);

// What a C-STORE-RQ and its association say about the instance.
struct StoreRequestFacts {
  std::string sop_class_uid;     // Affected SOP Class UID
  std::string sop_instance_uid;  // Affected SOP Instance UID
  std::string calling_aet;
  std::string called_aet;
  std::string peer;  // the calling presentation address
};

// The C-STORE-RSP to send: its status and, for a failure, the Error
// Comment (0000,0902) saying why.
struct StoreAnswer {
  Uint16 status = STATUS_Success;
  std::string comment;
};

class StoreService {
 public:
  StoreService(const ServerContext& context, AssociationStats& stats, StoreRequestFacts request);

  // Why the request must be refused before its data set is written (it is
  // then read off the wire unparsed and answered OutOfResources(reason)),
  // or nothing.
  std::optional<std::string> RefusalBeforeReceiving() const;
  // A700 Refused: Out of resources (PS3.4 B.2.3) for a data set read off
  // the wire but not stored (no room, the file could not be written).
  StoreAnswer OutOfResources(const std::string& reason);
  // The data set could not be received: the association is lost and no
  // response can be sent.
  void ReceiveFailed(const std::string& reason);
  // Catalogs the received file (handed to the ingest pipeline, which moves
  // it into the layout or removes it) and answers 0000 once it and its rows
  // are durable, else the failure's status from the table. The pipeline
  // hashes the file after receiving it, never as it arrives
  // (ingest_pipeline.h); `received`, the data set's bytes kept as they were
  // written (may be null), saves it reading them back. `answer_early`, when
  // given, is called with the 0000 answer as soon as the instance is durable
  // and indexed, before the pipeline tidies up after it
  // (IngestRequest::on_indexed); the answer returned is then the same.
  StoreAnswer Ingest(storage::IncomingFile incoming, ingest::ReceivedCopy* received = nullptr,
                     const std::function<void(const StoreAnswer&)>& answer_early = {});

 private:
  StoreAnswer Fail(Uint16 status, const std::string& reason);
  // "C-STORE from AET (PEER) sop=UID class=UID: status XXXX: what", each
  // fact a field; `status` is empty when no response can be sent, and
  // `stored_sop` (the UID the data set carries, see VR UN) replaces the
  // request's when given.
  void LogResult(LogLevel level, std::optional<Uint16> status, const std::string& what,
                 const std::string& stored_sop = "") const;

  const ServerContext& context_;
  AssociationStats& stats_;
  StoreRequestFacts request_;
};

}  // namespace pixeldex::server
