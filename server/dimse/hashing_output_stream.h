#pragma once
// HashingOutputStream: a DCMTK output stream that passes every byte on to
// another stream and feeds the bytes that stream accepted into a SHA-256
// hasher. A C-STORE data set received through it, after its Part-10 header
// was hashed (HashHeaderAndReopen), has its file's content hash when its
// last byte is written, so the ingest pipeline does not read the file again
// to hash it. Not thread-safe; `target` and `hasher` must outlive it.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcostrma.h>
#include <dcmtk/dcmdata/dcostrmf.h>

#include <memory>
#include <string>

#include "catalog/common/result.h"
#include "catalog/storage/sha256.h"

namespace pixeldex::server {

class HashingOutputStream : public DcmOutputStream {
 public:
  HashingOutputStream(DcmOutputStream& target, storage::Sha256Hasher& hasher)
      : DcmOutputStream(&consumer_), consumer_(target, hasher) {}

 private:
  struct Consumer : DcmConsumer {
    Consumer(DcmOutputStream& out, storage::Sha256Hasher& h) : target(out), hasher(h) {}
    OFBool good() const override { return target.good(); }
    OFCondition status() const override { return target.status(); }
    OFBool isFlushed() const override { return target.isFlushed(); }
    offile_off_t avail() const override { return target.avail(); }
    offile_off_t write(const void* buf, offile_off_t buflen) override;
    void flush() override { target.flush(); }

    DcmOutputStream& target;
    storage::Sha256Hasher& hasher;
  };
  // Constructed after the base, which only keeps its address.
  Consumer consumer_;
};

// `written` holds the start of the file at `path` (DIMSE_createFilestream's
// Part-10 header, still in stdio's buffer: DCMTK's flush() does not write
// it): closes it, feeds those bytes, read back, into `hasher` and returns
// the file reopened for appending. IoError when the file cannot be read back
// or reopened.
Result<std::unique_ptr<DcmOutputFileStream>> HashHeaderAndReopen(
    std::unique_ptr<DcmOutputFileStream> written, const std::string& path,
    storage::Sha256Hasher& hasher);

}  // namespace pixeldex::server
