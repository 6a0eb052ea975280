// find_client: per-query C-FIND latency over DICOM networking. Opens one
// association (find_peers.h: DcmSCU, DIMSE_findUser or the light client) and
// sends the shapes of find_shapes.h one after another, timing each query
// with steady_clock from the C-FIND-RQ to the final response, every pending
// response received. On loopback this round trip is an upper bound of the
// server's time per query; client_cpu_ms is the client's own CPU per query
// (getrusage over the warm-up and timed queries), which shares the cores.
//
// Usage: find_client --port P --instances N [--host H (127.0.0.1)]
//                    [--aec AET (PIXELDEX)] [--repeat R (1000)] [--shapes a,b]
//                    [--header 0|1] [--fresh-associations 0|1]
//                    [--client dcmscu|finduser|dimse|light (dcmscu)]
//                    [--verify-with dcmscu|finduser|dimse|light]
// --fresh-associations 1: a new association for every query (as findscu and
// many PACS do), each query still timed from its C-FIND-RQ on; this includes
// what the server does at an association's first C-FIND (its index reader).
// --verify-with K: every query is sent again on a second association by
// client K, and find_client exits 1 unless both saw the same number of
// pending responses with an identifier and the same final status (timings
// then count both).
// Set TCP_NODELAY=1 in the environment (DCMTK disables Nagle only then).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/find_bench/find_peers.h"
#include "bench/find_bench/find_shapes.h"

namespace {

namespace bench = pixeldex::bench;
using Clock = std::chrono::steady_clock;

int Usage() {
  std::fprintf(stderr,
               "usage: find_client --port P --instances N [--host H] [--aec AET] [--repeat R] "
               "[--shapes a,b,...] [--header 0|1] [--fresh-associations 0|1] "
               "[--client dcmscu|finduser|dimse|light] [--verify-with dcmscu|finduser|dimse|light]\n");
  return 2;
}

int Fail(const char* what, const std::string& error) {
  std::fprintf(stderr, "find_client: %s: %s\n", what, error.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  bench::PeerAddress peer;
  std::string shapes_arg, verify_with;
  int repeat = 1000, header = 1, fresh_associations = 0;
  int64_t instances = 0;
  bench::ClientKind kind = bench::ClientKind::kDcmScu, verifier_kind = kind;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string arg = argv[a], value = argv[a + 1];
    if (arg == "--host") peer.host = value;
    else if (arg == "--port") peer.port = std::stoi(value);
    else if (arg == "--aec") peer.called_aet = value;
    else if (arg == "--instances") instances = std::stoll(value);
    else if (arg == "--repeat") repeat = std::stoi(value);
    else if (arg == "--shapes") shapes_arg = value;
    else if (arg == "--header") header = std::stoi(value);
    else if (arg == "--fresh-associations") fresh_associations = std::stoi(value);
    else if (arg == "--client" && bench::ParseClientKind(value, &kind)) continue;
    else if (arg == "--verify-with" && bench::ParseClientKind(value, &verifier_kind)) verify_with = value;
    else return Usage();
  }
  if (argc % 2 == 0 || peer.port <= 0 || instances <= 0 || repeat <= 0) return Usage();
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);

  std::string error;
  std::unique_ptr<bench::FindPeer> client = bench::ConnectFindPeer(kind, peer, &error);
  if (client == nullptr) return Fail("association", error);
  std::unique_ptr<bench::FindPeer> verifier;
  if (!verify_with.empty()) {
    verifier = bench::ConnectFindPeer(verifier_kind, peer, &error);
    if (verifier == nullptr) return Fail("verifier's association", error);
  }

  const bench::SyntheticArchive archive(instances);
  if (header) {
    std::printf("C-FIND over DIMSE (%s client, %s, %s:%d), %lld instances, %d queries per shape\n",
                bench::ClientKindName(kind),
                fresh_associations ? "one association per query" : "one association",
                peer.host.c_str(), peer.port, static_cast<long long>(instances), repeat);
    bench::PrintClientColumns();
  }
  bool first_query = true;  // the association negotiated above serves it
  size_t verified = 0;
  for (bench::Shape shape : bench::ParseShapes(shapes_arg)) {
    std::vector<double> micros;
    size_t total = 0, empty = 0;
    const int warmup = std::min(repeat, 200);
    const double cpu_before = bench::ProcessCpuMs();
    for (int k = -warmup; k < repeat; ++k) {
      // Warm-up samples are drawn from the same population (k wraps).
      const auto query = bench::MakeQuery(archive, shape, k < 0 ? k + warmup : k);
      if (fresh_associations && !first_query && !client->Renegotiate(&error)) {
        return Fail("association", error);
      }
      first_query = false;
      bench::FindOutcome outcome;
      const auto start = Clock::now();
      const bool ok = client->Find(query, &outcome, &error);
      const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
      if (!ok || outcome.final_status != 0) {
        std::fprintf(stderr, "find_client: %s: %s, final status 0x%04X\n",
                     bench::ShapeName(shape), ok ? "" : error.c_str(), outcome.final_status);
        return 1;
      }
      if (verifier != nullptr) {
        bench::FindOutcome expected;
        if (!verifier->Find(query, &expected, &error)) return Fail("verifier", error);
        if (expected.pending_identifiers != outcome.pending_identifiers ||
            expected.final_status != outcome.final_status) {
          std::fprintf(stderr,
                       "find_client: %s sample %d: %s saw %zu matches, final 0x%04X; "
                       "%s saw %zu, final 0x%04X\n",
                       bench::ShapeName(shape), k, bench::ClientKindName(kind),
                       outcome.pending_identifiers, outcome.final_status, verify_with.c_str(),
                       expected.pending_identifiers, expected.final_status);
          return 1;
        }
        ++verified;
      }
      if (k < 0) continue;
      micros.push_back(us);
      total += outcome.pending_identifiers;
      if (outcome.pending_identifiers == 0) ++empty;
    }
    const double cpu_ms = (bench::ProcessCpuMs() - cpu_before) / (warmup + repeat);
    bench::PrintClientRow(shape, std::move(micros), total, empty, cpu_ms);
  }
  if (verifier != nullptr) {
    std::printf("verified: %zu queries, the same matches and final status from %s and %s\n",
                verified, bench::ClientKindName(kind), verify_with.c_str());
  }
  return 0;
}
