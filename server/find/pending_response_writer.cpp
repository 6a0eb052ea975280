#include "server/find/pending_response_writer.h"

#include <dcmtk/dcmnet/cond.h>
#include <dcmtk/dcmnet/dul.h>

#include <cstdint>

#include "server/find/little_endian.h"

namespace pixeldex::server {
namespace {

constexpr Uint16 kCommandField = 0x8020;     // C-FIND-RSP, PS3.7 E.1-1
constexpr Uint16 kDataSetPresent = 0x0001;  // DIMSE_DATASET_PRESENT

// One Implicit VR Little Endian element (PS3.5 7.1.3).
void PutElement(std::string* out, Uint16 element, std::string_view value) {
  AppendLittleEndian(out, 0x0000, 2);
  AppendLittleEndian(out, element, 2);
  AppendLittleEndian(out, static_cast<uint32_t>(value.size()), 4);
  out->append(value);
}

void PutUs(std::string* out, Uint16 element, Uint16 value) {
  std::string bytes;
  AppendLittleEndian(&bytes, value, 2);
  PutElement(out, element, bytes);
}

}  // namespace

std::string EncodeFindResponseCommand(std::string_view sop_class_uid, Uint16 message_id,
                                      Uint16 status) {
  std::string uid(sop_class_uid);
  if (uid.size() % 2 != 0) uid.push_back('\0');  // UI padding, PS3.5 6.2
  std::string body;
  PutElement(&body, 0x0002, uid);  // Affected SOP Class UID
  PutUs(&body, 0x0100, kCommandField);
  PutUs(&body, 0x0120, message_id);  // Message ID Being Responded To
  PutUs(&body, 0x0800, kDataSetPresent);
  PutUs(&body, 0x0900, status);
  std::string command;
  std::string length;
  AppendLittleEndian(&length, static_cast<uint32_t>(body.size()), 4);
  PutElement(&command, 0x0000, length);  // Command Group Length (UL)
  command += body;
  return command;
}

OFCondition PendingResponseWriter::Send(Uint16 status, std::string_view identifier) {
  if (command_.empty() || status != command_status_) {
    command_ = EncodeFindResponseCommand(request_.AffectedSOPClassUID, request_.MessageID, status);
    command_status_ = status;
  }
  DUL_PDV pdvs[2];
  pdvs[0].fragmentLength = command_.size();
  pdvs[0].presentationContextID = pres_id_;
  pdvs[0].pdvType = DUL_COMMANDPDV;
  pdvs[0].lastPDV = OFTrue;
  pdvs[0].data = command_.data();
  pdvs[1].fragmentLength = identifier.size();
  pdvs[1].presentationContextID = pres_id_;
  pdvs[1].pdvType = DUL_DATASETPDV;
  pdvs[1].lastPDV = OFTrue;
  pdvs[1].data = const_cast<char*>(identifier.data());
  DUL_PDVLIST list{};
  list.count = 2;
  list.pdv = pdvs;
  OFCondition cond = DUL_WritePDVs(&assoc_->DULassociation, &list);
  if (cond.bad()) {
    return makeDcmnetSubCondition(DIMSEC_SENDFAILED, OF_error, "DIMSE Failed to send message",
                                  cond);
  }
  return EC_Normal;
}

}  // namespace pixeldex::server
