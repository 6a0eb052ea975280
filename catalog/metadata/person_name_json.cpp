#include "catalog/metadata/person_name_json.h"

#include "catalog/common/json_string.h"
#include "catalog/metadata/json_text.h"

namespace pixeldex::metadata {
namespace {

// PS3.18 F.2.2: the names of the component groups, in order.
constexpr const char* kGroupNames[] = {"\"Alphabetic\":\"", "\"Ideographic\":\"",
                                       "\"Phonetic\":\""};
constexpr int kGroupCount = 3;

// A port of the lexer in DCMTK 3.6.7's DcmPersonName::writeJson
// (dcmdata/libsrc/dcvrpn.cc), writing into a string.
class PersonNameLexer {
 public:
  explicit PersonNameLexer(std::string_view text)
      : it_(text.data()), end_(text.data() + text.size()) {}

  // Moves to the next significant character or value delimiter; false at
  // the end unless an empty last value is still to be written.
  bool NextValue() { return Next(Scope::kValue); }

  // The current value: an object of its non-empty groups, or null.
  void WriteValue(std::string& out) {
    trailing_null_ = false;
    if (!Next(Scope::kGroup)) {
      out.append("null");
      return;
    }
    out.push_back('{');
    WriteComponentGroup(out);
    while (Next(Scope::kGroup)) {
      out.push_back(',');
      WriteComponentGroup(out);
    }
    out.push_back('}');
  }

 private:
  void StartValue() {
    pending_components_ = 0;
    group_ = 0;
    trailing_null_ = true;
  }

  // A '=': the next group, or past the third, the rest of this one skipped.
  void NextGroup() {
    if (group_ != kGroupCount - 1) {
      pending_components_ = 0;
      ++group_;
      return;
    }
    while (++it_ != end_ && *it_ != '\\' && *it_ != '=') {
    }
    --it_;
  }

  // DCMTK's nextValue, nextComponentGroup and nextComponent in one: moves
  // to the next significant character, counting empty components and
  // switching groups on the way. Within a group a '\\' or '=' ends the
  // search; within a value a '\\' ends it (and is passed); across values a
  // '\\' starts the next value.
  enum class Scope { kValue, kGroup, kComponent };
  bool Next(Scope scope) {
    for (; it_ != end_; ++it_) {
      switch (*it_) {
        case '\\':
          if (scope == Scope::kComponent) return false;
          if (scope == Scope::kGroup) ++it_;
          StartValue();
          return scope == Scope::kValue;
        case '=':
          if (scope == Scope::kComponent) return false;
          NextGroup();
          break;
        case '^':
          ++pending_components_;
          break;
        case ' ':
          break;
        default:
          return true;
      }
    }
    return scope == Scope::kValue && trailing_null_;
  }

  // The component at it_, after a '^' for each empty one before it, without
  // trailing spaces.
  void WriteComponent(std::string& out) {
    out.append(pending_components_, '^');
    pending_components_ = 0;
    const char* begin = it_;
    while (++it_ != end_ && *it_ != '\\' && *it_ != '=' && *it_ != '^') {
    }
    const char* last = it_ - 1;
    while (*last == ' ') --last;
    AppendJsonEscaped(out, std::string_view(begin, last + 1 - begin));
  }

  void WriteComponentGroup(std::string& out) {
    out.append(kGroupNames[group_]);
    WriteComponent(out);
    while (Next(Scope::kComponent)) WriteComponent(out);
    out.push_back('"');
  }

  const char* it_;
  const char* const end_;
  int group_ = 0;
  unsigned pending_components_ = 0;
  bool trailing_null_ = false;
};

}  // namespace

void AppendPersonNameValue(std::string& out, std::string_view text) {
  PersonNameLexer lexer(text);
  if (!lexer.NextValue()) return;
  out.append(",\"Value\":[");
  lexer.WriteValue(out);
  while (lexer.NextValue()) {
    out.push_back(',');
    lexer.WriteValue(out);
  }
  out.push_back(']');
}

}  // namespace pixeldex::metadata
