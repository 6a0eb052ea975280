// End-to-end WADO-RS retrieve (PS3.18 10.4) with the real binary: instances
// stored with storescu and dcmsend (native, Implicit VR, JPEG-LS,
// multi-frame), then
// fetched over loopback HTTP and read back as a client reads multipart/related:
// parts byte-identical to the stored files, conversions that DCMTK reads back
// with the same pixels, 406/404/400, and nothing outside the storage root.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <png.h>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/http_client.h"
#include "tests/support/multipart_reader.h"

namespace pixeldex::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kAnySyntax[] =
    "Accept: multipart/related; type=\"application/dicom\"; transfer-syntax=*";
constexpr char kDefaultSyntax[] = "Accept: multipart/related; type=\"application/dicom\"";
constexpr char kExplicit[] = "1.2.840.10008.1.2.1";
constexpr char kImplicit[] = "1.2.840.10008.1.2";
constexpr char kJpegLs[] = "1.2.840.10008.1.2.4.80";

class WadoE2eTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override { return {"--http", "127.0.0.1:0"}; }

  void SetUp() override {
    ServerTest::SetUp();
    base_.study_uid = UniqueUid("1.");
    base_.series_uid = UniqueUid("2.");
    base_.pixel_step = 37;
    native_ = Store(base_, "native", {});
    TestInstance implicit = base_;
    implicit.series_uid = UniqueUid("2.");
    implicit_series_ = implicit.series_uid;
    implicit_ = Store(implicit, "implicit", {"-xi"}, EXS_LittleEndianImplicit);
    TestInstance compressed = base_;
    compressed.series_uid = UniqueUid("2.");
    jpegls_series_ = compressed.series_uid;
    jpegls_ = StoreCompressed(compressed, "jpegls", {"dcmcjpls", "+el"});
    TestInstance frames = base_;
    frames.series_uid = UniqueUid("2.");
    frames.sop_class_uid = "1.2.840.10008.5.1.4.1.1.7.3";  // Multi-frame Grayscale Word SC
    frames.number_of_frames = 3;
    frames_series_ = frames.series_uid;
    multiframe_ = Store(frames, "frames", {});
  }

  // Writes `t` with a fresh SOP Instance UID, stores it; returns the UID.
  std::string Store(TestInstance t, const std::string& name, const std::vector<std::string>& args,
                    E_TransferSyntax xfer = EXS_LittleEndianExplicit) {
    t.sop_instance_uid = UniqueUid("3.");
    auto r = StoreScu({MakeInstance(t, name + ".dcm", xfer)}, args);
    EXPECT_EQ(r.exit_code, 0) << r.output << server_->Log();
    originals_[t.sop_instance_uid] = dir_ / (name + ".dcm");
    return t.sop_instance_uid;
  }

  std::string StoreCompressed(TestInstance t, const std::string& name,
                              std::vector<std::string> tool) {
    t.sop_instance_uid = UniqueUid("3.");
    const std::string raw = MakeInstance(t, name + "_raw.dcm");
    tool.push_back(raw);
    tool.push_back(dir_ / (name + ".dcm"));
    auto made = RunProcess(tool);
    EXPECT_EQ(made.exit_code, 0) << made.output;
    // dcmsend proposes the file's own (compressed) syntax.
    auto r = RunProcess({"dcmsend", "-aet", "MODALITY", "-aec", "PIXELDEX", "-dn", "127.0.0.1",
                         server_->port_string(), dir_ / (name + ".dcm")},
                        FastClientEnv());
    EXPECT_EQ(r.exit_code, 0) << r.output << server_->Log();
    originals_[t.sop_instance_uid] = raw;
    return t.sop_instance_uid;
  }

  HttpReply Get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return HttpRequest(server_->http_port(), "GET", path, headers);
  }

  std::string StoredFile(const std::string& series, const std::string& sop) const {
    return StoragePath(base_.study_uid + "/" + series + "/" + sop + ".dcm");
  }

  std::string StoredSyntax(const std::string& sop) const {
    return Index().Scalar("SELECT transfer_syntax_uid FROM instances WHERE sop_instance_uid = ?",
                          {sop});
  }

  std::string InstancePath(const std::string& series, const std::string& sop) const {
    return "/dicom-web/studies/" + base_.study_uid + "/series/" + series + "/instances/" + sop;
  }

  // The parts of a 200 multipart answer; fails the test otherwise.
  static std::vector<MultipartPart> Parts(const HttpReply& reply) {
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_FALSE(reply.truncated);
    if (reply.status != 200) return {};
    return ReadMultipart(reply.headers.at("content-type"), reply.body);
  }

  // A part read by DCMTK as a file: its transfer syntax and SOP Instance UID,
  // and its Pixel Data as 16-bit values.
  struct ReadBack {
    std::string syntax, sop;
    std::vector<Uint16> pixels;
  };
  ReadBack Load(const std::string& bytes) {
    const std::string path = dir_ / ("part" + std::to_string(++loads_) + ".dcm");
    std::ofstream(path, std::ios::binary) << bytes;
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(path.c_str()).good());
    ReadBack back;
    OFString value;
    file.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, value);
    back.syntax = value.c_str();
    file.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, value);
    back.sop = value.c_str();
    DcmDataset* ds = file.getDataset();
    ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    const Uint16* pixels = nullptr;
    unsigned long count = 0;
    if (ds->findAndGetUint16Array(DCM_PixelData, pixels, &count).good()) {
      back.pixels.assign(pixels, pixels + count);
    }
    return back;
  }
  std::vector<Uint16> OriginalPixels(const std::string& sop) {
    return Load(ReadFileBytes(originals_.at(sop))).pixels;
  }

  TestInstance base_;
  std::string native_, implicit_, jpegls_, multiframe_;
  std::string implicit_series_, jpegls_series_, frames_series_;
  std::map<std::string, std::string> originals_;
  int loads_ = 0;
};

