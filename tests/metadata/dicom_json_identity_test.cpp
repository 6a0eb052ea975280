// The header JSON writer (catalog/metadata/dicom_json.h) against DCMTK's
// DcmDataset::writeJson, the writer of every header stored before it: the
// same text, byte for byte, for hand-picked corner cases and for generated
// data sets covering every VR, multiple and empty values, sequences nested
// three deep, person names with groups, binary values around the inline
// limit and characters JSON escapes. Each data set goes through a file and
// is read back the way the ingest pipeline reads it (values over 4 kB left on
// disk) and decoded to UTF-8 as ExtractMetadata does.

#include <dcmtk/dcmdata/dcbytstr.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcjson.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcstack.h>
#include <dcmtk/dcmdata/dcvrat.h>
#include <dcmtk/dcmdata/dcvrov.h>
#include <dcmtk/dcmdata/dcvrsv.h>
#include <dcmtk/dcmdata/dcvruv.h>
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/metadata/bulk_data.h"
#include "catalog/metadata/dataset_text.h"
#include "catalog/metadata/dicom_json.h"
#include "catalog/metadata/dicom_string_values.h"
#include "tests/support/dicom_factory.h"
#include "tests/support/temp_dir.h"

namespace pixeldex::metadata {
namespace {

// The writer the headers came from until now, unchanged: DCMTK's
// DcmJsonFormatCompact asked for a BulkDataURI for the tags bulk by nature
// and for every tag with a long binary value anywhere in the data set.
class ReferenceBulkFormat : public DcmJsonFormatCompact {
 public:
  explicit ReferenceBulkFormat(std::set<DcmTagKey> bulk_tags)
      : DcmJsonFormatCompact(OFFalse), bulk_tags_(std::move(bulk_tags)) {}

  OFBool asBulkDataURI(const DcmTagKey& tag, OFString& uri) override {
    if (!IsBulkByNature(tag) && bulk_tags_.count(tag) == 0) return OFFalse;
    uri = std::string(BulkDataUri(tag).text()).c_str();
    return OFTrue;
  }

 private:
  std::set<DcmTagKey> bulk_tags_;
};

Result<std::string> ReferenceDicomJson(DcmDataset& dataset) {
  std::set<DcmTagKey> tags;
  DcmStack stack;
  while (dataset.nextObject(stack, OFTrue).good()) {
    DcmObject* obj = stack.top();
    if (IsBinaryVr(obj->ident()) && obj->getLength() > kInlineBinaryLimit)
      tags.insert(obj->getTag());
  }
  ReferenceBulkFormat format(std::move(tags));
  std::ostringstream out;
  out << '{';
  const OFCondition cond = dataset.writeJson(out, format);
  out << '}';
  if (cond.bad()) return Status::InvalidArgument(std::string("DICOM JSON: ") + cond.text());
  return out.str();
}

// Private elements of any VR: creator (0009,0010), elements (0009,10xx).
DcmTag PrivateTag(Uint16 element, DcmEVR vr) {
  DcmTag tag(0x0009, 0x1000 | element, DcmVR(vr));
  tag.setPrivateCreator("PIXELDEX JSON TEST");
  return tag;
}

const DcmEVR kStringVrs[] = {EVR_AE, EVR_AS, EVR_CS, EVR_DA, EVR_DS, EVR_DT, EVR_IS, EVR_LO, EVR_LT,
                             EVR_PN, EVR_SH, EVR_ST, EVR_TM, EVR_UC, EVR_UI, EVR_UR, EVR_UT};
const DcmEVR kBinaryVrs[] = {EVR_OB, EVR_OW, EVR_OF, EVR_OD, EVR_OL, EVR_OV, EVR_UN};
const DcmEVR kNumberVrs[] = {EVR_US, EVR_SS, EVR_UL, EVR_SL, EVR_SV,
                             EVR_UV, EVR_FL, EVR_FD, EVR_AT};

// Text pieces values are made of: padding, separators and component
// delimiters, JSON's special characters, control characters, UTF-8, numbers
// valid and not as DS and IS.
const char* const kPieces[] = {"",
                               " ",
                               "  ",
                               "A",
                               "Doe",
                               "^",
                               "=",
                               "\\",
                               "\"",
                               "\\\\",
                               "\t",
                               "\n",
                               "\r",
                               "\b",
                               "\f",
                               "\x01",
                               "\x1f",
                               "\x7f",
                               "\xc3\xa9",
                               "\xe5\xb1\xb1\xe7\x94\xb0",
                               "0",
                               "007",
                               "-0",
                               "+1.5E+03",
                               ".5",
                               "5.",
                               "0e5",
                               "1e-300",
                               "2147483647",
                               "2147483648",
                               "-2147483648",
                               "abc",
                               "1.2.840",
                               "20250101",
                               "123456.789",
                               "035Y",
                               "http://x/y?a=b",
                               "\xe3\x81\x9f",
                               "Yamada^Tarou",
                               "12345678901234567",
                               "-",
                               "+",
                               "e5",
                               "1.5 2"};

class CorpusGenerator {
 public:
  explicit CorpusGenerator(unsigned seed) : rng_(seed) {}

