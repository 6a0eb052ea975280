#include "catalog/metadata/sequence_depth.h"

#include <zlib.h>

#include <dcmtk/dcmdata/dctag.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace pixeldex::metadata {
namespace {

constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;
constexpr uint64_t kNoEnd = UINT64_MAX;

// Sequential bytes with a position; Read and Skip fail at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual bool Read(char* out, size_t n) = 0;
  virtual bool Skip(uint64_t n) = 0;
  uint64_t position() const { return position_; }

 protected:
  uint64_t position_ = 0;
};

// A whole file's bytes, from its start: what the file checks read.
class SeekableSource : public ByteSource {
 public:
  virtual bool Seek(uint64_t to) = 0;
};

class MemorySource : public SeekableSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  bool Read(char* out, size_t n) override {
    if (bytes_.size() - position_ < n) return false;
    std::memcpy(out, bytes_.data() + position_, n);
    position_ += n;
    return true;
  }
  bool Skip(uint64_t n) override {
    if (bytes_.size() - position_ < n) return false;
    position_ += n;
    return true;
  }
  bool Seek(uint64_t to) override {
    if (to > bytes_.size()) return false;
    position_ = to;
    return true;
  }

 private:
  std::string_view bytes_;
};

class FileSource : public SeekableSource {
 public:
  explicit FileSource(std::FILE* file) : file_(file) {}
  bool Read(char* out, size_t n) override {
    if (std::fread(out, 1, n, file_) != n) return false;
    position_ += n;
    return true;
  }
  // A short value is read past from stdio's buffer: glibc's fseeko costs
  // an lseek(2) even within the buffer, a system call per element.
  bool Skip(uint64_t n) override {
    if (n <= sizeof(scratch_)) return Read(scratch_, static_cast<size_t>(n));
    if (n > static_cast<uint64_t>(INT64_MAX - position_)) return false;
    if (::fseeko(file_, static_cast<off_t>(n), SEEK_CUR) != 0) return false;
    position_ += n;
    return true;
  }
  bool Seek(uint64_t to) override {
    if (::fseeko(file_, static_cast<off_t>(to), SEEK_SET) != 0) return false;
    position_ = to;
    return true;
  }

 private:
  std::FILE* file_;
  char scratch_[4096];
};

// PS3.5 A.5: Deflated Explicit VR Little Endian is raw deflate after the meta header.
class InflateSource : public ByteSource {
 public:
  explicit InflateSource(ByteSource& in) : in_(in) {
    ok_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK;
  }
  ~InflateSource() override { inflateEnd(&z_); }
  bool Read(char* out, size_t n) override {
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(n);
    while (ok_ && z_.avail_out > 0) {
      if (z_.avail_in == 0) {
        size_t got = 0;
        while (got < sizeof(input_) && in_.Read(input_ + got, 1)) ++got;
        if (got == 0) return false;
        z_.next_in = reinterpret_cast<Bytef*>(input_);
        z_.avail_in = static_cast<uInt>(got);
      }
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc != Z_OK && !(rc == Z_STREAM_END && z_.avail_out == 0)) ok_ = false;
    }
    if (z_.avail_out != 0) return false;
    position_ += n;
    return true;
  }
  bool Skip(uint64_t n) override {
    char scratch[4096];
    while (n > 0) {
      const size_t chunk = n < sizeof(scratch) ? static_cast<size_t>(n) : sizeof(scratch);
      if (!Read(scratch, chunk)) return false;
      n -= chunk;
    }
    return true;
  }

 private:
  ByteSource& in_;
  z_stream z_{};
  bool ok_ = false;
  char input_[16384];
};

struct Syntax {
  bool implicit_vr = false;
  bool big_endian = false;
  // Deflated: DCMTK cannot leave values on disk and allocates each declared
  // length, so lengths must fit in what the stream holds, and the whole must
  // fit in kMaxInflatedBytes.
  bool in_memory = false;
};

constexpr uint64_t kMaxInflatedBytes = uint64_t{256} << 20;

