#pragma once
// StowReceiver: where the parts of a STOW-RS body go as a MultipartParser
// finds them (stow_service.h). Each part's content goes, as it arrives,
// straight into a fresh file in the store's incoming directory (where a
// C-STORE data set is received), written once, its SHA-256 taken while it
// is written, so the pipeline reads it neither to copy nor to hash it. Once the part's delimiter is
// seen the file goes through the same ingest pipeline as a C-STORE
// (CountedIngest: validation, the File Meta Information's SOP Class and
// Instance UIDs checked against the data set, storage.duplicates,
// thumbnails, fsync, index, events) on a worker of a CachedThreadPool
// (threads reused across parts and requests), so storing it overlaps
// receiving the next part. At most kStowPartsInFlight parts are
// stored at a time: PartEnd waits for the oldest beyond that, which holds up
// the reading of the body and so, through the HTTP layer, the socket.
// A part that fails (its headers, its media type, not a PS3.10 file, too
// little free space, a write, the pipeline) fails alone; a part the body
// ends inside is removed before it is answered and fails as truncated.
// One thread at a time; the destructor waits for the parts in flight.

#include <cstddef>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/cached_thread_pool.h"
#include "catalog/storage/incoming_file.h"
#include "catalog/storage/sha256.h"
#include "server/association/server_context.h"
#include "server/dicomweb/multipart_reader.h"
#include "server/dicomweb/part_head_keeper.h"
#include "server/dicomweb/stow_response.h"

namespace pixeldex::server {

// Parts being stored at the same time: the pipeline is shared by concurrent
// stores and overlaps their work (one store's fsync with another's parsing
// and thumbnail, index rows group-committed), as for concurrent C-STORE
// associations.
inline constexpr size_t kStowPartsInFlight = 4;
// The most of a part's first bytes kept when its File Meta Information's
// end does not show (HeadKeeper): it is a few hundred bytes in practice.
inline constexpr size_t kPartHeadLimit = 64 * 1024;

class StowReceiver : public MultipartSink {
 public:
  // `study`: the Study Instance UID of the URL ("" for /studies);
  // `workers`: where the parts are stored.
  StowReceiver(const ServerContext& server, CachedThreadPool& workers, std::string study)
      : server_(server), workers_(workers), study_(std::move(study)) {}
  ~StowReceiver() override;
  StowReceiver(const StowReceiver&) = delete;
  StowReceiver& operator=(const StowReceiver&) = delete;

  void PartBegin(MultipartPartHead head) override;
  void PartData(std::string_view bytes) override;
  void PartEnd() override;
  void PartTruncated(const std::string& reason) override;

  // Waits for every part and gives their results in body order. Unless
  // the body was `closed` (its close delimiter found), a body whose last
  // part was whole gets one more failure: it may be truncated.
  std::vector<StowPartResult> Results(bool closed);

 private:
  // The part being received: its file (removed unless handed on), its
  // first bytes (the File Meta Information, at least kSniffBytes) and its
  // hash so far.
  struct Receiving {
    std::optional<storage::IncomingFile> file;
    int fd = -1;
    storage::Sha256Hasher hasher;
    HeadKeeper head{kPartHeadLimit};
    uint64_t size = 0;
    std::optional<StowPartResult> failure;
  };
  // A part's result, or its store still running.
  struct Slot {
    std::optional<StowPartResult> result;
    std::future<StowPartResult> storing;
  };

  // The part fails with `status` and `reason`; its file is removed.
  void Fail(uint16_t status, std::string reason);
  // Closes the part's file; false (the part failed) when that fails.
  bool CloseFile();
  // Gives the oldest running store's result to its slot.
  void CollectOldest();

  const ServerContext& server_;
  CachedThreadPool& workers_;
  const std::string study_;
  std::optional<Receiving> part_;
  std::vector<Slot> slots_;
  size_t collected_ = 0;  // slots before this are done
  size_t running_ = 0;
  bool last_whole_ = false;
};

}  // namespace pixeldex::server
