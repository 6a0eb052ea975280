#include "catalog/query/find_engine.h"

#include <algorithm>

#include "catalog/query/dicom_json.h"

namespace pixeldex::query {
namespace {

std::vector<std::string> SplitSorted(const std::string& text, char separator) {
  std::vector<std::string> values;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t end = std::min(text.find(separator, start), text.size());
    values.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::sort(values.begin(), values.end());
  return values;
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

Result<index::Statement> PrepareFind(index::Db& db, const SqlPlan& plan) {
  auto stmt = db.Prepare(plan.sql);
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

Result<std::optional<FindMatch>> FindCursor::Next() {
  if (done_) return std::optional<FindMatch>();
  auto row = rows_->Step();
  if (!row.ok() || !*row) {
    done_ = true;
    if (!row.ok()) return row.status();
    return std::optional<FindMatch>();
  }
  if (options_.max_results > 0 && returned_ == options_.max_results) {
    // One row more than the limit exists: stop here.
    done_ = true;
    limit_reached_ = true;
    return std::optional<FindMatch>();
  }
  auto match = ReadRow();
  if (!match.ok()) {
    done_ = true;
    return match.status();
  }
  ++returned_;
  return std::optional<FindMatch>(std::move(*match));
}

Result<FindMatch> FindCursor::ReadRow() const {
  FindMatch match;
  match.attributes.reserve(plan_.columns.size() + 2);
  match.attributes.push_back({kSpecificCharacterSet, "CS", {"ISO_IR 192"}, {}});
  match.attributes.push_back({kQueryRetrieveLevel, "CS", {QueryLevelName(request_.level)}, {}});
  for (size_t k = 0; k < plan_.columns.size(); ++k) {
    const ReturnColumn& column = plan_.columns[k];
    const int col = static_cast<int>(k);
    ResponseAttribute attribute{column.tag, column.vr, {}, {}};
    if (!rows_->IsNull(col)) {
      const std::string text = rows_->Text(col);
      switch (column.kind) {
        case ReturnColumn::Kind::kText:
          if (!text.empty()) attribute.values.push_back(text);
          break;
        case ReturnColumn::Kind::kList:
          // The list columns hold DICOM's multi-value form (PS3.5 6.4).
          attribute.values = SplitSorted(text, '\\');
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
    match.attributes.push_back(std::move(attribute));
  }
  std::sort(match.attributes.begin(), match.attributes.end(),
            [](const auto& a, const auto& b) { return a.tag < b.tag; });
  return match;
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
