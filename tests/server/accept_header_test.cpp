// Accept negotiation for DICOMweb (PS3.18 8.7): media ranges, what they
// accept of multipart/related parts, and the transfer syntax one stored
// instance goes out in.

#include "server/dicomweb/accept_header.h"

#include <gtest/gtest.h>

#include "server/dicomweb/frame_list.h"
#include "server/dicomweb/retrieve_syntax.h"

namespace pixeldex::server {
namespace {

constexpr char kDicom[] = "application/dicom";
constexpr char kJpegBaseline[] = "1.2.840.10008.1.2.4.50";
constexpr char kJpegLsLossless[] = "1.2.840.10008.1.2.4.80";
constexpr char kJpeg2000Lossless[] = "1.2.840.10008.1.2.4.90";
constexpr char kImplicit[] = "1.2.840.10008.1.2";

TEST(AcceptHeaderTest, OrdersRangesByQualityAndDropsTheRefused) {
  auto ranges = ParseAccept(
      "text/html;q=0.2, Multipart/Related; type=\"application/dicom\"; "
      "transfer-syntax=*, application/json;q=0");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].type, "multipart/related");
  EXPECT_EQ(ranges[0].params["type"], "application/dicom");
  EXPECT_EQ(ranges[0].params["transfer-syntax"], "*");
  EXPECT_EQ(ranges[1].type, "text/html");
  EXPECT_EQ(ParseAccept("")[0].type, "*/*");
}

TEST(AcceptHeaderTest, DicomJsonUnlessRefused) {
  EXPECT_TRUE(AcceptsDicomJson(""));
  EXPECT_TRUE(AcceptsDicomJson("application/dicom+json"));
  EXPECT_TRUE(AcceptsDicomJson("image/png, */*;q=0.1"));
  EXPECT_FALSE(AcceptsDicomJson("application/dicom+json;q=0"));
  EXPECT_FALSE(AcceptsDicomJson("multipart/related; type=\"application/dicom\""));
}

TEST(AcceptHeaderTest, MultipartChoicesNameThePartTypeAndSyntax) {
  auto choices = MultipartPartChoices(
      "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*, "
      "multipart/related; type=\"image/jls\"; q=0.5, */*; q=0.1",
      "application/octet-stream");
  ASSERT_EQ(choices.size(), 3u);
  EXPECT_EQ(choices[0].media_type, "application/octet-stream");
  EXPECT_EQ(choices[0].transfer_syntax, "*");
  EXPECT_EQ(choices[1].media_type, "image/jls");
  EXPECT_EQ(choices[1].transfer_syntax, "");
  EXPECT_EQ(choices[2].media_type, "application/octet-stream");
  EXPECT_TRUE(MultipartPartChoices("application/dicom+json", kDicom).empty());
  EXPECT_EQ(MultipartPartChoices("", kDicom).at(0).media_type, kDicom);
}

TEST(RetrieveSyntaxTest, StarSendsTheStoredSyntaxAsStored) {
  auto choice = ChooseTransferSyntax({{kDicom, "*"}}, kDicom, kJpeg2000Lossless);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->transfer_syntax, kJpeg2000Lossless);
  EXPECT_FALSE(choice->convert);
}

// PS3.18 Table 8.7.3-2: without a transfer-syntax parameter, application/dicom
// is Explicit VR Little Endian.
TEST(RetrieveSyntaxTest, TheDefaultIsExplicitVrLittleEndianConvertedLosslessly) {
  auto same = ChooseTransferSyntax({{kDicom, ""}}, kDicom, kExplicitVrLittleEndian);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->convert);
  auto from_implicit = ChooseTransferSyntax({{kDicom, ""}}, kDicom, kImplicit);
  ASSERT_TRUE(from_implicit.ok());
  EXPECT_EQ(from_implicit->transfer_syntax, kExplicitVrLittleEndian);
  EXPECT_TRUE(from_implicit->convert);
  auto from_jpegls = ChooseTransferSyntax({{kDicom, ""}}, kDicom, kJpegLsLossless);
  ASSERT_TRUE(from_jpegls.ok());
  EXPECT_TRUE(from_jpegls->convert);
}

TEST(RetrieveSyntaxTest, RefusesWhatCannotBeMetLosslessly) {
  // DCMTK cannot decode JPEG 2000; JPEG baseline is never made (lossy).
  EXPECT_EQ(ChooseTransferSyntax({{kDicom, ""}}, kDicom, kJpeg2000Lossless).status().code(),
            Status::Code::kUnsupported);
  EXPECT_FALSE(ChooseTransferSyntax({{kDicom, kJpegBaseline}}, kDicom, kImplicit).ok());
  EXPECT_FALSE(ChooseTransferSyntax({{"image/png", "*"}}, kDicom, kImplicit).ok());
  // A later choice is taken when the first cannot be met.
  auto second = ChooseTransferSyntax({{kDicom, kJpegBaseline}, {kDicom, kImplicit}}, kDicom,
                                     kExplicitVrLittleEndian);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->transfer_syntax, kImplicit);
}

TEST(FrameRepresentationTest, NativeAsOctetsCompressedAsStored) {
  constexpr char kOctets[] = "application/octet-stream";
  auto native = ChooseFrameRepresentation({{kOctets, ""}}, kImplicit);
  ASSERT_TRUE(native.ok());
  EXPECT_EQ(native->content_type, "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1");
  EXPECT_FALSE(native->compressed);
  auto star = ChooseFrameRepresentation({{kOctets, "*"}}, kJpegLsLossless);
  ASSERT_TRUE(star.ok());
  EXPECT_EQ(star->content_type, std::string("image/jls; transfer-syntax=") + kJpegLsLossless);
  EXPECT_TRUE(star->compressed);
  EXPECT_TRUE(ChooseFrameRepresentation({{"image/jp2", ""}}, kJpeg2000Lossless).ok());
  // Decoded to samples when no transfer syntax is asked.
  auto decoded = ChooseFrameRepresentation({{kOctets, ""}}, kJpegLsLossless);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->compressed);
  EXPECT_FALSE(ChooseFrameRepresentation({{kOctets, kJpegBaseline}}, kJpegLsLossless).ok());
  EXPECT_FALSE(ChooseFrameRepresentation({{"image/jpeg", "*"}}, kJpegLsLossless).ok());
  EXPECT_FALSE(ChooseFrameRepresentation({{kOctets, "*"}}, "1.2.840.10008.1.2.4.100").ok());
}

TEST(FrameListTest, PositiveIntegersSeparatedByCommas) {
  auto frames = ParseFrameList("3,1,3");
  ASSERT_TRUE(frames.ok());
  EXPECT_EQ(*frames, (std::vector<int>{3, 1, 3}));
  for (const char* bad : {"", "0", "1,", ",1", "1;2", "a", "1 2", "-1", "1234567890", "%31"}) {
    EXPECT_FALSE(ParseFrameList(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace pixeldex::server
