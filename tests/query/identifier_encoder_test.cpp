// EncodeIdentifier (server/find/identifier_encoder.h): the C-FIND response
// identifier encoded without DcmDataset must be byte for byte what the
// DcmDataset path (MatchToDataset, then DcmDataset::write with DIMSE's
// settings) sends, in Implicit and Explicit VR Little Endian, and must read
// back (DcmDataset::read) to the same data set; a match it cannot encode
// exactly is refused and keeps the DcmDataset path. Checked on every match
// of every C-FIND case file (tests/query/cases) and on hand-made matches for
// each VR, odd lengths (PS3.5 6.2 padding), multiple and empty values.

#include "server/find/identifier_encoder.h"

#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <gtest/gtest.h>

#include <vector>

#include "catalog/index/schema.h"
#include "catalog/query/find_engine.h"
#include "catalog/query/find_request.h"
#include "server/find/find_identifier.h"
#include "tests/query/case_file.h"
#include "tests/query/fixture_index.h"

namespace pixeldex::server {
namespace {

using query::FindMatch;
using query::ResponseAttribute;

constexpr IdentifierSyntax kSyntaxes[] = {IdentifierSyntax::kImplicitLittle,
                                          IdentifierSyntax::kExplicitLittle};

E_TransferSyntax XferOf(IdentifierSyntax syntax) {
  return syntax == IdentifierSyntax::kImplicitLittle ? EXS_LittleEndianImplicit
                                                     : EXS_LittleEndianExplicit;
}

// What DIMSE sends for `dataset` (dimse.cc sendDcmDataset: explicit-length
// sequences, group lengths recalculated, no trailing padding).
std::string WrittenByDcmtk(DcmDataset& dataset, E_TransferSyntax xfer) {
  std::vector<char> buffer(1 << 20);
  DcmOutputBufferStream stream(buffer.data(), buffer.size());
  dataset.transferInit();
  const OFCondition cond = dataset.write(stream, xfer, EET_ExplicitLength, nullptr, EGL_recalcGL,
                                         EPD_withoutPadding);
  dataset.transferEnd();
  EXPECT_TRUE(cond.good()) << cond.text();
  stream.flush();
  void* data = nullptr;
  offile_off_t length = 0;
  stream.flushBuffer(data, length);
  return std::string(static_cast<const char*>(data), static_cast<size_t>(length));
}

std::unique_ptr<DcmDataset> ReadBack(const std::string& bytes, E_TransferSyntax xfer) {
  auto dataset = std::make_unique<DcmDataset>();
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), bytes.size());
  stream.setEos();
  dataset->transferInit();
  const OFCondition cond = dataset->read(stream, xfer);
  dataset->transferEnd();
  EXPECT_TRUE(cond.good()) << cond.text();
  return dataset;
}

// Every element of `got` equals the one of `want` at the same position:
// tag, length and value.
void ExpectSameDataset(DcmDataset& got, DcmDataset& want) {
  ASSERT_EQ(got.card(), want.card());
  for (unsigned long i = 0; i < want.card(); ++i) {
    DcmElement* g = got.getElement(i);
    DcmElement* w = want.getElement(i);
    SCOPED_TRACE(w->getTag().toString().c_str());
    EXPECT_EQ(g->getTag(), w->getTag());
    EXPECT_EQ(g->getLength(), w->getLength());
    // Implicit VR reads a tag the dictionary lacks as UN; its bytes are
    // compared by the caller.
    if (g->ident() != w->ident()) continue;
    OFString gv, wv;
    g->getOFStringArray(gv, OFFalse);
    w->getOFStringArray(wv, OFFalse);
    EXPECT_EQ(gv, wv);
  }
}

bool HasSequence(const FindMatch& match) {
  for (const ResponseAttribute& a : match.attributes) {
    if (a.vr == "SQ" || !a.items.empty()) return true;
  }
  return false;
}

