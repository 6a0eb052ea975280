// The documentation keeps up with the code (issue 14): every README section a
// help text names exists, `pixeldex help` lists every command the dispatcher
// knows and the README describes each, and every table and view of a freshly
// created index is documented, with its columns, in the README's "The index".
// The lists come from the code (the command table, sqlite_master), never from
// a copy in this test.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "server/commands/command_table.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Readme() { return ReadFile(std::string(PIXELDEX_SOURCE_DIR) + "/README.md"); }

// Heading text, without the leading #s and without backticks, of every
// Markdown heading outside fenced code blocks (where `# comment` is shell).
std::set<std::string> Headings(const std::string& markdown) {
  std::set<std::string> headings;
  std::istringstream in(markdown);
  std::string line;
  bool in_code = false;
  const std::regex heading(R"(^#{1,6} +(.*\S) *$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) in_code = !in_code;
    if (in_code || !std::regex_match(line, m, heading)) continue;
    std::string text = m[1];
    std::erase(text, '`');
    headings.insert(text);
  }
  return headings;
}

// The body of the README section headed `title` (up to the next heading of
// the same or a higher level).
std::string Section(const std::string& markdown, const std::string& title) {
  const size_t start = markdown.find("\n## " + title + "\n");
  if (start == std::string::npos) return "";
  const size_t end = markdown.find("\n## ", start + 1);
  return markdown.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The section names a help text cites: every "quoted" name in a reference that
// starts with `README` (not `README.md` of another folder) and runs to the
// end of its sentence, e.g. `See README, "C-FIND", "C-GET and C-MOVE".`
std::vector<std::string> CitedSections(const std::string& help) {
  std::vector<std::string> cited;
  const std::regex reference(R"(README,((?:[^.]|\.[^\s])*))");
  const std::regex quoted(R"re("([^"]+)")re");
  for (std::sregex_iterator r(help.begin(), help.end(), reference), end; r != end; ++r) {
    const std::string tail = (*r)[1];
    for (std::sregex_iterator q(tail.begin(), tail.end(), quoted); q != end; ++q) {
      cited.push_back((*q)[1]);
    }
  }
  return cited;
}

std::string HelpOf(const std::string& command) {
  auto r = command.empty() ? RunProcess({PIXELDEX_BINARY, "help"})
                           : RunProcess({PIXELDEX_BINARY, "help", command});
  EXPECT_EQ(r.exit_code, 0) << command;
  return r.output;
}

TEST(DocsTest, CitedSectionsAreFoundInTheCitation) {
  EXPECT_EQ(CitedSections("See README, \"The index\".\nNext \"not cited\"."),
            (std::vector<std::string>{"The index"}));
  EXPECT_EQ(CitedSections("See README, \"A\",\n\"B and C\" and \"D\". \"E\""),
            (std::vector<std::string>{"A", "B and C", "D"}));
  EXPECT_TRUE(CitedSections("bench/README.md explains \"Thumbnails\".").empty());
}

TEST(DocsTest, EveryReadmeSectionNamedInAHelpTextExists) {
  const std::set<std::string> headings = Headings(Readme());
  ASSERT_TRUE(headings.count("The index")) << "README.md not found or reshaped";
  std::vector<std::string> commands = {""};  // `pixeldex help` itself
  for (const auto& c : server::Commands()) commands.emplace_back(c.name);
  int cited = 0;
  for (const std::string& command : commands) {
    for (const std::string& section : CitedSections(HelpOf(command))) {
      ++cited;
      EXPECT_TRUE(headings.count(section))
          << "'pixeldex help " << command << "' cites README section \"" << section
          << "\", which is not a heading of README.md";
    }
  }
  // Every command's help points to the README section that says more.
  EXPECT_GE(cited, static_cast<int>(commands.size()));
}

TEST(DocsTest, HelpListsEveryCommandAndTheReadmeDescribesIt) {
  const std::string help = HelpOf("");
  const std::string commands_section = Section(Readme(), "The `pixeldex` command");
  ASSERT_FALSE(commands_section.empty());
  ASSERT_GE(server::Commands().size(), 8u);
  for (const auto& command : server::Commands()) {
    const std::string name(command.name);
    EXPECT_TRUE(std::regex_search(help, std::regex("\n  " + name + " +\\S")))
        << "'pixeldex help' does not list " << name << ":\n"
        << help;
    EXPECT_NE(commands_section.find("`pixeldex " + name), std::string::npos)
        << "README, \"The `pixeldex` command\" does not describe " << name;
    EXPECT_EQ(server::FindCommand(name), &command);
  }
}

TEST(DocsTest, HelpNamesEveryServiceServeOffers) {
  const std::string help = HelpOf("");
  const std::string serve = help.substr(help.find("\n  serve "));
  const std::string line = serve.substr(0, serve.find('\n', 1));
  for (const char* service : {"C-ECHO", "C-STORE", "C-FIND", "C-GET", "C-MOVE", "DICOMweb"}) {
    EXPECT_NE(line.find(service), std::string::npos) << line;
  }
}

TEST(DocsTest, EveryTableAndViewOfANewIndexIsDocumentedWithItsColumns) {
  TempDir dir;
  auto db = index::Db::Open(dir / "index.db", index::Db::Mode::kReadWrite);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(index::PrepareForWriting(*db).ok());
  auto objects = db->Prepare(
      "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c "
      "WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid");
  ASSERT_TRUE(objects.ok()) << objects.status().ToString();
  const std::string section = Section(Readme(), "The index");
  ASSERT_FALSE(section.empty());
  std::set<std::string> names;
  while (objects->Step()) {
    const std::string name = objects->Text(0), column = objects->Text(1);
    names.insert(name);
    // The table's row: "| `name` | one row per ... | columns |".
    const size_t row = section.find("\n| `" + name + "` |");
    ASSERT_NE(row, std::string::npos) << "README, \"The index\" has no row for " << name;
    const std::string line = section.substr(row + 1, section.find('\n', row + 1) - row - 1);
    EXPECT_NE(line.find("`" + column + "`"), std::string::npos)
        << "README, \"The index\" does not document column " << column << " of " << name;
  }
  EXPECT_TRUE(objects->status().ok());
  // The tables and views issue 14 found undocumented are among them.
  for (const char* name : {"associations", "events", "dicom_dictionary", "study_summary",
                           "series_summary", "tags", "thumbnail_images", "instance_details"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
}

// The README's example queries are the ones tests/sql runs, word for word.
TEST(DocsTest, ReadmeExampleQueriesAreTheTestedOnes) {
  const std::string cases =
      ReadFile(std::string(PIXELDEX_SOURCE_DIR) + "/tests/sql/cases/readme_examples.test");
  const std::string section = Section(Readme(), "The index");
  const std::regex query(R"(query README: (.*)\n((?:.*\n)*?)----\n)");
  int examples = 0;
  for (std::sregex_iterator q(cases.begin(), cases.end(), query), end; q != end; ++q, ++examples) {
    const std::string example = "-- " + (*q)[1].str() + "\n" + (*q)[2].str();
    EXPECT_NE(section.find(example), std::string::npos)
        << "README, \"The index\" lacks the tested example:\n"
        << example;
  }
  EXPECT_GE(examples, 5);
}

}  // namespace
}  // namespace pixeldex::testing
