#pragma once
// Sends the pending C-FIND-RSPs of one C-FIND whose identifiers are already
// encoded (identifier_encoder.h), without DIMSE's DcmDataset per response:
// the command set (PS3.7 9.3.2.2, E.1: Affected SOP Class UID, Command Field
// 8020H, Message ID Being Responded To, Command Data Set Type, Status) is
// encoded in Implicit VR Little Endian with its Command Group Length (PS3.7
// 6.3.1) once per status, and each response goes out as one command PDV and
// one data set PDV in one DUL_WritePDVs call (PS3.8 9.3.5, E.2). DUL puts
// every PDV in a P-DATA-TF PDU of its own and splits one longer than the
// peer's Maximum Length (PS3.8 D.1) into fragments, exactly as it does for
// DIMSE. One per C-FIND, on the association's thread.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <string>
#include <string_view>

namespace pixeldex::server {

// The command set of a C-FIND-RSP with a data set (Command Data Set Type
// 0001H, as DCMTK writes it; any value but 0101H means present).
std::string EncodeFindResponseCommand(std::string_view sop_class_uid, Uint16 message_id,
                                      Uint16 status);

class PendingResponseWriter {
 public:
  PendingResponseWriter(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                        const T_DIMSE_C_FindRQ& request)
      : assoc_(assoc), pres_id_(pres_id), request_(request) {}

  // One pending response (`status` FF00 or FF01) carrying `identifier`,
  // encoded in the presentation context's transfer syntax.
  OFCondition Send(Uint16 status, std::string_view identifier);

 private:
  T_ASC_Association* assoc_;
  T_ASC_PresentationContextID pres_id_;
  const T_DIMSE_C_FindRQ& request_;
  std::string command_;
  Uint16 command_status_ = 0;
};

}  // namespace pixeldex::server