  void Fill(DcmItem& item, int depth) {
    if (depth == 0) {
      item.putAndInsertString(DCM_SpecificCharacterSet, Pick({"", "ISO_IR 192", "ISO_IR 100"}));
    }
    item.putAndInsertString(DcmTag(0x0009, 0x0010, DcmVR(EVR_LO)), "PIXELDEX JSON TEST");
    const int count = Below(depth == 0 ? 40 : 12);
    for (int i = 0; i < count; ++i) {
      const Uint16 element = static_cast<Uint16>(Below(64));
      const int kind = Below(10);
      if (kind < 5) {
        PutString(item, PrivateTag(element, kStringVrs[Below(std::size(kStringVrs))]));
      } else if (kind < 7) {
        PutNumbers(item, PrivateTag(element, kNumberVrs[Below(std::size(kNumberVrs))]));
      } else if (kind < 9) {
        PutBinary(item, PrivateTag(element, kBinaryVrs[Below(std::size(kBinaryVrs))]));
      } else if (depth < 3) {
        auto* sequence = new DcmSequenceOfItems(PrivateTag(element, EVR_SQ));
        for (int n = Below(4); n > 0; --n) {
          auto* nested = new DcmItem();
          Fill(*nested, depth + 1);
          sequence->append(nested);
        }
        item.insert(sequence, OFTrue);
      }
    }
  }

 private:
  int Below(std::size_t n) { return static_cast<int>(rng_() % n); }
  const char* Pick(std::initializer_list<const char*> choices) {
    return choices.begin()[Below(choices.size())];
  }

  void PutString(DcmItem& item, const DcmTag& tag) {
    std::string value;
    for (int pieces = Below(6); pieces > 0; --pieces) value += kPieces[Below(std::size(kPieces))];
    item.putAndInsertOFStringArray(tag, value.c_str());
  }

  void PutNumbers(DcmItem& item, const DcmTag& tag) {
    PutRandom(item, tag, Below(5) * DcmVR(tag.getEVR()).getValueWidth());
  }

  void PutBinary(DcmItem& item, const DcmTag& tag) {
    const std::size_t lengths[] = {0, 8, 1016, 1024, 1032, 4104, 8000};
    PutRandom(item, tag, lengths[Below(std::size(lengths))]);
  }

  // An element of `tag` holding `bytes` random bytes, put as its VR's type
  // (some FL and FD values are then infinite or NaN).
  void PutRandom(DcmItem& item, const DcmTag& tag, std::size_t bytes) {
    std::vector<Uint64> words((bytes + 7) / 8);
    for (Uint64& w : words) w = (Uint64{rng_()} << 32) | rng_();
    void* raw = words.data();
    DcmElement* e = nullptr;
    ASSERT_TRUE(DcmItem::newDicomElementWithVR(e, tag).good());
    OFCondition cond = EC_IllegalCall;
    switch (tag.getEVR()) {
      case EVR_OB:
      case EVR_UN:
        cond = e->putUint8Array(static_cast<Uint8*>(raw), bytes);
        break;
      case EVR_OW:
      case EVR_US:
        cond = e->putUint16Array(static_cast<Uint16*>(raw), bytes / 2);
        break;
      case EVR_AT:
        cond = e->putUint16Array(static_cast<Uint16*>(raw), bytes / 4);
        break;
      case EVR_SS:
        cond = e->putSint16Array(static_cast<Sint16*>(raw), bytes / 2);
        break;
      case EVR_OL:
      case EVR_UL:
        cond = e->putUint32Array(static_cast<Uint32*>(raw), bytes / 4);
        break;
      case EVR_SL:
        cond = e->putSint32Array(static_cast<Sint32*>(raw), bytes / 4);
        break;
      case EVR_OV:
        cond = static_cast<DcmOther64bitVeryLong*>(e)->putUint64Array(static_cast<Uint64*>(raw),
                                                                      bytes / 8);
        break;
      case EVR_UV:
        cond = static_cast<DcmUnsigned64bitVeryLong*>(e)->putUint64Array(static_cast<Uint64*>(raw),
                                                                         bytes / 8);
        break;
      case EVR_SV:
        cond = static_cast<DcmSigned64bitVeryLong*>(e)->putSint64Array(static_cast<Sint64*>(raw),
                                                                       bytes / 8);
        break;
      case EVR_OF:
      case EVR_FL:
        cond = e->putFloat32Array(static_cast<Float32*>(raw), bytes / 4);
        break;
      case EVR_OD:
      case EVR_FD:
        cond = e->putFloat64Array(static_cast<Float64*>(raw), bytes / 8);
        break;
      default:
        break;
    }
    ASSERT_TRUE(cond.good()) << DcmVR(tag.getEVR()).getVRName() << " " << cond.text();
    item.insert(e, OFTrue);
  }

