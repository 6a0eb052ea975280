#include "catalog/query/find_request.h"

#include <string>

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/constraint.h"

namespace pixeldex::query {
namespace {

std::string Describe(Tag tag) {
  const AttributeInfo* info = FindAttribute(tag);
  return info ? std::string(info->keyword) + " " + tag.ToString() : tag.ToString();
}

}  // namespace

Result<QueryLevel> ParseQueryLevel(InformationModel model, std::string_view text) {
  text = TrimValue("CS", text);
  for (QueryLevel level : {QueryLevel::kPatient, QueryLevel::kStudy, QueryLevel::kSeries,
                           QueryLevel::kImage}) {
    if (text != QueryLevelName(level)) continue;
    if (level < TopLevel(model)) break;  // PS3.4 C.6.2.1.1: no PATIENT in Study Root
    return level;
  }
  return Status::InvalidArgument("Query/Retrieve Level (0008,0052) '" + std::string(text) +
                                 "' is not valid for the " + InformationModelName(model) +
                                 " information model");
}

Result<FindRequest> MakeFindRequest(InformationModel model, std::vector<QueryKey> identifier,
                                    bool combined_datetime) {
  FindRequest request;
  request.model = model;
  request.combined_datetime = combined_datetime;
  const QueryKey* level_key = nullptr;
  for (const QueryKey& key : identifier) {
    if (key.tag == kQueryRetrieveLevel) level_key = &key;
  }
  if (level_key == nullptr) {
    return Status::InvalidArgument("Query/Retrieve Level (0008,0052) is missing");
  }
  auto level = ParseQueryLevel(model, level_key->value);
  if (!level.ok()) return level.status();
  request.level = *level;

  for (QueryKey& key : identifier) {
    if (key.tag == kQueryRetrieveLevel || key.tag == kSpecificCharacterSet) continue;
    if (key.tag.group == 0x0000 || key.tag.group == 0x0002) continue;  // not identifier data
    if (const AttributeInfo* info = FindAttribute(key.tag)) {
      const QueryLevel key_level = LevelInModel(*info, model);
      // PS3.4 C.4.1.2.1: an identifier holds no keys below the query level.
      if (key_level > request.level) {
        return Status::InvalidArgument(
            Describe(key.tag) + " is a " + QueryLevelName(key_level) +
            " level key, below the Query/Retrieve Level " + QueryLevelName(request.level));
      }
      // PS3.4 C.4.1.2.1: unique keys above the query level hold a single value.
      if (info->unique_key && key_level < request.level) {
        const std::string_view v = TrimValue(key.vr, key.value);
        if (v.find_first_of("\\*?") != std::string_view::npos) {
          return Status::InvalidArgument("unique key " + Describe(key.tag) +
                                         " above the query level must hold a single value, not '" +
                                         std::string(v) + "'");
        }
      }
    }
    auto parsed = ParseConstraint(key, FindOptions{});
    if (!parsed.ok()) {
      return Status::InvalidArgument(Describe(key.tag) + ": " + parsed.status().message());
    }
    request.keys.push_back(std::move(key));
  }
  return request;
}

}  // namespace pixeldex::query
