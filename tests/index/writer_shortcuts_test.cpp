// The index writer's shortcuts for one instance at a time (one sender):
// parent rows that would not change (WriterSql::touch_*) get only their
// updated_at, through no index, while any value the upsert would change,
// whoever wrote the stored one, still goes through the upsert; a job alone
// in its transaction runs without a savepoint, its failure rolling back the
// transaction; and a caller that finds the writer idle commits on its own
// thread.

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "catalog/common/attribute_table.h"
#include "catalog/index/index_writer.h"
#include "catalog/index/schema.h"
#include "catalog/index/sqlite_db.h"
#include "catalog/index/writer_sql.h"
#include "tests/support/index_probe.h"
#include "tests/support/sample_record.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::index {
namespace {

using pixeldex::testing::IndexProbe;
using pixeldex::testing::Row;

constexpr EntityLevel kParentLevels[] = {EntityLevel::kPatient, EntityLevel::kStudy,
                                         EntityLevel::kSeries};

const char* KeyColumn(EntityLevel level) {
  switch (level) {
    case EntityLevel::kPatient: return "patient_pk";
    case EntityLevel::kStudy: return "study_pk";
    default: return "series_pk";
  }
}

// `columns` of the parent row of `level` of the instance ?1.
std::string ParentRowSql(EntityLevel level, const std::string& columns = "*") {
  const std::string key = KeyColumn(level);
  return "SELECT " + columns + " FROM " + EntityTable(level) + " WHERE " + key + " = (SELECT " +
         key + " FROM instance_details WHERE sop_instance_uid = ?1)";
}

class ParentTouchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = IndexWriter::Open(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
  }
  // A connection of its own, as another process (sqlite3, pixeldex delete)
  // would write the same file.
  void ExecElsewhere(const std::string& sql) {
    auto db = Db::Open(path_, Db::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec(sql).ok()) << sql;
  }
  std::vector<Row> ParentRows(const std::string& sop) {
    std::vector<Row> rows;
    for (EntityLevel level : kParentLevels) {
      for (Row& row : probe_.Rows(ParentRowSql(level), {sop})) rows.push_back(std::move(row));
    }
    return rows;
  }
  pixeldex::testing::TempDir dir_;
  std::string path_ = dir_ / "index.db";
  std::unique_ptr<IndexWriter> writer_;
  IndexProbe probe_{path_};
};

// The opcodes of `sql`'s program (SQLite "The Bytecode Engine").
std::vector<std::string> Opcodes(Db& db, const std::string& sql) {
  auto explain = db.Prepare("EXPLAIN " + sql);
  EXPECT_TRUE(explain.ok()) << explain.status().ToString() << "\n" << sql;
  std::vector<std::string> opcodes;
  if (!explain.ok()) return opcodes;
  while (explain->Step()) opcodes.push_back(explain->Text(1));
  return opcodes;
}

bool WritesAnIndex(const std::vector<std::string>& opcodes) {
  for (const std::string& op : opcodes) {
    if (op == "IdxInsert" || op == "IdxDelete") return true;
  }
  return false;
}

