// Part10Header (server/dimse/part10_header.h): the bytes DCMTK's
// DIMSE_createFilestream writes before a received data set, for UIDs and AE
// titles of odd and even length and an empty calling AE title; and a file of
// that header and a data set reads back with those values.

#include "server/dimse/part10_header.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrae.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcvrsh.h>
#include <dcmtk/dcmdata/dcvrui.h>
#include <dcmtk/dcmdata/dcvrul.h>
#include <gtest/gtest.h>

#include <vector>

namespace pixeldex::server {
namespace {

// What DIMSE_createFilestream (dcmnet/libsrc/dimse.cc, DCMTK 3.6.7) writes:
// the same elements put the same way into a DcmMetaInfo, written to memory.
std::string DcmtkHeader(const Part10HeaderFields& f) {
  DcmMetaInfo meta;
  auto* length = new DcmUnsignedLong(DCM_FileMetaInformationGroupLength);
  meta.insert(length, OFTrue);
  length->putUint32(0);
  auto* version = new DcmOtherByteOtherWord(DCM_FileMetaInformationVersion);
  meta.insert(version, OFTrue);
  const Uint8 bytes[2] = {0, 1};
  version->putUint8Array(bytes, 2);
  auto put = [&meta](DcmElement* element, const std::string& value) {
    meta.insert(element, OFTrue);
    element->putString(value.c_str());
  };
  put(new DcmUniqueIdentifier(DCM_MediaStorageSOPClassUID), f.sop_class_uid);
  put(new DcmUniqueIdentifier(DCM_MediaStorageSOPInstanceUID), f.sop_instance_uid);
  put(new DcmUniqueIdentifier(DCM_TransferSyntaxUID), f.transfer_syntax);
  put(new DcmUniqueIdentifier(DCM_ImplementationClassUID), OFFIS_IMPLEMENTATION_CLASS_UID);
  put(new DcmShortString(DCM_ImplementationVersionName), OFFIS_DTK_IMPLEMENTATION_VERSION_NAME2);
  put(new DcmApplicationEntity(DCM_SourceApplicationEntityTitle), f.source_ae_title);
  EXPECT_TRUE(meta.computeGroupLengthAndPadding(EGL_withGL, EPD_noChange, EXS_LittleEndianExplicit,
                                                EET_UndefinedLength)
                  .good());
  std::vector<char> buffer(4096);
  DcmOutputBufferStream out(buffer.data(), buffer.size());
  meta.transferInit();
  EXPECT_TRUE(meta.write(out, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr).good());
  meta.transferEnd();
  void* written = nullptr;
  offile_off_t size = 0;
  out.flushBuffer(written, size);
  return std::string(static_cast<const char*>(written), static_cast<size_t>(size));
}

TEST(Part10Header, IsWhatDcmtkWritesForTheSameRequest) {
  const std::vector<Part10HeaderFields> requests = {
      {UID_CTImageStorage, "1.2.3.4", UID_LittleEndianExplicitTransferSyntax, "MODALITY"},
      {UID_MRImageStorage, "1.2.3.45", UID_JPEG2000TransferSyntax, "ODD"},
      {UID_SecondaryCaptureImageStorage, "1.2.840.99.1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17",
       UID_LittleEndianImplicitTransferSyntax, ""},
      {UID_EnhancedCTImageStorage, "2.25.1", UID_DeflatedExplicitVRLittleEndianTransferSyntax,
       "SIXTEEN_CHARS_AE"},
  };
  for (const auto& request : requests) {
    EXPECT_EQ(Part10Header(request), DcmtkHeader(request))
        << request.sop_instance_uid << " from '" << request.source_ae_title << "'";
  }
}

TEST(Part10Header, ReadsBackWithItsValues) {
  const Part10HeaderFields fields{UID_CTImageStorage, "1.2.3.4.5",
                                  UID_LittleEndianExplicitTransferSyntax, "SENDER"};
  // One data set element after the header: (0008,0018) UI "1.2.3.4.5" + NUL.
  const std::string element(
      "\x08\x00\x18\x00UI\x0A\x00"
      "1.2.3.4.5\0",
      18);
  const std::string file = Part10Header(fields) + element;
  DcmInputBufferStream in;
  in.setBuffer(file.data(), static_cast<offile_off_t>(file.size()));
  in.setEos();
  DcmFileFormat format;
  format.transferInit();
  ASSERT_TRUE(format.read(in, EXS_Unknown).good());
  format.transferEnd();
  OFString value;
  DcmMetaInfo& meta = *format.getMetaInfo();
  EXPECT_TRUE(meta.findAndGetOFString(DCM_MediaStorageSOPInstanceUID, value).good());
  EXPECT_EQ(value, "1.2.3.4.5");
  EXPECT_TRUE(meta.findAndGetOFString(DCM_TransferSyntaxUID, value).good());
  EXPECT_EQ(value, UID_LittleEndianExplicitTransferSyntax);
  EXPECT_TRUE(meta.findAndGetOFString(DCM_SourceApplicationEntityTitle, value).good());
  EXPECT_EQ(value, "SENDER");
  EXPECT_TRUE(format.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, value).good());
  EXPECT_EQ(value, "1.2.3.4.5");
}

}  // namespace
}  // namespace pixeldex::server
