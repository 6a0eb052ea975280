#include "server/dimse/latched_output_stream.h"

#include <dcmtk/dcmdata/dcerror.h>

#include <limits>

namespace pixeldex::server {

offile_off_t LatchedOutputStream::Consumer::avail() const {
  return failure.bad() ? std::numeric_limits<offile_off_t>::max() : target.avail();
}

offile_off_t LatchedOutputStream::Consumer::write(const void* buf, offile_off_t buflen) {
  if (failure.good()) {
    const offile_off_t written = target.write(buf, buflen);
    if (!target.good() || written != buflen) {
      failure = target.status().bad() ? target.status() : EC_InvalidStream;
    } else if (copy != nullptr) {
      Keep(buf, static_cast<size_t>(buflen));
    }
  }
  return buflen;
}

void LatchedOutputStream::Consumer::Keep(const void* buf, size_t buflen) {
  if (copy->size() + buflen > copy_limit) {
    copy->clear();
    copy = nullptr;
    return;
  }
  copy->append(static_cast<const char*>(buf), buflen);
}

void LatchedOutputStream::Consumer::flush() {
  if (failure.good()) target.flush();
}

}  // namespace pixeldex::server
