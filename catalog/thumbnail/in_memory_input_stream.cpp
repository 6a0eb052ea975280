#include "catalog/thumbnail/in_memory_input_stream.h"

namespace pixeldex::thumbnail {

DcmInputStream* InMemoryValue::create() const {
  auto* stream = new DcmInputBufferStream();
  stream->setBuffer(bytes_.data(), static_cast<offile_off_t>(bytes_.size()));
  stream->setEos();
  return stream;
}

InMemoryInputStream::InMemoryInputStream(std::string_view bytes) : bytes_(bytes) {
  setBuffer(bytes_.data(), static_cast<offile_off_t>(bytes_.size()));
  setEos();
  unfiltered_ = currentProducer();
}

DcmInputStreamFactory* InMemoryInputStream::newFactory() const {
  if (currentProducer() != unfiltered_) return nullptr;
  const auto at = static_cast<size_t>(tell());
  if (at > bytes_.size()) return nullptr;
  return new InMemoryValue(bytes_.substr(at));
}

}  // namespace pixeldex::thumbnail
