// The attribute table (catalog/common/attribute_table.h) and the index agree:
// every typed attribute has its column, of its type and nullability, in the
// live schema of a new index and of one migrated from version 1; every other
// column is one the table says it leaves out; and the writer stores each
// attribute's value in its column (and keeps a stored value that a later
// instance lacks).

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "catalog/common/attribute_table.h"
#include "catalog/index/record_statements.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

// The columns that are no typed attribute: keys, bookkeeping, the study
// counts of schema v3, the file facts and provenance, and the two instance
// values that come from elsewhere than the dataset (attribute_table.h).
const std::map<std::string, std::set<std::string>> kOtherColumns = {
    {"patients", {"patient_pk", "updated_at"}},
    {"studies",
     {"study_pk", "patient_pk", "updated_at", "number_of_series", "number_of_instances",
      "modalities_in_study"}},
    {"series", {"series_pk", "study_pk", "updated_at"}},
    {"instances",
     {"instance_pk", "series_pk", "transfer_syntax_uid", "specific_character_set", "path",
      "size_bytes", "sha256", "received_at", "file_mtime", "source", "calling_aet", "called_aet",
      "peer_address"}},
};

struct ColumnInfo {
  std::string type;
  bool not_null = false;
};

class AttributeTableTest : public ::testing::Test {
 protected:
  Db Open() {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return std::move(db).value();
  }

  // PRAGMA table_info of `table`: column name -> declared type, NOT NULL.
  static std::map<std::string, ColumnInfo> Columns(Db& db, const std::string& table) {
    std::map<std::string, ColumnInfo> out;
    auto stmt = db.Prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?1)");
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    stmt->Bind(1, table);
    while (stmt->Step()) out[stmt->Text(0)] = {stmt->Text(1), stmt->Int(2) != 0};
    EXPECT_TRUE(stmt->status().ok()) << stmt->status().ToString();
    return out;
  }

  static void ExpectSchemaMatchesTable(Db& db) {
    for (const auto& [table, others] : kOtherColumns) {
      const auto columns = Columns(db, table);
      ASSERT_FALSE(columns.empty()) << table;
      std::set<std::string> typed;
      for (const TypedAttribute& a : TypedAttributes()) {
        const bool study_copy = table == "studies" && a.copied_to_study;
        if (EntityTable(a.level) != table && !study_copy) continue;
        typed.insert(a.column);
        const auto it = columns.find(a.column);
        ASSERT_NE(it, columns.end()) << a.keyword << ": no column " << table << "." << a.column;
        EXPECT_EQ(it->second.type, a.IsInteger() ? "INTEGER" : "TEXT") << a.keyword;
        EXPECT_EQ(it->second.not_null, a.not_null) << a.keyword;
      }
      for (const auto& [name, info] : columns) {
        EXPECT_TRUE(typed.count(name) || others.count(name))
            << table << "." << name << " is neither a typed attribute nor a known other column";
        EXPECT_FALSE(typed.count(name) && others.count(name)) << table << "." << name;
      }
    }
  }

  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
};

TEST_F(AttributeTableTest, NewSchemaHasAColumnPerTypedAttributeAndNoOther) {
  Db db = Open();
  ASSERT_TRUE(PrepareForWriting(db).ok());
  ExpectSchemaMatchesTable(db);
}

TEST_F(AttributeTableTest, SchemaMigratedFromVersion1HasAColumnPerTypedAttributeAndNoOther) {
  Db db = Open();
  const std::string dump = pixeldex::testing::ReadFileBytes(
      std::string(PIXELDEX_SOURCE_DIR) + "/tests/index/fixtures/schema_v1.sql");
  ASSERT_TRUE(db.Exec(dump).ok());
  ASSERT_TRUE(PrepareForWriting(db).ok());
  ExpectSchemaMatchesTable(db);
}

// Every typed value of `record` set: text "<keyword>-<suffix>", integers
// distinct per attribute (US values fit in 16 bits).
void FillEveryAttribute(InstanceRecord& record, const std::string& suffix, int64_t base) {
  int64_t n = base;
  for (const TypedAttribute& a : TypedAttributes()) {
    VisitField(a, record, [&](auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
        value = std::string(a.keyword) + "-" + suffix;
      } else {
        value = ++n;
      }
    });
  }
}

// Empties every value a later instance may lack (the NOT NULL ones stay).
void ClearNullableAttributes(InstanceRecord& record) {
  for (const TypedAttribute& a : TypedAttributes()) {
    if (a.not_null) continue;
    VisitField(a, record, [](auto& value) { value = {}; });
  }
}

InstanceRecord RecordWithFileFacts(const std::string& sop_instance_uid) {
  InstanceRecord r;
  r.instance.transfer_syntax_uid = "1.2.840.10008.1.2.1";
  r.file.relative_path = sop_instance_uid + ".dcm";
  r.file.size_bytes = 1;
  r.file.sha256 = "00";
  r.file.received_at = "2026-12-05T00:00:00.000Z";
  r.provenance.source = ProvenanceSource::kNetwork;
  return r;
}

// The record's rows, as the writer writes them: parents, then the instance.
Status WriteThroughStatements(RecordStatements& statements, const InstanceRecord& record,
                              const std::string& now) {
  auto series_pk = statements.UpsertParents(record, now);
  if (!series_pk.ok()) return series_pk.status();
  return statements.InsertInstance(record, *series_pk).status();
}

TEST_F(AttributeTableTest, WriterStoresEveryTypedAttributeInItsColumnAndKeepsStoredValues) {
  Db db = Open();
  ASSERT_TRUE(PrepareForWriting(db).ok());
  auto statements = RecordStatements::Prepare(db);
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();

  InstanceRecord first = RecordWithFileFacts("first");
  FillEveryAttribute(first, "1", 100);
  // A second instance of the same patient, study and series without any
  // optional value: the stored values stay.
  InstanceRecord second = RecordWithFileFacts("second");
  FillEveryAttribute(second, "1", 100);
  ClearNullableAttributes(second);
  second.instance.sop_instance_uid = "SOPInstanceUID-2";
  ASSERT_TRUE(db.Exec("BEGIN").ok());
  ASSERT_TRUE(WriteThroughStatements(*statements, first, "2026-12-05T00:00:00Z").ok());
  ASSERT_TRUE(WriteThroughStatements(*statements, second, "2026-12-05T00:00:01Z").ok());
  ASSERT_TRUE(db.Exec("COMMIT").ok());

  for (const TypedAttribute& a : TypedAttributes()) {
    // Its table, and the study's copy of a patient attribute too.
    std::vector<std::string> tables{EntityTable(a.level)};
    if (a.copied_to_study) tables.push_back(EntityTable(EntityLevel::kStudy));
    for (const std::string& table : tables) {
      // The first instance's row (instances), or the one shared row above it.
      const std::string where = a.level == EntityLevel::kInstance ? " WHERE instance_pk = 1" : "";
      auto stmt = db.Prepare(std::string("SELECT ") + a.column + ", count(*) OVER () FROM " +
                             table + where);
      ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
      ASSERT_TRUE(stmt->Step()) << a.keyword << " in " << table;
      EXPECT_EQ(stmt->Int(1), 1) << a.keyword << " in " << table;
      VisitField(a, first, [&](const auto& value) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
          EXPECT_EQ(stmt->Text(0), value) << a.keyword << " in " << table;
        } else {
          EXPECT_EQ(stmt->Int(0), *value) << a.keyword << " in " << table;
        }
      });
    }
  }
}

}  // namespace
}  // namespace pixeldex::index