  std::mt19937 rng_;
};

class DicomJsonIdentityTest : public ::testing::Test {
 protected:
  // Writes `dataset` in `xfer`, reads it back twice as the pipeline does and
  // compares the two writers on the copies.
  void ExpectSameJson(DcmDataset& dataset, const std::string& label,
                      E_TransferSyntax xfer = EXS_LittleEndianExplicit,
                      E_GrpLenEncoding group_lengths = EGL_withoutGL) {
    DcmFileFormat file(&dataset);
    const std::string path = dir_ / "corpus.dcm";
    ASSERT_TRUE(file.saveFile(path.c_str(), xfer, EET_ExplicitLength, group_lengths).good())
        << label;
    ExpectSameJsonOfFile(path, label);
  }

  void ExpectSameJsonOfFile(const std::string& path, const std::string& label) {
    DcmFileFormat ours_file;
    DcmFileFormat reference_file;
    for (DcmFileFormat* f : {&ours_file, &reference_file}) {
      ASSERT_TRUE(
          f->loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect).good());
      DecodeTextToUtf8(*f->getDataset());
    }
    const Result<std::string> ours = ToDicomJson(*ours_file.getDataset());
    const Result<std::string> reference = ReferenceDicomJson(*reference_file.getDataset());
    ASSERT_EQ(ours.ok(), reference.ok())
        << label << ": " << (ours.ok() ? reference.status() : ours.status()).ToString();
    if (!ours.ok()) {
      EXPECT_EQ(ours.status().ToString(), reference.status().ToString()) << label;
      ++failures_;
      return;
    }
    EXPECT_EQ(*ours, *reference) << label;
    ++compared_;
  }