TEST_F(WadoE2eTest, RetrievesTheStoredBytesOfStudySeriesAndInstance) {
  auto study = Get("/dicom-web/studies/" + base_.study_uid, {kAnySyntax});
  auto parts = Parts(study);
  ASSERT_EQ(parts.size(), 4u) << server_->Log();
  // No conversion: the size is known, so Content-Length rather than chunks.
  EXPECT_EQ(study.headers.count("content-length"), 1u);
  EXPECT_EQ(study.headers.at("content-type")
                .rfind("multipart/related; type=\"application/dicom\"; boundary=", 0),
            0u);
  const std::pair<std::string, std::string> expected[] = {{base_.series_uid, native_},
                                                          {implicit_series_, implicit_},
                                                          {jpegls_series_, jpegls_},
                                                          {frames_series_, multiframe_}};
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [series, sop] = expected[i];
    EXPECT_EQ(parts[i].content, ReadFileBytes(StoredFile(series, sop))) << "part " << i;
    EXPECT_EQ(parts[i].headers["content-type"],
              "application/dicom; transfer-syntax=" + StoredSyntax(sop));
  }
  EXPECT_EQ(StoredSyntax(implicit_), kImplicit);
  EXPECT_EQ(StoredSyntax(jpegls_), kJpegLs);

  auto series = Parts(
      Get("/dicom-web/studies/" + base_.study_uid + "/series/" + jpegls_series_, {kAnySyntax}));
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].content, ReadFileBytes(StoredFile(jpegls_series_, jpegls_)));
  auto instance = Parts(Get(InstancePath(frames_series_, multiframe_), {kAnySyntax}));
  ASSERT_EQ(instance.size(), 1u);
  EXPECT_EQ(instance[0].content, ReadFileBytes(StoredFile(frames_series_, multiframe_)));
}

