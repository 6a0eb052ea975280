#pragma once
// The SQL text of the PostgreSQL index schema's migrations, the PostgreSQL
// twin of catalog/index/schema.cpp: the same tables, columns and views, so
// that the planner, `pixeldex query` and analysts see one catalog whatever
// the backend. The typed DICOM columns come from the one attribute table
// (catalog/common/attribute_table.h), never from a second list. Where the
// engines differ: the header is `jsonb` (with a GIN index for containment
// matching), thumbnails are `bytea`, keys are identity columns, the study
// counts are kept by PL/pgSQL triggers, and the `tags` view's `value` is text
// (PostgreSQL columns have one type). Pure functions; safe from any thread.

#include <string>
#include <vector>

namespace pixeldex::index::postgres {

// Migrations in order: entry k moves the schema from version k to k+1.
// Migrations already shipped never change.
const std::vector<std::string>& PostgresMigrations();

}  // namespace pixeldex::index::postgres