  pixeldex::testing::TempDir dir_;
  int compared_ = 0;
  int failures_ = 0;
};

TEST_F(DicomJsonIdentityTest, CornerCasesOfEveryVr) {
  DcmDataset ds;
  const struct {
    DcmEVR vr;
    const char* value;
  } cases[] = {
      {EVR_DS, "0e5\\+1.5E+03\\ 007 \\-0\\.5\\5.\\abc\\\\12345678901234567\\-00.25"},
      {EVR_IS, "2147483647\\2147483648\\-2147483648\\-2147483649\\+0\\00012\\1.5\\-\\"},
      {EVR_PN,
       "Yamada^Tarou=\xe5\xb1\xb1\xe7\x94\xb0^\xe5\xa4\xaa\xe9\x83\x8e=\xe3\x82\x84^\xe3\x81\x9f"},
      {EVR_PN, "=Ideo\\==Phon\\A^^B\\  A  ^  B  \\A=B=C=D\\^^\\"},
      {EVR_PN, "\\"},
      {EVR_PN, "Doe^\"John\\\\\x01"},
      {EVR_UI, "1.2.3 \\ 1.2"},
      {EVR_LT, "a\\b \"quoted\"\t\n\r\b\f\x01\x1f\x7f \xc3\xa9  "},
      {EVR_CS, " \\ \\"},
      {EVR_DA, " \\20250101"},
      {EVR_TM, "    "},
      {EVR_AS, " 035Y"},
      {EVR_UC, "a\\ \\b "},
      {EVR_UR, "http://x/y?a=b\\c "},
      {EVR_AE, ""},
  };
  Uint16 element = 0;
  for (const auto& c : cases) {
    ASSERT_TRUE(ds.putAndInsertOFStringArray(PrivateTag(element++, c.vr), c.value).good());
  }
  ds.putAndInsertString(DcmTag(0x0009, 0x0010, DcmVR(EVR_LO)), "PIXELDEX JSON TEST");
  for (DcmEVR vr : kBinaryVrs) ds.insertEmptyElement(PrivateTag(element++, vr));
  for (DcmEVR vr : kNumberVrs) ds.insertEmptyElement(PrivateTag(element++, vr));
  const Float64 doubles[] = {std::numeric_limits<Float64>::infinity(), -0.0, 0.001, 1e-5};
  ds.putAndInsertFloat64Array(PrivateTag(element++, EVR_FD), doubles, 4);
  const Float32 floats[] = {0.1f, -3.25e38f, 1e-38f};
  ds.putAndInsertFloat32Array(PrivateTag(element++, EVR_FL), floats, 3);
  const Sint64 big[] = {9007199254740991, 9007199254740992, -9007199254740992,
                        std::numeric_limits<Sint64>::min()};
  auto* sv = new DcmSigned64bitVeryLong(PrivateTag(element++, EVR_SV));
  sv->putSint64Array(big, 4);
  ds.insert(sv);
  auto* at = new DcmAttributeTag(PrivateTag(element++, EVR_AT));
  at->putTagVal(DCM_PatientName, 0);
  at->putTagVal(DcmTagKey(0x7fe0, 0x0010), 1);
  ds.insert(at);
  ds.insertEmptyElement(DCM_PixelData);
  ds.insertEmptyElement(DCM_SpecificCharacterSet);
  ExpectSameJson(ds, "corner cases");
  ExpectSameJson(ds, "corner cases, group lengths", EXS_LittleEndianExplicit, EGL_withGL);
  ExpectSameJson(ds, "corner cases, implicit VR", EXS_LittleEndianImplicit);
  EXPECT_EQ(compared_, 3);
}

TEST_F(DicomJsonIdentityTest, NanAfterTheFirstFloatFailsBothWriters) {
  DcmDataset ds;
  const Float64 values[] = {1.0, std::numeric_limits<Float64>::quiet_NaN()};
  ds.putAndInsertString(DcmTag(0x0009, 0x0010, DcmVR(EVR_LO)), "PIXELDEX JSON TEST");
  ds.putAndInsertFloat64Array(PrivateTag(0x01, EVR_FD), values, 2);
  ExpectSameJson(ds, "NaN in the second value");
  EXPECT_EQ(failures_, 1);
}

// A tag whose binary value is long in one item makes it bulk data in every
// other, before and after: the writer must notice the tag late and write
// again.
TEST_F(DicomJsonIdentityTest, LongBinaryValueMakesItsTagBulkEverywhere) {
  for (const bool long_first : {false, true}) {
    DcmDataset ds;
    ds.putAndInsertString(DcmTag(0x0009, 0x0010, DcmVR(EVR_LO)), "PIXELDEX JSON TEST");
    const std::vector<Uint8> short_value(16, 0xab);
    const std::vector<Uint8> long_value(kInlineBinaryLimit + 2, 0xcd);
    const DcmTag blob = PrivateTag(0x20, EVR_OB);
    ds.putAndInsertUint8Array(blob, (long_first ? long_value : short_value).data(),
                              long_first ? long_value.size() : short_value.size());
    auto* sequence = new DcmSequenceOfItems(PrivateTag(0x30, EVR_SQ));
    auto* item = new DcmItem();
    item->putAndInsertString(DcmTag(0x0009, 0x0010, DcmVR(EVR_LO)), "PIXELDEX JSON TEST");
    item->putAndInsertUint8Array(blob, (long_first ? short_value : long_value).data(),
                                 long_first ? short_value.size() : long_value.size());
    sequence->append(item);
    ds.insert(sequence);
    ExpectSameJson(ds, long_first ? "long value first" : "long value last");
    const std::string json = *ToDicomJson(ds);
    EXPECT_EQ(json.find("InlineBinary"), std::string::npos) << json;
  }
}

// The instances the other tests store (tests/support/dicom_factory.h), in
// the character sets, encodings and shapes they use.
TEST_F(DicomJsonIdentityTest, InstancesOfTheTestSuite) {
  const struct {
    const char* charset;
    const char* name;
  } names[] = {
      {"", "Doe^John"},
      {"", "M\xfcller^Hans"},  // Latin-1, undeclared
      {"ISO_IR 100", "Buc^J\xe9r\xf4me"},
      {"ISO_IR 192", "Wang^XiaoDong=\xe7\x8e\x8b^\xe5\xb0\x8f\xe6\x9d\xb1="},
      {"GB18030", "Wang^XiaoDong=\xcd\xf5^\xd0\xa1\x96\x7c="},
      {"ISO 2022 IR 13\\ISO 2022 IR 87",
       "\xd4\xcf\xc0\xde^\xc0\xdb\xb3=\x1b$B\x3b\x33\x45\x44\x1b(J^\x1b$B\x42\x40\x4f\x3a\x1b(J="},
      {"ISO_IR 999", "Caf\xe9"},  // unknown: decoded as ASCII, U+FFFD
  };
  int variant = 0;
  for (const auto& n : names) {
    pixeldex::testing::TestInstance t;
    t.specific_character_set = n.charset;
    t.patient_name = n.name;
    t.study_description = n.name;
    t.timezone_offset_from_utc = variant % 2 == 0 ? "+0100" : "";
    t.uids_as_un = variant == 3;
    t.bits_allocated = variant % 3 == 0 ? 8 : 16;
    t.number_of_frames = 1 + variant % 3;
    const E_TransferSyntax xfers[] = {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit,
                                      EXS_BigEndianExplicit};
    const std::string path = dir_ / ("variant" + std::to_string(variant) + ".dcm");
    pixeldex::testing::WriteTestInstance(path, t, xfers[variant % 3]);
    ExpectSameJsonOfFile(path,
                         std::string("instance in ") + n.charset + " " + std::to_string(variant));
    ++variant;
  }
  const std::string encapsulated = dir_ / "encapsulated.dcm";
  pixeldex::testing::WriteEncapsulatedInstance(encapsulated, pixeldex::testing::TestInstance(),
                                               EXS_JPEG2000LosslessOnly, std::string(3000, '\x11'));
  ExpectSameJsonOfFile(encapsulated, "encapsulated test instance");
  EXPECT_EQ(compared_, variant + 1);
}

TEST_F(DicomJsonIdentityTest, GeneratedDataSets) {
  constexpr unsigned kDataSets = 400;
  for (unsigned seed = 1; seed <= kDataSets; ++seed) {
    DcmDataset ds;
    CorpusGenerator(seed).Fill(ds, 0);
    const E_TransferSyntax xfer = seed % 5 == 0   ? EXS_LittleEndianImplicit
                                  : seed % 7 == 0 ? EXS_BigEndianExplicit
                                                  : EXS_LittleEndianExplicit;
    ExpectSameJson(ds, "seed " + std::to_string(seed), xfer,
                   seed % 3 == 0 ? EGL_withGL : EGL_withoutGL);
    if (HasFailure()) return;
  }
  // Most data sets have a JSON to compare; an error (NaN, a value too short
  // for its VR) must be the same error.
  EXPECT_EQ(compared_ + failures_, static_cast<int>(kDataSets));
  EXPECT_GT(compared_, static_cast<int>(kDataSets) / 2);
}

// The typed attributes read string values with JoinedValues: the same as
// DCMTK's getOFStringArray for every string VR.
TEST(DicomStringValuesTest, JoinedValuesAreDcmtksStringArray) {
  std::mt19937 rng(20);
  int compared = 0;
  for (DcmEVR vr : kStringVrs) {
    const StringValueRule* rule = StringValueRuleOf(vr);
    ASSERT_NE(rule, nullptr) << DcmVR(vr).getVRName();
    for (int round = 0; round < 300; ++round) {
      std::string value;
      for (int pieces = rng() % 6; pieces > 0; --pieces)
        value += kPieces[rng() % std::size(kPieces)];
      DcmElement* ours = nullptr;
      DcmElement* reference = nullptr;
      ASSERT_TRUE(DcmItem::newDicomElementWithVR(ours, DcmTag(0x0009, 0x1001, DcmVR(vr))).good());
      ASSERT_TRUE(
          DcmItem::newDicomElementWithVR(reference, DcmTag(0x0009, 0x1001, DcmVR(vr))).good());
      ours->putString(value.c_str(), static_cast<Uint32>(value.size()));
      reference->putString(value.c_str(), static_cast<Uint32>(value.size()));
      char* text = nullptr;
      Uint32 length = 0;
      ASSERT_TRUE(static_cast<DcmByteString*>(ours)->getString(text, length).good());
      OFString expected;
      reference->getOFStringArray(expected);
      EXPECT_EQ(JoinedValues(text == nullptr ? std::string_view() : std::string_view(text, length),
                             *rule),
                std::string(expected.c_str(), expected.length()))
          << DcmVR(vr).getVRName() << " '" << value << "'";
      delete ours;
      delete reference;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 300 * static_cast<int>(std::size(kStringVrs)));
  EXPECT_EQ(StringValueRuleOf(EVR_US), nullptr);
  EXPECT_EQ(StringValueRuleOf(EVR_SQ), nullptr);
}

}  // namespace
}  // namespace pixeldex::metadata
