#include "catalog/query/retrieve_request.h"

#include "catalog/query/attribute_catalog.h"
#include "catalog/query/constraint.h"
#include "catalog/query/find_request.h"
#include "catalog/query/sql_plan.h"

namespace pixeldex::query {

Result<FindRequest> MakeRetrieveRequest(InformationModel model, std::vector<QueryKey> identifier) {
  // The C-FIND rules cover the level, keys below it and single-valued unique
  // keys above it.
  auto request = MakeFindRequest(model, std::move(identifier));
  if (!request.ok()) return request.status();
  const Tag level_key = UniqueKeyOf(request->level);
  const AttributeInfo* level_info = FindAttribute(level_key);
  std::vector<QueryKey> unique_keys;
  bool has_level_key = false;
  for (QueryKey& key : request->keys) {
    const AttributeInfo* info = FindAttribute(key.tag);
    if (info == nullptr || !info->unique_key) continue;  // not used for matching
    if (key.tag == level_key) {
      // PS3.4 C.4.2.2.1: a single value or a list of values; never universal
      // and never a wildcard (which would turn a retrieve into a search).
      const std::string_view v = TrimValue(key.vr, key.value);
      if (v.empty() || v.find_first_of("*?") != std::string_view::npos) {
        return Status::InvalidArgument(std::string(level_info->keyword) +
                                       " must name the entities to retrieve, not '" +
                                       std::string(v) + "'");
      }
      has_level_key = true;
    }
    unique_keys.push_back(std::move(key));
  }
  if (!has_level_key) {
    return Status::InvalidArgument(std::string(level_info->keyword) + " is missing for level " +
                                   QueryLevelName(request->level));
  }
  request->keys = std::move(unique_keys);
  return request;
}

Result<std::vector<RetrieveInstance>> ListRetrieveInstances(IndexReader& reader,
                                                            const FindRequest& request) {
  auto plan = BuildInstanceListPlan(request, reader.dialect());
  if (!plan.ok()) return plan.status();
  auto rows = reader.Open(*plan, ReadWatch{});
  if (!rows.ok()) return rows.status();
  index::RowCursor& row = **rows;
  std::vector<RetrieveInstance> instances;
  for (;;) {
    auto more = row.Step();
    if (!more.ok()) return more.status();
    if (!*more) return instances;
    instances.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3)});
  }
}

}  // namespace pixeldex::query