// The access log line of a chunked answer (converted as it is sent, so of
// no size known in advance) names the bytes actually sent, not 0.
TEST_F(WadoE2eTest, AccessLogCountsTheBytesOfAChunkedAnswer) {
  auto reply = Get(InstancePath(implicit_series_, implicit_), {kDefaultSyntax});
  ASSERT_EQ(reply.headers["transfer-encoding"], "chunked");
  ASSERT_GT(reply.body.size(), 0u);
  EXPECT_TRUE(server_->WaitForLog("/instances/" + implicit_ + " 200 " +
                                  std::to_string(reply.body.size()) + " B "))
      << server_->Log();
}

// PS3.18 Table 8.7.3-2: no transfer-syntax parameter means Explicit VR Little
// Endian; an instance stored otherwise is converted losslessly.
TEST_F(WadoE2eTest, ConvertsToExplicitVrLittleEndianByDefault) {
  auto native = Parts(Get(InstancePath(base_.series_uid, native_), {kDefaultSyntax}));
  ASSERT_EQ(native.size(), 1u);
  EXPECT_EQ(native[0].content, ReadFileBytes(StoredFile(base_.series_uid, native_)));

  for (const auto& [series, sop] :
       {std::pair{implicit_series_, implicit_}, std::pair{jpegls_series_, jpegls_}}) {
    auto reply = Get(InstancePath(series, sop), {kDefaultSyntax});
    EXPECT_EQ(reply.headers["transfer-encoding"], "chunked");  // converted when reached
    auto parts = Parts(reply);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].headers["content-type"],
              std::string("application/dicom; transfer-syntax=") + kExplicit);
    ReadBack back = Load(parts[0].content);
    EXPECT_EQ(back.syntax, kExplicit);
    EXPECT_EQ(back.sop, sop);
    EXPECT_EQ(back.pixels, OriginalPixels(sop));
    EXPECT_EQ(back.pixels.size(), 16u * 16u);
  }
  // An explicit request for the stored syntax sends it as stored.
  auto as_stored = Parts(Get(InstancePath(jpegls_series_, jpegls_),
                             {std::string(kDefaultSyntax) + "; transfer-syntax=" + kJpegLs}));
  ASSERT_EQ(as_stored.size(), 1u);
  EXPECT_EQ(as_stored[0].content, ReadFileBytes(StoredFile(jpegls_series_, jpegls_)));
}

TEST_F(WadoE2eTest, RefusesWhatItCannotSendAndWhatDoesNotExist) {
  const std::string study = "/dicom-web/studies/" + base_.study_uid;
  EXPECT_EQ(Get(study, {"Accept: application/dicom+json"}).status, 406);
  // JPEG baseline would be lossy: never made.
  auto lossy = Get(InstancePath(base_.series_uid, native_),
                   {std::string(kDefaultSyntax) + "; transfer-syntax=1.2.840.10008.1.2.4.50"});
  EXPECT_EQ(lossy.status, 406) << lossy.body;
  EXPECT_EQ(Get("/dicom-web/studies/1.2.3.4.5", {kAnySyntax}).status, 404);
  EXPECT_EQ(Get(InstancePath(base_.series_uid, "1.2.3.4.5"), {kAnySyntax}).status, 404);
  EXPECT_EQ(Get("/dicom-web/studies/1.2.x", {kAnySyntax}).status, 400);
  EXPECT_EQ(Get("/dicom-web/studies/..%2F..%2Fetc%2Fpasswd", {kAnySyntax}).status, 400);
  EXPECT_EQ(Get("/dicom-web/studies/" + base_.study_uid + "/series/..", {kAnySyntax}).status, 400);
}