TEST(ParentTouchSqlTest, TheTouchWritesNoIndexWhereTheUpsertWritesSome) {
  pixeldex::testing::TempDir dir;
  auto db = Db::Open(dir / "index.db", Db::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(PrepareForWriting(*db).ok());
  const WriterSql& sql = WriterSqlFor(SqlFlavor::kSqlite);
  const std::pair<const std::string*, const std::string*> levels[] = {
      {&sql.touch_patient, &sql.upsert_patient},
      {&sql.touch_study, &sql.upsert_study},
      {&sql.touch_series, &sql.upsert_series}};
  for (const auto& [touch, upsert] : levels) {
    EXPECT_TRUE(WritesAnIndex(Opcodes(*db, *upsert))) << *upsert;
    const std::vector<std::string> touch_ops = Opcodes(*db, *touch);
    EXPECT_FALSE(touch_ops.empty()) << *touch;
    EXPECT_FALSE(WritesAnIndex(touch_ops)) << *touch;
  }
  // PostgreSQL's writer upserts every time.
  EXPECT_TRUE(WriterSqlFor(SqlFlavor::kPostgres).touch_study.empty());
}

TEST_F(ParentTouchTest, AParentThatWouldNotChangeKeepsEveryValueAndGetsItsUpdatedAt) {
  InstanceRecord first = pixeldex::testing::SampleRecord("1.2.3.1");
  first.study.study_description = "Chest";
  first.study.accession_number = "ACC";
  ASSERT_TRUE(writer_->Write(first).ok());
  const std::vector<Row> before = ParentRows("1.2.3.1");
  ASSERT_EQ(before.size(), 3u);
  ExecElsewhere("UPDATE patients SET updated_at = 'then'; UPDATE studies SET updated_at = 'then'; "
                "UPDATE series SET updated_at = 'then'");
  // The same parents; absent values keep the stored ones.
  InstanceRecord second = pixeldex::testing::SampleRecord("1.2.3.2");
  second.study.study_description = "Chest";
  ASSERT_TRUE(writer_->Write(second).ok());
  std::vector<Row> after = ParentRows("1.2.3.2");
  ASSERT_EQ(after.size(), 3u);
  for (EntityLevel level : kParentLevels) {
    EXPECT_EQ(probe_.Count(std::string("SELECT count(*) FROM ") + EntityTable(level) +
                           " WHERE updated_at = 'then'"),
              0)
        << EntityTable(level) << " was not touched";
  }
  // Every column but updated_at as before (the study's count went up by one).
  EXPECT_EQ(probe_.Scalar("SELECT accession_number FROM studies"), "ACC");
  EXPECT_EQ(probe_.Scalar("SELECT number_of_instances FROM studies"), "2");
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(before[i].size(), after[i].size());
    const std::vector<Row> names = probe_.Rows(
        std::string("SELECT name FROM pragma_table_info('") + EntityTable(kParentLevels[i]) + "')");
    for (size_t c = 0; c < before[i].size(); ++c) {
      const std::string& column = names[c][0];
      if (column == "updated_at" || column == "number_of_instances") continue;
      EXPECT_EQ(before[i][c], after[i][c]) << EntityTable(kParentLevels[i]) << "." << column;
    }
  }
}

// Every typed value of a parent row: a new one is written (the touch does
// not hold), an absent one keeps the stored one (the touch holds).
TEST_F(ParentTouchTest, EveryChangedValueIsWrittenAndEveryAbsentOneKept) {
  int n = 0;
  for (const TypedAttribute& attribute : TypedAttributes()) {
    if (attribute.level == EntityLevel::kInstance) continue;
    if (attribute.not_null) continue;  // a key: another row, not another value
    for (EntityLevel level : kParentLevels) {
      if (!HasColumnAt(attribute, level)) continue;
      SCOPED_TRACE(std::string(EntityTable(level)) + "." + attribute.column);
      const std::string stem = "1.2." + std::to_string(++n);
      InstanceRecord base = pixeldex::testing::SampleRecord(stem + ".1", stem + ".2", stem + ".3",
                                                            "P" + std::to_string(n));
      InstanceRecord changed = base;
      changed.instance.sop_instance_uid = stem + ".4";
      InstanceRecord absent = base;
      absent.instance.sop_instance_uid = stem + ".5";
      const auto set = [&](InstanceRecord& record, bool present, int value) {
        VisitField(attribute, record, [&](auto& field) {
          using T = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<T, std::string>) {
            field = present ? "V" + std::to_string(value) : "";
          } else {
            field = present ? std::optional<int64_t>(value) : std::nullopt;
          }
        });
      };
      set(base, true, 1);
      set(changed, true, 2);
      set(absent, false, 0);
      const std::string column_sql = ParentRowSql(level, attribute.column);
      ASSERT_TRUE(writer_->Write(base).ok());
      const std::string first = probe_.Scalar(column_sql, {stem + ".1"});
      EXPECT_TRUE(first == "V1" || first == "1") << first;
      ASSERT_TRUE(writer_->Write(changed).ok());
      const std::string second = probe_.Scalar(column_sql, {stem + ".4"});
      EXPECT_TRUE(second == "V2" || second == "2") << second;
      ASSERT_TRUE(writer_->Write(absent).ok());
      EXPECT_EQ(probe_.Scalar(column_sql, {stem + ".5"}), second);
    }
  }
  EXPECT_GT(n, 10);
}

