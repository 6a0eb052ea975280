// Header extraction: typed keys, DICOM JSON, character sets.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>
#include <type_traits>

#include "catalog/common/attribute_table.h"
#include "catalog/metadata/metadata_extractor.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::metadata {
namespace {

// Evaluates a JSON function expression over `json` with SQLite, the way an
// analyst would query the index.
std::string JsonEval(const std::string& json, const std::string& expr) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "SELECT " + expr + " FROM (SELECT ?1 AS j)";
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_bind_text(stmt, 1, json.c_str(), -1, SQLITE_TRANSIENT);
  std::string out = "<none>";
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

class MetadataTest : public ::testing::Test {
 protected:
  ExtractedMetadata Extract(const pixeldex::testing::TestInstance& t) {
    const std::string path = dir_ / "x.dcm";
    pixeldex::testing::WriteTestInstance(path, t);
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(path.c_str()).good());
    auto m = ExtractMetadata(file);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : ExtractedMetadata{};
  }
  pixeldex::testing::TempDir dir_;
};

TEST_F(MetadataTest, TypedKeysOfEveryLevel) {
  pixeldex::testing::TestInstance t;
  t.patient_id = "PX";
  t.patient_name = "Doe^Jane";
  t.study_date = "20250101";
  t.accession_number = "ACC9";
  t.modality = "MR";
  t.series_number = 7;
  t.instance_number = 12;
  t.rows = 20;
  t.columns = 30;
  ExtractedMetadata m = Extract(t);
  EXPECT_EQ(m.patient.patient_id, "PX");
  EXPECT_EQ(m.patient.patient_name, "Doe^Jane");
  EXPECT_EQ(m.study.study_instance_uid, t.study_uid);
  EXPECT_EQ(m.study.study_date, "20250101");
  EXPECT_EQ(m.study.accession_number, "ACC9");
  EXPECT_EQ(m.series.series_instance_uid, t.series_uid);
  EXPECT_EQ(m.series.modality, "MR");
  EXPECT_EQ(m.series.series_number, 7);
  EXPECT_EQ(m.instance.sop_instance_uid, t.sop_instance_uid);
  EXPECT_EQ(m.instance.sop_class_uid, t.sop_class_uid);
  EXPECT_EQ(m.instance.instance_number, 12);
  EXPECT_EQ(m.instance.rows, 20);
  EXPECT_EQ(m.instance.columns, 30);
  EXPECT_EQ(m.instance.transfer_syntax_uid, "1.2.840.10008.1.2.1");
  EXPECT_FALSE(m.instance.number_of_frames.has_value());
}

// The extractor reads every entry of the attribute table into its member:
// text as stored, IS parsed from text, US from binary.
TEST_F(MetadataTest, EveryTypedAttributeOfTheTableIsExtracted) {
  DcmFileFormat written;
  int n = 0;
  for (const TypedAttribute& a : TypedAttributes()) {
    ASSERT_TRUE(written.getDataset()
                    ->putAndInsertString(DcmTag(a.group, a.element), std::to_string(++n).c_str())
                    .good())
        << a.keyword;
  }
  const std::string path = dir_ / "every.dcm";
  ASSERT_TRUE(written.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  auto m = ExtractMetadata(file);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  n = 0;
  for (const TypedAttribute& a : TypedAttributes()) {
    ++n;
    VisitField(a, *m, [&](const auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
        EXPECT_EQ(value, std::to_string(n)) << a.keyword;
      } else {
        EXPECT_EQ(value, n) << a.keyword;
      }
    });
  }
}

TEST_F(MetadataTest, HeaderJsonIsValidDicomJsonWithPixelDataAsBulkData) {
  ExtractedMetadata m = Extract({});
  EXPECT_EQ(JsonEval(m.header_json, "json_valid(j)"), "1");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00100010\".vr')"), "PN");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00100010\".Value[0].Alphabetic')"),
            "Doe^John");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00180050\".Value[0]')"), "1.25");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00080008\".Value[2]')"), "AXIAL");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"7FE00010\".BulkDataURI')"),
            "bulkdata/7FE00010");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"7FE00010\".InlineBinary')"), "<none>");
}