// Encodes `match` in both syntaxes; where it is encoded, checks it against
// the DcmDataset path. Returns how many syntaxes encoded it.
int CheckAgainstDataset(const FindMatch& match) {
  int encoded = 0;
  for (IdentifierSyntax syntax : kSyntaxes) {
    const E_TransferSyntax xfer = XferOf(syntax);
    SCOPED_TRACE(DcmXfer(xfer).getXferName());
    std::string bytes = "prefix";
    if (!EncodeIdentifier(match, syntax, &bytes)) {
      EXPECT_EQ(bytes, "prefix") << "a refused match leaves the output as it was";
      continue;
    }
    ++encoded;
    EXPECT_EQ(bytes.substr(0, 6), "prefix");
    bytes.erase(0, 6);
    auto dataset = MatchToDataset(match);
    EXPECT_TRUE(dataset.ok()) << dataset.status().ToString();
    if (!dataset.ok()) continue;
    EXPECT_EQ(bytes, WrittenByDcmtk(**dataset, xfer));
    auto read = ReadBack(bytes, xfer);
    ExpectSameDataset(*read, **dataset);
  }
  return encoded;
}

ResponseAttribute Attr(uint16_t group, uint16_t element, std::string vr,
                       std::vector<std::string> values) {
  return {{group, element}, std::move(vr), std::move(values), {}};
}

std::string CasePath(const std::string& name) {
  return std::string(PIXELDEX_SOURCE_DIR) + "/tests/query/cases/" + name + ".txt";
}

TEST(IdentifierEncoderTest, EncodesEveryMatchOfTheCaseFilesAsDcmDatasetWould) {
  const std::vector<std::string> files = {
      "single_value", "universal",        "wildcard",     "range",
      "uid_list",     "sequence",         "empty_values", "levels_and_validation",
      "computed_keys", "charset_utf8",    "header_json_keys", "study_patient_attributes"};
  size_t encoded = 0, with_sequences = 0;
  for (const std::string& name : files) {
    SCOPED_TRACE(name);
    auto file = query::testing::LoadCaseFile(CasePath(name));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    auto temp = query::testing::TempIndex::Create();
    ASSERT_TRUE(temp.ok());
    ASSERT_TRUE(query::testing::LoadFixture(temp->db(), file->fixture).ok());
    auto reader = index::Db::Open(temp->path(), index::Db::Mode::kReadOnly);
    ASSERT_TRUE(reader.ok());
    ASSERT_TRUE(index::PrepareForReading(*reader).ok());
    for (const query::testing::QueryCase& c : file->cases) {
      SCOPED_TRACE(c.name);
      if (c.expect_error) continue;
      auto request = query::MakeFindRequest(c.model, c.Identifier(), c.combined_datetime);
      ASSERT_TRUE(request.ok());
      auto outcome = query::RunFind(*reader, *request, c.options, [&](const FindMatch& m) {
        const int syntaxes = CheckAgainstDataset(m);
        // Sequences keep DcmDataset; every other case-file match is encoded.
        EXPECT_EQ(syntaxes, HasSequence(m) ? 0 : 2);
        encoded += syntaxes > 0;
        with_sequences += HasSequence(m);
        return true;
      });
      ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    }
  }
  EXPECT_GE(encoded, 100u);
  EXPECT_GE(with_sequences, 1u);
}

TEST(IdentifierEncoderTest, PadsOddLengthsAsEachVrWants) {
  // Every text VR with an odd and an even value; UI pads with NUL, the
  // others with a space (PS3.5 6.2); UC, UR and UT have 4-byte lengths in
  // Explicit VR (PS3.5 7.1.2).
  const char* text_vrs[] = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT",
                            "PN", "SH", "ST", "TM", "UC", "UR", "UT", "UI"};
  for (const char* odd : {"1", "123"}) {
    for (const char* even : {"12", "1234"}) {
      FindMatch match;
      uint16_t element = 0x1000;
      for (const char* vr : text_vrs) {
        match.attributes.push_back(Attr(0x0009, element++, vr, {odd}));
        match.attributes.push_back(Attr(0x0009, element++, vr, {even}));
      }
      EXPECT_EQ(CheckAgainstDataset(match), 2);
    }
  }
}