// The file comes from the index's path only; a path that climbs out of the
// storage root (an edited index) is refused, and the file there never read.
TEST_F(WadoE2eTest, NeverReadsOutsideTheStorageRoot) {
  const std::string secret = dir_ / "secret.dcm";
  const std::string stored = StoredFile(base_.series_uid, native_);
  fs::copy_file(stored, secret);
  auto r = RunProcess(
      {"sqlite3", "-cmd", ".timeout 30000", dir_ / "index.db",
       "UPDATE instances SET path = '../secret.dcm' WHERE sop_instance_uid = '" + native_ + "'"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto reply = Get(InstancePath(base_.series_uid, native_), {kAnySyntax});
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body.find("DICM"), std::string::npos);
  EXPECT_NE(server_->Log().find("leaves the storage root"), std::string::npos);
}

constexpr char kOctets[] = "Accept: multipart/related; type=\"application/octet-stream\"";

// PS3.18 10.4.1.1.4: native frames are each frame's bytes, in the order asked.
TEST_F(WadoE2eTest, ServesNativeFramesAsTheirPixelBytes) {
  const std::vector<Uint16> pixels = OriginalPixels(multiframe_);
  ASSERT_EQ(pixels.size(), 3u * 256u);
  auto frame_bytes = [&](int number) {
    const auto* first = reinterpret_cast<const char*>(pixels.data() + (number - 1) * 256);
    return std::string(first, 256 * sizeof(Uint16));
  };
  for (const std::string& accept :
       {std::string(kOctets), std::string(kOctets) + "; transfer-syntax=*"}) {
    auto reply = Get(InstancePath(frames_series_, multiframe_) + "/frames/3,1", {accept});
    EXPECT_EQ(reply.headers["content-type"].rfind(
                  "multipart/related; type=\"application/octet-stream\"", 0),
              0u);
    auto parts = Parts(reply);
    ASSERT_EQ(parts.size(), 2u) << reply.body;
    EXPECT_EQ(parts[0].content, frame_bytes(3));
    EXPECT_EQ(parts[1].content, frame_bytes(1));
    EXPECT_EQ(parts[0].headers["content-type"],
              std::string("application/octet-stream; transfer-syntax=") + kExplicit);
  }
  EXPECT_NE(frame_bytes(1), frame_bytes(3));
}

// PS3.18 8.7.3.3.2: a compressed frame is its bitstream, under its media type.
TEST_F(WadoE2eTest, ServesCompressedFramesAsStoredUnderTheirMediaType) {
  const std::string stored = ReadFileBytes(StoredFile(jpegls_series_, jpegls_));
  for (const std::string& accept : {std::string(kOctets) + "; transfer-syntax=*",
                                    std::string("Accept: multipart/related; type=\"image/jls\"")}) {
    auto parts = Parts(Get(InstancePath(jpegls_series_, jpegls_) + "/frames/1", {accept}));
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].headers["content-type"],
              std::string("image/jls; transfer-syntax=") + kJpegLs);
    ASSERT_GT(parts[0].content.size(), 4u);
    EXPECT_EQ(parts[0].content.substr(0, 2), "\xFF\xD8");  // SOI
    EXPECT_NE(stored.find(parts[0].content), std::string::npos);
  }
  // Without transfer-syntax=*: decoded, the same samples as the original.
  auto decoded = Parts(Get(InstancePath(jpegls_series_, jpegls_) + "/frames/1", {kOctets}));
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].headers["content-type"],
            std::string("application/octet-stream; transfer-syntax=") + kExplicit);
  const std::vector<Uint16> pixels = OriginalPixels(jpegls_);
  EXPECT_EQ(decoded[0].content, std::string(reinterpret_cast<const char*>(pixels.data()),
                                            pixels.size() * sizeof(Uint16)));
  EXPECT_EQ(Get(InstancePath(jpegls_series_, jpegls_) + "/frames/1",
                {std::string(kOctets) + "; transfer-syntax=1.2.840.10008.1.2.4.50"})
                .status,
            406);
}

TEST_F(WadoE2eTest, RefusesBadFrameListsAndFramesThatDoNotExist) {
  const std::string frames = InstancePath(frames_series_, multiframe_) + "/frames/";
  for (const char* bad : {"0", "1,x", "-1", "1,,2", "1.5", "01"}) {
    EXPECT_EQ(Get(frames + bad, {kOctets}).status, 400) << bad;
  }
  EXPECT_EQ(Get(frames + "4", {kOctets}).status, 404);
  EXPECT_EQ(Get(frames + "1,2,3", {kOctets}).status, 200);
  EXPECT_EQ(Get(InstancePath(base_.series_uid, native_) + "/frames/2", {kOctets}).status, 404);
  EXPECT_EQ(Get(InstancePath(base_.series_uid, "1.2.3") + "/frames/1", {kOctets}).status, 404);
}

