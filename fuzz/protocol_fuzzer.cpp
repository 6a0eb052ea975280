// Fuzz target over the association and command paths, before DCMTK: a
// peer's byte stream through the PduInspector (A-ASSOCIATE-RQ screening,
// P-DATA-TF framing, command sets, data set bounds), and the same bytes
// through ScreenAssociateRequest and ParseCommandSet directly. Oracles
// besides crashes, sanitizer reports and hangs (each aborts):
//  - the inspector's verdict does not depend on how the stream is split
//    into reads (whole, and in chunks of a size the first byte picks);
//  - the inspector never disagrees with DCMTK: where ParseCommandSet accepts
//    a command set and DCMTK reads it too, DCMTK finds the same Command
//    Field and the same data set presence.
// Input: one byte (the chunk size), then the stream.

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/oflog/oflog.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/listener/associate_request.h"
#include "server/listener/command_set.h"
#include "server/listener/pdu_inspector.h"

namespace {

using pixeldex::Status;
namespace server = pixeldex::server;

void Finding(const char* what) {
  std::fprintf(stderr, "protocol_fuzzer: %s\n", what);
  std::abort();
}

Status Inspect(std::string_view stream, size_t chunk) {
  server::PduInspector inspector;
  Status verdict;
  for (size_t at = 0; at < stream.size() && verdict.ok(); at += chunk) {
    verdict = inspector.Feed(stream.data() + at, std::min(chunk, stream.size() - at));
  }
  return verdict;
}

// DCMTK's reading of a command set, as DIMSE_receiveCommand does it.
void ExpectDcmtkAgrees(std::string_view bytes, const server::CommandSetFacts& ours) {
  DcmDataset command;
  DcmInputBufferStream in;
  in.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  in.setEos();
  command.transferInit();
  const OFCondition read = command.read(in, EXS_LittleEndianImplicit, EGL_withoutGL);
  command.transferEnd();
  if (read.bad()) return;  // DCMTK refuses it: the association ends, nothing is read on
  Uint16 field = 0;
  if (command.findAndGetUint16(DCM_CommandField, field).good() && field != ours.command_field) {
    Finding("DCMTK reads another Command Field");
  }
  Uint16 type = 0;
  if (command.findAndGetUint16(DCM_CommandDataSetType, type).good() &&
      (type != 0x0101) != ours.has_data_set) {
    Finding("DCMTK reads another Command Data Set Type");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = data[0] == 0 ? 1 : data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Status whole = Inspect(stream, stream.size() + 1);
  const Status split = Inspect(stream, chunk);
  if (whole.ok() != split.ok() || whole.message() != split.message()) {
    Finding("the inspector's verdict depends on how the stream is split");
  }
  (void)server::ScreenAssociateRequest(stream);
  const auto facts = server::ParseCommandSet(stream);
  if (facts.ok()) ExpectDcmtkAgrees(stream, *facts);
  return 0;
}