TEST(IdentifierEncoderTest, EncodesCharacterSetsRangesListsAndEmptyValues) {
  FindMatch match;
  match.attributes = {
      Attr(0x0008, 0x0005, "CS", {"ISO_IR 192"}),
      Attr(0x0008, 0x0020, "DA", {"20240101-20240131"}),  // a range, 17 bytes
      Attr(0x0008, 0x0030, "TM", {"080000-120000"}),
      Attr(0x0008, 0x0052, "CS", {"STUDY"}),
      Attr(0x0008, 0x0061, "CS", {"CT", "MR", "SR"}),  // 8 bytes with '\'
      Attr(0x0008, 0x0090, "PN", {}),                  // zero length
      Attr(0x0008, 0x1030, "LO", {""}),
      Attr(0x0010, 0x0010, "PN", {"M\xC3\xBCller^J\xC3\xBCrgen=\xE5\xB1\xB1\xE7\x94\xB0"}),
      Attr(0x0010, 0x0020, "LO", {"", ""}),  // two empty values: "\"
      Attr(0x0020, 0x000D, "UI", {"1.2.840.10008.1", "1.2.3.45"}),
      Attr(0x0020, 0x000E, "UI", {"1.2.3"}),
      Attr(0x0020, 0x1206, "IS", {"5"}),
      Attr(0x0028, 0x0010, "US", {"512"}),
      Attr(0x0028, 0x0011, "US", {"0", "65535"}),
      Attr(0x0028, 0x0106, "SS", {"-32768", "32767"}),
      Attr(0x0028, 0x0107, "US", {""}),
      Attr(0x0029, 0x1001, "UL", {"4294967295"}),
      Attr(0x0029, 0x1002, "SL", {"-70000"}),
      Attr(0x0029, 0x1003, "UT", {std::string(70001, 'x')}),  // over 64 KiB
  };
  EXPECT_EQ(CheckAgainstDataset(match), 2);
}

TEST(IdentifierEncoderTest, LeavesToDcmDatasetWhatItCannotEncodeExactly) {
  const std::vector<ResponseAttribute> refused = {
      {{0x0008, 0x1110}, "SQ", {}, {{Attr(0x0008, 0x1150, "UI", {"1.2"})}}},
      Attr(0x0028, 0x0030, "FL", {"1.5"}),
      Attr(0x0028, 0x0010, "US", {"65536"}),
      Attr(0x0028, 0x0010, "US", {"+5"}),
      Attr(0x0028, 0x0010, "US", {"5", ""}),
      Attr(0x0028, 0x0010, "US", {"x"}),
      Attr(0x0028, 0x0106, "SS", {"-32769"}),
      Attr(0x0020, 0x000D, "UI", {"1.2 .3"}),
      Attr(0x0010, 0x0010, "", {"NO^VR"}),
      Attr(0x0010, 0x0000, "UL", {"4"}),
      Attr(0x0010, 0x0010, "PN", {std::string("A\0B", 3)}),
      Attr(0x0010, 0x0010, "LO", {std::string(0x10000, 'y')}),
  };
  for (const ResponseAttribute& a : refused) {
    SCOPED_TRACE(a.tag.ToString() + " " + a.vr);
    FindMatch match;
    match.attributes = {Attr(0x0008, 0x0005, "CS", {"ISO_IR 192"}), a};
    for (IdentifierSyntax syntax : kSyntaxes) {
      std::string out = "kept";
      EXPECT_FALSE(EncodeIdentifier(match, syntax, &out));
      EXPECT_EQ(out, "kept");
    }
  }
  FindMatch unordered;
  unordered.attributes = {Attr(0x0010, 0x0020, "LO", {"B"}), Attr(0x0010, 0x0010, "PN", {"A"})};
  std::string out;
  EXPECT_FALSE(EncodeIdentifier(unordered, IdentifierSyntax::kImplicitLittle, &out));
  EXPECT_FALSE(EncodeIdentifier(FindMatch{}, IdentifierSyntax::kExplicitLittle, &out));
  EXPECT_TRUE(out.empty());
}

TEST(IdentifierEncoderTest, EncodesOnlyTheLittleEndianUncompressedSyntaxes) {
  EXPECT_EQ(IdentifierSyntaxFor(EXS_LittleEndianImplicit), IdentifierSyntax::kImplicitLittle);
  EXPECT_EQ(IdentifierSyntaxFor(EXS_LittleEndianExplicit), IdentifierSyntax::kExplicitLittle);
  EXPECT_EQ(IdentifierSyntaxFor(EXS_BigEndianExplicit), std::nullopt);
  EXPECT_EQ(IdentifierSyntaxFor(EXS_DeflatedLittleEndianExplicit), std::nullopt);
}

}  // namespace
}  // namespace pixeldex::server
