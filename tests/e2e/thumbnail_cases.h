#pragma once
// End-to-end: every image that arrives gets its thumbnail inline, whatever its
// transfer syntax; `pixeldex thumbnail` hands it out or says why there is
// none; `pixeldex thumbnails` fills in what a --no-thumbnails server left out,
// writing beside the running server. Compressed data is made by DCMTK's
// codecs (dcmcjpeg, dcmcjpls, dcmcrle) and OpenJPEG (PS3.5 A.4), sent in its
// own syntax with dcmsend -dn, and each thumbnail is decoded and compared
// with the uncompressed original's.
//
// The cases run on either index (BackendServerTest): thumbnail_e2e_test
// instantiates them on SQLite, tests/postgres/pg_thumbnail_export_e2e_test
// on PostgreSQL.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/e2e/e2e_fixture.h"
#include "tests/thumbnail/thumbnail_test_support.h"

// In a namespace of their own: the cases' helpers and other e2e tests'
// share unity translation units.
namespace pixeldex::testing::thumbnail_cases {

using thumbnail::testing::DecodePng;
using thumbnail::testing::ExpectWithin;
using thumbnail::testing::Png;

constexpr char kBasicTextSr[] = "1.2.840.10008.5.1.4.1.1.88.11";
constexpr char kEncapsulatedPdf[] = "1.2.840.10008.5.1.4.1.1.104.1";

// 16-bit, 300 x 200 (scaled to 256 wide), a ramp over 0..59999.
inline TestInstance Wide16Bit() {
  TestInstance t;
  t.rows = 200;
  t.columns = 300;
  return t;
}

// 8-bit for JPEG baseline, 512 x 64 (scaled to 256 wide); Make() gives it
// texture (see Texture8Bit).
inline TestInstance Wide8Bit() {
  TestInstance t;
  t.rows = 64;
  t.columns = 512;
  t.bits_allocated = 8;
  return t;
}

// Replaces the 8-bit Pixel Data of the file at `path` by a textured image --
// a gradient, a bright disc and deterministic noise -- so that baseline JPEG
// really loses something (a plain ramp survives it exactly) -- and a window.
inline void Texture8Bit(const std::string& path, int rows, int columns) {
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(path.c_str()).good());
  std::vector<Uint8> pixels(static_cast<size_t>(rows) * columns);
  uint32_t noise = 12345;
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      noise = noise * 1103515245u + 12345u;
      const int dx = x - columns / 3, dy = y - rows / 2;
      int v = 20 + x * 150 / columns + static_cast<int>(noise >> 28);
      if (dx * dx + dy * dy < 20 * 20) v += 80;
      pixels[static_cast<size_t>(y) * columns + x] = static_cast<Uint8>(std::min(v, 255));
    }
  }
  ASSERT_TRUE(file.getDataset()
                  ->putAndInsertUint8Array(DCM_PixelData, pixels.data(), pixels.size())
                  .good());
  // A fixed window (PS3.3 C.11.2.1.2), as modalities send: without it the
  // min/max fallback would follow the codec's over- and undershoots.
  file.getDataset()->putAndInsertString(DCM_WindowCenter, "128");
  file.getDataset()->putAndInsertString(DCM_WindowWidth, "256");
  ASSERT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
}

class ThumbnailE2eTest : public BackendServerTest {
 protected:
  // Writes `t` with fresh UIDs at `name`; returns the path, sets *sop.
  std::string Make(TestInstance t, const std::string& name, std::string* sop) {
    t.study_uid = study_uid_;
    t.series_uid = UniqueUid("2.");
    t.sop_instance_uid = *sop = UniqueUid("3.");
    const std::string path = MakeInstance(t, name);
    if (t.bits_allocated == 8) Texture8Bit(path, t.rows, t.columns);
    return path;
  }

