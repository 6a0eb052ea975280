// find_client: per-query C-FIND latency over DICOM networking. Opens one
// association (DCMTK DcmSCU) and sends the shapes of find_shapes.h one after
// another, timing each sendFINDRequest with steady_clock from the C-FIND-RQ
// to the final response, every pending response received and parsed. On
// loopback this round-trip is an upper bound of the server's time per query.
//
// Usage: find_client --port P --instances N [--host H (127.0.0.1)]
//                    [--aec AET (PIXELDEX)] [--repeat R (1000)] [--shapes a,b]
//                    [--header 0|1] [--fresh-associations 0|1]
// --fresh-associations 1: a new association for every query (as findscu and
// many PACS do), each query still timed from its C-FIND-RQ on; this includes
// what the server does at an association's first C-FIND (its index reader).
// Set TCP_NODELAY=1 in the environment (DCMTK disables Nagle only then).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/scu.h>
#include <dcmtk/oflog/oflog.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/find_bench/find_shapes.h"

namespace {

namespace bench = pixeldex::bench;
using Clock = std::chrono::steady_clock;

DcmDataset ToDataset(const bench::ShapeQuery& q) {
  DcmDataset ds;
  for (const auto& k : q.keys) ds.putAndInsertString(DcmTag(k.group, k.element), k.value.c_str());
  return ds;
}

int Usage() {
  std::fprintf(stderr,
               "usage: find_client --port P --instances N [--host H] [--aec AET] [--repeat R] "
               "[--shapes a,b,...] [--header 0|1] [--fresh-associations 0|1]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1", aec = "PIXELDEX", shapes_arg;
  int port = 0, repeat = 1000, header = 1, fresh_associations = 0;
  int64_t instances = 0;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string arg = argv[a], value = argv[a + 1];
    if (arg == "--host") host = value;
    else if (arg == "--port") port = std::stoi(value);
    else if (arg == "--aec") aec = value;
    else if (arg == "--instances") instances = std::stoll(value);
    else if (arg == "--repeat") repeat = std::stoi(value);
    else if (arg == "--shapes") shapes_arg = value;
    else if (arg == "--header") header = std::stoi(value);
    else if (arg == "--fresh-associations") fresh_associations = std::stoi(value);
    else return Usage();
  }
  if (argc % 2 == 0 || port <= 0 || instances <= 0 || repeat <= 0) return Usage();
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);

  DcmSCU scu;
  scu.setAETitle("FINDBENCH");
  scu.setPeerHostName(host.c_str());
  scu.setPeerPort(static_cast<Uint16>(port));
  scu.setPeerAETitle(aec.c_str());
  scu.setMaxReceivePDULength(ASC_DEFAULTMAXPDU);
  OFList<OFString> syntaxes;
  syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
  syntaxes.push_back(UID_LittleEndianImplicitTransferSyntax);
  scu.addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, syntaxes);
  scu.addPresentationContext(UID_FINDPatientRootQueryRetrieveInformationModel, syntaxes);
  OFCondition cond = scu.initNetwork();
  if (cond.good()) cond = scu.negotiateAssociation();
  if (cond.bad()) {
    std::fprintf(stderr, "find_client: association failed: %s\n", cond.text());
    return 1;
  }
  const T_ASC_PresentationContextID study_root =
      scu.findPresentationContextID(UID_FINDStudyRootQueryRetrieveInformationModel, "");
  const T_ASC_PresentationContextID patient_root =
      scu.findPresentationContextID(UID_FINDPatientRootQueryRetrieveInformationModel, "");

  const bench::SyntheticArchive archive(instances);
  if (header) {
    std::printf("C-FIND over DIMSE (DcmSCU, %s, %s:%d), %lld instances, %d queries "
                "per shape\n",
                fresh_associations ? "one association per query" : "one association", host.c_str(), port, static_cast<long long>(instances), repeat);
    bench::PrintClientColumns();
  }
  bool first_query = true;  // the association negotiated above serves it
  for (bench::Shape shape : bench::ParseShapes(shapes_arg)) {
    std::vector<double> micros;
    size_t total = 0, empty = 0;
    const int warmup = std::min(repeat, 200);
    for (int k = -warmup; k < repeat; ++k) {
      // Warm-up samples are drawn from the same population (k wraps).
      const auto query = bench::MakeQuery(archive, shape, k < 0 ? k + warmup : k);
      DcmDataset ds = ToDataset(query);
      OFList<QRResponse*> responses;
      if (fresh_associations && !first_query) {
        scu.releaseAssociation();  // which also drops DcmSCU's network
        cond = scu.initNetwork();
        if (cond.good()) cond = scu.negotiateAssociation();
        if (cond.bad()) {
          std::fprintf(stderr, "find_client: association failed: %s\n", cond.text());
          return 1;
        }
      }
      first_query = false;
      const auto start = Clock::now();
      cond = scu.sendFINDRequest(query.patient_root ? patient_root : study_root, &ds, &responses);
      const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
      size_t matches = 0;
      Uint16 final_status = 0xFFFF;
      for (QRResponse* r : responses) {
        if (r->m_dataset != nullptr && DICOM_PENDING_STATUS(r->m_status)) ++matches;
        final_status = r->m_status;
        delete r;
      }
      if (cond.bad() || final_status != 0) {
        std::fprintf(stderr, "find_client: %s: %s, final status 0x%04X\n",
                     bench::ShapeName(shape), cond.text(), final_status);
        return 1;
      }
      if (k < 0) continue;
      micros.push_back(us);
      total += matches;
      if (matches == 0) ++empty;
    }
    bench::PrintClientRow(shape, std::move(micros), total, empty);
  }
  scu.releaseAssociation();
  return 0;
}