struct Checks {
  int max_depth = kMaxSequenceDepth;
  bool structure = false;  // order, groups 0000/0002 and the element count
  uint64_t max_elements = UINT64_MAX;
};

// PS3.5 7.1.2: explicit VRs whose length field has 4 bytes.
bool HasLongLength(const char vr[2]) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ",
                                      "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong) {
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  }
  return false;
}

class DepthScanner {
 public:
  DepthScanner(ByteSource& source, Syntax syntax, Checks checks)
      : in_(source), syntax_(syntax), checks_(checks), max_depth_(checks.max_depth) {}

  // Corruption once nesting exceeds max_depth (or, with checks.structure, at
  // the first element out of order or over the count); Ok at the end of the
  // framing it can follow.
  Status Run() {
    for (;;) {
      PopFinished();
      uint16_t group = 0, element = 0;
      if (!U16(group) || !U16(element)) return Status::Ok();
      if (checks_.structure && !Ordered(group, element)) return Status::Corruption(refused_);
      const bool keep_going = group == 0xFFFE ? Delimiter(element) : Element(group, element);
      if (too_deep_) {
        return Status::Corruption("data set nests sequences more than " +
                                  std::to_string(max_depth_) + " deep");
      }
      if (syntax_.in_memory && (overrun_ || in_.position() > kMaxInflatedBytes)) {
        return Status::Corruption("deflated data set declares more than it holds, or inflates "
                                  "beyond " + std::to_string(kMaxInflatedBytes >> 20) + " MiB");
      }
      if (!keep_going) return Status::Ok();
    }
  }

 private:
  enum class Kind { kSequence, kItem, kFragments };
  struct Frame {
    Kind kind;
    uint64_t end;      // kNoEnd: undefined length, ends at a delimiter
    bool implicit_vr;  // the encoding of the elements inside
    int64_t last_tag = -1;  // of the elements read directly inside (items)
  };

  // PS3.5 7.1: a data set (and every item) holds each tag at most once, in
  // ascending order; PS3.10 7.1: group 0002 is the File Meta Information
  // only; PS3.7 6.3.1: group 0000 is the command set only. DCMTK reads
  // each such element (a zero byte run is a stream of (0000,0000)) at a cost
  // far beyond its few bytes, so a data set that has one is refused whole.
  bool Ordered(uint16_t group, uint16_t element) {
    if (++elements_ > checks_.max_elements) {
      return Refuse("data set holds more than " + std::to_string(checks_.max_elements) +
                    " elements");
    }
    if (group == 0xFFFE) return true;  // items and delimiters are framing
    if (group == 0x0000) return Refuse("data set holds a command (group 0000) element");
    if (group == 0x0002) {
      return Refuse("data set holds a File Meta Information (group 0002) element");
    }
    const int64_t tag = int64_t{group} << 16 | element;
    int64_t& last = stack_.empty() ? top_last_tag_ : stack_.back().last_tag;
    if (tag <= last) {
      return Refuse(fmt::format("data set holds ({:04X},{:04X}) {} ({:04X},{:04X})", group,
                                element, tag == last ? "twice, after" : "out of order, after",
                                static_cast<uint16_t>(last >> 16), static_cast<uint16_t>(last)));
    }
    last = tag;
    return true;
  }
  bool Refuse(std::string reason) {
    refused_ = std::move(reason);
    return false;
  }

  bool U16(uint16_t& v) {
    unsigned char b[2];
    if (!in_.Read(reinterpret_cast<char*>(b), 2)) return false;
    v = syntax_.big_endian ? static_cast<uint16_t>(b[0] << 8 | b[1]) : static_cast<uint16_t>(b[1] << 8 | b[0]);
    return true;
  }
  bool U32(uint32_t& v) {
    uint16_t a = 0, b = 0;
    if (!U16(a) || !U16(b)) return false;
    v = syntax_.big_endian ? (uint32_t{a} << 16 | b) : (uint32_t{b} << 16 | a);
    return true;
  }
  bool ImplicitHere() const { return stack_.empty() ? syntax_.implicit_vr : stack_.back().implicit_vr; }
  uint64_t EndAfter(uint32_t length) const {
    return length == kUndefinedLength ? kNoEnd : in_.position() + length;
  }

