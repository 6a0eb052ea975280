#include "tests/query/fixture_index.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "catalog/index/schema.h"
#include "catalog/query/attribute_catalog.h"
#include "catalog/query/constraint.h"

namespace pixeldex::query::testing {
namespace {

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

const char* TableOf(QueryLevel level) {
  switch (level) {
    case QueryLevel::kPatient: return "patients";
    case QueryLevel::kStudy: return "studies";
    case QueryLevel::kSeries: return "series";
    case QueryLevel::kImage: return "instances";
  }
  return "";
}

bool IsIntegerColumn(std::string_view column) {
  return column == "se.series_number" || column == "i.instance_number" || column == "i.rows" ||
         column == "i.columns" || column == "i.number_of_frames";
}

}  // namespace

std::string ToDicomJson(const std::vector<ResponseAttribute>& attributes) {
  std::vector<const ResponseAttribute*> sorted;
  for (const auto& a : attributes) sorted.push_back(&a);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->tag < b->tag; });
  std::string out = "{";
  for (size_t k = 0; k < sorted.size(); ++k) {
    const ResponseAttribute& a = *sorted[k];
    if (k > 0) out += ',';
    out += "\"" + a.tag.Hex() + "\":{\"vr\":\"" + a.vr + "\"";
    if (a.vr == "SQ" && !a.items.empty()) {
      out += ",\"Value\":[";
      for (size_t n = 0; n < a.items.size(); ++n) out += (n ? "," : "") + ToDicomJson(a.items[n]);
      out += "]";
    } else if (!a.values.empty()) {
      out += ",\"Value\":[";
      for (size_t n = 0; n < a.values.size(); ++n) {
        if (n > 0) out += ',';
        const std::string& v = a.values[n];
        if (a.vr == "PN") {
          out += "{\"Alphabetic\":" + JsonString(v) + "}";
        } else if (IsNumericVr(a.vr)) {
          out += v;  // PS3.18 F.2.3: numbers as JSON numbers
        } else {
          out += JsonString(v);
        }
      }
      out += "]";
    }
    out += "}";
  }
  return out + "}";
}

Result<TempIndex> TempIndex::Create() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "pixeldex_query_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Status::IoError("mkdtemp failed");
  auto db = index::Db::Open(tmpl + "/index.db", index::Db::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  PIXELDEX_RETURN_IF_ERROR(index::PrepareForWriting(*db));
  return TempIndex(tmpl, std::move(*db));
}

