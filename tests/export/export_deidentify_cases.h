#pragma once
// `pixeldex export --deidentify`, the real binary, output read back with
// DCMTK: every Table E.1-1 attribute present in the input is removed,
// emptied, made a dummy or replaced as its action says, also inside a
// sequence; private attributes are gone; UIDs map the same with the same key
// on every run and differently with another; Pixel Data is bit-identical;
// burned-in instances are left out; the mapping never lands under --out.
//
// The cases run on either index (ArchiveTest): export_deidentify_e2e_test.cpp instantiates them on
// SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "catalog/deidentify/confidentiality_profile.h"
#include "catalog/deidentify/keyed_pseudonyms.h"
#include "tests/export/export_archive.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;
using deidentify::Action;

constexpr const char* kSentinelUidRoot = "1.2.826.0.1.3680043.10.1234.77.";

// A value for `vr` that is easy to find in the output if it leaks.
std::string Sentinel(const std::string& vr, uint32_t tag) {
  if (vr == "UI") return kSentinelUidRoot + std::to_string(tag);
  if (vr == "DA") return "20010203";
  if (vr == "TM") return "040506";
  if (vr == "DT") return "20010203040506";
  if (vr == "DS") return "42.5";
  if (vr == "IS") return "42";
  if (vr == "AS") return "042Y";
  if (vr == "UR") return "http://ident.example/x";
  static const std::set<std::string> kText = {"AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT"};
  if (!kText.count(vr)) return "";
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08X", tag);
  return std::string("IDENT") + hex;
}

// The string-valued rows of Table E.1-1 that may be in a data set.
std::map<const deidentify::ProfileRow*, std::string> SentinelRows() {
  std::map<const deidentify::ProfileRow*, std::string> rows;
  for (const deidentify::ProfileRow& row : deidentify::ProfileRows()) {
    if (row.mask != 0xFFFFFFFF || (row.tag >> 16) < 0x0008 || (row.tag >> 16) == 0xFFFA) continue;
    const DcmTag tag(row.tag >> 16, row.tag & 0xFFFF);
    const std::string vr = tag.getVR().getValidVRName();
    if (!Sentinel(vr, row.tag).empty()) rows[&row] = vr;
  }
  return rows;
}

void Load(DcmFileFormat& file, const std::string& path) {
  ASSERT_TRUE(file.loadFile(path.c_str()).good()) << path;
}

std::string PixelBytes(DcmDataset& dataset) {
  DcmElement* pixels = nullptr;
  if (dataset.findAndGetElement(DCM_PixelData, pixels).bad()) return "";
  Uint8* bytes = nullptr;
  pixels->getUint8Array(bytes);
  return bytes ? std::string(reinterpret_cast<const char*>(bytes), pixels->getLength()) : "";
}

bool HasPrivate(DcmItem& item) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (element->getTag().isPrivate()) return true;
    if (element->ident() == EVR_SQ) {
      auto* sequence = static_cast<DcmSequenceOfItems*>(element);
      for (unsigned long j = 0; j < sequence->card(); ++j) {
        if (HasPrivate(*sequence->getItem(j))) return true;
      }
    }
  }
  return false;
}

// The values of `column` in a manifest.csv, one per row.
std::vector<std::string> ManifestColumn(const std::string& out, const std::string& column) {
  std::ifstream in(out + "/manifest.csv");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream head(line);
  for (std::string f; std::getline(head, f, ',');) header.push_back(f);
  const size_t at = std::find(header.begin(), header.end(), column) - header.begin();
  std::vector<std::string> values;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::vector<std::string> fields;
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    values.push_back(at < fields.size() ? fields[at] : "");
  }
  return values;
}

