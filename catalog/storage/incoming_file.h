#pragma once
// IncomingFile: the one owner of a file being received into the store's
// incoming directory, from its temporary path (NewIncomingFile) to
// its place in the layout or its removal (NewIncomingFile gives one). While
// an IncomingFile holds the path, destroying it removes the file (every
// failure path, an exception too); Release() hands the file to its next
// owner: the ingest pipeline, which adopts it in turn and removes the
// incoming name once the file is in the layout and its rows are written
// (until then that name is the file's in-flight journal entry,
// file_store.h). So a received file is removed by exactly one object,
// and never left behind by a path that forgot it (a leftover after a crash
// is removed by FileStore::Initialize). Move-only; one thread at a time.

#include <string>

namespace pixeldex::storage {

class FileStore;

class IncomingFile {
 public:
  // Owns the file at `path` in `store`'s incoming directory (it need not
  // exist yet). `store` must outlive this object.
  IncomingFile(FileStore& store, std::string path);
  IncomingFile(IncomingFile&& other) noexcept;
  IncomingFile& operator=(IncomingFile&& other) = delete;
  IncomingFile(const IncomingFile&) = delete;
  IncomingFile& operator=(const IncomingFile&) = delete;
  // Removes the file unless it was released.
  ~IncomingFile();

  const std::string& path() const { return path_; }
  // Gives up ownership and returns the path: the file now belongs to whoever
  // takes the path (IngestRequest::incoming_path), or is in the layout.
  std::string Release() &&;
  // Removes the file now, e.g. before a failure is answered, so that a
  // sender who reads the answer finds nothing left behind.
  void Discard() &&;

 private:
  FileStore* store_;
  std::string path_;  // empty once released
};

// The owner of a fresh path in `store`'s incoming directory (nothing is
// created yet).
IncomingFile NewIncomingFile(FileStore& store);

}  // namespace pixeldex::storage
