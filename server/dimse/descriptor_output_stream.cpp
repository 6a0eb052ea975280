#include "server/dimse/descriptor_output_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <utility>

#include "catalog/common/write_all.h"

namespace pixeldex::server {
namespace {

// The stream's failure condition, saying what `status` says.
OFCondition ConditionOf(const Status& status) {
  return makeOFCondition(OFM_dcmdata, 18, OF_error, status.message().c_str());
}

}  // namespace

DescriptorOutputStream::DescriptorOutputStream(const std::string& path)
    : DcmOutputStream(&consumer_) {
  consumer_.path = path;
  consumer_.fd = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (!consumer_.fd.valid())
    consumer_.failure = ConditionOf(Status::FromErrno(errno, "cannot create " + path));
  consumer_.buffer.reserve(kBufferBytes);
}

UniqueFd DescriptorOutputStream::Release() {
  consumer_.flush();
  if (consumer_.failure.good() || !consumer_.fd.valid()) return std::move(consumer_.fd);
  // A descriptor whose writes failed is closed here; the caller has status().
  consumer_.fd.Reset();
  return UniqueFd();
}

offile_off_t DescriptorOutputStream::Consumer::avail() const {
  return std::numeric_limits<offile_off_t>::max();
}

bool DescriptorOutputStream::Consumer::WriteAll(const char* data, size_t size) {
  const Status written = pixeldex::WriteAll(fd.get(), std::string_view(data, size), path);
  if (!written.ok()) failure = ConditionOf(written);
  return written.ok();
}

offile_off_t DescriptorOutputStream::Consumer::write(const void* buf, offile_off_t buflen) {
  if (failure.bad()) return 0;
  const auto* bytes = static_cast<const char*>(buf);
  const auto size = static_cast<size_t>(buflen);
  if (buffer.size() + size <= kBufferBytes) {
    buffer.append(bytes, size);
    return buflen;
  }
  flush();
  if (failure.bad()) return 0;
  if (size < kBufferBytes) {
    buffer.append(bytes, size);
    return buflen;
  }
  return WriteAll(bytes, size) ? buflen : 0;
}

void DescriptorOutputStream::Consumer::flush() {
  if (failure.good() && !buffer.empty()) WriteAll(buffer.data(), buffer.size());
  buffer.clear();
}

}  // namespace pixeldex::server
