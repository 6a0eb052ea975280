#include "tests/query/case_file.h"

#include <fstream>
#include <sstream>

#include "tests/query/test_dictionary.h"

namespace pixeldex::query::testing {
namespace {

std::string Trim(std::string s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;  // separators inside [...] do not split
  for (char c : s) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (c == sep && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Parses "Keyword=value" into a key (and an attribute) with its VR.
Result<QueryKey> ParseKey(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) return Status::InvalidArgument("expected Keyword=value: " + text);
  QueryKey key;
  const std::string keyword = Trim(text.substr(0, eq));
  if (!LookupKeyword(keyword, &key.tag, &key.vr)) {
    return Status::InvalidArgument("unknown keyword " + keyword);
  }
  const std::string value = Trim(text.substr(eq + 1));
  if (key.vr != "SQ") {
    key.value = value;
    return key;
  }
  // [K=v;K=v][...]: one request item per bracket pair.
  for (size_t pos = 0; pos < value.size();) {
    const size_t open = value.find('[', pos);
    if (open == std::string::npos) break;
    const size_t close = value.find(']', open);
    if (close == std::string::npos) return Status::InvalidArgument("unclosed [ in " + text);
    std::vector<QueryKey> item;
    const std::string body = value.substr(open + 1, close - open - 1);
    if (!Trim(body).empty()) {
      for (const std::string& part : Split(body, ';')) {
        auto sub = ParseKey(Trim(part));
        if (!sub.ok()) return sub.status();
        item.push_back(std::move(*sub));
      }
    }
    key.items.push_back(std::move(item));
    pos = close + 1;
  }
  return key;
}

ResponseAttribute ToAttribute(const QueryKey& key) {
  ResponseAttribute a{key.tag, key.vr, {}, {}};
  if (key.vr == "SQ") {
    for (const auto& item : key.items) {
      std::vector<ResponseAttribute> attrs;
      for (const QueryKey& sub : item) attrs.push_back(ToAttribute(sub));
      a.items.push_back(std::move(attrs));
    }
  } else if (!key.value.empty()) {
    a.values = Split(key.value, '\\');
  }
  return a;
}

Status ParseFixtureLine(const std::vector<std::string>& head, const std::vector<std::string>& parts,
                        FixtureEntity* entity) {
  const std::string& kind = head[0];
  entity->level = kind == "patient" ? QueryLevel::kPatient
                  : kind == "study" ? QueryLevel::kStudy
                  : kind == "series" ? QueryLevel::kSeries
                                     : QueryLevel::kImage;
  if (head.size() < 2 || (kind != "patient" && head.size() < 3)) {
    return Status::InvalidArgument("fixture line needs a label and a parent");
  }
  entity->label = head[1];
  if (head.size() > 2) entity->parent = head[2];
  for (size_t k = 1; k < parts.size(); ++k) {
    auto key = ParseKey(Trim(parts[k]));
    if (!key.ok()) return key.status();
    entity->attributes.push_back(ToAttribute(*key));
  }
  return Status::Ok();
}

Status ParseCaseLine(const std::string& directive, const std::string& rest, QueryCase* c) {
  const auto words = Words(rest);
  if (directive == "find") {
    if (words.size() != 2) return Status::InvalidArgument("find MODEL LEVEL");
    if (words[0] == "PATIENT-ROOT") {
      c->model = InformationModel::kPatientRoot;
    } else if (words[0] == "STUDY-ROOT") {
      c->model = InformationModel::kStudyRoot;
    } else {
      return Status::InvalidArgument("unknown model " + words[0]);
    }
    c->level_text = words[1];
  } else if (directive == "option") {
    for (const std::string& w : words) {
      if (w == "pn_case_insensitive=false") c->options.pn_case_insensitive = false;
      else if (w == "combined_datetime") c->combined_datetime = true;
      else if (w.rfind("max_results=", 0) == 0) c->options.max_results = std::stoul(w.substr(12));
      else return Status::InvalidArgument("unknown option " + w);
    }
  } else if (directive == "key") {
    auto key = ParseKey(rest);
    if (!key.ok()) return key.status();
    c->keys.push_back(std::move(*key));
  } else if (directive == "match") {
    if (!(words.size() == 1 && words[0] == "none")) c->expect_matches = words;
  } else if (directive == "error") {
    c->expect_error = true;
  } else if (directive == "return") {
    const size_t space = rest.find(' ');
    auto key = ParseKey(Trim(rest.substr(space + 1)));
    if (space == std::string::npos || !key.ok()) return Status::InvalidArgument("return UID K=v");
    c->returns.push_back({rest.substr(0, space), key->tag, RenderAttribute(ToAttribute(*key))});
  } else {
    return Status::InvalidArgument("unknown directive " + directive);
  }
  return Status::Ok();
}

}  // namespace

const ResponseAttribute* FixtureEntity::Find(Tag tag) const {
  for (const auto& a : attributes) {
    if (a.tag == tag) return &a;
  }
  return nullptr;
}

std::vector<QueryKey> QueryCase::Identifier() const {
  std::vector<QueryKey> identifier = keys;
  if (level_text != "-") {
    identifier.push_back({kQueryRetrieveLevel, "CS", level_text == "''" ? "" : level_text, {}});
  }
  return identifier;
}

std::string RenderAttribute(const ResponseAttribute& attribute) {
  std::string out;
  if (attribute.vr == "SQ") {
    for (const auto& item : attribute.items) {
      out += '[';
      for (size_t k = 0; k < item.size(); ++k) {
        if (k > 0) out += ';';
        out += KeywordOf(item[k].tag) + "=" + RenderAttribute(item[k]);
      }
      out += ']';
    }
    return out;
  }
  for (size_t k = 0; k < attribute.values.size(); ++k) {
    if (k > 0) out += '\\';
    out += attribute.values[k];
  }
  return out;
}

Result<CaseFile> LoadCaseFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open " + path);
  CaseFile file;
  QueryCase* current = nullptr;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find_first_of(" \t");
    const std::string directive = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : Trim(line.substr(space));
    Status s;
    if (directive == "patient" || directive == "study" || directive == "series" ||
        directive == "instance") {
      const auto parts = Split(line, '|');
      FixtureEntity entity;
      s = ParseFixtureLine(Words(parts[0]), parts, &entity);
      file.fixture.push_back(std::move(entity));
    } else if (directive == "case") {
      file.cases.emplace_back();
      current = &file.cases.back();
      current->name = rest;
      current->line = line_no;
    } else if (current == nullptr) {
      s = Status::InvalidArgument("directive outside a case");
    } else {
      s = ParseCaseLine(directive, rest, current);
    }
    if (!s.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": " + s.message());
    }
  }
  return file;
}

}  // namespace pixeldex::query::testing
