#pragma once
// Generated DICOM test data: small but complete CT-like instances whose every
// identifying value the test chooses, written as Part-10 files with DCMTK.

#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdint>
#include <string>

namespace pixeldex::testing {

struct TestInstance {
  std::string sop_class_uid = "1.2.840.10008.5.1.4.1.1.2";  // CT Image Storage
  std::string sop_instance_uid = "1.2.826.0.1.3680043.10.1234.3.1";
  std::string study_uid = "1.2.826.0.1.3680043.10.1234.1";
  std::string series_uid = "1.2.826.0.1.3680043.10.1234.2";
  std::string patient_id = "PID-1";
  std::string patient_name = "Doe^John";
  std::string birth_date = "19700101";
  std::string sex = "M";
  std::string study_date = "20260115";
  std::string study_time = "101500";
  std::string accession_number = "ACC-1";
  std::string study_description = "CT Chest";
  std::string modality = "CT";
  std::string series_description = "Axial";
  std::string body_part = "CHEST";
  int series_number = 1;
  int instance_number = 1;
  std::string specific_character_set;  // empty: not written
  std::string timezone_offset_from_utc;  // (0008,0201), e.g. "+0100"; empty: not written
  // SOP Instance UID and Study Instance UID written with VR UN (seen in
  // the wild; PS3.5 6.2.2); the meta header still names the instance.
  bool uids_as_un = false;
  uint16_t rows = 16;
  uint16_t columns = 16;
  uint16_t bits_allocated = 16;  // 8 or 16; Bits Stored equals it
  // More than 1: Number of Frames (0028,0008) is written, and the frames
  // follow each other in Pixel Data.
  int number_of_frames = 1;
  // Pixel (f, r, c) = ((f * rows + r) * columns + c) * pixel_step +
  // pixel_offset (unsigned, wrapping at 2^bits_allocated).
  int pixel_step = 1;
  int pixel_offset = 0;
};

// A unique UID below the test root, e.g. UniqueUid("3.") for instances.
std::string UniqueUid(const std::string& suffix_prefix = "");

// Writes `instance` to `path` in `xfer` (uncompressed syntaxes only; use the
// DCMTK command-line tools to compress). Throws std::runtime_error on failure.
void WriteTestInstance(const std::string& path, const TestInstance& instance,
                       E_TransferSyntax xfer = EXS_LittleEndianExplicit);

// Writes `instance` with encapsulated Pixel Data (PS3.5 A.4): one frame whose
// single fragment holds `fragment` verbatim, in the compressed syntax `xfer`
// (e.g. EXS_JPEG2000LosslessOnly, EXS_MPEG2MainProfileAtMainLevel).
void WriteEncapsulatedInstance(const std::string& path, const TestInstance& instance,
                               E_TransferSyntax xfer, const std::string& fragment);

// The bytes of a Part-10 file after its File Meta Information: what a
// receiver must store exactly as sent.
std::string DatasetBytes(const std::string& path);

// Explicit VR Little Endian bytes of an element header with a 4-byte length
// field (VR OB, SQ, UN, ...): for hand-built hostile data sets.
std::string LongElementHeader(uint16_t group, uint16_t element, const char* vr, uint32_t length);

// `depth` Digital Signatures Sequences (FFFA,FFFA: the last tag a data set
// may hold, so this can follow any data set), each the only item of the one
// above, all of undefined length; Explicit VR Little Endian.
std::string NestedSequenceBytes(int depth);

// The whole file's bytes.
std::string ReadFileBytes(const std::string& path);

// The value of `tag` in `item` as DCMTK renders it (values joined by '\\'),
// "" when absent.
std::string DicomString(DcmItem& item, const DcmTagKey& tag);

// Bit rot: changes one byte near the end of `path`, keeping its size and
// modification time. Throws std::runtime_error on failure.
void FlipByteKeepingTimes(const std::string& path);

// A CD folder as a modality burns it: `count` instances as IMG1, IMG2, ...
// in `directory` and a DICOMDIR listing them (PS3.10 8.6, made by DCMTK's
// dcmmkdir); returns the DICOMDIR's path. Throws std::runtime_error on failure.
std::string WriteCdFolder(const std::string& directory, int count);

}  // namespace pixeldex::testing
