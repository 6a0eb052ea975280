#include "catalog/import/dicom_sniffer.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

namespace pixeldex::import {
namespace {

// PS3.10 7.1: preamble, then the prefix.
constexpr size_t kPreambleBytes = 128;
constexpr std::string_view kMagic = "DICM";
// Elements checked before a raw data set is believed.
constexpr int kElementsChecked = 4;
constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;

uint16_t Le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) |
                               (static_cast<uint8_t>(b[at + 1]) << 8));
}
uint32_t Le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(Le16(b, at)) | (static_cast<uint32_t>(Le16(b, at + 2)) << 16);
}

// PS3.5 7.1.2: VRs whose explicit encoding has 2 reserved bytes and a 32-bit
// length; every other known VR has a 16-bit length.
constexpr std::array<std::string_view, 12> kLongVrs = {"OB", "OD", "OF", "OL", "OV", "OW",
                                                       "SQ", "SV", "UC", "UN", "UR", "UT"};
constexpr std::array<std::string_view, 22> kShortVrs = {
    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO",
    "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US", "UV"};

// 0: not a VR; 2 or 4: how many bytes hold the length.
int LengthFieldBytes(std::string_view vr) {
  for (std::string_view v : kShortVrs) {
    if (v == vr) return 2;
  }
  for (std::string_view v : kLongVrs) {
    if (v == vr) return 4;
  }
  return 0;
}

// Walks the first elements of a Little Endian data set under one encoding.
// True when they are consistent: the first is in group 0008, tags ascend,
// explicit VRs are known, and every value ends within the file. Parsing ends
// early, and successfully, at an undefined length (a sequence) or at a value
// that runs past the bytes we have.
bool PlausibleDataset(std::string_view head, int64_t file_size, bool explicit_vr) {
  size_t at = 0;
  uint32_t previous_tag = 0;
  for (int n = 0; n < kElementsChecked; ++n) {
    if (at == static_cast<size_t>(file_size)) return n > 0;  // ended exactly
    if (at + 8 > head.size()) return n > 0;                  // tag, (VR,) length
    const uint32_t tag = (static_cast<uint32_t>(Le16(head, at)) << 16) | Le16(head, at + 2);
    if (n == 0 && (tag >> 16) != 0x0008) return false;
    if (n > 0 && tag <= previous_tag) return false;
    previous_tag = tag;
    uint64_t length = 0;
    size_t value_at = 0;
    if (explicit_vr) {
      const int field = LengthFieldBytes(head.substr(at + 4, 2));
      if (field == 0) return false;
      if (field == 2) {
        length = Le16(head, at + 6);
        value_at = at + 8;
      } else {
        if (at + 12 > head.size()) return n > 0;
        if (Le16(head, at + 6) != 0) return false;  // reserved, shall be zero
        length = Le32(head, at + 8);
        value_at = at + 12;
      }
    } else {
      length = Le32(head, at + 4);
      value_at = at + 8;
    }
    if (length == kUndefinedLength) return true;
    if (value_at + length > static_cast<uint64_t>(file_size)) return false;
    at = value_at + static_cast<size_t>(length);
    if (at > head.size()) return true;  // the value is longer than our view
  }
  return true;
}

// Media Storage SOP Classes of Part-10 files that hold no composite instance.
struct NonInstanceClass {
  std::string_view uid;
  const char* name;
};
constexpr NonInstanceClass kNonInstanceClasses[] = {
    {"1.2.840.10008.1.3.10", "DICOMDIR"},  // Media Storage Directory Storage, PS3.10 8.6
};

const char* NonInstanceName(std::string_view head) {
  const std::string_view uid = FileMetaValue(head, kMediaStorageSopClassUid);
  for (const NonInstanceClass& c : kNonInstanceClasses) {
    if (c.uid == uid) return c.name;
  }
  return nullptr;
}

// Walks the File Meta Information elements (group 0002, Explicit VR Little
// Endian after the prefix) of a Part-10 file whose first bytes are `head`:
// stops at (0002,`element`), its value (trailing NULs and spaces removed)
// then in `*value`, or at the first element of another group. Returns
// where the walk stopped: that element's offset, or npos when `head` is
// not a Part-10 file's or ends (or a malformed element is met) before it.
size_t WalkFileMeta(std::string_view head, std::optional<uint16_t> element,
                    std::string_view* value) {
  if (head.size() < kPreambleBytes + kMagic.size() ||
      head.substr(kPreambleBytes, kMagic.size()) != kMagic) {
    return std::string_view::npos;
  }
  size_t at = kPreambleBytes + kMagic.size();
  while (at + 8 <= head.size()) {
    if (Le16(head, at) != 0x0002) return at;
    const uint16_t this_element = Le16(head, at + 2);
    const int field = LengthFieldBytes(head.substr(at + 4, 2));
    if (field == 0) return std::string_view::npos;
    uint64_t length = 0;
    size_t value_at = 0;
    if (field == 2) {
      length = Le16(head, at + 6);
      value_at = at + 8;
    } else {
      if (at + 12 > head.size()) return std::string_view::npos;
      length = Le32(head, at + 8);
      value_at = at + 12;
    }
    if (value_at + length > head.size()) return std::string_view::npos;
    if (element && this_element == *element) {
      std::string_view found = head.substr(value_at, static_cast<size_t>(length));
      while (!found.empty() && (found.back() == '\0' || found.back() == ' ')) found.remove_suffix(1);
      *value = found;
      return at;
    }
    at = value_at + static_cast<size_t>(length);
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view FileMetaValue(std::string_view head, uint16_t element) {
  std::string_view value;
  WalkFileMeta(head, element, &value);
  return value;
}

size_t FileMetaEnd(std::string_view head) {
  if (head.size() >= kPreambleBytes + kMagic.size() &&
      head.substr(kPreambleBytes, kMagic.size()) != kMagic) {
    return 0;
  }
  return WalkFileMeta(head, std::nullopt, nullptr);
}

DicomKind ClassifyDicomPrefix(std::string_view head, int64_t file_size, std::string* what) {
  if (head.size() >= kPreambleBytes + kMagic.size() &&
      head.substr(kPreambleBytes, kMagic.size()) == kMagic) {
    if (const char* name = NonInstanceName(head)) {
      if (what != nullptr) *what = name;
      return DicomKind::kNotInstance;
    }
    return DicomKind::kPart10;
  }
  if (PlausibleDataset(head, file_size, /*explicit_vr=*/true) ||
      PlausibleDataset(head, file_size, /*explicit_vr=*/false)) {
    return DicomKind::kRawDataset;
  }
  return DicomKind::kNotDicom;
}

Result<DicomKind> ClassifyDicomFile(const std::string& path, std::string* what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::FromErrno(errno, "cannot open " + path);
  std::array<char, kSniffBytes> buffer{};
  size_t filled = 0;
  while (filled < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + filled, buffer.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::FromErrno(err, "cannot read " + path);
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  const off_t size = ::lseek(fd, 0, SEEK_END);
  ::close(fd);
  if (size < 0) return Status::IoError("cannot determine the size of " + path);
  return ClassifyDicomPrefix(std::string_view(buffer.data(), filled), size, what);
}

const char* DicomKindName(DicomKind kind) {
  switch (kind) {
    case DicomKind::kPart10:
      return "Part-10";
    case DicomKind::kRawDataset:
      return "raw data set";
    case DicomKind::kNotInstance:
      return "not an instance";
    case DicomKind::kNotDicom:
      return "not DICOM";
  }
  return "?";
}

}  // namespace pixeldex::import
