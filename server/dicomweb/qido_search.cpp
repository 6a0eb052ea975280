#include "server/dicomweb/qido_search.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/find_request.h"
#include "server/dicomweb/attribute_id.h"

namespace pixeldex::server {
namespace {

using query::QueryLevel;
using query::Tag;

// PS3.18 Table 10.6.3-3 (Study), less Retrieve URL and Instance Availability.
constexpr Tag kStudyReturnKeys[] = {
    {0x0008, 0x0020}, {0x0008, 0x0030}, {0x0008, 0x0050}, {0x0008, 0x0061},
    {0x0008, 0x0090}, {0x0008, 0x0201}, {0x0010, 0x0010}, {0x0010, 0x0020},
    {0x0010, 0x0030}, {0x0010, 0x0040}, {0x0020, 0x000D}, {0x0020, 0x0010},
    {0x0020, 0x1206}, {0x0020, 0x1208}};
// PS3.18 Table 10.6.3-4 (Series), likewise.
constexpr Tag kSeriesReturnKeys[] = {
    {0x0008, 0x0060}, {0x0008, 0x0201}, {0x0008, 0x103E}, {0x0020, 0x000E},
    {0x0020, 0x0011}, {0x0020, 0x1209}, {0x0040, 0x0244}, {0x0040, 0x0245},
    {0x0040, 0x0275}};
// PS3.18 Table 10.6.3-5 (Instance), likewise.
constexpr Tag kInstanceReturnKeys[] = {
    {0x0008, 0x0016}, {0x0008, 0x0018}, {0x0008, 0x0201}, {0x0020, 0x0013},
    {0x0028, 0x0010}, {0x0028, 0x0011}, {0x0028, 0x0100}, {0x0028, 0x0008}};

// PS3.18 10.6.3.3: a search without a study in its path also returns the
// study attributes; a search of instances without a series in its path also
// returns the series attributes.
std::vector<QueryLevel> ReturnedLevels(const QidoScope& scope) {
  std::vector<QueryLevel> levels = {scope.level};
  if (scope.level == QueryLevel::kImage && scope.series.empty()) levels.push_back(QueryLevel::kSeries);
  if (scope.level != QueryLevel::kStudy && scope.study.empty()) levels.push_back(QueryLevel::kStudy);
  return levels;
}

Result<size_t> ParseCount(const std::string& name, const std::string& text) {
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument(name + " must be a non-negative integer, got '" +
                                   text.substr(0, 32) + "'");
  }
  return value;
}

// The identifier being built: one key per tag, in first-seen order.
class KeySet {
 public:
  // A return key (no value); a key already present keeps its value.
  Status AddReturn(Tag tag, const std::string& vr) {
    if (index_.count(tag) == 0) Append(tag, vr, "");
    return Status::Ok();
  }
  Status AddMatch(Tag tag, const std::string& vr, std::string value, const std::string& name) {
    auto it = index_.find(tag);
    if (it != index_.end() && matched_.count(tag) != 0) {
      return Status::InvalidArgument(name + " is given more than once");
    }
    matched_.insert({tag, true});
    if (it == index_.end()) Append(tag, vr, std::move(value));
    else keys_[it->second].value = std::move(value);
    return Status::Ok();
  }
  std::vector<query::QueryKey> Take() { return std::move(keys_); }

 private:
  void Append(Tag tag, const std::string& vr, std::string value) {
    index_[tag] = keys_.size();
    keys_.push_back({tag, vr, std::move(value), {}});
  }
  std::vector<query::QueryKey> keys_;
  std::map<Tag, size_t> index_;
  std::map<Tag, bool> matched_;
};

Status AddRequiredReturnKeys(const QidoScope& scope, KeySet& keys) {
  for (QueryLevel level : ReturnedLevels(scope)) {
    const Tag* begin = level == QueryLevel::kStudy    ? std::begin(kStudyReturnKeys)
                       : level == QueryLevel::kSeries ? std::begin(kSeriesReturnKeys)
                                                      : std::begin(kInstanceReturnKeys);
    const Tag* end = level == QueryLevel::kStudy    ? std::end(kStudyReturnKeys)
                     : level == QueryLevel::kSeries ? std::end(kSeriesReturnKeys)
                                                    : std::end(kInstanceReturnKeys);
    for (const Tag* tag = begin; tag != end; ++tag) {
      auto id = ResolveAttributeId(tag->Hex());
      if (!id.ok()) return id.status();
      PIXELDEX_RETURN_IF_ERROR(keys.AddReturn(*tag, id->vr));
    }
  }
  return Status::Ok();
}

// includefield=all: every attribute of the catalog at the levels returned.
Status AddAllAttributes(const QidoScope& scope, KeySet& keys) {
  for (const query::AttributeInfo& info : query::AllAttributes()) {
    if (query::LevelInModel(info, query::InformationModel::kStudyRoot) <= scope.level) {
      PIXELDEX_RETURN_IF_ERROR(keys.AddReturn(info.tag, info.vr));
    }
  }
  return Status::Ok();
}

// PS3.18 8.3.4.3 / 10.6.3.3: includefield asks for attributes of the
// entities the search returns; one that belongs below them (Modality in a
// study search: OHIF's study list asks for it, beside ModalitiesInStudy) has
// no single value there, so it is left out rather than refused. (A matching
// key below the level is still 400: it would change what matches.)
bool BelowLevel(const QidoScope& scope, const Tag& tag) {
  const query::AttributeInfo* info = query::FindAttribute(tag);
  return info != nullptr &&
         query::LevelInModel(*info, query::InformationModel::kStudyRoot) > scope.level;
}

}  // namespace

