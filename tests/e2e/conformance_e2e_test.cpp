// docs/conformance.md says what the server does: its SOP class and transfer
// syntax tables equal the lists in server/association/presentation_contexts,
// and a real association proposing each of them gets each one accepted
// (while what the statement leaves out is refused). A SOP class or transfer
// syntax added to the server is a row added to its table. The retrieve
// tables equal the conversion order of server/retrieve/outgoing_syntax and
// the status constants the C-GET/C-MOVE code answers with.

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/dimse.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include "server/association/presentation_contexts.h"
#include "server/dimse/dimse_status.h"
#include "server/retrieve/outgoing_syntax.h"
#include "tests/e2e/e2e_fixture.h"

namespace pixeldex::testing {
namespace {

const std::string kStatement = std::string(PIXELDEX_SOURCE_DIR) + "/docs/conformance.md";

// The first match of `cell` (its first group) in each row of the table that
// follows "<!-- conformance-table: NAME -->", in order.
std::vector<std::string> TableCells(const std::string& name, const std::regex& cell) {
  std::ifstream in(kStatement);
  std::string line;
  const std::string marker = "<!-- conformance-table: " + name + " -->";
  while (std::getline(in, line) && line != marker) {
  }
  std::vector<std::string> cells;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() && rows == 0) continue;
    if (line.rfind('|', 0) != 0) break;
    std::smatch m;
    if (++rows > 2 && std::regex_search(line, m, cell)) cells.push_back(m[1]);  // past head
  }
  return cells;
}

// The UIDs (first `backticked` cell) of a table's rows, in order.
std::vector<std::string> TableUids(const std::string& name) {
  return TableCells(name, std::regex(R"(`([0-9.]+)`)"));
}

std::vector<std::string> Strings(const std::vector<const char*>& uids) {
  return {uids.begin(), uids.end()};
}

std::set<std::string> AsSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

struct Proposal {
  std::string abstract_syntax;
  std::vector<std::string> transfer_syntaxes;
};

// Proposes `proposals` (one presentation context each) to the server and
// returns the transfer syntax accepted for each, "" where refused.
std::vector<std::string> Negotiate(int port, const std::vector<Proposal>& proposals) {
  T_ASC_Network* net = nullptr;
  EXPECT_TRUE(ASC_initializeNetwork(NET_REQUESTOR, 0, 30, &net).good());
  T_ASC_Parameters* params = nullptr;
  EXPECT_TRUE(ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU).good());
  ASC_setAPTitles(params, "CONFORMANCE", "PIXELDEX", nullptr);
  ASC_setPresentationAddresses(params, "localhost", ("127.0.0.1:" + std::to_string(port)).c_str());
  for (size_t i = 0; i < proposals.size(); ++i) {
    std::vector<const char*> syntaxes;
    for (const auto& ts : proposals[i].transfer_syntaxes) syntaxes.push_back(ts.c_str());
    EXPECT_TRUE(ASC_addPresentationContext(params,
                                           static_cast<T_ASC_PresentationContextID>(2 * i + 1),
                                           proposals[i].abstract_syntax.c_str(), syntaxes.data(),
                                           static_cast<int>(syntaxes.size()))
                    .good());
  }
  T_ASC_Association* assoc = nullptr;
  const OFCondition cond = ASC_requestAssociation(net, params, &assoc);
  std::vector<std::string> accepted(proposals.size());
  if (cond.good()) {
    for (int i = 0; i < ASC_countPresentationContexts(params); ++i) {
      T_ASC_PresentationContext pc;
      ASC_getPresentationContext(params, i, &pc);
      if (pc.resultReason == ASC_P_ACCEPTANCE) {
        accepted[(pc.presentationContextID - 1) / 2] = pc.acceptedTransferSyntax;
      }
    }
    ASC_releaseAssociation(assoc);
  }
  ASC_destroyAssociation(&assoc);  // also frees params
  ASC_dropNetwork(&net);
  return accepted;
}