class DeidentifyTest : public ArchiveTest {
 protected:
  void SetUp() override {
    TestInstance ct1;
    ct1.patient_id = "PID-SECRET";
    ct1.patient_name = "Secret^Person";
    ct1.study_uid = "1.2.826.0.1.3680043.10.1234.911";
    ct1.series_uid = "1.2.826.0.1.3680043.10.1234.911.1";
    ct1.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.911.1.1";
    TestInstance ct2 = ct1;  // references ct1, carries nested and private data
    ct2.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.911.1.2";
    ct2.instance_number = 2;
    ct2.pixel_offset = 9;
    TestInstance sc = ct1;  // Secondary Capture, Burned In Annotation absent
    sc.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7";
    sc.modality = "OT";
    sc.series_uid = "1.2.826.0.1.3680043.10.1234.911.2";
    sc.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.911.2.1";
    TestInstance burned = ct1;  // CT with Burned In Annotation YES
    burned.series_uid = "1.2.826.0.1.3680043.10.1234.911.3";
    burned.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.911.3.1";
    Import({ct1, ct2, sc, burned}, [&](size_t i, const std::string& path) { Edit(i, path); });
  }

  void Edit(size_t index, const std::string& path) {
    DcmFileFormat file;
    Load(file, path);
    DcmDataset& data = *file.getDataset();
    if (index == 0) {
      for (const auto& [row, vr] : SentinelRows()) {
        const DcmTagKey tag(row->tag >> 16, row->tag & 0xFFFF);
        if (!data.tagExists(tag))
          data.putAndInsertString(DcmTag(tag), Sentinel(vr, row->tag).c_str());
      }
    }
    if (index == 1) {
      DcmItem* reference = nullptr;
      data.findOrCreateSequenceItem(DCM_ReferencedImageSequence, reference, -2);
      reference->putAndInsertString(DCM_ReferencedSOPClassUID, instances_[0].sop_class_uid.c_str());
      reference->putAndInsertString(DCM_ReferencedSOPInstanceUID,
                                    instances_[0].sop_instance_uid.c_str());
      reference->putAndInsertString(DCM_InstitutionName, "IDENT nested institution");
      reference->putAndInsertString(DcmTag(0x0029, 0x0010, EVR_LO), "ACME IDENT");
      reference->putAndInsertString(DcmTag(0x0029, 0x1001, EVR_LO), "IDENT nested private");
      data.putAndInsertString(DcmTag(0x0009, 0x0010, EVR_LO), "ACME IDENT");
      data.putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), "IDENT private");
    }
    if (index == 3) data.putAndInsertString(DCM_BurnedInAnnotation, "YES");
    ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  }

  ProcessResult Deidentify(const std::string& out, const std::string& key,
                           std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"--where",      "true",          "--out", out,
                                     "--deidentify", "--project-key", key};
    args.insert(args.end(), more.begin(), more.end());
    return archive_.Export(args);
  }
  std::string OutputOf(const std::string& out, const std::string& key, size_t i) const {
    const deidentify::KeyedPseudonyms keys(key);
    return out + "/" + keys.Uid(instances_[i].study_uid) + "/" +
           keys.Uid(instances_[i].series_uid) + "/" + keys.Uid(instances_[i].sop_instance_uid) +
           ".dcm";
  }
};