// The metadata's BulkDataURIs resolve (PS3.18 F.2.6, 10.4.1.1.5).
TEST_F(WadoE2eTest, MetadataBulkDataUrisResolveToTheValues) {
  auto metadata = Get(InstancePath(base_.series_uid, native_) + "/metadata");
  ASSERT_EQ(metadata.status, 200) << metadata.body;
  const std::string key = "\"7FE00010\":{\"vr\":\"OW\",\"BulkDataURI\":\"";
  const size_t at = metadata.body.find(key);
  ASSERT_NE(at, std::string::npos) << metadata.body;
  const size_t start = at + key.size();
  const std::string uri = metadata.body.substr(start, metadata.body.find('"', start) - start);
  const std::string origin = "http://127.0.0.1";  // the test client's Host header
  ASSERT_EQ(uri, origin + InstancePath(base_.series_uid, native_) + "/bulkdata/7FE00010");
  auto parts = Parts(Get(uri.substr(origin.size()), {kOctets}));
  ASSERT_EQ(parts.size(), 1u);
  const std::vector<Uint16> pixels = OriginalPixels(native_);
  EXPECT_EQ(parts[0].content, std::string(reinterpret_cast<const char*>(pixels.data()),
                                          pixels.size() * sizeof(Uint16)));
  EXPECT_EQ(parts[0].headers["content-type"],
            std::string("application/octet-stream; transfer-syntax=") + kExplicit);

  // Compressed Pixel Data: its frames as stored.
  auto compressed = Parts(Get(InstancePath(jpegls_series_, jpegls_) + "/bulkdata/7FE00010",
                              {std::string(kOctets) + "; transfer-syntax=*"}));
  ASSERT_EQ(compressed.size(), 1u);
  EXPECT_EQ(compressed[0].headers["content-type"],
            std::string("image/jls; transfer-syntax=") + kJpegLs);

  const std::string bulk = InstancePath(base_.series_uid, native_) + "/bulkdata/";
  EXPECT_EQ(Get(bulk + "00091010", {kOctets}).status, 404);
  EXPECT_EQ(Get(bulk + "7FE0001", {kOctets}).status, 400);
  EXPECT_EQ(Get(bulk + "..%2F..", {kOctets}).status, 400);
  EXPECT_EQ(Get(bulk + "7FE00010", {"Accept: application/dicom+json"}).status, 406);
}

// A decoded image: 8-bit grey samples, row by row.
struct Decoded {
  int width = 0, height = 0;
  std::vector<uint8_t> grey;
};

Decoded DecodePng(const std::string& bytes) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  Decoded decoded;
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) return decoded;
  image.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) return decoded;
  decoded.width = static_cast<int>(image.width);
  decoded.height = static_cast<int>(image.height);
  decoded.grey = std::move(pixels);
  return decoded;
}

