#pragma once
// SyntheticArchive: a deterministic, realistic-looking archive of N instances
// for the C-FIND benchmark. Every value is a pure function of N and an index,
// so the index builder and the query tools (in-process and over the network)
// agree on which patients, studies, dates and UIDs exist without sharing
// anything but N.
//
// Shape: studies of 5 series x 10 instances (the last study may be short);
// about two studies per patient (a hashed patient assignment, so some
// patients have one study and some four or more); Modality per study CT 40%,
// MR 25%, CR 25%, US 10%; StudyDate uniform over 2016-01-01..2025-12-31;
// PatientName SURNAME^GIVEN from 100 surnames x 100 given names (uniform).
// Header JSON is real-shaped compact DICOM JSON (about 1 KB, PS3.18 F.2).
// Thumbnails are absent; the files named by `path` do not exist.

#include <cstdint>
#include <string>

#include "catalog/common/instance_record.h"

namespace pixeldex::bench {

class SyntheticArchive {
 public:
  static constexpr int64_t kSeriesPerStudy = 5;
  static constexpr int64_t kInstancesPerSeries = 10;
  static constexpr int64_t kInstancesPerStudy = kSeriesPerStudy * kInstancesPerSeries;

  explicit SyntheticArchive(int64_t instances);

  int64_t instances() const { return instances_; }
  int64_t studies() const { return studies_; }
  int64_t patients() const { return patients_; }

  // The record of instance `i` in [0, instances()).
  InstanceRecord Record(int64_t i) const;

  // Study-level facts of study `s` in [0, studies()).
  int64_t PatientOf(int64_t s) const;
  std::string PatientId(int64_t p) const;
  std::string PatientName(int64_t p) const;  // "SURNAME^GIVEN"
  std::string StudyUid(int64_t s) const;
  std::string SeriesUid(int64_t s, int64_t series) const;
  std::string StudyDate(int64_t s) const;  // YYYYMMDD
  std::string AccessionNumber(int64_t s) const;
  std::string Modality(int64_t s) const;

 private:
  int64_t instances_;
  int64_t studies_;
  int64_t patients_;
};

// SplitMix64: the generator's one source of pseudo-randomness.
uint64_t Mix(uint64_t x);

// YYYYMMDD of `days` after 1970-01-01 (proleptic Gregorian).
std::string DicomDate(int64_t days);
// The last day of the month of a YYYYMMDD date, as YYYYMMDD.
std::string LastDayOfMonth(const std::string& yyyymmdd);

}  // namespace pixeldex::bench
