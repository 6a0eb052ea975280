#include "catalog/thumbnail/jpeg_encoder.h"

#include <gtest/gtest.h>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include <cstdio>

namespace pixeldex::thumbnail {
namespace {

// Width, height and components of a JPEG stream, read back by libjpeg.
struct Header {
  int width = 0, height = 0, components = 0;
};
Header ReadHeader(const std::string& jpeg) {
  jpeg_decompress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(jpeg.data()), jpeg.size());
  Header header;
  if (jpeg_read_header(&info, TRUE) == JPEG_HEADER_OK) {
    header = {static_cast<int>(info.image_width), static_cast<int>(info.image_height),
              info.num_components};
  }
  jpeg_destroy_decompress(&info);
  return header;
}

TEST(EncodeJpeg, GreyAndRgbDecodeToTheirSize) {
  for (int channels : {1, 3}) {
    DisplayImage image(37, 11, channels);
    for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = (i * 7919) % 256;
    Result<std::string> jpeg = EncodeJpeg(image, 90);
    ASSERT_TRUE(jpeg.ok()) << jpeg.status().ToString();
    EXPECT_EQ(jpeg->substr(0, 2), "\xFF\xD8");
    const Header header = ReadHeader(*jpeg);
    EXPECT_EQ(header.width, 37);
    EXPECT_EQ(header.height, 11);
    EXPECT_EQ(header.components, channels);
  }
}

TEST(EncodeJpeg, QualityTradesSize) {
  DisplayImage image(64, 64, 1);
  for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = (i * 7919) % 256;
  EXPECT_LT(EncodeJpeg(image, 10)->size(), EncodeJpeg(image, 95)->size());
}

TEST(EncodeJpeg, RejectsWhatItCannotEncode) {
  EXPECT_EQ(EncodeJpeg(DisplayImage(), 90).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(EncodeJpeg(DisplayImage(2, 2, 2), 90).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(EncodeJpeg(DisplayImage(2, 2, 1), 0).status().code(), Status::Code::kInvalidArgument);
  // Beyond JPEG's 65500-pixel limit: libjpeg's error becomes a Status.
  Result<std::string> huge = EncodeJpeg(DisplayImage(70000, 1, 1), 90);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), Status::Code::kInternal);
}

}  // namespace
}  // namespace pixeldex::thumbnail
