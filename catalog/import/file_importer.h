#pragma once
// FileImporter: what one import worker does with one file.
//   1. recognise     DICOM by content (dicom_sniffer.h); others are counted
//                    as "not DICOM", DICOM files that are no instance (a
//                    DICOMDIR) as "not an instance", and left alone
//   2. skip          files cataloged before and unchanged since:
//                      in place  the index records this path (relative to
//                                the storage root for a file below it, else
//                                absolute) with the same size and mtime, and
//                                no corruption of it was reported (such a file
//                                is hashed again until resolved)
//                      copying   the index holds an instance with the same
//                                SHA-256 (a copied file is stored byte for
//                                byte, so its hash is the source's)
//   3. verify        in place, a file the index records that is to be
//                    cataloged again is hashed first: content that no longer
//                    matches the recorded SHA-256 is never cataloged silently.
//                    It is counted "corrupt", logged and recorded as an event
//                    file_corrupt (once per finding), and its rows stay as
//                    they were, unless `accept_changed` says a person accepts
//                    the file as it is now
//   4. ingest        copying: copy into the store's incoming directory, then
//                    IngestPipeline::Ingest (which moves it into the layout);
//                    a file of up to kHeldFileBytes is read once, its hash
//                    taken in memory and handed to the pipeline with the
//                    copy written from the same bytes, and those bytes
//                    (ReceivedCopy) too;
//                    in place: Ingest with in_place = true and the source path
// and records the result in the tally. Never throws; a failure is a result.
// One FileImporter per worker thread (it owns a read connection); the
// pipeline, store, hash set and tally are shared.

#include <functional>
#include <string>
#include <vector>

#include "catalog/import/catalog_lookup.h"
#include "catalog/import/content_hash_set.h"
#include "catalog/import/folder_walker.h"
#include "catalog/import/import_tally.h"
#include "catalog/ingest/ingest_pipeline.h"
#include "catalog/storage/file_store.h"

namespace pixeldex::import {

// What the workers of one import share.
struct ImportContext {
  ingest::IngestPipeline& pipeline;
  storage::FileStore& store;
  ImportTally& tally;
  // Contents cataloged so far; used (and grown) by copying imports only.
  ContentHashSet& known_contents;
  bool in_place = false;
  // In place: catalog files again even when unchanged (`pixeldex reindex`).
  bool recatalog_unchanged = false;
  // In place: catalog a file whose content no longer matches its recorded
  // SHA-256 as it is now (`pixeldex reindex --accept-changed`).
  bool accept_changed = false;
  // Provenance.source of the rows written.
  ProvenanceSource source = ProvenanceSource::kImport;
  // ImportOptions::before_file (a test seam).
  std::function<void(const std::string& path)> before_file;
};

class FileImporter {
 public:
  // Largest source file a copying import reads whole into memory (one such
  // buffer per worker, kept across files: with up to 64 workers, at most
  // 512 MiB in all; CT and MR images are far smaller, and a larger file,
  // e.g. a multi-frame one, is copied and hashed as before).
  static constexpr size_t kHeldFileBytes = size_t{8} << 20;

  FileImporter(const ImportContext& context, CatalogLookup lookup)
      : context_(context), lookup_(std::move(lookup)) {}

  // Imports one walked file and records its result.
  void Import(const WalkedFile& file);

 private:
  Result<FileResult> InPlace(const std::string& path);
  Result<FileResult> Copied(const std::string& path);
  // Logs and (once per finding) records the file_corrupt event.
  void ReportCorrupt(const RecordedFile& row, const std::string& recorded_path,
                     const std::string& sha256);
  // `held`: the file's bytes, when the importer holds them (IngestPipeline::Ingest).
  Result<FileResult> Ingest(const ingest::IngestRequest& request, const std::string& source_path,
                            ingest::ReceivedCopy* held = nullptr);

  const ImportContext& context_;
  CatalogLookup lookup_;
  // The source file being copied, when held; lent to the pipeline, which
  // parses, hashes and renders it instead of reading the copy back.
  ingest::ReceivedCopy held_;
};

}  // namespace pixeldex::import
