// Character sets (PS3.3 C.12.1.1.2, PS3.5 6.1): the decoder against the
// byte strings of the PS3.5 Annex H, I and J examples and the single-byte
// sets, and its replacement of undecodable bytes.

#include "catalog/metadata/text_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace pixeldex::metadata {
namespace {

struct Decoded {
  std::string text;
  int replaced = 0;
};

Decoded Decode(const std::string& charset, const std::string& bytes,
               TextKind kind = TextKind::kPersonName) {
  TextDecoder decoder;
  Decoded out;
  out.replaced = decoder.Decode(ParseSpecificCharacterSet(charset), bytes, kind, out.text);
  return out;
}

// PS3.5 H.3.1: ISO 2022 IR 87 (JIS X 0208) switched in and out of ASCII.
const std::string kYamadaIr87 =
    "Yamada^Tarou="
    "\x1b$B\x3b\x33\x45\x44\x1b(B^\x1b$B\x42\x40\x4f\x3a\x1b(B="
    "\x1b$B\x24\x64\x24\x5e\x24\x40\x1b(B^\x1b$B\x24\x3f\x24\x6d\x24\x26\x1b(B";

TEST(TextDecoderTest, JapaneseIr87WithAsciiDefault) {
  const Decoded d = Decode("\\ISO 2022 IR 87", kYamadaIr87);
  EXPECT_EQ(d.text, "Yamada^Tarou=山田^太郎=やまだ^たろう");
  EXPECT_EQ(d.replaced, 0);
}

// PS3.5 H.3.2: ISO 2022 IR 13 (JIS X 0201 katakana in G1, Romaji in G0)
// combined with ISO 2022 IR 87.
TEST(TextDecoderTest, JapaneseIr13KatakanaCombinedWithIr87) {
  const std::string bytes =
      "\xd4\xcf\xc0\xde^\xc0\xdb\xb3="
      "\x1b$B\x3b\x33\x45\x44\x1b(J^\x1b$B\x42\x40\x4f\x3a\x1b(J="
      "\x1b$B\x24\x64\x24\x5e\x24\x40\x1b(J^\x1b$B\x24\x3f\x24\x6d\x24\x26\x1b(J";
  const Decoded d = Decode("ISO 2022 IR 13\\ISO 2022 IR 87", bytes);
  EXPECT_EQ(d.text, "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう");
  EXPECT_EQ(d.replaced, 0);
}

// PS3.5 6.1.2.5.3: a writer that forgets to switch back before a delimiter
// does not carry JIS X 0208 into the next component; '^' (0x5E) inside a
// JIS X 0208 run is a character byte, not a delimiter.
TEST(TextDecoderTest, DelimitersResetOnlyOutsideMultiByteRuns) {
  const Decoded d = Decode("\\ISO 2022 IR 87", "\x1b$B\x24\x5e\x1b(B^Tarou");
  EXPECT_EQ(d.text, "ま^Tarou");
  EXPECT_EQ(Decode("\\ISO 2022 IR 87", "\x1b$B\x3b\x33\r\nAB", TextKind::kSingleValue).text,
            "山\r\nAB");
}

TEST(TextDecoderTest, JisX0212Ir159) {
  const Decoded d = Decode("\\ISO 2022 IR 87\\ISO 2022 IR 159", "A\x1b$(D\x30\x21\x1b(B");
  EXPECT_EQ(d.text, "A丂");
  EXPECT_EQ(d.replaced, 0);
}

// PS3.5 I.2: ISO 2022 IR 149 (KS X 1001 in G1).
TEST(TextDecoderTest, KoreanIr149) {
  const std::string bytes =
      "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf";
  const Decoded d = Decode("\\ISO 2022 IR 149", bytes);
  EXPECT_EQ(d.text, "Hong^Gildong=洪^吉洞=홍^길동");
  EXPECT_EQ(d.replaced, 0);
}

// PS3.5 J.3: ISO 2022 IR 58 (GB 2312 in G1); J.1: GB18030.
TEST(TextDecoderTest, ChineseIr58AndGb18030) {
  EXPECT_EQ(Decode("\\ISO 2022 IR 58", "Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=")
                .text,
            "Zhang^XiaoDong=张^小东=");
  // 東 in GB18030 is 96 7C; a trail byte 0x5C would not split values either.
  EXPECT_EQ(Decode("GB18030", "Wang^XiaoDong=\xcd\xf5^\xd0\xa1\x96\x7c=").text,
            "Wang^XiaoDong=王^小東=");
  EXPECT_EQ(Decode("GBK", "\xcd\xf5").text, "王");
}

TEST(TextDecoderTest, SingleByteSets) {
  EXPECT_EQ(Decode("ISO_IR 100", "Buc^J\xe9r\xf4me").text, "Buc^Jérôme");
  EXPECT_EQ(Decode("ISO_IR 126", "\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2").text, "Διονυσιος");
  EXPECT_EQ(Decode("ISO_IR 144", "\xbb\xee\xda\xe1\xd5\xdc\xd1\xe3\xe0\xd3").text,
            "Люксембург");
  EXPECT_EQ(Decode("ISO_IR 127", "\xe2\xc8\xc7\xe6\xea").text, "قباني");
  EXPECT_EQ(Decode("ISO_IR 138", "\xf9\xf8\xe5\xef").text, "שרון");
  EXPECT_EQ(Decode("ISO_IR 101", "Wen\xfb" "el").text, "Wenűel");
  EXPECT_EQ(Decode("ISO_IR 148", "\xc7").text, "Ç");
  EXPECT_EQ(Decode("ISO_IR 166", "\xa1").text, "ก");
  EXPECT_EQ(Decode("ISO_IR 192", "Wang^XiaoDong=王^小東=").text, "Wang^XiaoDong=王^小東=");
}

// ISO 2022 single-byte sets switched by escape sequences in one value.
TEST(TextDecoderTest, SingleByteSetsSwitchedByEscapes) {
  const Decoded d = Decode("ISO 2022 IR 100\\ISO 2022 IR 126",
                           "J\xe9r\xf4me \x1b-F\xc4\xe9\xef \x1b-AJ\xe9");
  EXPECT_EQ(d.text, "Jérôme Διο Jé");
  EXPECT_EQ(d.replaced, 0);
}

TEST(TextDecoderTest, UndecodableBytesBecomeReplacementCharacters) {
  // Latin-1 bytes under the default repertoire; invalid UTF-8; an unknown
  // escape; a half JIS X 0208 character.
  const Decoded latin = Decode("", "M\xfcller");
  EXPECT_EQ(latin.text, "M\xEF\xBF\xBDller");
  EXPECT_EQ(latin.replaced, 1);
  const Decoded utf8 = Decode("ISO_IR 192", "A\xc3(B");
  EXPECT_EQ(utf8.text, "A\xEF\xBF\xBD(B");
  EXPECT_EQ(utf8.replaced, 1);
  EXPECT_EQ(Decode("\\ISO 2022 IR 87", "\x1b$Z!").replaced, 1);
  const Decoded half = Decode("\\ISO 2022 IR 87", "\x1b$B\x3b\x33\x45\x1b(B");
  EXPECT_EQ(half.text, "山\xEF\xBF\xBD");
  EXPECT_EQ(half.replaced, 1);
}

TEST(TextDecoderTest, UnknownTermsAreReported) {
  const CharacterSet set = ParseSpecificCharacterSet("ISO_IR 999\\ISO 2022 IR 87 ");
  ASSERT_EQ(set.unknown_terms.size(), 1u);
  EXPECT_EQ(set.unknown_terms[0], "ISO_IR 999");
  EXPECT_TRUE(set.code_extensions);
}

}  // namespace
}  // namespace pixeldex::metadata