  void Pop() {
    if (stack_.back().kind == Kind::kSequence) --depth_;
    stack_.pop_back();
  }
  void PopFinished() {
    while (!stack_.empty() && stack_.back().end != kNoEnd && in_.position() >= stack_.back().end) Pop();
  }

  // PS3.5 7.5: items and delimiters (FFFE,E000/E00D/E0DD).
  bool Delimiter(uint16_t element) {
    uint32_t length = 0;
    if (!U32(length)) return false;
    const Kind top = stack_.empty() ? Kind::kItem : stack_.back().kind;
    if (element == 0xE000) {
      if (top == Kind::kFragments) return length != kUndefinedLength && SkipValue(length);
      if (top != Kind::kSequence) return false;  // an item outside a sequence: DCMTK's call
      stack_.push_back({Kind::kItem, EndAfter(length), ImplicitHere()});
      return true;
    }
    if (element == 0xE00D && top == Kind::kItem && !stack_.empty()) Pop();
    if (element == 0xE0DD) {
      if (!stack_.empty() && stack_.back().kind == Kind::kItem) Pop();
      if (!stack_.empty()) Pop();
    }
    return true;
  }

  bool Element(uint16_t group, uint16_t element) {
    uint32_t length = 0;
    bool sequence = false;
    bool unknown_vr_sequence = false;
    if (ImplicitHere()) {
      if (!U32(length)) return false;
      sequence = DcmTag(group, element).getEVR() == EVR_SQ ||
                 (length == kUndefinedLength && !(group == 0x7FE0 && element == 0x0010));
    } else {
      char vr[2];
      if (!in_.Read(vr, 2)) return false;
      if (HasLongLength(vr)) {
        uint16_t reserved = 0;
        if (!U16(reserved) || !U32(length)) return false;
      } else {
        uint16_t short_length = 0;
        if (!U16(short_length)) return false;
        length = short_length;
      }
      sequence = vr[0] == 'S' && vr[1] == 'Q';
      // PS3.5 6.2.2: UN of undefined length holds an Implicit VR sequence.
      unknown_vr_sequence = vr[0] == 'U' && vr[1] == 'N' && length == kUndefinedLength;
    }
    if (sequence || unknown_vr_sequence) {
      if (++depth_ > max_depth_) too_deep_ = true;
      stack_.push_back({Kind::kSequence, EndAfter(length), ImplicitHere() || unknown_vr_sequence});
      return true;
    }
    if (length == kUndefinedLength) {  // PS3.5 A.4: encapsulated fragments
      stack_.push_back({Kind::kFragments, kNoEnd, ImplicitHere()});
      return true;
    }
    return SkipValue(length);
  }

  bool SkipValue(uint32_t length) {
    // Inflating a value only to skip it costs as much as keeping it.
    const bool over_budget =
        syntax_.in_memory && in_.position() + length > kMaxInflatedBytes;
    if (!over_budget && in_.Skip(length)) return true;
    overrun_ = true;
    return false;
  }

  ByteSource& in_;
  Syntax syntax_;
  Checks checks_;
  int max_depth_;
  uint64_t elements_ = 0;
  int64_t top_last_tag_ = -1;
  std::string refused_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool overrun_ = false;  // a value ran past the end of the stream
  std::vector<Frame> stack_;
};

