#include "catalog/index/row_cursor.h"

namespace pixeldex::index {

Result<bool> SqliteRowCursor::Step() {
  if (statement_.Step()) return true;
  PIXELDEX_RETURN_IF_ERROR(statement_.status());
  return false;
}

}  // namespace pixeldex::index
