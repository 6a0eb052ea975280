#pragma once
// Recognising DICOM files by their content, not their name (archives are full
// of files called "IM0001" or "1.2.840...." without an extension).
//
//   Part-10 file   a 128-byte preamble followed by "DICM" (PS3.10 7.1).
//   raw data set   no preamble and no File Meta Information, only the data
//                  set in Little Endian (Implicit or Explicit VR), as some old
//                  modalities and tools write. Accepted only where that is a
//                  safe guess: the file must start with an element of group
//                  0008 (where every composite instance's first attributes
//                  live: Specific Character Set, Image Type, SOP Class UID),
//                  and the first few elements must parse consistently under
//                  one of the two encodings: a known VR (explicit), tags in
//                  ascending order, lengths that fit in the file. Text, images
//                  in other formats and archives fail this at the first or
//                  second element. DCMTK then reads the file with the
//                  transfer syntax detected (EXS_Unknown).
//   not an instance  a Part-10 file whose File Meta Information names a
//                  Media Storage SOP Class that is not a composite instance
//                  (PS3.10 7.1, PS3.4 Annex F: a DICOMDIR); nothing to catalog,
//                  and no failure either.
//   not DICOM      anything else, including empty files and Big Endian raw
//                  data sets (retired, and too easily confused).
//
// Recognition says nothing about whether the rest of the file is intact: a
// truncated Part-10 file is still recognised, and fails later in ingest.
// Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/common/result.h"

namespace pixeldex::import {

enum class DicomKind { kPart10, kRawDataset, kNotInstance, kNotDicom };

// How many leading bytes ClassifyDicomFile() reads.
inline constexpr size_t kSniffBytes = 1024;

// Classifies a file from its first bytes (`head`, at most kSniffBytes) and
// its total size. For kNotInstance, `what` (when given) receives what the
// file is instead, e.g. "DICOMDIR".
DicomKind ClassifyDicomPrefix(std::string_view head, int64_t file_size,
                              std::string* what = nullptr);

// Reads the first kSniffBytes of `path` and classifies it. IoError when the
// file cannot be opened or read.
Result<DicomKind> ClassifyDicomFile(const std::string& path, std::string* what = nullptr);

// PS3.10 7.1: File Meta Information elements (group 0002).
inline constexpr uint16_t kMediaStorageSopClassUid = 0x0002;
inline constexpr uint16_t kMediaStorageSopInstanceUid = 0x0003;

// The value of File Meta Information element (0002,`element`) of a Part-10
// file whose first bytes are `head` (Explicit VR Little Endian after the
// prefix), trailing NULs and spaces removed; empty when `head` is not a
// Part-10 file's or the element is absent or not wholly within it.
std::string_view FileMetaValue(std::string_view head, uint16_t element);

// Where the File Meta Information of a file whose first bytes are `head`
// ends: the offset of the first element of another group; npos when `head`
// ends before it (or is malformed); 0 when `head` is long enough to show
// it is not a Part-10 file's. FileMetaValue reads nothing beyond it, so the
// bytes before it (and kSniffBytes for ClassifyDicomPrefix) are all a
// caller keeping a file's first bytes for them needs.
size_t FileMetaEnd(std::string_view head);

// "Part-10", "raw data set", "not an instance" or "not DICOM".
const char* DicomKindName(DicomKind kind);

}  // namespace pixeldex::import