Result<QidoSearch> ParseQidoSearch(const QidoScope& scope, const QueryParams& params) {
  QidoSearch search;
  KeySet keys;
  PIXELDEX_RETURN_IF_ERROR(keys.AddReturn(query::kQueryRetrieveLevel, "CS"));
  if (!scope.study.empty()) {
    PIXELDEX_RETURN_IF_ERROR(
        keys.AddMatch(query::kStudyInstanceUid, "UI", scope.study, "StudyInstanceUID"));
  }
  if (!scope.series.empty()) {
    PIXELDEX_RETURN_IF_ERROR(
        keys.AddMatch(query::kSeriesInstanceUid, "UI", scope.series, "SeriesInstanceUID"));
  }
  bool seen_limit = false, seen_offset = false, seen_fuzzy = false;
  for (const auto& [name, value] : params) {
    if (name == "limit" || name == "offset") {
      bool& seen = name == "limit" ? seen_limit : seen_offset;
      if (seen) return Status::InvalidArgument(name + " is given more than once");
      seen = true;
      auto count = ParseCount(name, value);
      if (!count.ok()) return count.status();
      if (name == "limit") search.limit = *count;
      else search.offset = *count;
    } else if (name == "fuzzymatching") {
      if (seen_fuzzy || (value != "true" && value != "false")) {
        return Status::InvalidArgument("fuzzymatching must be given once, as true or false");
      }
      seen_fuzzy = true;
      search.fuzzy_matching = value == "true";
    } else if (name == "includefield") {
      for (const std::string& field : SplitValues(value)) {
        if (field == "all") {
          PIXELDEX_RETURN_IF_ERROR(AddAllAttributes(scope, keys));
          continue;
        }
        auto id = ResolveAttributeId(field);
        if (!id.ok()) return Status::InvalidArgument("includefield: " + id.status().message());
        if (BelowLevel(scope, id->tag)) continue;
        PIXELDEX_RETURN_IF_ERROR(keys.AddReturn(id->tag, id->vr));
      }
    } else {
      auto id = ResolveAttributeId(name);
      if (!id.ok()) return id.status();
      if (id->vr == "SQ") {
        return Status::InvalidArgument(name + ": matching on sequences is not supported");
      }
      if ((id->tag == query::kStudyInstanceUid && !scope.study.empty()) ||
          (id->tag == query::kSeriesInstanceUid && !scope.series.empty())) {
        return Status::InvalidArgument(name + " is already given by the URL");
      }
      std::string match = value;
      // PS3.18 8.3.4.1: a list of UIDs is separated by commas; C-FIND
      // separates values with backslashes (PS3.4 C.2.2.2.2).
      if (id->vr == "UI") std::replace(match.begin(), match.end(), ',', '\\');
      PIXELDEX_RETURN_IF_ERROR(keys.AddMatch(id->tag, id->vr, std::move(match), name));
    }
  }
  PIXELDEX_RETURN_IF_ERROR(AddRequiredReturnKeys(scope, keys));

  std::vector<query::QueryKey> identifier = keys.Take();
  identifier.front().value = query::QueryLevelName(scope.level);
  auto request = query::MakeFindRequest(query::InformationModel::kStudyRoot, std::move(identifier));
  if (!request.ok()) return request.status();
  search.request = std::move(request).value();
  return search;
}

}  // namespace pixeldex::server
