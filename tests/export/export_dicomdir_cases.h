#pragma once
// `pixeldex export --dicomdir`, the real binary: the DICOMDIR it writes is
// read back with DCMTK's DcmDicomDir; it references every exported file by
// a File ID of upper-case components of at most 8 characters (PS3.10 8.2),
// each referenced file exists and holds the instance its record names, and
// the records form the patient/study/series/image hierarchy. An instance in
// a transfer syntax STD-GEN-CD does not allow is exported but listed as not
// in the DICOMDIR, with exit status 1.
//
// The cases run on either index (ArchiveTest): export_dicomdir_e2e_test.cpp instantiates them on
// SQLite, tests/postgres/pg_thumbnail_export_e2e_test on PostgreSQL.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdicdir.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "tests/export/export_archive.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

// Referenced File ID ('/'-separated) -> Referenced SOP Instance UID in File,
// for every IMAGE record under `record`; `types` collects the record types
// met at each depth.
void CollectImages(DcmDirectoryRecord* record, int depth, std::map<std::string, std::string>* out,
                   std::map<int, std::set<std::string>>* types) {
  for (unsigned long i = 0; i < record->cardSub(); ++i) {
    DcmDirectoryRecord* sub = record->getSub(i);
    OFString type;
    sub->findAndGetOFString(DCM_DirectoryRecordType, type);
    (*types)[depth].insert(type.c_str());
    OFString id, uid;
    if (sub->findAndGetOFStringArray(DCM_ReferencedFileID, id).good()) {
      sub->findAndGetOFString(DCM_ReferencedSOPInstanceUIDInFile, uid);
      std::string path = id.c_str();
      std::replace(path.begin(), path.end(), '\\', '/');
      (*out)[path] = uid.c_str();
    }
    CollectImages(sub, depth + 1, out, types);
  }
}

std::string SopInstanceUidOf(const std::string& path) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good()) << path;
  OFString uid;
  file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

class ExportDicomDirTest : public ArchiveTest {};

TEST_P(ExportDicomDirTest, EveryExportedFileIsReferencedByAValidFileId) {
  Import(TwoCtsAndAnMr("PID-DIR", "1.2.826.0.1.3680043.10.1234.941"));
  const std::string out = archive_.Path("cd");
  auto result = archive_.Export({"--where", "true", "--out", out, "--dicomdir"});
  ASSERT_EQ(result.exit_code, 0) << result.output;

  DcmDicomDir dicomdir((out + "/DICOMDIR").c_str());
  ASSERT_TRUE(dicomdir.error().good()) << dicomdir.error().text();
  std::map<std::string, std::string> images;
  std::map<int, std::set<std::string>> types;
  CollectImages(&dicomdir.getRootRecord(), 0, &images, &types);
  EXPECT_EQ(types[0], std::set<std::string>{"PATIENT"});
  EXPECT_EQ(types[1], std::set<std::string>{"STUDY"});
  EXPECT_EQ(types[2], std::set<std::string>{"SERIES"});
  EXPECT_EQ(types[3], std::set<std::string>{"IMAGE"});
  ASSERT_EQ(images.size(), 3u);
  const std::regex file_id("DICOM(/[A-Z0-9_]{1,8}){4}");
  std::set<std::string> uids;
  for (const auto& [path, uid] : images) {
    EXPECT_TRUE(std::regex_match(path, file_id)) << path;
    ASSERT_TRUE(fs::is_regular_file(out + "/" + path)) << path;
    EXPECT_EQ(SopInstanceUidOf(out + "/" + path), uid);
    uids.insert(uid);
  }
  EXPECT_EQ(uids,
            (std::set<std::string>{instances_[0].sop_instance_uid, instances_[1].sop_instance_uid,
                                   instances_[2].sop_instance_uid}));
  // The manifest names the same files.
  const std::string manifest = ReadFileBytes(out + "/manifest.csv");
  for (const auto& [path, uid] : images) EXPECT_NE(manifest.find(path), std::string::npos);

  // Run again: everything is complete, and the DICOMDIR still lists it all.
  auto again = archive_.Export({"--where", "true", "--out", out, "--dicomdir"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("3 already complete"), std::string::npos) << again.output;
  DcmDicomDir reread((out + "/DICOMDIR").c_str());
  std::map<std::string, std::string> images_again;
  CollectImages(&reread.getRootRecord(), 0, &images_again, &types);
  EXPECT_EQ(images_again, images);

  EXPECT_EQ(archive_.Export({"--where", "true", "--zip", out + ".zip", "--dicomdir"}).exit_code, 2);
  EXPECT_EQ(archive_.Export({"--where", "true", "--out", out, "--dicomdir", "--layout", "tree"})
                .exit_code,
            2);
}

TEST_P(ExportDicomDirTest, AFileOutsideTheProfilesTransferSyntaxIsListedNotReferenced) {
  Import(TwoCtsAndAnMr("PID-DIR2", "1.2.826.0.1.3680043.10.1234.942"),
         [](size_t i, const std::string& path) {
           if (i != 2) return;
           DcmFileFormat file;
           ASSERT_TRUE(file.loadFile(path.c_str()).good());
           ASSERT_TRUE(file.saveFile((path + ".tmp").c_str(), EXS_LittleEndianImplicit).good());
           fs::rename(path + ".tmp", path);
         });
  const std::string out = archive_.Path("cd");
  auto result = archive_.Export({"--where", "true", "--out", out, "--dicomdir"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("not in the DICOMDIR"), std::string::npos) << result.output;
  DcmDicomDir dicomdir((out + "/DICOMDIR").c_str());
  std::map<std::string, std::string> images;
  std::map<int, std::set<std::string>> types;
  CollectImages(&dicomdir.getRootRecord(), 0, &images, &types);
  EXPECT_EQ(images.size(), 2u);
  EXPECT_EQ(ExportArchive::FilesBelow(out).size(), 3u + 2u + 1u)  // files, manifests, DICOMDIR
      << "the refused file is still exported";
}

}  // namespace
}  // namespace pixeldex::testing