Decoded DecodeJpeg(const std::string& bytes) {
  jpeg_decompress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  Decoded decoded;
  if (jpeg_read_header(&info, TRUE) == JPEG_HEADER_OK) {
    info.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    decoded.width = static_cast<int>(info.output_width);
    decoded.height = static_cast<int>(info.output_height);
    decoded.grey.resize(static_cast<size_t>(decoded.width) * decoded.height);
    while (info.output_scanline < info.output_height) {
      JSAMPROW row = decoded.grey.data() + info.output_scanline * decoded.width;
      jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
  }
  jpeg_destroy_decompress(&info);
  return decoded;
}

constexpr char kPng[] = "Accept: image/png";

// PS3.18 8.3.5.1.3: rendered PNG of the frame's size, or the viewport's;
// the window decides the grey levels.
TEST_F(WadoE2eTest, RendersPngWithTheWindowAndViewportAsked) {
  const std::string rendered = InstancePath(base_.series_uid, native_) + "/rendered";
  auto full = Get(rendered, {kPng});
  ASSERT_EQ(full.status, 200) << full.body << server_->Log();
  EXPECT_EQ(full.headers["content-type"], "image/png");
  Decoded image = DecodePng(full.body);
  EXPECT_EQ(image.width, 16);
  EXPECT_EQ(image.height, 16);
  Decoded small = DecodePng(Get(rendered + "?viewport=8,8", {kPng}).body);
  EXPECT_EQ(small.width, 8);
  EXPECT_EQ(small.height, 8);
  Decoded narrow = DecodePng(Get(rendered + "?window=4000,2000", {kPng}).body);
  Decoded wide = DecodePng(Get(rendered + "?window=4000,20000,linear", {kPng}).body);
  ASSERT_EQ(narrow.grey.size(), 256u);
  ASSERT_EQ(wide.grey.size(), 256u);
  EXPECT_NE(narrow.grey, wide.grey);
  EXPECT_EQ(narrow.grey.front(), 0);   // value 0, far below the narrow window
  EXPECT_EQ(narrow.grey.back(), 255);  // 255 * 37, far above it
  // The same pixels stored as JPEG-LS render the same (DCMTK decodes them).
  Decoded from_jpegls =
      DecodePng(Get(InstancePath(jpegls_series_, jpegls_) + "/rendered", {kPng}).body);
  EXPECT_EQ(from_jpegls.grey, image.grey);
}

TEST_F(WadoE2eTest, RendersTheFrameAskedAsJpeg) {
  const std::string frames = InstancePath(frames_series_, multiframe_) + "/frames/";
  const std::string window = "?window=9000,20000";
  auto first = Get(frames + "1/rendered" + window, {"Accept: image/jpeg"});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.headers["content-type"], "image/jpeg");
  Decoded one = DecodeJpeg(first.body);
  Decoded three = DecodeJpeg(Get(frames + "3/rendered" + window, {"Accept: image/jpeg"}).body);
  ASSERT_EQ(one.width, 16);
  ASSERT_EQ(three.width, 16);
  EXPECT_LT(one.grey[0] + 40, three.grey[0]);  // frame 3 holds larger values
  // A region of the frame fitted in the viewport; the default type is JPEG.
  auto region = Get(frames + "2/rendered?viewport=4,4,0,0,8,8&quality=40", {"Accept: */*"});
  EXPECT_EQ(region.headers["content-type"], "image/jpeg");
  Decoded cropped = DecodeJpeg(region.body);
  EXPECT_EQ(cropped.width, 4);
  EXPECT_EQ(cropped.height, 4);
}

TEST_F(WadoE2eTest, RefusesBadRenderingRequests) {
  const std::string rendered = InstancePath(base_.series_uid, native_) + "/rendered";
  for (const char* bad : {"?window=abc", "?window=40,0", "?window=40,400,cubic", "?viewport=0,0",
                          "?viewport=8", "?quality=500", "?viewport=4,4,10,10,8,8"}) {
    EXPECT_EQ(Get(rendered + bad, {kPng}).status, 400) << bad;
  }
  EXPECT_EQ(Get(rendered, {"Accept: application/dicom+json"}).status, 406);
  const std::string frames = InstancePath(frames_series_, multiframe_) + "/frames/";
  EXPECT_EQ(Get(frames + "1,2/rendered", {kPng}).status, 400);
  EXPECT_EQ(Get(frames + "4/rendered", {kPng}).status, 404);
  EXPECT_EQ(Get(InstancePath(base_.series_uid, "1.2.3") + "/rendered", {kPng}).status, 404);
}