TEST_P(DeidentifyTest, EveryTableAttributeGetsItsActionAndNothingIdentifyingIsLeft) {
  const std::string out = archive_.Path("out");
  auto result = Deidentify(out, "k1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const deidentify::KeyedPseudonyms keys("k1");
  DcmFileFormat file;
  Load(file, OutputOf(out, "k1", 0));
  DcmDataset& data = *file.getDataset();
  int checked = 0;
  for (const auto& [row, vr] : SentinelRows()) {
    const DcmTagKey tag(row->tag >> 16, row->tag & 0xFFFF);
    const std::string input = Sentinel(vr, row->tag);
    const std::string value = DicomString(data, tag);
    const std::string what = std::string(row->keyword) + " (" + row->basic + ")";
    const bool pseudonym = tag == DCM_PatientID || tag == DCM_PatientName;
    switch (deidentify::ResolveAction(*row, {}, vr)) {
      case Action::kRemove:
        EXPECT_FALSE(data.tagExists(tag)) << what;
        break;
      case Action::kEmpty:
        EXPECT_TRUE(data.tagExists(tag)) << what;
        EXPECT_EQ(value, pseudonym ? keys.PatientId(instances_[0].patient_id) : "") << what;
        break;
      case Action::kDummy:
        EXPECT_TRUE(!value.empty() && value != input) << what << " = " << value;
        break;
      case Action::kReplaceUid:
        if (tag == DCM_SOPInstanceUID || tag == DCM_StudyInstanceUID ||
            tag == DCM_SeriesInstanceUID) {
          EXPECT_EQ(value.rfind("2.25.", 0), 0u) << what;
        } else {
          EXPECT_EQ(value, keys.Uid(input)) << what;
        }
        break;
      default:
        ADD_FAILURE() << what << ": unexpected action without options";
    }
    ++checked;
  }
  EXPECT_GT(checked, 250) << "the test must cover most of Table E.1-1";
  EXPECT_EQ(DicomString(data, DCM_PatientIdentityRemoved), "YES");
  EXPECT_NE(DicomString(data, DCM_DeidentificationMethod).find("Basic Application Confidentiality"),
            std::string::npos);

  // Nested: the reference follows the referenced instance's new UID; the
  // nested institution is a dummy; no private attribute anywhere.
  DcmFileFormat second;
  Load(second, OutputOf(out, "k1", 1));
  DcmItem* reference = nullptr;
  ASSERT_TRUE(
      second.getDataset()->findAndGetSequenceItem(DCM_ReferencedImageSequence, reference).good());
  EXPECT_EQ(DicomString(*reference, DCM_ReferencedSOPInstanceUID),
            DicomString(data, DCM_SOPInstanceUID));
  EXPECT_EQ(DicomString(*reference, DCM_InstitutionName), "ANONYMIZED");
  EXPECT_FALSE(HasPrivate(*second.getDataset()));

  // Pixel Data bit for bit.
  for (size_t i : {0u, 1u}) {
    DcmFileFormat source, exported;
    Load(source, archive_.SourceFile(i));
    Load(exported, OutputOf(out, "k1", i));
    const std::string before = PixelBytes(*source.getDataset());
    EXPECT_FALSE(before.empty());
    EXPECT_TRUE(before == PixelBytes(*exported.getDataset())) << "pixel data changed";
  }

  // Nothing identifying in any byte of any output file (manifests included).
  for (const std::string& name : ExportArchive::FilesBelow(out)) {
    const std::string bytes = ReadFileBytes(out + "/" + name);
    for (const char* secret : {"IDENT", kSentinelUidRoot, "PID-SECRET", "Secret^Person", "20010203",
                               "1.2.826.0.1.3680043.10.1234.911", "ACME"}) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << name << " contains " << secret;
    }
  }
}

TEST_P(DeidentifyTest, SameKeySameUidsOnEveryRunAnotherKeyOthers) {
  const std::string a = archive_.Path("a"), b = archive_.Path("b"), c = archive_.Path("c");
  ASSERT_EQ(Deidentify(a, "k1").exit_code, 0);
  ASSERT_EQ(Deidentify(b, "k1", {"--layout", "tree"}).exit_code, 0);
  ASSERT_EQ(Deidentify(c, "k2").exit_code, 0);
  for (const char* column :
       {"study_instance_uid", "series_instance_uid", "sop_instance_uid", "patient_id"}) {
    const auto in_a = ManifestColumn(a, column), in_b = ManifestColumn(b, column),
               in_c = ManifestColumn(c, column);
    ASSERT_EQ(in_a.size(), 2u) << column;
    EXPECT_EQ(in_a, in_b) << column;
    for (size_t i = 0; i < in_a.size(); ++i) EXPECT_NE(in_a[i], in_c[i]) << column;
  }
  DcmFileFormat file;
  Load(file, OutputOf(a, "k1", 0));
  EXPECT_EQ(DicomString(*file.getDataset(), DCM_StudyInstanceUID),
            ManifestColumn(a, "study_instance_uid")[0]);
}