// Nothing is remembered between writes: a value another connection (another
// process, another node's tool) wrote since is replaced by the instance's,
// as the upsert always did, and a parent removed since is created again.
TEST_F(ParentTouchTest, RowsWrittenElsewhereSinceAreSeenByTheNextWrite) {
  InstanceRecord first = pixeldex::testing::SampleRecord("1.2.3.1");
  first.study.study_description = "Chest";
  ASSERT_TRUE(writer_->Write(first).ok());
  ExecElsewhere("UPDATE studies SET study_description = 'Other'; "
                "UPDATE series SET study_pk = study_pk, modality = 'MR'");
  InstanceRecord second = pixeldex::testing::SampleRecord("1.2.3.2");
  second.study.study_description = "Chest";
  ASSERT_TRUE(writer_->Write(second).ok());
  EXPECT_EQ(probe_.Rows("SELECT study_description, modalities_in_study FROM studies"),
            (std::vector<Row>{{"Chest", "CT"}}));
  EXPECT_EQ(probe_.Scalar("SELECT modality FROM series"), "CT");

  ASSERT_TRUE(writer_->Remove("1.2.3.1").ok());
  ASSERT_TRUE(writer_->Remove("1.2.3.2").ok());
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies"), 0);
  ASSERT_TRUE(writer_->Write(pixeldex::testing::SampleRecord("1.2.3.3")).ok());
  EXPECT_EQ(probe_.Rows("SELECT patient_id, study_instance_uid, series_instance_uid FROM "
                        "instance_details"),
            (std::vector<Row>{{"P1", "1.2.1", "1.2.2"}}));
}

// Without a savepoint of its own, a job that fails once it has written
// rows (its parents, before its instance row) leaves none of them: the
// transaction is rolled back, the job fails with its own error, and the
// writer goes on.
TEST_F(ParentTouchTest, AJobAloneThatFailsHalfwayLeavesNoRows) {
  ASSERT_TRUE(writer_->Write(pixeldex::testing::SampleRecord("1.2.3.1")).ok());
  ExecElsewhere("CREATE TRIGGER refuse_9 BEFORE INSERT ON instances "
                "WHEN NEW.sop_instance_uid = '9.3' BEGIN SELECT RAISE(ABORT, 'refused'); END");
  InstanceRecord refused = pixeldex::testing::SampleRecord("9.3", "9.2", "9.1", "P9");
  refused.study.study_description = "New";
  Result<WriteOutcome> written = writer_->Write(refused);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.status().message().find("refused"), std::string::npos)
      << written.status().ToString();
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM patients WHERE patient_id = 'P9'"), 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM studies WHERE study_instance_uid = '9.1'"), 0);
  EXPECT_EQ(probe_.Count("SELECT count(*) FROM series WHERE series_instance_uid = '9.2'"), 0);
  // The same parents as the first instance, and the removal of one that is
  // not there: answered as before.
  ASSERT_TRUE(writer_->Write(pixeldex::testing::SampleRecord("1.2.3.2")).ok());
  EXPECT_EQ(writer_->Remove("7.7").code(), Status::Code::kNotFound);
  EXPECT_EQ(probe_.Rows("SELECT count(*), min(number_of_instances) FROM studies"),
            (std::vector<Row>{{"1", "2"}}));
}

// One sender: nothing committing, nothing queued, so the caller commits
// its own job (no hand-off to the writer thread and back); its answer is
// the same.
TEST(WriterCallerCommitTest, AWriteFindingTheWriterIdleIsCommittedOnTheCallersThread) {
  pixeldex::testing::TempDir dir;
  std::thread::id applied_on;
  IndexWriterOptions options;
  options.before_apply = [&] { applied_on = std::this_thread::get_id(); };
  auto writer = IndexWriter::Open(dir / "index.db", options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  Result<WriteOutcome> written = (*writer)->Write(pixeldex::testing::SampleRecord("1.2.3.1"));
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_GT(written->instance_pk, 0);
  EXPECT_EQ(applied_on, std::this_thread::get_id());
  EXPECT_EQ((*writer)->stats().transactions, 1u);
  EXPECT_EQ(IndexProbe(dir / "index.db").Count("SELECT count(*) FROM instances"), 1);
}

}  // namespace
}  // namespace pixeldex::index
