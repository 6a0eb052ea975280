#pragma once
// PS3.5 6.2.2 (and its note on UN for known attributes): a reader that knows
// an attribute encoded with VR UN may read it with its dictionary VR. Real
// files encode e.g. SOP Instance UID as UN; read as bytes it would become
// "31\2e\39..." in the index. DCMTK does this conversion when its
// process-wide switch dcmEnableUnknownVRConversion is on (a UN value of
// defined length is then parsed as Implicit VR Little Endian with the
// dictionary VR, sequences included). This turns it on: every data set this
// process parses afterwards (C-STORE, import, reconcile, reindex, retrieve)
// reads known attributes with their dictionary VR. Idempotent; thread-safe
// (OFGlobal); the stored file is never changed by it.

namespace pixeldex::metadata {

void ReadKnownAttributesWithDictionaryVr();

}  // namespace pixeldex::metadata