  // A fresh copy of `t` compressed by a DCMTK tool; returns the path.
  std::string MakeCompressed(const TestInstance& t, const std::vector<std::string>& tool,
                             const std::string& name, std::string* sop) {
    const std::string raw = Make(t, name + "_raw.dcm", sop);
    const std::string out = dir_ / (name + ".dcm");
    std::vector<std::string> argv = tool;
    argv.push_back(raw);
    argv.push_back(out);
    auto r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return out;
  }

  // `t`'s pixels as one JPEG 2000 lossless codestream (OpenJPEG).
  std::string MakeJpeg2000(const TestInstance& t, std::string* sop) {
    std::vector<int32_t> samples(static_cast<size_t>(t.rows) * t.columns);
    for (size_t i = 0; i < samples.size(); ++i) {
      samples[i] =
          static_cast<int32_t>((i * t.pixel_step + t.pixel_offset) % (1u << t.bits_allocated));
    }
    const std::vector<uint8_t> codestream = thumbnail::testing::EncodeJpeg2000(
        samples, t.columns, t.rows, 1, t.bits_allocated, false, /*lossless=*/true, false);
    TestInstance copy = t;
    copy.study_uid = study_uid_;
    copy.series_uid = UniqueUid("2.");
    copy.sop_instance_uid = *sop = UniqueUid("3.");
    const std::string path = dir_ / "j2k_lossless.dcm";
    WriteEncapsulatedInstance(path, copy, EXS_JPEG2000LosslessOnly,
                              std::string(codestream.begin(), codestream.end()));
    return path;
  }

  // `t` as an instance of `sop_class` without Pixel Data (SR, PDF, ...).
  std::string MakeWithoutPixels(const std::string& sop_class, const std::string& name,
                                std::string* sop) {
    TestInstance t;
    t.sop_class_uid = sop_class;
    const std::string path = Make(t, name, sop);
    DcmFileFormat file;
    EXPECT_TRUE(file.loadFile(path.c_str()).good());
    DcmDataset* ds = file.getDataset();
    for (const DcmTagKey& tag :
         {DCM_PixelData, DCM_Rows, DCM_Columns, DCM_BitsAllocated, DCM_BitsStored, DCM_HighBit,
          DCM_PixelRepresentation, DCM_SamplesPerPixel, DCM_PhotometricInterpretation}) {
      ds->findAndDeleteElement(tag);
    }
    if (sop_class == kEncapsulatedPdf) {
      const std::string pdf = "%PDF-1.4\n%%EOF\n";
      ds->putAndInsertString(DCM_MIMETypeOfEncapsulatedDocument, "application/pdf");
      ds->putAndInsertUint8Array(DCM_EncapsulatedDocument,
                                 reinterpret_cast<const Uint8*>(pdf.data()), pdf.size());
    }
    EXPECT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    return path;
  }

  // dcmsend -dn: one association per file, in the file's own syntax.
  void Send(const std::string& file) {
    auto r = RunProcess({"dcmsend", "-aet", "MODALITY", "-aec", "PIXELDEX", "-dn", "127.0.0.1",
                         server_->port_string(), file},
                        FastClientEnv());
    ASSERT_EQ(r.exit_code, 0) << file << "\n" << r.output << server_->Log();
  }

  // `pixeldex thumbnail SOP -o FILE`; the PNG's bytes, or "" on failure.
  std::string FetchPng(const std::string& sop) {
    const std::string out = dir_ / ("thumb_" + sop + ".png");
    auto r = Pixeldex("thumbnail", {sop, "-o", out});
    EXPECT_EQ(r.exit_code, 0) << sop << ": " << r.output << server_->Log();
    return r.exit_code == 0 ? ReadFileBytes(out) : std::string();
  }

  std::string ThumbnailStatus(const std::string& sop) {
    return Index().Scalar(
        "SELECT status FROM thumbnails JOIN instances USING (instance_pk) "
        "WHERE sop_instance_uid = ?1",
        {sop});
  }

