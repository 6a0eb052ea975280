// The README's table of event kinds ("The index") lists exactly the kinds of
// catalog/common/event_kind.h, in its order, with the text stored in
// events.kind.

#include "catalog/common/event_kind.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace pixeldex {
namespace {

// The first cell of each row of the table headed "| `events.kind` |".
std::vector<std::string> ReadmeEventKinds() {
  std::ifstream readme(std::string(PIXELDEX_SOURCE_DIR) + "/README.md");
  EXPECT_TRUE(readme.good());
  std::vector<std::string> kinds;
  std::string line;
  bool in_table = false;
  while (std::getline(readme, line)) {
    if (line.rfind("| `events.kind` |", 0) == 0) {
      in_table = true;
      std::getline(readme, line);  // |---|---|
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("| `", 0) != 0) break;
    kinds.push_back(line.substr(3, line.find('`', 3) - 3));
  }
  return kinds;
}

TEST(EventKindTest, TheReadmeListsEveryKindAndNoOther) {
  std::vector<std::string> names;
  for (const EventKind kind : AllEventKinds()) names.push_back(EventKindName(kind));
  EXPECT_EQ(ReadmeEventKinds(), names);
}

TEST(EventKindTest, EveryKindHasItsOwnName) {
  std::set<std::string> names;
  for (const EventKind kind : AllEventKinds()) {
    const std::string name = EventKindName(kind);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(EventKind::kDeleteFinished) + 1);
}

}  // namespace
}  // namespace pixeldex
