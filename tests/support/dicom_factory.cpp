#include "tests/support/dicom_factory.h"

#include "tests/support/upper_layer_bytes.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "tests/support/process.h"

namespace pixeldex::testing {

std::string UniqueUid(const std::string& suffix_prefix) {
  static std::atomic<int> counter{0};
  return "1.2.826.0.1.3680043.10.1234.9." + std::to_string(::getpid()) + "." + suffix_prefix +
         std::to_string(++counter);
}

namespace {

// Everything but Pixel Data.
void PutAttributes(DcmDataset* ds, const TestInstance& t) {
  auto put = [&](const DcmTagKey& tag, const std::string& value) {
    if (ds->putAndInsertString(tag, value.c_str()).bad()) {
      throw std::runtime_error("cannot put " + DcmTag(tag).toString() + " = " + value);
    }
  };
  if (!t.specific_character_set.empty()) put(DCM_SpecificCharacterSet, t.specific_character_set);
  put(DCM_SOPClassUID, t.sop_class_uid);
  put(DCM_SOPInstanceUID, t.sop_instance_uid);
  put(DCM_StudyInstanceUID, t.study_uid);
  put(DCM_SeriesInstanceUID, t.series_uid);
  put(DCM_PatientID, t.patient_id);
  put(DCM_PatientName, t.patient_name);
  put(DCM_PatientBirthDate, t.birth_date);
  put(DCM_PatientSex, t.sex);
  put(DCM_StudyDate, t.study_date);
  put(DCM_StudyTime, t.study_time);
  put(DCM_AccessionNumber, t.accession_number);
  if (!t.timezone_offset_from_utc.empty())
    put(DCM_TimezoneOffsetFromUTC, t.timezone_offset_from_utc);
  put(DCM_StudyDescription, t.study_description);
  put(DCM_StudyID, "1");
  put(DCM_ReferringPhysicianName, "Ref^Doctor");
  put(DCM_Modality, t.modality);
  put(DCM_SeriesDescription, t.series_description);
  put(DCM_BodyPartExamined, t.body_part);
  put(DCM_SeriesNumber, std::to_string(t.series_number));
  put(DCM_InstanceNumber, std::to_string(t.instance_number));
  put(DCM_Manufacturer, "pixeldex-tests");
  put(DCM_SliceThickness, "1.25");
  put(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
  ds->putAndInsertUint16(DCM_Rows, t.rows);
  ds->putAndInsertUint16(DCM_Columns, t.columns);
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  put(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_BitsAllocated, t.bits_allocated);
  ds->putAndInsertUint16(DCM_BitsStored, t.bits_allocated);
  ds->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(t.bits_allocated - 1));
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
}

// Re-encodes `tag`'s value with VR UN: the same bytes, padded to even length.
void EncodeAsUn(DcmDataset* ds, const DcmTagKey& tag) {
  const char* value = nullptr;
  ds->findAndGetString(tag, value);
  std::string bytes = value != nullptr ? value : "";
  if (bytes.size() % 2 != 0) bytes.push_back('\0');
  auto* un = new DcmOtherByteOtherWord(DcmTag(tag, EVR_UN));
  un->putUint8Array(reinterpret_cast<const Uint8*>(bytes.data()),
                    static_cast<unsigned long>(bytes.size()));
  ds->insert(un, OFTrue);
}

void Save(DcmFileFormat& file, const std::string& path, E_TransferSyntax xfer) {
  const OFCondition cond = file.saveFile(path.c_str(), xfer);
  if (cond.bad()) throw std::runtime_error("cannot write " + path + ": " + cond.text());
}

}  // namespace

void WriteTestInstance(const std::string& path, const TestInstance& t, E_TransferSyntax xfer) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  PutAttributes(ds, t);
  if (t.uids_as_un) {
    DcmMetaInfo* meta = file.getMetaInfo();
    meta->putAndInsertString(DCM_MediaStorageSOPClassUID, t.sop_class_uid.c_str());
    meta->putAndInsertString(DCM_MediaStorageSOPInstanceUID, t.sop_instance_uid.c_str());
    EncodeAsUn(ds, DCM_SOPInstanceUID);
    EncodeAsUn(ds, DCM_StudyInstanceUID);
  }
  const size_t count = static_cast<size_t>(t.rows) * t.columns * t.number_of_frames;
  if (t.number_of_frames > 1) {
    ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(t.number_of_frames).c_str());
  }
  if (t.bits_allocated == 8) {
    std::vector<Uint8> pixels(count);
    for (size_t i = 0; i < count; ++i) {
      pixels[i] = static_cast<Uint8>(static_cast<int>(i) * t.pixel_step + t.pixel_offset);
    }
    ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(count));
  } else {
    std::vector<Uint16> pixels(count);
    for (size_t i = 0; i < count; ++i) {
      pixels[i] = static_cast<Uint16>(static_cast<int>(i) * t.pixel_step + t.pixel_offset);
    }
    ds->putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(count));
  }
  Save(file, path, xfer);
}

