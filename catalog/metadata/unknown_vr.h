#pragma once
// PS3.5 6.2.2 (and its note on UN for known attributes): a reader that knows
// an attribute encoded with VR UN may read it with its dictionary VR. Real
// files encode e.g. SOP Instance UID as UN; read as bytes it would become
// "31\2e\39..." in the index and a hashed folder in the layout. This
// re-reads, in a loaded data set, every UN element whose tag the
// dictionary knows as a string VR (UI, LO, PN, DA, ...) or a little-endian
// number (US, SS, UL, SL, FL, FD), at every nesting level; others (SQ, OB,
// private tags) stay UN. Done on the catalog's own parse only (DCMTK's
// process-wide switch would change what retrieves send); the stored file is
// never changed. Works on the caller's data set only.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <vector>

namespace pixeldex::metadata {

// Returns the tags of the top-level elements re-read (the caller may want to
// know that a sender, not knowing them, read them as bytes).
std::vector<DcmTagKey> ReadUnknownVrWithDictionaryVr(DcmItem& dataset, E_TransferSyntax xfer);

}  // namespace pixeldex::metadata
