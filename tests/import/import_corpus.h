#pragma once
// ImportCorpus: a generated folder tree to import, shaped like a real export:
// patient/study/series folders, extension-less file names, a mix of Explicit
// and Implicit VR Part-10 files and raw data sets, and (on request) files that
// are not DICOM or are broken. Everything is built in code by DCMTK.

#include <dcmtk/dcmdata/dcxfer.h>

#include <string>
#include <vector>

#include "tests/support/dicom_factory.h"

namespace pixeldex::testing {

struct CorpusShape {
  int studies = 3;
  int series_per_study = 2;
  int instances_per_series = 4;
  // Every n-th instance is written as a raw data set (no preamble, no File
  // Meta Information); 0 for none.
  int raw_every = 5;
  bool add_not_dicom = true;  // text, empty, PNG-like and short files
  bool add_broken = true;     // 3: Part-10 files cut short (2), a data set without UIDs
};

struct ImportCorpus {
  std::vector<TestInstance> instances;  // the valid ones
  std::vector<std::string> paths;       // their files, same order
  std::vector<std::string> not_dicom;   // files that must be counted "not DICOM"
  std::vector<std::string> broken;      // files that must be counted "failed"
};

// Writes the corpus below `root` (created if missing). Throws on failure.
ImportCorpus MakeImportCorpus(const std::string& root, const CorpusShape& shape = {});

// Writes `instance` as a raw data set: no preamble, no meta header.
void WriteRawDataset(const std::string& path, const TestInstance& instance,
                     E_TransferSyntax xfer = EXS_LittleEndianImplicit);

// Writes `bytes` to `path`, creating parent directories.
void WriteBytes(const std::string& path, const std::string& bytes);

}  // namespace pixeldex::testing