TempIndex::~TempIndex() {
  if (dir_.empty()) return;
  { index::Db closing(std::move(db_)); }  // close before removing the files
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Status LoadFixture(index::Db& db, const std::vector<FixtureEntity>& fixture) {
  std::map<std::string, int64_t> pk_by_label[4];
  std::map<std::string, const FixtureEntity*> entity_by_label[4];
  PIXELDEX_RETURN_IF_ERROR(db.Exec("BEGIN"));
  for (const FixtureEntity& e : fixture) {
    const int level = static_cast<int>(e.level);
    std::vector<std::string> columns;
    std::vector<const ResponseAttribute*> values;
    std::vector<bool> integer;
    for (const AttributeInfo& info : AllAttributes()) {
      if (info.level != e.level || info.column == nullptr) continue;
      const ResponseAttribute* a = e.Find(info.tag);
      if (a == nullptr) continue;
      columns.push_back(std::string(info.column).substr(std::string(info.column).find('.') + 1));
      values.push_back(a);
      integer.push_back(IsIntegerColumn(info.column));
    }
    // A study's copies of its patient's attributes: the study's own value
    // when the fixture gives one (its files say so), else the patient's;
    // its patient's identity (Patient ID, Issuer) always the patient's, as
    // the writer keeps it (patient_identity.h), the defaults below when the
    // patient line has none.
    std::vector<std::string> identity_defaults;
    if (e.level == QueryLevel::kStudy) {
      const auto patient = entity_by_label[0].find(e.parent);
      for (const AttributeInfo& info : AllAttributes()) {
        if (info.study_column == nullptr) continue;
        const std::string column = std::string(info.study_column).substr(3);  // "st."
        const bool identity = info.unique_key || info.tag == Tag{0x0010, 0x0021};
        const ResponseAttribute* a = identity ? nullptr : e.Find(info.tag);
        if (a == nullptr && patient != entity_by_label[0].end()) a = patient->second->Find(info.tag);
        if (a == nullptr) {
          if (identity) identity_defaults.push_back(column);
          continue;
        }
        columns.push_back(column);
        values.push_back(a);
        integer.push_back(false);
      }
    }
    columns.insert(columns.end(), identity_defaults.begin(), identity_defaults.end());
    std::string sql = std::string("INSERT INTO ") + TableOf(e.level) + " (";
    std::string extra;
    switch (e.level) {
      case QueryLevel::kPatient:
        if (!e.Find(kPatientId)) columns.push_back("patient_id");
        if (!e.Find({0x0010, 0x0021})) columns.push_back("issuer_of_patient_id");
        extra = "updated_at";
        break;
      case QueryLevel::kStudy:
        columns.push_back("study_instance_uid");
        extra = "updated_at, patient_pk";
        break;
      case QueryLevel::kSeries:
        columns.push_back("series_instance_uid");
        extra = "updated_at, study_pk";
        break;
      case QueryLevel::kImage:
        columns.push_back("sop_instance_uid");
        if (!e.Find({0x0008, 0x0016})) columns.push_back("sop_class_uid");
        extra = "series_pk, transfer_syntax_uid, path, size_bytes, sha256, received_at, source";
        break;
    }
    std::string placeholders;
    for (size_t k = 0; k < columns.size(); ++k) {
      sql += (k ? ", " : "") + columns[k];
      placeholders += k ? ", ?" : "?";
    }
    sql += ", " + extra + ") VALUES (" + placeholders;
    const size_t extras = std::count(extra.begin(), extra.end(), ',') + 1;
    for (size_t k = 0; k < extras; ++k) sql += ", ?";
    sql += ")";
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    int n = 1;
    for (size_t k = 0; k < values.size(); ++k, ++n) {
      const std::string v = values[k]->values.empty() ? "" : values[k]->values.front();
      if (integer[k]) {
        stmt->Bind(n, v.empty() ? std::optional<int64_t>() : std::optional<int64_t>(std::stoll(v)));
      } else if (columns[k] == "issuer_of_patient_id" || columns[k] == "patient_id") {
        stmt->Bind(n, v);
      } else {
        stmt->BindTextOrNull(n, v);
      }
    }
    // The unique key (and NOT NULL defaults) follow the catalog columns.
    for (size_t k = values.size(); k < columns.size(); ++k, ++n) {
      if (columns[k] == "issuer_of_patient_id") stmt->Bind(n, std::string());
      else if (columns[k] == "sop_class_uid") stmt->Bind(n, "1.2.840.10008.5.1.4.1.1.7");
      else if (e.level == QueryLevel::kStudy && columns[k] == "patient_id") stmt->Bind(n, e.parent);
      else stmt->Bind(n, e.label);
    }
    const std::string now = "2026-01-01T00:00:00Z";
    if (e.level == QueryLevel::kImage) {
      auto parent = pk_by_label[level - 1].find(e.parent);
      if (parent == pk_by_label[level - 1].end()) return Status::InvalidArgument("no parent " + e.parent);
      stmt->Bind(n++, parent->second);
      stmt->Bind(n++, "1.2.840.10008.1.2.1");
      stmt->Bind(n++, e.label + ".dcm");
      stmt->Bind(n++, int64_t{1});
      stmt->Bind(n++, "00");
      stmt->Bind(n++, now);
      stmt->Bind(n++, "import");
    } else {
      stmt->Bind(n++, now);
      if (level > 0) {
        auto parent = pk_by_label[level - 1].find(e.parent);
        if (parent == pk_by_label[level - 1].end()) return Status::InvalidArgument("no parent " + e.parent);
        stmt->Bind(n++, parent->second);
      }
    }
    PIXELDEX_RETURN_IF_ERROR(stmt->Run());
    const int64_t pk = db.LastInsertRowId();
    pk_by_label[level][e.label] = pk;
    entity_by_label[level][e.label] = &e;
    if (e.level == QueryLevel::kImage) {
      // The instance's full header: its own attributes and its ancestors'.
      std::vector<ResponseAttribute> header;
      // The lowest level that gives an attribute (a study's own patient
      // attributes) wins.
      const FixtureEntity* cur = &e;
      std::set<Tag> given;
      for (int l = level; l >= 0 && cur != nullptr; --l) {
        for (const auto& a : cur->attributes) {
          const AttributeInfo* info = FindAttribute(a.tag);
          if (info && info->column == nullptr) continue;  // computed, not stored
          if (given.insert(a.tag).second) header.push_back(a);
        }
        if (l > 0) cur = entity_by_label[l - 1][cur->parent];
      }
      // Unique keys given only as labels.
      const Tag keys[] = {kSopInstanceUid, kSeriesInstanceUid, kStudyInstanceUid, kPatientId};
      cur = &e;
      for (int l = level; l >= 0 && cur != nullptr; --l) {
        if (!cur->Find(keys[3 - l])) header.push_back({keys[3 - l], l == 0 ? "LO" : "UI", {cur->label}, {}});
        if (l > 0) cur = entity_by_label[l - 1][cur->parent];
      }
      auto h = db.Prepare("INSERT INTO headers (instance_pk, json) VALUES (?, ?)");
      if (!h.ok()) return h.status();
      h->Bind(1, pk).Bind(2, ToDicomJson(header));
      PIXELDEX_RETURN_IF_ERROR(h->Run());
    }
  }
  return db.Exec("COMMIT");
}

}  // namespace pixeldex::query::testing
