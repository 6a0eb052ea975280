#include "server/listener/pdu_inspector.h"

#include <algorithm>

namespace pixeldex::server {
namespace {

constexpr uint8_t kPDataTf = 0x04;     // PS3.8 9.3.5
constexpr uint16_t kCStoreRq = 0x0001;  // PS3.7 E.1
constexpr size_t kHeaderBytes = 6;      // PDU header; PDV item header (length + id + control)

uint32_t Be32(const std::string& b, size_t at) {
  return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 |
         uint32_t(uint8_t(b[at + 2])) << 8 | uint8_t(b[at + 3]);
}

uint32_t Le(const std::string& b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | uint8_t(b[at + i]);
  return v;
}

// Moves up to `want - into.size()` bytes from (data, size) into `into`.
size_t Gather(std::string& into, size_t want, const char* data, size_t size) {
  const size_t n = std::min(want - into.size(), size);
  into.append(data, n);
  return n;
}

}  // namespace

Status PduInspector::Feed(const char* data, size_t size) {
  while (failure_.ok() && size > 0) {
    size_t used = 0;
    if (pdu_left_ == 0) {
      used = Gather(pdu_header_, kHeaderBytes, data, size);
      if (pdu_header_.size() == kHeaderBytes) {
        pdu_type_ = uint8_t(pdu_header_[0]);
        pdu_left_ = Be32(pdu_header_, 2);
        pdu_header_.clear();
        pdv_header_.clear();
        pdv_left_ = 0;
      }
    } else if (pdu_type_ != kPDataTf) {
      used = static_cast<size_t>(std::min<uint64_t>(pdu_left_, size));
      pdu_left_ -= used;
    } else if (pdv_left_ == 0) {
      used = Gather(pdv_header_, kHeaderBytes, data,
                    static_cast<size_t>(std::min<uint64_t>(pdu_left_, size)));
      pdu_left_ -= used;
      if (pdv_header_.size() == kHeaderBytes) {
        const uint32_t item_length = Be32(pdv_header_, 0);
        pdv_left_ = item_length >= 2 ? item_length - 2 : 0;
        pdv_command_ = (pdv_header_[5] & 0x01) != 0;
        pdv_last_ = (pdv_header_[5] & 0x02) != 0;
        pdv_header_.clear();
        if (pdv_left_ == 0) failure_ = EndOfPdv();
      }
    } else {
      used = static_cast<size_t>(std::min<uint64_t>({pdv_left_, pdu_left_, size}));
      pdv_left_ -= used;
      pdu_left_ -= used;
      failure_ = PdvBytes(data, used);
      if (failure_.ok() && pdv_left_ == 0) failure_ = EndOfPdv();
    }
    if (pdu_left_ == 0 && pdv_left_ > 0) pdv_left_ = 0;  // a PDV past its PDU: DCMTK's call
    data += used;
    size -= used;
  }
  return failure_;
}

Status PduInspector::PdvBytes(const char* data, size_t size) {
  if (pdv_command_) {
    command_.append(data, size);
    if (command_.size() > kMaxCommandBytes) {
      return Status::InvalidArgument("command set larger than " +
                                     std::to_string(kMaxCommandBytes / 1024) + " KiB");
    }
  } else if (!store_data_) {
    data_bytes_ += size;
    if (data_bytes_ > kMaxRequestDataSetBytes) {
      return Status::InvalidArgument("request data set (not a C-STORE's) larger than " +
                                     std::to_string(kMaxRequestDataSetBytes / 1024) + " KiB");
    }
  }
  return Status::Ok();
}

Status PduInspector::EndOfPdv() {
  if (!pdv_last_) return Status::Ok();
  if (!pdv_command_) {
    data_bytes_ = 0;
    return Status::Ok();
  }
  Status parsed = ParseCommand();
  command_.clear();
  data_bytes_ = 0;
  return parsed;
}

// PS3.7 6.3, E.1: a command set is group 0000 elements, Implicit VR Little
// Endian, each of defined length.
Status PduInspector::ParseCommand() {
  uint32_t command_field = 0;
  for (size_t at = 0; at + 8 <= command_.size();) {
    const uint32_t tag = Le(command_, at, 2) << 16 | Le(command_, at + 2, 2);
    const uint32_t length = Le(command_, at + 4, 4);
    if (length == 0xFFFFFFFF) {
      return Status::InvalidArgument("command set holds an element of undefined length");
    }
    if (length > command_.size() - at - 8) break;  // malformed: DCMTK reports it
    if (tag == 0x00000100 && length == 2) command_field = Le(command_, at + 8, 2);
    at += 8 + length;
  }
  store_data_ = command_field == kCStoreRq;
  return Status::Ok();
}

}  // namespace pixeldex::server