  std::string study_uid_ = UniqueUid("1.");
};

TEST_P(ThumbnailE2eTest, EveryTransferSyntaxGivesTheOriginalsThumbnail) {
  struct Sent {
    std::string name, sop, syntax;
    bool lossless;
  };
  std::string original_sop, original8_sop;
  const std::string original = Make(Wide16Bit(), "original.dcm", &original_sop);
  const std::string original8 = Make(Wide8Bit(), "original8.dcm", &original8_sop);
  std::vector<Sent> sent;
  std::vector<std::string> files = {original, original8};
  auto add = [&](const std::string& name, const std::string& path, const std::string& sop,
                 const std::string& syntax, bool lossless) {
    files.push_back(path);
    sent.push_back({name, sop, syntax, lossless});
  };
  std::string sop;
  // +un keeps the SOP Instance UID although baseline JPEG is lossy.
  std::string path = MakeCompressed(Wide8Bit(), {"dcmcjpeg", "+eb", "+un"}, "jpeg_baseline", &sop);
  add("JPEG baseline", path, sop, "1.2.840.10008.1.2.4.50", false);
  path = MakeCompressed(Wide16Bit(), {"dcmcjpeg", "+e1"}, "jpeg_sv1", &sop);
  add("JPEG lossless SV1", path, sop, "1.2.840.10008.1.2.4.70", true);
  path = MakeCompressed(Wide16Bit(), {"dcmcjpls", "+el"}, "jpegls", &sop);
  add("JPEG-LS lossless", path, sop, "1.2.840.10008.1.2.4.80", true);
  path = MakeCompressed(Wide16Bit(), {"dcmcrle"}, "rle", &sop);
  add("RLE", path, sop, "1.2.840.10008.1.2.5", true);
  path = MakeJpeg2000(Wide16Bit(), &sop);
  add("JPEG 2000 lossless", path, sop, "1.2.840.10008.1.2.4.90", true);
  for (const std::string& file : files) Send(file);

  const std::string original_png = FetchPng(original_sop);
  ASSERT_FALSE(original_png.empty());
  // What the server stored is what the renderer makes of the file.
  EXPECT_TRUE(original_png == thumbnail::testing::RenderFile(original).png);
  const Png expected = DecodePng(original_png);
  EXPECT_EQ(expected.width, 256);
  EXPECT_EQ(Index().Scalar("SELECT width || 'x' || height FROM thumbnails JOIN instances "
                           "USING (instance_pk) WHERE sop_instance_uid = ?1",
                           {original_sop}),
            std::to_string(expected.width) + "x" + std::to_string(expected.height));
  const Png expected8 = DecodePng(FetchPng(original8_sop));
  EXPECT_EQ(expected8.width, 256);

  for (const Sent& s : sent) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(Index().Scalar(
                  "SELECT transfer_syntax_uid FROM instances WHERE sop_instance_uid = ?1", {s.sop}),
              s.syntax);
    EXPECT_EQ(ThumbnailStatus(s.sop), "ok");
    const std::string png = FetchPng(s.sop);
    if (png.empty()) continue;
    if (s.lossless) {
      EXPECT_EQ(DecodePng(png).pixels, expected.pixels);
    } else {
      EXPECT_GT(ExpectWithin(DecodePng(png), expected8, 2.0, 16), 0)
          << "identical: was the lossy syntax really decoded?";
    }
  }
}