// PS3.10 7.1: reads the File Meta Information (explicit VR little endian,
// group 0002) and returns the Transfer Syntax UID; leaves `in` at the data set.
std::string ReadMetaTransferSyntax(SeekableSource& in) {
  std::string syntax;
  for (;;) {
    const uint64_t start = in.position();
    unsigned char h[8];
    if (!in.Read(reinterpret_cast<char*>(h), 8)) break;
    const uint16_t group = static_cast<uint16_t>(h[1] << 8 | h[0]);
    const uint16_t element = static_cast<uint16_t>(h[3] << 8 | h[2]);
    if (group != 0x0002) {
      in.Seek(start);
      break;
    }
    uint32_t length = static_cast<uint32_t>(h[7] << 8 | h[6]);
    if (HasLongLength(reinterpret_cast<const char*>(h + 4))) {
      unsigned char l[4];
      if (!in.Read(reinterpret_cast<char*>(l), 4)) break;
      length = uint32_t{l[3]} << 24 | uint32_t{l[2]} << 16 | uint32_t{l[1]} << 8 | l[0];
    }
    if (element == 0x0010 && length < 128) {
      syntax.resize(length);
      if (!in.Read(syntax.data(), length)) break;
      while (!syntax.empty() && (syntax.back() == '\0' || syntax.back() == ' ')) syntax.pop_back();
    } else if (!in.Skip(length)) {
      break;
    }
  }
  return syntax;
}

// Explicit VR when the first element's VR bytes are two capital letters,
// as DCMTK guesses for a data set without meta header (PS3.5 7.1.2).
bool LooksExplicit(SeekableSource& in) {
  char head[6];
  const bool explicit_vr =
      in.Read(head, sizeof(head)) && std::isupper(static_cast<unsigned char>(head[4])) &&
      std::isupper(static_cast<unsigned char>(head[5]));
  in.Seek(0);
  return explicit_vr;
}

// A Part-10 file or a bare data set, from its first byte.
Status CheckWhole(SeekableSource& in, Checks checks) {
  char preamble[132];
  if (in.Read(preamble, sizeof(preamble)) && std::memcmp(preamble + 128, "DICM", 4) == 0) {
    const std::string ts = ReadMetaTransferSyntax(in);
    if (ts == "1.2.840.10008.1.2.1.99") {
      InflateSource inflated(in);
      return DepthScanner(inflated, Syntax{false, false, true}, checks).Run();
    }
    Syntax syntax;
    syntax.implicit_vr = ts == "1.2.840.10008.1.2";
    syntax.big_endian = ts == "1.2.840.10008.1.2.2";
    return DepthScanner(in, syntax, checks).Run();
  }
  // A bare data set: its encoding is guessed by the parser, so nesting is
  // checked under both, the structure under the guess the parser makes.
  if (!in.Seek(0)) return Status::Ok();
  const bool guessed_implicit = !LooksExplicit(in);
  for (bool implicit_vr : {false, true}) {
    Checks these = checks;
    these.structure = checks.structure && implicit_vr == guessed_implicit;
    if (!in.Seek(0)) return Status::Ok();
    PIXELDEX_RETURN_IF_ERROR(DepthScanner(in, Syntax{implicit_vr, false}, these).Run());
  }
  return Status::Ok();
}

Status CheckFile(const std::string& path, Checks checks) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return Status::Ok();  // the parser will report it
  FileSource in(file.get());
  return CheckWhole(in, checks);
}

constexpr Checks kStoredDataSetChecks{kMaxSequenceDepth, true, kMaxDataSetElements};

}  // namespace

Status CheckSequenceDepth(const std::string& path, int max_depth) {
  return CheckFile(path, Checks{max_depth});
}

Status CheckStoredDataSet(const std::string& path) {
  return CheckFile(path, kStoredDataSetChecks);
}

Status CheckStoredDataSetOfFile(std::string_view file_bytes) {
  MemorySource in(file_bytes);
  return CheckWhole(in, kStoredDataSetChecks);
}

Status CheckSequenceDepthOfBytes(const std::string& dataset, bool implicit_vr, int max_depth) {
  MemorySource in(dataset);
  return DepthScanner(in, Syntax{implicit_vr, false}, Checks{max_depth}).Run();
}

Status CheckStoredDataSetOfBytes(const std::string& dataset, bool implicit_vr) {
  MemorySource in(dataset);
  return DepthScanner(in, Syntax{implicit_vr, false}, kStoredDataSetChecks).Run();
}

}  // namespace pixeldex::metadata
