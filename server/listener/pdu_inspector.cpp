#include "server/listener/pdu_inspector.h"

#include <algorithm>

#include <fmt/format.h>

#include "server/association/service_classes.h"
#include "server/listener/command_set.h"

namespace pixeldex::server {
namespace {

constexpr uint8_t kAssociateRq = 0x01;  // PS3.8 9.3.2
constexpr uint8_t kPDataTf = 0x04;      // PS3.8 9.3.5
constexpr uint16_t kCStoreRq = 0x0001;  // PS3.7 E.1
constexpr size_t kHeaderBytes = 6;      // PDU header; PDV item header (length + id + control)

uint32_t Be32(const std::string& b, size_t at) {
  return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 |
         uint32_t(uint8_t(b[at + 2])) << 8 | uint8_t(b[at + 3]);
}

// Moves up to `want - into.size()` bytes from (data, size) into `into`.
size_t Gather(std::string& into, size_t want, const char* data, size_t size) {
  const size_t n = std::min(want - into.size(), size);
  into.append(data, n);
  return n;
}

size_t AtMost(uint64_t left, size_t size) {
  return static_cast<size_t>(std::min<uint64_t>(left, size));
}

Status Refuse(const std::string& why) { return Status::InvalidArgument(why); }

}  // namespace

Status PduInspector::Feed(const char* data, size_t size) {
  while (failure_.ok() && size > 0) {
    size_t used = 0;
    if (!pdu_open_) {
      used = Gather(pdu_header_, kHeaderBytes, data, size);
      if (pdu_header_.size() == kHeaderBytes) failure_ = StartPdu();
    } else if (pdu_type_ == kAssociateRq) {
      used = AtMost(pdu_left_, size);
      associate_.append(data, used);
      pdu_left_ -= used;
    } else if (pdu_type_ != kPDataTf) {
      used = AtMost(pdu_left_, size);
      pdu_left_ -= used;
    } else if (!pdv_open_) {
      used = Gather(pdv_header_, kHeaderBytes, data, AtMost(pdu_left_, size));
      pdu_left_ -= used;
      if (pdv_header_.size() == kHeaderBytes) failure_ = StartPdv();
    } else {
      used = AtMost(pdv_left_, size);  // StartPdv: the PDV ends inside its PDU
      pdv_left_ -= used;
      pdu_left_ -= used;
      failure_ = PdvBytes(data, used);
    }
    if (failure_.ok() && pdv_open_ && pdv_left_ == 0) failure_ = EndOfPdv();
    if (failure_.ok() && pdu_open_ && pdu_left_ == 0) failure_ = EndPdu();
    data += used;
    size -= used;
  }
  return failure_;
}

Status PduInspector::StartPdu() {
  pdu_type_ = uint8_t(pdu_header_[0]);
  pdu_left_ = Be32(pdu_header_, 2);
  pdu_header_.clear();
  pdu_open_ = true;
  pdu_has_pdv_ = false;
  if (pdu_type_ != kAssociateRq) return Status::Ok();
  // PS3.8 9.2: one A-ASSOCIATE-RQ opens the association; DCMTK refuses
  // larger ones than kMaxAssociateRequestBytes before reading them.
  if (associate_seen_) return Refuse("a second A-ASSOCIATE-RQ");
  associate_seen_ = true;
  if (pdu_left_ > kMaxAssociateRequestBytes) {
    return Refuse(fmt::format("A-ASSOCIATE-RQ of {} bytes, more than {} KiB", pdu_left_,
                              kMaxAssociateRequestBytes / 1024));
  }
  return Status::Ok();
}

Status PduInspector::EndPdu() {
  pdu_open_ = false;
  if (pdu_type_ == kAssociateRq) {
    auto screened = ScreenAssociateRequest(associate_);
    std::string().swap(associate_);
    if (!screened.ok()) return screened.status();
    contexts_ = std::move(screened).value();
  } else if (pdu_type_ == kPDataTf) {
    // PS3.8 9.3.5: one or more PDV items that fill the PDU (DCMTK refuses
    // a P-DATA-TF PDU otherwise).
    if (!pdv_header_.empty()) return Refuse("P-DATA-TF PDU ends inside a PDV header");
    if (!pdu_has_pdv_) return Refuse("P-DATA-TF PDU without a PDV");
  }
  return Status::Ok();
}

Status PduInspector::StartPdv() {
  const uint32_t item_length = Be32(pdv_header_, 0);
  const auto context = uint8_t(pdv_header_[4]);
  const auto control = uint8_t(pdv_header_[5]);
  pdv_header_.clear();
  // PS3.8 9.3.5.1: the item length counts the context ID and the control header.
  if (item_length < 2) return Refuse("PDV item shorter than its header");
  const uint64_t fragment = item_length - 2;
  if (fragment > pdu_left_) return Refuse("PDV longer than its P-DATA-TF PDU");
  // PS3.5 7.1: values are of even length; DCMTK refuses odd fragments.
  if (fragment % 2 != 0) return Refuse("PDV fragment of odd length");
  pdu_has_pdv_ = true;
  pdv_open_ = true;
  pdv_left_ = fragment;
  pdv_context_ = context;
  pdv_command_ = (control & 0x01) != 0;  // PS3.8 E.2 message control header
  pdv_last_ = (control & 0x02) != 0;
  if (pdv_command_) {
    if (expect_data_) return Refuse("command PDV before the previous command's data set ended");
    if (command_started_ && context != command_context_) {
      return Refuse(fmt::format("command set fragments on presentation contexts {} and {}",
                                command_context_, context));
    }
    command_started_ = true;
    command_context_ = context;
    return Status::Ok();
  }
  if (command_started_) return Refuse("data set PDV inside a command set");
  if (!expect_data_) return Refuse("data set PDV without a command announcing one");
  if (context != command_context_) {
    return Refuse(fmt::format("data set PDV on presentation context {}, its command on {}",
                              context, command_context_));
  }
  return Status::Ok();
}

Status PduInspector::PdvBytes(const char* data, size_t size) {
  if (pdv_command_) {
    command_.append(data, size);
    if (command_.size() > kMaxCommandBytes) {
      return Refuse(fmt::format("command set larger than {} KiB", kMaxCommandBytes / 1024));
    }
  } else if (!data_unbounded_) {
    data_bytes_ += size;
    if (data_bytes_ > kMaxRequestDataSetBytes) {
      return Refuse(fmt::format("request data set (not a C-STORE's) larger than {} KiB",
                                kMaxRequestDataSetBytes / 1024));
    }
  }
  return Status::Ok();
}

Status PduInspector::EndOfPdv() {
  pdv_open_ = false;
  if (!pdv_last_) return Status::Ok();
  if (pdv_command_) return EndOfCommand();
  expect_data_ = false;
  data_unbounded_ = false;
  data_bytes_ = 0;
  return Status::Ok();
}

Status PduInspector::EndOfCommand() {
  auto facts = ParseCommandSet(command_);
  command_.clear();
  command_started_ = false;
  if (!facts.ok()) return facts.status();
  const std::optional<std::string>& proposed = contexts_[command_context_];
  expect_data_ = facts->has_data_set;
  data_unbounded_ = expect_data_ && facts->command_field == kCStoreRq && proposed &&
                    ServiceOf(*proposed) == Service::kStorage;
  data_bytes_ = 0;
  return Status::Ok();
}

}  // namespace pixeldex::server
