// ScreenAssociateRequest: what an A-ASSOCIATE-RQ may hold before DCMTK parses
// it, and which abstract syntax it proposed for each context.

#include "server/listener/associate_request.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include "tests/support/upper_layer_bytes.h"

namespace pixeldex::server {
namespace {

using testing::AssociateRequestPdu;
using testing::Be16;
using testing::ProposedContext;
using testing::UpperLayerItem;

std::vector<ProposedContext> Contexts(int count) {
  std::vector<ProposedContext> contexts;
  for (int i = 0; i < count; ++i)
    contexts.push_back({static_cast<uint8_t>(2 * i + 1), UID_CTImageStorage});
  return contexts;
}

// Screens a request built with AssociateRequestPdu (its 6-byte header cut off).
Result<ProposedContexts> Screen(const std::string& pdu) {
  return ScreenAssociateRequest(std::string_view(pdu).substr(6));
}

void ExpectScreenRefused(const std::string& pdu, const std::string& why) {
  auto screened = Screen(pdu);
  ASSERT_FALSE(screened.ok()) << why;
  EXPECT_NE(screened.status().message().find(why), std::string::npos)
      << screened.status().message();
}

TEST(AssociateRequestTest, KeepsTheAbstractSyntaxOfEachContext) {
  auto screened = Screen(AssociateRequestPdu(
      "PIXELDEX", "MODALITY",
      {{1, UID_VerificationSOPClass}, {3, UID_CTImageStorage}, {255, UID_CTImageStorage}}));
  ASSERT_TRUE(screened.ok()) << screened.status().message();
  EXPECT_EQ((*screened)[1], UID_VerificationSOPClass);
  EXPECT_EQ((*screened)[3], UID_CTImageStorage);
  EXPECT_EQ((*screened)[255], UID_CTImageStorage);
  EXPECT_FALSE((*screened)[5]);
}

TEST(AssociateRequestTest, AtMost128ContextsWithDistinctOddIds) {
  EXPECT_TRUE(Screen(AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(128))).ok());
  auto too_many = Contexts(128);
  too_many.push_back({1, UID_CTImageStorage});
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "MODALITY", too_many),
                      "more than 128 item(s) of type 20H");
  ExpectScreenRefused(
      AssociateRequestPdu(
          "PIXELDEX", "MODALITY",
          {{1, UID_CTImageStorage}, {3, UID_CTImageStorage}, {1, UID_CTImageStorage}}),
      "presentation context ID 1 twice");
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "MODALITY", {{2, UID_CTImageStorage}}),
                      "ID 2 is not odd");
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "MODALITY", {{0, UID_CTImageStorage}}),
                      "ID 0 is not odd");
}

TEST(AssociateRequestTest, NegotiationSubItemsAreBounded) {
  auto role = [](int i) {
    const std::string uid = "1.2.3." + std::to_string(i);
    return UpperLayerItem(0x54, Be16(static_cast<uint16_t>(uid.size())) + uid + "\x01\x01");
  };
  std::string roles;
  for (int i = 0; i < 128; ++i) roles += role(i);
  EXPECT_TRUE(Screen(AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1), roles)).ok());
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1), roles + role(128)),
                      "more than 128 item(s) of type 54H");
  const std::string identity = UpperLayerItem(0x58, std::string("\x01\x00\x00\x04user\x00\x00", 10));
  EXPECT_TRUE(Screen(AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1), identity)).ok());
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1), identity + identity),
                      "more than 1 item(s) of type 58H");
  // A second user information item (DCMTK would parse both, leaking the first identity).
  std::string pdu = AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1));
  pdu += UpperLayerItem(0x50, identity);
  ExpectScreenRefused(pdu, "more than 1 item(s) of type 50H");
}

TEST(AssociateRequestTest, AtMost50TransferSyntaxesPerContext) {
  std::string context =
      std::string{'\x01', '\0', '\0', '\0'} + UpperLayerItem(0x30, UID_CTImageStorage);
  for (int i = 0; i < 51; ++i) context += UpperLayerItem(0x40, "1.2.840.10008.1.2");
  std::string pdu = AssociateRequestPdu("PIXELDEX", "MODALITY", {});
  pdu += UpperLayerItem(0x20, context);
  ExpectScreenRefused(pdu, "more than 50 item(s) of type 40H");
}

TEST(AssociateRequestTest, ItemsMustFitWhatHoldsThem) {
  std::string pdu = AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1));
  pdu += std::string{'\x20', '\0'} + Be16(400) + "short";
  ExpectScreenRefused(pdu, "item 20H in the request runs past its end");
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "MODALITY", Contexts(1)).substr(0, 60),
                      "shorter than its fixed fields");
}

TEST(AssociateRequestTest, AeTitlesMustBeValid) {
  EXPECT_TRUE(Screen(AssociateRequestPdu("PIXELDEX", "  GOOD", Contexts(1))).ok());
  EXPECT_TRUE(Screen(AssociateRequestPdu("PIXELDEX", std::string("GOOD\0\0\0\0", 8), Contexts(1))).ok());
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", std::string("GOOD\0EVIL", 9), Contexts(1)),
                      "calling AE title is not a valid AE title");
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "EVIL\n2026 INFO", Contexts(1)),
                      "calling AE title");
  ExpectScreenRefused(AssociateRequestPdu("PIXEL\x1b[2J", "GOOD", Contexts(1)), "called AE title");
  ExpectScreenRefused(AssociateRequestPdu("PIXELDEX", "", Contexts(1)), "calling AE title");
}

}  // namespace
}  // namespace pixeldex::server
