#pragma once
// Every text value of a data set, decoded to UTF-8 in place (PS3.5 6.1):
// values of the VRs Specific Character Set applies to (SH, LO, UC, ST, LT,
// UT, PN) by the character set their item declares (PS3.5 6.1.2.5; an item
// of a sequence may declare its own, otherwise it inherits its parent's),
// and the values of the other string VRs as the default repertoire. After
// the call no string value of the data set holds anything but UTF-8, and
// each (0008,0005) that was present says "ISO_IR 192". Used for stored
// instances (catalog/metadata) and C-FIND identifiers (server/find), so that
// both are read the same way. Works on the caller's data set only.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <string>
#include <vector>

namespace pixeldex::metadata {

struct TextDecodingReport {
  // The (0008,0005) value of the top-level data set, as received.
  std::string declared_character_set;
  // Defined terms of any (0008,0005) that this build does not know.
  std::vector<std::string> unknown_terms;
  // Tags, "(gggg,eeee)", of values in which some bytes had to be replaced
  // by U+FFFD (not valid in the character set in force).
  std::vector<std::string> replaced_tags;

  bool faithful() const { return unknown_terms.empty() && replaced_tags.empty(); }
  // One line for a log or an event, e.g. "character set 'ISO_IR 100':
  // undecodable bytes replaced by U+FFFD in (0010,0010)"; empty when faithful.
  std::string Describe() const;
};

TextDecodingReport DecodeTextToUtf8(DcmItem& dataset);

}  // namespace pixeldex::metadata