// PS3.18 10.4.1.1.3 (Table 10.4.1-3): a rendered study or series is every
// instance rendered, one part each, in series and instance order.
TEST_F(WadoE2eTest, RendersEveryInstanceOfAStudyOrSeries) {
  const std::string study = "/dicom-web/studies/" + base_.study_uid;
  auto reply = Get(study + "/rendered", {"Accept: multipart/related; type=\"image/png\""});
  EXPECT_EQ(reply.headers["content-type"].rfind("multipart/related; type=\"image/png\"", 0), 0u);
  auto parts = Parts(reply);
  ASSERT_EQ(parts.size(), 4u) << server_->Log();
  for (const MultipartPart& part : parts) {
    EXPECT_EQ(part.headers.at("content-type"), "image/png");
    Decoded image = DecodePng(part.content);
    EXPECT_EQ(image.width, 16);
    EXPECT_EQ(image.height, 16);
  }
  EXPECT_EQ(parts[0].content,
            Get(InstancePath(base_.series_uid, native_) + "/rendered", {kPng}).body);
  EXPECT_EQ(parts[3].content,
            Get(InstancePath(frames_series_, multiframe_) + "/frames/1/rendered", {kPng}).body);

  // A series; the parameters apply to each part; JPEG by default.
  auto series = Parts(Get(study + "/series/" + frames_series_ + "/rendered?viewport=8,8"));
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].headers.at("content-type"), "image/jpeg");
  Decoded small = DecodeJpeg(series[0].content);
  EXPECT_EQ(small.width, 8);
  EXPECT_EQ(small.height, 8);

  EXPECT_EQ(Get(study + "/rendered", {"Accept: application/dicom"}).status, 406);
  EXPECT_EQ(Get(study + "/rendered?viewport=0,0", {kPng}).status, 400);
  EXPECT_EQ(Get("/dicom-web/studies/" + UniqueUid("1.") + "/rendered", {kPng}).status, 404);
  EXPECT_EQ(Get(study + "/series/" + UniqueUid("2.") + "/rendered", {kPng}).status, 404);
}

