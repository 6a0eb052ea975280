#pragma once
// LatchedOutputStream: a DCMTK output stream that passes every byte on to
// another stream until a write to it fails; from then on it accepts and drops
// the rest, and failure() says what went wrong. Behind it,
// DIMSE_receiveDataSetInFile reads a C-STORE data set to its last fragment
// whatever the disk does: DCMTK itself, seeing a write fail, drains the data
// set with DIMSE_ignoreDataSet, which waits for a further fragment even when
// the failed one was flagged last (PS3.8 E.2: the last fragment's Message
// Control Header), so a full disk on the last fragment stalled the
// association until the DIMSE timeout instead of answering A700.
// It can also keep a copy of what it passed on, for a data set up to a size
// (the pipeline then need not read the file back: ReceivedCopy).
// Not thread-safe; `target` (and `copy`) must outlive it.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcostrma.h>

#include <cstddef>
#include <string>

namespace pixeldex::server {

class LatchedOutputStream : public DcmOutputStream {
 public:
  explicit LatchedOutputStream(DcmOutputStream& target)
      : DcmOutputStream(&consumer_), consumer_(target) {}
  // Also appends every byte passed on to `copy` while the copy stays within
  // `copy_limit` bytes; one that would outgrow it is cleared (its capacity
  // kept) and no more is kept.
  LatchedOutputStream(DcmOutputStream& target, std::string& copy, size_t copy_limit)
      : DcmOutputStream(&consumer_), consumer_(target) {
    consumer_.copy = &copy;
    consumer_.copy_limit = copy_limit;
  }

  // Ok, or the target's first failure.
  OFCondition failure() const { return consumer_.failure; }

 private:
  struct Consumer : DcmConsumer {
    explicit Consumer(DcmOutputStream& out) : target(out) {}
    OFBool good() const override { return OFTrue; }
    OFCondition status() const override { return EC_Normal; }
    OFBool isFlushed() const override { return failure.bad() || target.isFlushed(); }
    offile_off_t avail() const override;
    offile_off_t write(const void* buf, offile_off_t buflen) override;
    void flush() override;

    void Keep(const void* buf, size_t buflen);

    DcmOutputStream& target;
    OFCondition failure = EC_Normal;
    std::string* copy = nullptr;  // null: none kept (any longer)
    size_t copy_limit = 0;
  };
  // Constructed after the base, which only keeps its address.
  Consumer consumer_;
};

}  // namespace pixeldex::server
