#pragma once
// RefuseRequest: the one response to a DIMSE request that is not served
// (AdmitCommand said no), with a failure status and an Error Comment
// (0000,0902). A data set the request announced is read off the wire first,
// unparsed (DIMSE_ignoreDataSet), as PS3.7 9.3 wants one response per
// request on a usable association. C-ECHO, C-STORE, C-FIND, C-GET and
// C-MOVE requests; used from the association's thread. The C-STORE-RSP and
// Error Comment builders serve the store handler too.

#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <memory>
#include <string>

namespace pixeldex::server {

// A status detail holding Error Comment `comment` (LO: at most 64
// characters, PS3.7 C.4), or null when `comment` is empty.
std::unique_ptr<DcmDataset> ErrorCommentDetail(const std::string& comment);

// The C-STORE-RSP to `request` with `status`, echoing its Affected SOP Class
// and Instance UIDs (PS3.7 9.3.1.2).
T_DIMSE_C_StoreRSP StoreResponseTo(const T_DIMSE_C_StoreRQ& request, Uint16 status);

OFCondition RefuseRequest(T_ASC_Association* assoc, T_ASC_PresentationContextID pres_id,
                          T_DIMSE_Message& request, Uint16 status, const std::string& comment,
                          int timeout_seconds);

}  // namespace pixeldex::server