void WriteEncapsulatedInstance(const std::string& path, const TestInstance& t,
                               E_TransferSyntax xfer, const std::string& fragment) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  PutAttributes(ds, t);
  auto* sequence = new DcmPixelSequence(DcmTag(DCM_PixelData, EVR_OB));
  sequence->insert(new DcmPixelItem(DcmTag(DCM_PixelItemTag)));  // empty basic offset table
  auto* item = new DcmPixelItem(DcmTag(DCM_PixelItemTag));
  std::string padded = fragment;
  if (padded.size() % 2 != 0) padded.push_back('\0');
  item->putUint8Array(reinterpret_cast<const Uint8*>(padded.data()),
                      static_cast<unsigned long>(padded.size()));
  sequence->insert(item);
  auto* pixel_data = new DcmPixelData(DCM_PixelData);
  pixel_data->putOriginalRepresentation(xfer, nullptr, sequence);
  ds->insert(pixel_data, OFTrue);
  Save(file, path, xfer);
}

std::string DicomString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string DatasetBytes(const std::string& path) {
  const std::string bytes = ReadFileBytes(path);
  // Preamble (128) + "DICM" (4), then (0002,0000) UL: tag 4, VR 2, length 2,
  // value 4 = the length of the rest of the meta group (PS3.10 7.1).
  constexpr size_t kGroupLengthValue = 132 + 8;
  if (bytes.size() < kGroupLengthValue + 4 || bytes.compare(128, 4, "DICM") != 0) {
    throw std::runtime_error(path + " is not a Part-10 file");
  }
  uint32_t group_length = 0;
  std::memcpy(&group_length, bytes.data() + kGroupLengthValue, 4);
  return bytes.substr(kGroupLengthValue + 4 + group_length);
}


std::string LongElementHeader(uint16_t group, uint16_t element, const char* vr, uint32_t length) {
  return Le16(group) + Le16(element) + vr + std::string(2, '\0') + Le32(length);
}

std::string NestedSequenceBytes(int depth) {
  // PS3.5 7.5: items and delimiters are (FFFE,xxxx) with a 4-byte length.
  const std::string open = LongElementHeader(0xFFFA, 0xFFFA, "SQ", 0xFFFFFFFF) + Le16(0xFFFE) +
                           Le16(0xE000) + Le32(0xFFFFFFFF);
  const std::string close = Le16(0xFFFE) + Le16(0xE00D) + Le32(0) +  // item delimiter
                            Le16(0xFFFE) + Le16(0xE0DD) + Le32(0);   // sequence delimiter
  std::string out;
  out.reserve(static_cast<size_t>(depth) * (open.size() + close.size()));
  for (int i = 0; i < depth; ++i) out += open;
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

void FlipByteKeepingTimes(const std::string& path) {
  struct stat before {};
  if (::stat(path.c_str(), &before) != 0) throw std::runtime_error("cannot stat " + path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-3, std::ios::end);
    const char old = static_cast<char>(f.get());
    f.seekp(-3, std::ios::end);
    f.put(static_cast<char>(old ^ 0x5a));
    if (!f) throw std::runtime_error("cannot change a byte of " + path);
  }
  const timespec times[2] = {before.st_atim, before.st_mtim};
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) {
    throw std::runtime_error("cannot restore the times of " + path);
  }
}

std::string WriteCdFolder(const std::string& directory, int count) {
  std::vector<std::string> argv = {"dcmmkdir", "--invent", "--input-directory", directory,
                                   "--output-file", directory + "/DICOMDIR"};
  for (int i = 1; i <= count; ++i) {
    TestInstance instance;
    instance.sop_instance_uid = UniqueUid("3.");
    instance.instance_number = i;
    const std::string name = "IMG" + std::to_string(i);
    WriteTestInstance(directory + "/" + name, instance);
    argv.push_back(name);
  }
  const ProcessResult made = RunProcess(argv);
  if (made.exit_code != 0) throw std::runtime_error("dcmmkdir failed: " + made.output);
  return directory + "/DICOMDIR";
}

}  // namespace pixeldex::testing