TEST_P(ThumbnailE2eTest, InstancesWithoutPixelDataSayWhy) {
  std::string sr_sop, pdf_sop;
  Send(MakeWithoutPixels(kBasicTextSr, "sr.dcm", &sr_sop));
  Send(MakeWithoutPixels(kEncapsulatedPdf, "pdf.dcm", &pdf_sop));
  for (const std::string& sop : {sr_sop, pdf_sop}) {
    EXPECT_EQ(ThumbnailStatus(sop), "no_pixel_data");
    const std::string out = dir_ / "never.png";
    auto r = Pixeldex("thumbnail", {sop, "-o", out});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("no thumbnail for " + sop + ": no_pixel_data"), std::string::npos)
        << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

TEST_P(ThumbnailE2eTest, JpegClaimingALargerImageIsStoredWithoutAThumbnail) {
  // A progressive stream whose frame header (T.81 B.2.2) claims 20000x20000
  // in a 512x64 data set: DCMTK 3.6.7 would allocate that image before
  // refusing it. The instance is stored, its thumbnail says why not, and the
  // server logs it and records a thumbnail_failed event.
  std::string sop;
  const std::string progressive =
      MakeCompressed(Wide8Bit(), {"dcmcjpeg", "+ep", "+un"}, "prog", &sop);
  std::string bytes = ReadFileBytes(progressive);
  const size_t sof2 = bytes.find("\xFF\xC2");
  ASSERT_NE(sof2, std::string::npos);
  bytes.replace(sof2 + 5, 4, "\x4E\x20\x4E\x20");  // Y = X = 20000
  // Sent as JPEG baseline (the server does not accept the retired
  // progressive syntax; DCMTK's decoder goes by the stream's SOFn marker).
  const std::string progressive_uid = "1.2.840.10008.1.2.4.55";
  const size_t uid = bytes.find(progressive_uid);
  ASSERT_NE(uid, std::string::npos);
  bytes.replace(uid, progressive_uid.size(), "1.2.840.10008.1.2.4.50");
  const std::string hostile = dir_ / "claims_20000.dcm";
  std::ofstream(hostile, std::ios::binary) << bytes;
  Send(hostile);
  const std::string reason = "decode_error: JPEG frame header declares 20000x20000";
  EXPECT_EQ(ThumbnailStatus(sop).rfind(reason, 0), 0u) << ThumbnailStatus(sop);
  EXPECT_EQ(Index().Scalar("SELECT count(*) FROM events WHERE kind = 'thumbnail_failed' "
                           "AND sop_instance_uid = ?1",
                           {sop}),
            "1");
  EXPECT_NE(server_->Log().find("stored without a thumbnail: " + reason), std::string::npos)
      << server_->Log();
}

TEST_P(ThumbnailE2eTest, UnknownInstancesAndBadUsageAreReported) {
  auto unknown = Pixeldex("thumbnail", {"1.2.3.4.5.6.7", "-o", dir_ / "x.png"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("no such instance: 1.2.3.4.5.6.7"), std::string::npos);
  EXPECT_EQ(Pixeldex("thumbnail", {"1.2.3"}).exit_code, 2);               // no -o
  EXPECT_EQ(Pixeldex("thumbnail", {"-o", dir_ / "x.png"}).exit_code, 2);  // no UID
  EXPECT_EQ(Pixeldex("thumbnails", {"--all", "--missing"}).exit_code, 2);
  EXPECT_EQ(Pixeldex("thumbnails", {"--jobs", "0"}).exit_code, 2);
  auto help = RunProcess({PIXELDEX_BINARY, "thumbnail", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Exit status"), std::string::npos);
}

class NoThumbnailsE2eTest : public ThumbnailE2eTest {
 protected:
  std::vector<std::string> ServerArgs() const override { return {"--no-thumbnails"}; }
};

TEST_P(NoThumbnailsE2eTest, RebuildFillsInWhatTheServerLeftDisabled) {
  std::string original_sop, jpegls_sop, sr_sop;
  const std::string original = Make(Wide16Bit(), "original.dcm", &original_sop);
  Send(original);
  Send(MakeCompressed(Wide16Bit(), {"dcmcjpls", "+el"}, "jpegls", &jpegls_sop));
  Send(MakeWithoutPixels(kBasicTextSr, "sr.dcm", &sr_sop));
  for (const std::string& sop : {original_sop, jpegls_sop, sr_sop}) {
    EXPECT_EQ(ThumbnailStatus(sop), "disabled");
  }
  auto before = Pixeldex("thumbnail", {original_sop, "-o", dir_ / "x.png"});
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.output.find("no thumbnail for " + original_sop + ": disabled"),
            std::string::npos)
      << before.output;

  // The server keeps running: the rebuild writes beside it.
  auto rebuilt = Pixeldex("thumbnails", {"--jobs", "2"});
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
  EXPECT_NE(rebuilt.output.find("thumbnails: 2 rendered, 1 failed (no_pixel_data 1), "
                                "0 skipped, 0 unreadable"),
            std::string::npos)
      << rebuilt.output;
  EXPECT_EQ(ThumbnailStatus(sr_sop), "no_pixel_data");
  // Exactly what inline rendering would have stored.
  const std::string png = FetchPng(original_sop);
  EXPECT_TRUE(png == thumbnail::testing::RenderFile(original).png);
  EXPECT_EQ(DecodePng(FetchPng(jpegls_sop)).pixels, DecodePng(png).pixels);

  // Nothing is missing any more; --all with --max-size renders everything again.
  auto again = Pixeldex("thumbnails", {});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("thumbnails: 0 rendered, 0 failed, 0 skipped"), std::string::npos)
      << again.output;
  auto all = Pixeldex("thumbnails", {"--all", "--max-size", "32"});
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("2 rendered, 1 failed"), std::string::npos) << all.output;
  EXPECT_EQ(DecodePng(FetchPng(original_sop)).width, 32);
  EXPECT_EQ(Index().Scalar("SELECT max(width) FROM thumbnails"), "32");
}

TEST_P(NoThumbnailsE2eTest, UnreadableFilesAreReportedAndLeftAsTheyWere) {
  std::string kept_sop, lost_sop;
  Send(Make(Wide16Bit(), "kept.dcm", &kept_sop));
  Send(Make(Wide16Bit(), "lost.dcm", &lost_sop));
  const std::string lost_path =
      Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?1", {lost_sop});
  ASSERT_TRUE(std::filesystem::remove(StoragePath(lost_path)));

  auto r = Pixeldex("thumbnails", {});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(lost_sop + ": cannot read"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 rendered, 0 failed, 0 skipped, 1 unreadable"), std::string::npos)
      << r.output;
  EXPECT_EQ(ThumbnailStatus(kept_sop), "ok");
  EXPECT_EQ(ThumbnailStatus(lost_sop), "disabled");
}

// Files imported in place are recorded by absolute path, outside the root
// (here into the server's index, with a storage root of their own).
TEST_P(NoThumbnailsE2eTest, RebuildReadsFilesImportedInPlace) {
  std::filesystem::create_directory(dir_ / "scans");
  std::string sop;
  const std::string file = Make(Wide16Bit(), "scans/in_place.dcm", &sop);
  const std::vector<std::string> archive = {"--index", IndexLocation(), "--storage",
                                            dir_ / "imported"};
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin() + 2, archive.begin(), archive.end());
    return RunProcess(args);
  };
  auto imported = run({PIXELDEX_BINARY, "import", "--in-place", "--no-thumbnails", dir_ / "scans"});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_EQ(Index().Scalar("SELECT path FROM instances WHERE sop_instance_uid = ?1", {sop}), file);
  auto rebuilt = run({PIXELDEX_BINARY, "thumbnails"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
  EXPECT_NE(rebuilt.output.find("1 rendered, 0 failed"), std::string::npos) << rebuilt.output;
  auto fetched = run({PIXELDEX_BINARY, "thumbnail", sop, "-o", dir_ / "in_place.png"});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.output;
  EXPECT_TRUE(ReadFileBytes(dir_ / "in_place.png") == thumbnail::testing::RenderFile(file).png);
}

}  // namespace pixeldex::testing::thumbnail_cases