TEST_F(MetadataTest, Latin1ValuesAreConvertedToUtf8) {
  pixeldex::testing::TestInstance t;
  t.specific_character_set = "ISO_IR 100";
  t.patient_name = "M\xFCller^J\xFCrgen";  // Müller^Jürgen in ISO 8859-1
  ExtractedMetadata m = Extract(t);
  EXPECT_EQ(m.patient.patient_name, "M\xC3\xBCller^J\xC3\xBCrgen");
  EXPECT_EQ(m.instance.specific_character_set, "ISO_IR 100");
  EXPECT_TRUE(m.warning.empty()) << m.warning;
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00100010\".Value[0].Alphabetic')"),
            "M\xC3\xBCller^J\xC3\xBCrgen");
}

// PS3.5 H.3.2: ISO 2022 IR 13 with ISO 2022 IR 87, decoded in the keys and
// in the DICOM JSON (whose (0008,0005) then says what the values are).
TEST_F(MetadataTest, JapaneseWithCodeExtensionsIsDecoded) {
  pixeldex::testing::TestInstance t;
  t.specific_character_set = "ISO 2022 IR 13\\ISO 2022 IR 87";
  t.patient_name =
      "\xd4\xcf\xc0\xde^\xc0\xdb\xb3="
      "\x1b$B\x3b\x33\x45\x44\x1b(J^\x1b$B\x42\x40\x4f\x3a\x1b(J="
      "\x1b$B\x24\x64\x24\x5e\x24\x40\x1b(J^\x1b$B\x24\x3f\x24\x6d\x24\x26\x1b(J";
  t.study_description = "\x1b$B\x3b\x33\x1b(J CT";
  ExtractedMetadata m = Extract(t);
  EXPECT_EQ(m.patient.patient_name, "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう");
  EXPECT_EQ(m.study.study_description, "山 CT");
  EXPECT_EQ(m.instance.specific_character_set, "ISO 2022 IR 13\\ISO 2022 IR 87");
  EXPECT_TRUE(m.warning.empty()) << m.warning;
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00100010\".Value[0].Ideographic')"),
            "山田^太郎");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00100010\".Value[0].Alphabetic')"),
            "ﾔﾏﾀﾞ^ﾀﾛｳ");
  EXPECT_EQ(JsonEval(m.header_json, "json_extract(j, '$.\"00080005\".Value[0]')"),
            "ISO_IR 192");
}

// PS3.5 6.1.2.5.4 (items): an item may declare its own character set;
// otherwise it inherits the data set's.
TEST_F(MetadataTest, SequenceItemsUseTheirOwnOrTheInheritedCharacterSet) {
  const std::string path = dir_ / "seq.dcm";
  pixeldex::testing::TestInstance t;
  t.specific_character_set = "ISO_IR 100";
  pixeldex::testing::WriteTestInstance(path, t);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  DcmItem* inherits = nullptr;
  DcmItem* own = nullptr;
  DcmDataset& ds = *file.getDataset();
  ASSERT_TRUE(ds.findOrCreateSequenceItem(DCM_OtherPatientIDsSequence, inherits, -2).good());
  ASSERT_TRUE(ds.findOrCreateSequenceItem(DCM_OtherPatientIDsSequence, own, -2).good());
  inherits->putAndInsertString(DCM_PatientID, "J\xe9r\xf4me");
  own->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 126");
  own->putAndInsertString(DCM_PatientID, "\xc4\xe9\xef");
  auto m = ExtractMetadata(file);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(JsonEval(m->header_json, "json_extract(j, '$.\"00101002\".Value[0].\"00100020\".Value[0]')"),
            "Jérôme");
  EXPECT_EQ(JsonEval(m->header_json, "json_extract(j, '$.\"00101002\".Value[1].\"00100020\".Value[0]')"),
            "Διο");
}

}  // namespace
}  // namespace pixeldex::metadata
