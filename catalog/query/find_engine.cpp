#include "catalog/query/find_engine.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "catalog/query/dicom_json.h"

namespace pixeldex::query {
namespace {

// The values of a list column (DICOM's multi-value form, PS3.5 6.4), sorted,
// written over `*values` (whose strings are reused).
void SplitSorted(std::string_view text, char separator, std::vector<std::string>* values) {
  size_t count = 0;
  for (size_t start = 0; start <= text.size() && !text.empty(); ++count) {
    const size_t end = std::min(text.find(separator, start), text.size());
    if (count == values->size()) values->emplace_back();
    (*values)[count].assign(text.substr(start, end - start));
    start = end + 1;
  }
  values->resize(count);
  std::sort(values->begin(), values->end());
}

constexpr int kCharacterSetSlot = -2;
constexpr int kLevelSlot = -1;

// `*attribute` holds one value, `text`, reusing its storage.
void SetSingleValue(ResponseAttribute* attribute, std::string_view text) {
  attribute->values.resize(1);
  attribute->values.front().assign(text);
}

// Keeps only the requested keys in each item of a returned sequence (a
// requested but absent key comes back zero-length).
void FilterItems(const std::vector<Tag>& tags, ResponseAttribute* attribute) {
  if (tags.empty()) return;
  for (auto& item : attribute->items) {
    std::vector<ResponseAttribute> kept;
    for (Tag tag : tags) {
      auto it = std::find_if(item.begin(), item.end(), [&](const auto& a) { return a.tag == tag; });
      if (it != item.end()) {
        kept.push_back(std::move(*it));
      } else {
        kept.push_back({tag, "", {}, {}});
      }
    }
    item = std::move(kept);
  }
}

}  // namespace

Result<index::Statement> PrepareFind(index::Db& db, const SqlPlan& plan,
                                     index::StatementCache* cache) {
  auto stmt = cache != nullptr ? cache->Take(db, plan.sql) : db.Prepare(plan.sql);
  if (!stmt.ok()) return Status::Internal("preparing C-FIND query: " + stmt.status().message());
  for (size_t k = 0; k < plan.params.size(); ++k) {
    const SqlParam& p = plan.params[k];
    const int index = static_cast<int>(k + 1);
    if (p.type == SqlParam::Type::kReal) {
      stmt->BindReal(index, p.real);
    } else if (p.type == SqlParam::Type::kInteger) {
      stmt->Bind(index, p.integer);
    } else {
      stmt->Bind(index, p.text);
    }
  }
  return stmt;
}

Result<FindCursor> FindCursor::Open(IndexReader& reader, const FindRequest& request,
                                    const FindOptions& options, const ReadWatch& watch,
                                    const std::optional<FindPage>& page) {
  auto plan = BuildSqlPlan(request, options, reader.dialect(), page);
  if (!plan.ok()) return plan.status();
  auto rows = reader.Open(*plan, watch);
  if (!rows.ok()) return rows.status();
  return FindCursor(std::move(rows).value(), std::move(*plan), request, options);
}

Result<FindCursor> FindCursor::Open(index::Db& db, const FindRequest& request,
                                    const FindOptions& options,
                                    const std::optional<FindPage>& page) {
  SqliteIndexReader reader(db);
  return Open(reader, request, options, ReadWatch{}, page);
}

FindCursor::FindCursor(std::unique_ptr<index::RowCursor> rows, SqlPlan plan, FindRequest request,
                       FindOptions options)
    : rows_(std::move(rows)),
      plan_(std::move(plan)),
      request_(std::move(request)),
      options_(options) {
  // A match's attributes in tag order, decided once: each row's attribute
  // keeps its column's tag (a header attribute is parsed under it too).
  std::vector<std::pair<Tag, int>> order{{kSpecificCharacterSet, kCharacterSetSlot},
                                         {kQueryRetrieveLevel, kLevelSlot}};
  for (size_t k = 0; k < plan_.columns.size(); ++k) {
    order.emplace_back(plan_.columns[k].tag, static_cast<int>(k));
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [tag, slot] : order) slots_.push_back(slot);
}

Result<std::optional<FindMatch>> FindCursor::Next() {
  FindMatch match;
  auto next = Next(&match);
  if (!next.ok()) return next.status();
  if (!*next) return std::optional<FindMatch>();
  return std::optional<FindMatch>(std::move(match));
}

Result<bool> FindCursor::Next(FindMatch* match) {
  if (done_) return false;
  auto row = rows_->Step();
  if (!row.ok() || !*row) {
    done_ = true;
    if (!row.ok()) return row.status();
    return false;
  }
  if (options_.max_results > 0 && returned_ == options_.max_results) {
    // One row more than the limit exists: stop here.
    done_ = true;
    limit_reached_ = true;
    return false;
  }
  if (Status read = ReadRow(match); !read.ok()) {
    done_ = true;
    return read;
  }
  ++returned_;
  return true;
}

Status FindCursor::ReadRow(FindMatch* match) const {
  match->attributes.resize(slots_.size());
  for (size_t s = 0; s < slots_.size(); ++s) {
    ResponseAttribute& attribute = match->attributes[s];
    attribute.items.clear();
    if (slots_[s] == kCharacterSetSlot) {
      attribute.tag = kSpecificCharacterSet;
      attribute.vr = "CS";
      SetSingleValue(&attribute, "ISO_IR 192");
      continue;
    }
    if (slots_[s] == kLevelSlot) {
      attribute.tag = kQueryRetrieveLevel;
      attribute.vr = "CS";
      SetSingleValue(&attribute, QueryLevelName(request_.level));
      continue;
    }
    const ReturnColumn& column = plan_.columns[slots_[s]];
    const int col = slots_[s];
    attribute.tag = column.tag;
    attribute.vr = column.vr;
    if (rows_->IsNull(col)) {
      attribute.values.clear();
      continue;
    }
    const std::string_view text = rows_->TextView(col);
    switch (column.kind) {
      case ReturnColumn::Kind::kText:
        if (text.empty()) {
          attribute.values.clear();
        } else {
          SetSingleValue(&attribute, text);
        }
        break;
      case ReturnColumn::Kind::kList:
        // The list columns hold DICOM's multi-value form (PS3.5 6.4).
        SplitSorted(text, '\\', &attribute.values);
        break;
      case ReturnColumn::Kind::kHeader: {
        auto parsed = ParseDicomJsonAttribute(column.tag, text);
        if (!parsed.ok()) return parsed.status();
        attribute = std::move(*parsed);
        if (attribute.vr.empty()) attribute.vr = column.vr;
        FilterItems(column.item_tags, &attribute);
        break;
      }
    }
  }
  return Status::Ok();
}

Result<FindOutcome> RunFind(index::Db& db, const FindRequest& request,
                            const FindOptions& options,
                            const std::function<bool(const FindMatch&)>& on_match) {
  auto cursor = FindCursor::Open(db, request, options);
  if (!cursor.ok()) return cursor.status();
  FindOutcome outcome;
  outcome.unsupported_matching = cursor->unsupported_matching();
  while (true) {
    auto next = cursor->Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) break;
    ++outcome.matches;
    if (!on_match(**next)) {
      outcome.cancelled = true;
      break;
    }
  }
  outcome.limit_reached = cursor->limit_reached();
  return outcome;
}

}  // namespace pixeldex::query