TEST(ConformanceStatementTest, ServiceSopClassTableIsWhatTheServerOffers) {
  EXPECT_EQ(AsSet(TableUids("service-sop-classes")), AsSet(Strings(server::ServiceSopClasses())));
}

TEST(ConformanceStatementTest, StorageSopClassTableIsEveryStorageClassDcmtkKnows) {
  const std::set<std::string> documented = AsSet(TableUids("storage-sop-classes"));
  std::set<std::string> served(dcmAllStorageSOPClassUIDs,
                               dcmAllStorageSOPClassUIDs + numberOfDcmAllStorageSOPClassUIDs);
  for (const auto& uid : served) {
    EXPECT_TRUE(documented.count(uid))
        << "undocumented: | " << dcmFindNameOfUID(uid.c_str(), "?") << " | `" << uid << "` | SCP |";
  }
  for (const auto& uid : documented) EXPECT_TRUE(served.count(uid)) << "not served: " << uid;
}

TEST(ConformanceStatementTest, TransferSyntaxTablesAreTheServersInPreferenceOrder) {
  EXPECT_EQ(TableUids("storage-transfer-syntaxes"), Strings(server::StorageTransferSyntaxes()));
  EXPECT_EQ(TableUids("service-transfer-syntaxes"),
            Strings(server::UncompressedTransferSyntaxes()));
}

TEST(ConformanceStatementTest, RetrieveConversionTableIsTheServersPreferenceOrder) {
  std::vector<std::string> uids;
  for (E_TransferSyntax ts : server::ConversionSyntaxes()) uids.push_back(DcmXfer(ts).getXferID());
  EXPECT_EQ(TableUids("retrieve-conversion-syntaxes"), uids);
}

// The DIMSE status constants the C-GET and C-MOVE code may answer with, by
// name; a constant the code starts to use must be added here and documented.
const std::map<std::string, Uint16>& KnownRetrieveStatuses() {
#define PIXELDEX_STATUS(name) {#name, name}
  static const std::map<std::string, Uint16> statuses = {
      PIXELDEX_STATUS(STATUS_Pending),
      PIXELDEX_STATUS(STATUS_Success),
      PIXELDEX_STATUS(STATUS_MOVE_Warning_SubOperationsCompleteOneOrMoreFailures),
      PIXELDEX_STATUS(STATUS_MOVE_Refused_OutOfResourcesSubOperations),
      PIXELDEX_STATUS(STATUS_MOVE_Refused_OutOfResourcesNumberOfMatches),
      PIXELDEX_STATUS(STATUS_MOVE_Refused_MoveDestinationUnknown),
      PIXELDEX_STATUS(STATUS_MOVE_Error_DataSetDoesNotMatchSOPClass),
      PIXELDEX_STATUS(STATUS_MOVE_Failed_UnableToProcess),
      PIXELDEX_STATUS(STATUS_MOVE_Cancel_SubOperationsTerminatedDueToCancelIndication),
      PIXELDEX_STATUS(STATUS_MOVE_Refused_SOPClassNotSupported),
  };
#undef PIXELDEX_STATUS
  return statuses;
}

