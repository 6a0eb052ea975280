#pragma once
// The Part-10 header of a received C-STORE data set's file (PS3.10 7.1: the
// 128-byte preamble, "DICM" and the File Meta Information group in Explicit
// VR Little Endian), written without DCMTK's data set classes: the bytes
// DCMTK's DIMSE_createFilestream writes for the same request (3.6.7; the
// same elements, padding and implementation identity), which cost a
// twentieth of a small image's CPU (bench/README.md "The incoming file
// written through its own descriptor").

#include <string>

namespace pixeldex::server {

struct Part10HeaderFields {
  std::string sop_class_uid;     // (0002,0002), the request's Affected SOP Class UID
  std::string sop_instance_uid;  // (0002,0003), its Affected SOP Instance UID
  std::string transfer_syntax;   // (0002,0010), the presentation context's
  std::string source_ae_title;   // (0002,0016), the calling AE title (may be empty)
};

std::string Part10Header(const Part10HeaderFields& fields);

}  // namespace pixeldex::server
