#pragma once
// RecordStatements: the prepared statements that turn one InstanceRecord into
// rows, and their inverse. The typed columns come from the attribute table
// (attribute_columns.h). Must be called inside a transaction on the writer's
// connection; owned by SqliteIndexBackend and used only on the writer's
// thread. The SQL is WriterSql's (writer_sql.h).

#include <optional>
#include <string>

#include "catalog/common/instance_record.h"
#include "catalog/common/result.h"
#include "catalog/index/attribute_columns.h"
#include "catalog/index/index_backend.h"
#include "catalog/index/sqlite_db.h"

namespace pixeldex::index {

class RecordStatements {
 public:
  static Result<RecordStatements> Prepare(Db& db);

  Result<std::optional<StoredInstance>> Find(const std::string& sop_instance_uid);
  // Creates or updates the record's patient, study and series (`now`, the
  // ISO timestamp, stored as updated_at); returns the series' key. A row
  // that already holds the record's values only gets its updated_at
  // (WriterSql::touch_*): the same row as the upsert's, without rewriting
  // the entries of its indexes.
  Result<int64_t> UpsertParents(const InstanceRecord& record, const std::string& now);
  // Inserts the record's instance, header and thumbnail rows into the series
  // `series_pk`; returns the instance's key.
  Result<int64_t> InsertInstance(const InstanceRecord& record, int64_t series_pk);
  // Deletes the instance's rows (header and thumbnail cascade).
  Status DeleteInstanceRow(const StoredInstance& stored);
  // Deletes the instance's former series, study and patient if left empty.
  Status DeleteEmptyParents(const StoredInstance& stored);

 private:
  RecordStatements() = default;
  Result<int64_t> UpsertPatient(const InstanceRecord& r, const std::string& now);
  Result<int64_t> UpsertStudy(const InstanceRecord& r, int64_t patient_pk, const std::string& now);
  Result<int64_t> UpsertSeries(const InstanceRecord& r, int64_t study_pk, const std::string& now);
  Result<int64_t> InsertInstanceRow(const InstanceRecord& r, int64_t series_pk);

  using Which = AttributeColumns::Which;
  AttributeColumns patient_columns_{EntityLevel::kPatient, Which::kAll};
  AttributeColumns patient_values_{EntityLevel::kPatient, Which::kNullable};
  AttributeColumns study_columns_{EntityLevel::kStudy, Which::kAll};
  AttributeColumns series_columns_{EntityLevel::kSeries, Which::kAll};
  AttributeColumns instance_columns_{EntityLevel::kInstance, Which::kAll};

  std::optional<Statement> find_, upsert_patient_, find_anonymous_patient_, update_patient_,
      upsert_study_, upsert_series_, touch_patient_, touch_study_, touch_series_,
      insert_instance_, insert_header_, insert_thumbnail_, delete_instance_,
      delete_empty_series_, delete_empty_study_, delete_empty_patient_;
};

}  // namespace pixeldex::index
