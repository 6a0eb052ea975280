#pragma once
// InMemoryInputStream: a DCMTK input stream over a file's bytes held in
// memory (a received or imported copy), which, unlike DcmInputBufferStream,
// lets DCMTK leave a value longer than its read limit where it is: such a
// value keeps an InMemoryValue (DcmElement::getInputStream()) instead of a
// copy of its bytes, and DCMTK reads it from those bytes when asked
// (loadValue, getPartialValue). The frame reader points a native frame at
// them directly (frame_reader.cpp), so a 512x512 image's Pixel Data is
// neither allocated nor copied to render its thumbnail. The bytes must
// outlive every data set read from the stream.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcistrmb.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace pixeldex::thumbnail {

// Where a value left in memory starts, and the bytes from there on.
class InMemoryValue : public DcmInputStreamFactory {
 public:
  explicit InMemoryValue(std::string_view from_value) : bytes_(from_value) {}
  // A stream over the value's bytes and what follows them.
  DcmInputStream* create() const override;
  DcmInputStreamFactory* clone() const override { return new InMemoryValue(bytes_); }
  // DCMTK 3.6.7 never asks a factory's kind; there is none for memory.
  DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

  // The value's bytes and everything after them in the file.
  std::span<const uint8_t> Bytes() const {
    return {reinterpret_cast<const uint8_t*>(bytes_.data()), bytes_.size()};
  }

 private:
  std::string_view bytes_;
};

class InMemoryInputStream : public DcmInputBufferStream {
 public:
  explicit InMemoryInputStream(std::string_view bytes);
  // Where the stream is, unless a filter (a Deflated data set's) changed
  // what its position means: then none, and DCMTK loads the value.
  DcmInputStreamFactory* newFactory() const override;

 private:
  std::string_view bytes_;
  const DcmProducer* unfiltered_;
};

}  // namespace pixeldex::thumbnail