// An instance without Pixel Data has no rendered representation: a
// rendered study leaves it out, a series of it alone and its own thumbnail
// are 404; the study's thumbnail is another instance's.
TEST_F(WadoE2eTest, LeavesInstancesWithoutPixelsOut) {
  TestInstance report = base_;
  report.series_uid = UniqueUid("2.");
  report.sop_instance_uid = UniqueUid("3.");
  report.series_number = 0;  // first in series order
  const std::string file = MakeInstance(report, "report.dcm");
  auto erased = RunProcess({"dcmodify", "-nb", "-e", "(7fe0,0010)", file});
  ASSERT_EQ(erased.exit_code, 0) << erased.output;
  auto stored = StoreScu({file}, {});
  ASSERT_EQ(stored.exit_code, 0) << stored.output << server_->Log();

  const std::string study = "/dicom-web/studies/" + base_.study_uid;
  auto parts = Parts(Get(study + "/rendered", {kPng}));
  ASSERT_EQ(parts.size(), 4u) << server_->Log();
  EXPECT_EQ(parts[0].content,
            Get(InstancePath(base_.series_uid, native_) + "/rendered", {kPng}).body);
  EXPECT_EQ(Get(InstancePath(report.series_uid, report.sop_instance_uid) + "/thumbnail").status,
            404);
  EXPECT_EQ(Get(study + "/series/" + report.series_uid + "/rendered", {kPng}).status, 404);
  // Rendered rather than stored (JPEG asked), from the first instance with pixels.
  auto thumbnail = Get(study + "/thumbnail", {"Accept: image/jpeg"});
  ASSERT_EQ(thumbnail.status, 200) << thumbnail.body << server_->Log();
  EXPECT_EQ(DecodeJpeg(thumbnail.body).width, 16);
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

// PS3.18 10.4.1.1.4: a thumbnail of a study, series, instance or frame, of
// the type Accept asks, fitted in the viewport; the index's own when it is
// what was asked.
TEST_F(WadoE2eTest, ServesThumbnailsAsAcceptAndViewportAsk) {
  const std::string stored = Index().Scalar(
      "SELECT hex(png) FROM thumbnails JOIN instances USING (instance_pk) "
      "WHERE sop_instance_uid = ?",
      {native_});
  ASSERT_FALSE(stored.empty());
  const std::string study = "/dicom-web/studies/" + base_.study_uid;
  auto from_index = Get(study + "/thumbnail");
  ASSERT_EQ(from_index.status, 200) << from_index.body << server_->Log();
  EXPECT_EQ(from_index.headers["content-type"], "image/png");
  EXPECT_EQ(Hex(from_index.body), stored);
  // 16x16 was not shrunk at ingest: it is also the answer for a larger viewport.
  const std::string instance = InstancePath(base_.series_uid, native_) + "/thumbnail";
  EXPECT_EQ(Hex(Get(instance + "?viewport=64,64", {kPng}).body), stored);

  auto small = Get(instance + "?viewport=8,4", {kPng});
  ASSERT_EQ(small.status, 200) << small.body;
  Decoded fitted = DecodePng(small.body);
  EXPECT_EQ(fitted.width, 4);
  EXPECT_EQ(fitted.height, 4);
  auto jpeg = Get(study + "/series/" + jpegls_series_ + "/thumbnail", {"Accept: image/jpeg"});
  EXPECT_EQ(jpeg.headers["content-type"], "image/jpeg");
  EXPECT_EQ(DecodeJpeg(jpeg.body).width, 16);

  const std::string frames = InstancePath(frames_series_, multiframe_) + "/frames/";
  Decoded one = DecodePng(Get(frames + "1/thumbnail?window=9000,20000", {kPng}).body);
  Decoded three = DecodePng(Get(frames + "3/thumbnail?window=9000,20000", {kPng}).body);
  ASSERT_EQ(one.width, 16);
  ASSERT_EQ(three.width, 16);
  EXPECT_LT(one.grey[0] + 40, three.grey[0]);  // frame 3 holds larger values

  EXPECT_EQ(Get(instance, {"Accept: application/dicom"}).status, 406);
  EXPECT_EQ(Get(instance + "?viewport=4,4,0,0,8,8", {kPng}).status, 400);
  EXPECT_EQ(Get(frames + "4/thumbnail", {kPng}).status, 404);
  EXPECT_EQ(Get(frames + "1,2/thumbnail", {kPng}).status, 400);
  EXPECT_EQ(Get("/dicom-web/studies/" + UniqueUid("1.") + "/thumbnail").status, 404);
}

// The index's thumbnail of a frame larger than thumbnails.max_size (256) was
// shrunk at ingest: it answers a viewport it fills on a side, and a viewport
// it does not fill is rendered from the file instead (never upscaled).
TEST_F(WadoE2eTest, ServesTheShrunkStoredThumbnailOnlyForTheViewportItFills) {
  TestInstance large = base_;
  large.series_uid = UniqueUid("2.");
  large.columns = 300;
  large.rows = 200;
  const std::string sop = Store(large, "large", {});
  const std::string stored = Index().Scalar(
      "SELECT hex(png) FROM thumbnails JOIN instances USING (instance_pk) "
      "WHERE sop_instance_uid = ?",
      {sop});
  const std::string thumbnail = InstancePath(large.series_uid, sop) + "/thumbnail";
  Decoded own = DecodePng(Get(thumbnail, {kPng}).body);
  EXPECT_EQ(own.width, 256);
  EXPECT_EQ(own.height, 171);
  EXPECT_EQ(Hex(Get(thumbnail + "?viewport=256,400", {kPng}).body), stored);
  auto wide = Get(thumbnail + "?viewport=512,512", {kPng});
  EXPECT_NE(Hex(wide.body), stored);
  Decoded whole = DecodePng(wide.body);
  EXPECT_EQ(whole.width, 300);
  EXPECT_EQ(whole.height, 200);
  Decoded small = DecodePng(Get(thumbnail + "?viewport=150,150", {kPng}).body);
  EXPECT_EQ(small.width, 150);
  EXPECT_EQ(small.height, 100);
}

}  // namespace
}  // namespace pixeldex::testing