TEST(ConformanceStatementTest, RetrieveStatusTableIsEveryStatusTheRetrieveCodeAnswers) {
  // The files that fill C-GET and C-MOVE responses (store_sub_operation.cpp
  // reads C-STORE statuses and is not one of them), and the status table's
  // retrieve column.
  std::set<std::string> used;
  for (const char* file : {"retrieve_operation.cpp", "get_handler.cpp", "move_handler.cpp"}) {
    std::ifstream in(std::string(PIXELDEX_SOURCE_DIR) + "/server/retrieve/" + file);
    ASSERT_TRUE(in) << file;
    const std::string code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::regex constant(R"(\bSTATUS_[A-Za-z0-9_]+)");
    for (std::sregex_iterator it(code.begin(), code.end(), constant), end; it != end; ++it) {
      const std::string name = it->str();
      const auto known = KnownRetrieveStatuses().find(name);
      ASSERT_NE(known, KnownRetrieveStatuses().end()) << file << " answers " << name;
      char hex[8];
      std::snprintf(hex, sizeof(hex), "%04X", known->second);
      used.insert(hex);
    }
  }
  // The statuses a failed Status becomes come from the one status table.
  for (const auto& row : server::StatusTable()) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "%04X", row.retrieve);
    used.insert(hex);
  }
  EXPECT_EQ(AsSet(TableCells("retrieve-statuses", std::regex("`([0-9A-F]{4})`"))), used);
}

class ConformanceE2eTest : public ServerTest {};

TEST_F(ConformanceE2eTest, EveryDocumentedServiceIsAcceptedInEveryDocumentedSyntax) {
  std::vector<Proposal> proposals;
  for (const auto& sop : TableUids("service-sop-classes")) {
    for (const auto& ts : TableUids("service-transfer-syntaxes")) proposals.push_back({sop, {ts}});
  }
  ASSERT_FALSE(proposals.empty());
  const auto accepted = Negotiate(server_->port(), proposals);
  for (size_t i = 0; i < proposals.size(); ++i) {
    EXPECT_EQ(accepted[i], proposals[i].transfer_syntaxes[0]) << proposals[i].abstract_syntax;
  }
}

TEST_F(ConformanceE2eTest, EveryDocumentedStorageClassIsAccepted) {
  const auto classes = TableUids("storage-sop-classes");
  ASSERT_GT(classes.size(), 100u);
  constexpr size_t kPerAssociation = 100;  // PS3.8 9.3.2.2: at most 128 contexts
  for (size_t first = 0; first < classes.size(); first += kPerAssociation) {
    std::vector<Proposal> proposals;
    for (size_t i = first; i < std::min(classes.size(), first + kPerAssociation); ++i) {
      proposals.push_back({classes[i], {UID_LittleEndianExplicitTransferSyntax}});
    }
    const auto accepted = Negotiate(server_->port(), proposals);
    for (size_t i = 0; i < proposals.size(); ++i) {
      EXPECT_FALSE(accepted[i].empty()) << "refused: " << proposals[i].abstract_syntax;
    }
  }
}

TEST_F(ConformanceE2eTest, EveryDocumentedStorageSyntaxIsAccepted) {
  std::vector<Proposal> proposals;
  for (const auto& ts : TableUids("storage-transfer-syntaxes")) {
    proposals.push_back({UID_CTImageStorage, {ts}});
  }
  const auto accepted = Negotiate(server_->port(), proposals);
  for (size_t i = 0; i < proposals.size(); ++i) {
    EXPECT_EQ(accepted[i], proposals[i].transfer_syntaxes[0]);
  }
}

TEST_F(ConformanceE2eTest, WhatTheStatementLeavesOutIsRefusedAndPreferenceIsTableOrder) {
  const std::string htj2k = "1.2.840.10008.1.2.4.201";
  const auto accepted = Negotiate(
      server_->port(),
      {{UID_CTImageStorage, {htj2k}},
       {"1.2.826.0.1.3680043.10.1234.99.1", {UID_LittleEndianExplicitTransferSyntax}},
       {UID_VerificationSOPClass, {UID_JPEGProcess1TransferSyntax}},
       {UID_MRImageStorage,
        {UID_LittleEndianImplicitTransferSyntax, UID_LittleEndianExplicitTransferSyntax}}});
  EXPECT_EQ(accepted[0], "");
  EXPECT_EQ(accepted[1], "");
  EXPECT_EQ(accepted[2], "");
  EXPECT_EQ(accepted[3], UID_LittleEndianExplicitTransferSyntax);
}

}  // namespace
}  // namespace pixeldex::testing
