#pragma once
// The Store Instances Response of STOW-RS (PS3.18 10.5.3 and Annex I), as
// application/dicom+json: one DICOM JSON object (Annex F) with
//   Retrieve URL (0008,1190)           the study's WADO-RS URL when every
//                                      stored instance is of one study
//   Referenced SOP Sequence (0008,1199) per stored instance: Referenced SOP
//                                      Class and Instance UIDs, Retrieve URL
//   Failed SOP Sequence (0008,1198)    per failed instance whose UIDs are
//                                      known: the UIDs, Failure Reason
//                                      (0008,1197, PS3.18 Table I.2-2)
//   Other Failures Sequence (0008,119A) per failed part whose UIDs are not
//                                      known (not a readable Part-10 file,
//                                      truncated): its Failure Reason
// Every failure item also carries Error Comment (0000,0902, LO: the first
// 64 characters of the reason). The HTTP status follows PS3.18 Table
// 10.5.3-1: 200 every instance stored, 202 some stored and some failed, 409
// none stored. No Warning Reason is produced: pixeldex never coerces or
// discards elements (the stored file is the posted bytes). Stateless.

#include <cstdint>
#include <string>
#include <vector>

#include "server/http/http_message.h"

namespace pixeldex::server {

// What became of one part of a STOW-RS request.
struct StowPartResult {
  uint16_t status = 0;  // 0x0000 stored, else the Failure Reason (A700, A900, C000, 0110, 0111)
  std::string reason;   // a failure's reason, for Error Comment
  // As far as known; a stored instance has all four.
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
};

// `root`: "scheme://authority/dicom-web" for the Retrieve URLs, or "" to
// leave them empty (Type 2). `results` must not be empty.
HttpResponse StoreInstancesResponse(const std::vector<StowPartResult>& results,
                                    const std::string& root);

}  // namespace pixeldex::server
