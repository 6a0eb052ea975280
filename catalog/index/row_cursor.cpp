#include "catalog/index/row_cursor.h"

namespace pixeldex::index {

SqliteRowCursor::~SqliteRowCursor() {
  if (cache_ != nullptr) cache_->Give(std::move(sql_), std::move(statement_));
}

Result<bool> SqliteRowCursor::Step() {
  if (statement_.Step()) return true;
  PIXELDEX_RETURN_IF_ERROR(statement_.status());
  return false;
}

}  // namespace pixeldex::index
