#include "server/dicomweb/attribute_id.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctag.h>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/dicom_json.h"

namespace pixeldex::server {
namespace {

// DCMTK names VRs that depend on context ("US or SS", "OB or OW") with
// lower-case pseudo VRs; matching needs one real VR.
std::string RealVr(const std::string& vr) {
  if (vr == "xs") return "US";
  if (vr == "ox" || vr == "lt" || vr == "px") return "OW";
  if (vr == "up") return "UL";
  if (vr == "na" || vr == "??") return "UN";
  return vr;
}

}  // namespace

Result<AttributeId> ResolveAttributeId(const std::string& id) {
  if (id.find('.') != std::string::npos) {
    return Status::InvalidArgument("'" + id +
                                   "': matching on attributes inside sequences is not supported");
  }
  query::Tag tag;
  if (id.size() == 8 && query::ParseTagHex(id, &tag)) {
    // The catalog's VR first: it is the one C-FIND matches with.
    if (const query::AttributeInfo* info = query::FindAttribute(tag)) return AttributeId{tag, info->vr};
    DcmTag dcm(tag.group, tag.element);
    if (dcm.getEVR() == EVR_UNKNOWN) {
      return Status::InvalidArgument("'" + id + "' is not a tag of the DICOM dictionary");
    }
    return AttributeId{tag, RealVr(dcm.getVR().getVRName())};
  }
  if (const query::AttributeInfo* info = query::FindAttributeByKeyword(id)) {
    return AttributeId{info->tag, info->vr};
  }
  DcmTag dcm;
  if (id.empty() || DcmTag::findTagFromName(id.c_str(), dcm).bad()) {
    return Status::InvalidArgument("'" + id.substr(0, 64) +
                                   "' is neither a DICOM keyword nor a tag (GGGGEEEE)");
  }
  return AttributeId{{dcm.getGroup(), dcm.getElement()}, RealVr(dcm.getVR().getVRName())};
}

}  // namespace pixeldex::server
