#include "catalog/metadata/unknown_vr.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcvr.h>

namespace pixeldex::metadata {

void ReadKnownAttributesWithDictionaryVr() { dcmEnableUnknownVRConversion.set(OFTrue); }

}  // namespace pixeldex::metadata
