// The README's list of instance sources (table `instances`, "who sent it:
// `source` (...)") names exactly the sources of
// catalog/common/provenance_source.h, in its order, with the text stored in
// instances.source; each name parses back to its source.

#include "catalog/common/provenance_source.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace pixeldex {
namespace {

// The backquoted names in "`source` (`a`, `b`, ...)" of the README's row
// for table `instances`.
std::vector<std::string> ReadmeSources() {
  std::ifstream readme(std::string(PIXELDEX_SOURCE_DIR) + "/README.md");
  EXPECT_TRUE(readme.good());
  std::string line;
  while (std::getline(readme, line)) {
    if (line.rfind("| `instances` |", 0) != 0) continue;
    std::smatch list;
    if (!std::regex_search(line, list, std::regex(R"(`source` \(([^)]*)\))"))) break;
    std::vector<std::string> sources;
    const std::string names = list[1].str();
    const std::regex name("`([a-z_]+)`");
    for (std::sregex_iterator it(names.begin(), names.end(), name), end; it != end; ++it) {
      sources.push_back((*it)[1].str());
    }
    return sources;
  }
  ADD_FAILURE() << "no `source` (...) list in the README's row for table instances";
  return {};
}

TEST(ProvenanceSourceTest, TheReadmeListsEverySourceAndNoOther) {
  std::vector<std::string> names;
  for (const ProvenanceSource source : AllProvenanceSources()) {
    names.push_back(ProvenanceSourceName(source));
  }
  EXPECT_EQ(ReadmeSources(), names);
}

TEST(ProvenanceSourceTest, EveryNameParsesBackAndNothingElseDoes) {
  for (const ProvenanceSource source : AllProvenanceSources()) {
    EXPECT_EQ(ParseProvenanceSource(ProvenanceSourceName(source)), source);
  }
  EXPECT_EQ(AllProvenanceSources().size(), static_cast<size_t>(ProvenanceSource::kReconcile) + 1);
  EXPECT_FALSE(ParseProvenanceSource("").has_value());
  EXPECT_FALSE(ParseProvenanceSource("Network").has_value());
  EXPECT_FALSE(ParseProvenanceSource("stow").has_value());
}

}  // namespace
}  // namespace pixeldex