TEST_P(DeidentifyTest, BurnedInIsLeftOutUnlessIncluded) {
  const std::string out = archive_.Path("out"), all = archive_.Path("all");
  auto result = Deidentify(out, "k1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("excluded " + instances_[2].sop_instance_uid), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("excluded " + instances_[3].sop_instance_uid), std::string::npos);
  EXPECT_FALSE(fs::exists(OutputOf(out, "k1", 2)));
  EXPECT_FALSE(fs::exists(OutputOf(out, "k1", 3)));
  EXPECT_EQ(ManifestColumn(out, "sop_instance_uid").size(), 2u);
  auto included = Deidentify(all, "k1", {"--include-burned-in"});
  ASSERT_EQ(included.exit_code, 0) << included.output;
  EXPECT_TRUE(fs::exists(OutputOf(all, "k1", 2)));
  EXPECT_TRUE(fs::exists(OutputOf(all, "k1", 3)));
}

TEST_P(DeidentifyTest, TheMappingIsPrivateAndNeverUnderOut) {
  const std::string out = archive_.Path("out"), mapping = archive_.Path("mapping.csv");
  EXPECT_EQ(Deidentify(out, "k1", {"--mapping", out + "/map.csv"}).exit_code, 2);
  EXPECT_EQ(Deidentify(out, "k1", {"--mapping", out + "/../out/sub/map.csv"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(out));
  auto result = Deidentify(out, "k1", {"--mapping", mapping});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  struct stat st {};
  ASSERT_EQ(::stat(mapping.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = ReadFileBytes(mapping);
  const deidentify::KeyedPseudonyms keys("k1");
  EXPECT_NE(text.find("patient_id,PID-SECRET," + keys.PatientId("PID-SECRET")), std::string::npos)
      << text;
  EXPECT_NE(text.find(instances_[0].study_uid + "," + keys.Uid(instances_[0].study_uid)),
            std::string::npos);
  for (const std::string& name : ExportArchive::FilesBelow(out)) {
    EXPECT_EQ(ReadFileBytes(out + "/" + name).find("PID-SECRET"), std::string::npos) << name;
  }
}

// A compressed transfer syntax: the file is written in it again and the
// encapsulated fragment is the same bytes.
class DeidentifyEncapsulatedTest : public ArchiveTest {};

TEST_P(DeidentifyEncapsulatedTest, CompressedPixelDataStaysBitIdenticalInItsSyntax) {
  TestInstance instance;
  instance.sop_instance_uid = "1.2.826.0.1.3680043.10.1234.931.1.1";
  std::string fragment;
  for (int i = 0; i < 300; ++i) fragment += static_cast<char>((i * 37) & 0xFF);
  Import({instance}, [&](size_t, const std::string& path) {
    WriteEncapsulatedInstance(path, instance, EXS_JPEG2000LosslessOnly, fragment);
  });
  const std::string out = archive_.Path("out");
  auto result =
      archive_.Export({"--where", "true", "--out", out, "--deidentify", "--project-key", "k"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const deidentify::KeyedPseudonyms keys("k");
  DcmFileFormat source, exported;
  Load(source, archive_.SourceFile(0));
  Load(exported, out + "/" + keys.Uid(instance.study_uid) + "/" + keys.Uid(instance.series_uid) +
                     "/" + keys.Uid(instance.sop_instance_uid) + ".dcm");
  EXPECT_EQ(exported.getDataset()->getOriginalXfer(), EXS_JPEG2000LosslessOnly);
  const std::string bytes =
      ReadFileBytes(out + "/" + keys.Uid(instance.study_uid) + "/" + keys.Uid(instance.series_uid) +
                    "/" + keys.Uid(instance.sop_instance_uid) + ".dcm");
  EXPECT_NE(bytes.find(fragment), std::string::npos) << "the fragment is not there verbatim";
  EXPECT_EQ(DicomString(*exported.getDataset(), DCM_PatientIdentityRemoved), "YES");
}

TEST_P(DeidentifyTest, UsageErrorsExitTwo) {
  const std::string out = archive_.Path("out");
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", out, "--deidentify"}).exit_code, 2);
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", out, "--clean-descriptors"}).exit_code, 2);
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", out, "--project-key", "k"}).exit_code, 2);
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", out, "--retain-dates-modified"}).exit_code,
            2);
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace pixeldex::testing
