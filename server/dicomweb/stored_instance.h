#pragma once
// One stored instance a WADO-RS resource names (frames, bulk data, rendered;
// PS3.18 10.4.1), opened for reading: its index row (query::StoredFile), its
// file found through stored_file_path.h, checked (CheckStoredDataSet) and
// loaded by DCMTK with values over 4 KiB left on disk until read, so that
// one frame of a large multi-frame object costs one frame's bytes.
// Thread-safe for different instances.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "catalog/common/result.h"
#include "catalog/query/instance_reads.h"
#include "catalog/thumbnail/frame_layout.h"
#include "server/dicomweb/qido_service.h"
#include "server/http/http_message.h"
#include "server/http/router.h"

namespace pixeldex::server {

struct StoredInstance {
  query::StoredFile stored;
  std::unique_ptr<DcmFileFormat> file;
  DcmDataset& dataset() const { return *file->getDataset(); }
};

// Loads the file at `path` after CheckStoredDataSet; Corruption when DCMTK
// cannot read it.
Result<std::unique_ptr<DcmFileFormat>> LoadStoredFile(const std::filesystem::path& path);

// The instance of `scope` (all three UIDs set): NotFound when the index has
// none; other errors say what is wrong with its file.
Result<StoredInstance> OpenStoredInstance(const DicomwebContext& context,
                                          const index::InstanceScope& scope);

// The opening the single-instance WADO-RS resources share (frames, bulk
// data, rendered: PS3.18 10.4.1.1.3 to 10.4.1.1.5): the path's {study},
// {series} and {instance} checked as UIDs, then the instance opened. Holds
// the instance, or the answer refusing the request: 400 for a malformed
// UID, else InstanceFailure's (logged with `what`).
struct InstanceOfPath {
  std::optional<StoredInstance> instance;
  HttpResponse refusal;
};
InstanceOfPath OpenInstanceOfPath(const DicomwebContext& context, const PathParams& params,
                                  const std::string& what);

// Frame `number` (1-based) as WADO-RS serves it (PS3.18 8.7.3.3): the
// stored bitstream when `compressed`, else the frame's samples, little
// endian, decoded from `stored_syntax` when it is compressed (Unsupported
// for 1 bit allocated).
Result<std::string> ReadServedFrame(DcmDataset& dataset, const thumbnail::FrameLayout& layout,
                                    const std::string& stored_syntax, bool compressed, int number);

// The answer to a failure of OpenStoredInstance or of reading from it: 404
// for NotFound, 400 for InvalidArgument, 406 for Unsupported, else 500 (or 503
// when the index cannot be read), logged with `what`.
HttpResponse InstanceFailure(const Status& status, const std::string& what);

}  // namespace pixeldex::server
