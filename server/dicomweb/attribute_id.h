#pragma once
// {attributeID} of a DICOMweb query (PS3.18 8.3.4.1): a DICOM keyword
// ("PatientName") or a tag as eight hex digits ("00100010"), resolved with
// DCMTK's data dictionary (this is the DCMTK edge of the DICOMweb module).
// Thread-safe (the dictionary is read under DCMTK's own lock).

#include <string>

#include "catalog/common/result.h"
#include "catalog/query/query_types.h"

namespace pixeldex::server {

struct AttributeId {
  query::Tag tag;
  std::string vr;  // the dictionary's VR; one of the choices when it allows several
};

// InvalidArgument names the unknown keyword or malformed tag. A dotted path
// into a sequence ("RequestAttributesSequence.ScheduledProcedureStepID") is
// not supported yet and refused as such.
Result<AttributeId> ResolveAttributeId(const std::string& id);

}  // namespace pixeldex::server
