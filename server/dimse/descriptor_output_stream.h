#pragma once
// DescriptorOutputStream: a DCMTK output stream into a file it creates and
// keeps open for reading and writing, so that the bytes written can be
// stat'ed, read back and fsynced through the same descriptor (Release()),
// with no second open of the file (DcmOutputFileStream's stdio FILE hides
// its descriptor). Writes smaller than its 64 KiB buffer gather there
// (DCMTK writes each element's tag, length and value on their own); larger
// ones (a received PDV) go to the file at once, after what is buffered, as
// stdio does. The first failure to write ends the writing: good() turns
// false, status() says why, and later writes are refused. Not thread-safe.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcostrma.h>

#include <string>

#include "catalog/common/unique_fd.h"

namespace pixeldex::server {

class DescriptorOutputStream : public DcmOutputStream {
 public:
  static constexpr size_t kBufferBytes = 64 * 1024;

  // Creates `path`, or truncates it, with mode 0666 less the umask (as
  // fopen(3) "wb" does); good() is false, status() says why, when it cannot.
  explicit DescriptorOutputStream(const std::string& path);

  // Writes what is buffered and hands the descriptor over (none when the
  // file could not be created); the stream writes nothing after.
  UniqueFd Release();

 private:
  struct Consumer : DcmConsumer {
    OFBool good() const override { return failure.good(); }
    OFCondition status() const override { return failure; }
    OFBool isFlushed() const override { return buffer.empty(); }
    offile_off_t avail() const override;
    offile_off_t write(const void* buf, offile_off_t buflen) override;
    void flush() override;

    // Writes `size` bytes at `data` whole (WriteAll); false (failure set)
    // when it cannot.
    bool WriteAll(const char* data, size_t size);

    std::string path;
    UniqueFd fd;
    std::string buffer;
    OFCondition failure = EC_Normal;
  };
  // Constructed after the base, which only keeps its address.
  Consumer consumer_;
};

}  // namespace pixeldex::server
