// EncodeFindResponseCommand (server/find/pending_response_writer.h): the
// command set of a pending C-FIND-RSP (PS3.7 9.3.2.2, E.1), in Implicit VR
// Little Endian with a Command Group Length that counts the bytes after it
// (PS3.7 6.3.1), reads back with DcmDataset to the values DCMTK's
// DIMSE_sendFindResponse puts.

#include "server/find/pending_response_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

namespace pixeldex::server {
namespace {

TEST(PendingResponseWriterTest, EncodesTheCommandSetOfAPendingFindResponse) {
  for (const std::string& uid : {std::string(UID_FINDStudyRootQueryRetrieveInformationModel),
                                std::string(UID_FINDPatientRootQueryRetrieveInformationModel)}) {
    SCOPED_TRACE(uid);
    const std::string bytes = EncodeFindResponseCommand(uid, 0x1234, 0xFF01);
    ASSERT_EQ(bytes.size() % 2, 0u);
    DcmDataset command;
    DcmInputBufferStream stream;
    stream.setBuffer(bytes.data(), bytes.size());
    stream.setEos();
    command.transferInit();
    ASSERT_TRUE(command.read(stream, EXS_LittleEndianImplicit, EGL_withGL).good());
    command.transferEnd();
    ASSERT_EQ(command.card(), 6u);

    Uint32 group_length = 0;
    ASSERT_TRUE(command.findAndGetUint32(DCM_CommandGroupLength, group_length).good());
    EXPECT_EQ(group_length, bytes.size() - 12);  // the (0000,0000) element is 12 bytes
    OFString sop_class;
    ASSERT_TRUE(command.findAndGetOFString(DCM_AffectedSOPClassUID, sop_class).good());
    EXPECT_EQ(sop_class, uid.c_str());
    Uint16 value = 0;
    ASSERT_TRUE(command.findAndGetUint16(DCM_CommandField, value).good());
    EXPECT_EQ(value, 0x8020);
    ASSERT_TRUE(command.findAndGetUint16(DCM_MessageIDBeingRespondedTo, value).good());
    EXPECT_EQ(value, 0x1234);
    ASSERT_TRUE(command.findAndGetUint16(DCM_CommandDataSetType, value).good());
    EXPECT_NE(value, 0x0101);  // a data set follows
    ASSERT_TRUE(command.findAndGetUint16(DCM_Status, value).good());
    EXPECT_EQ(value, 0xFF01);
  }
}

}  // namespace
}  // namespace pixeldex::server
