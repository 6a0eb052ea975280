#include "tests/support/raw_store_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/dul.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "server/association/network_initialization.h"

namespace pixeldex::testing {
namespace {

constexpr T_ASC_PresentationContextID kContextId = 1;

// DcmTransportConnection::getSocket() is protected; a derived class may name
// it, and the member pointer it yields works on any connection.
struct SocketAccess : DcmTransportConnection {
  static int Of(DcmTransportConnection* connection) {
    DcmNativeSocketType (DcmTransportConnection::*get)() = &SocketAccess::getSocket;
    return (connection->*get)();
  }
};

// PS3.7 9.3.1.1 / 9.3.2.1: a C-STORE-RQ (or, without an instance UID,
// C-FIND-RQ) command set with a data set, Implicit VR Little Endian.
std::string RequestCommand(const std::string& sop_class, const std::string& sop_instance_uid) {
  DcmDataset command;
  command.putAndInsertString(DCM_AffectedSOPClassUID, sop_class.c_str());
  command.putAndInsertUint16(DCM_CommandField, sop_instance_uid.empty() ? 0x0020 : 0x0001);
  command.putAndInsertUint16(DCM_MessageID, 1);
  command.putAndInsertUint16(DCM_Priority, 0);
  command.putAndInsertUint16(DCM_CommandDataSetType, 0x0000);
  if (!sop_instance_uid.empty()) {
    command.putAndInsertString(DCM_AffectedSOPInstanceUID, sop_instance_uid.c_str());
  }
  command.computeGroupLengthAndPadding(EGL_recalcGL, EPD_noChange, EXS_LittleEndianImplicit);
  std::vector<char> buffer(command.calcElementLength(EXS_LittleEndianImplicit, EET_ExplicitLength) + 64);
  DcmOutputBufferStream out(buffer.data(), buffer.size());
  command.transferInit();
  command.write(out, EXS_LittleEndianImplicit, EET_ExplicitLength, nullptr);
  command.transferEnd();
  void* data = nullptr;
  offile_off_t length = 0;
  out.flushBuffer(data, length);
  return std::string(static_cast<char*>(data), static_cast<size_t>(length));
}

}  // namespace

RawStoreClient::RawStoreClient(int port, const std::string& sop_class)
    : RawStoreClient(port, {{sop_class}}, "RAWSENDER") {}

RawStoreClient::RawStoreClient(int port, const std::vector<Context>& contexts,
                               const std::string& calling_aet)
    : sop_class_(contexts.front().sop_class) {
  server::InitializeNetwork(NET_REQUESTOR, 0, 30, &net_);
  T_ASC_Parameters* params = LoopbackAssociationParameters(port, calling_aet.c_str(),
                                                           sop_class_.c_str(), contexts.front().role);
  const char* syntaxes[] = {UID_LittleEndianExplicitTransferSyntax};
  for (size_t i = 1; i < contexts.size(); ++i) {
    ASC_addPresentationContext(params, static_cast<T_ASC_PresentationContextID>(2 * i + 1),
                               contexts[i].sop_class.c_str(), syntaxes, 1, contexts[i].role);
  }
  if (ASC_requestAssociation(net_, params, &assoc_).bad() ||
      ASC_countAcceptedPresentationContexts(params) != static_cast<int>(contexts.size())) {
    if (assoc_ != nullptr) ASC_destroyAssociation(&assoc_);
    else ASC_destroyAssociationParameters(&params);
  }
}

RawStoreClient::~RawStoreClient() {
  if (assoc_ != nullptr) {
    ASC_abortAssociation(assoc_);
    ASC_destroyAssociation(&assoc_);
  }
  ASC_dropNetwork(&net_);
}

bool RawStoreClient::SendCommand(const std::string& sop_instance_uid) {
  return SendCommandBytes(RequestCommand(sop_class_, sop_instance_uid));
}

bool RawStoreClient::SendCommandBytes(std::string command, T_ASC_PresentationContextID context) {
  DUL_PDV pdv{command.size(), context, DUL_COMMANDPDV, OFTrue, command.data()};
  DUL_PDVLIST list{1, nullptr, 0, {}, &pdv};
  return DUL_WritePDVs(&assoc_->DULassociation, &list).good();
}

bool RawStoreClient::SendData(const std::string& bytes, bool last,
                              T_ASC_PresentationContextID context) {
  // PS3.8 9.3.5: a PDV fits the peer's maximum PDU with its 6-byte headers.
  const size_t max_fragment = (std::max<unsigned long>(assoc_->sendPDVLength, 1024) - 12) & ~size_t{1};
  size_t offset = 0;
  do {
    const size_t n = std::min(max_fragment, bytes.size() - offset);
    std::string fragment = bytes.substr(offset, n);
    offset += n;
    const bool is_last = last && offset == bytes.size();
    DUL_PDV pdv{fragment.size(), context, DUL_DATASETPDV, is_last ? OFTrue : OFFalse,
                fragment.data()};
    DUL_PDVLIST list{1, nullptr, 0, {}, &pdv};
    if (DUL_WritePDVs(&assoc_->DULassociation, &list).bad()) return false;
  } while (offset < bytes.size());
  return true;
}

bool RawStoreClient::SendRawBytes(const std::string& bytes) {
  return ::send(AssociationSocket(assoc_), bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
         static_cast<ssize_t>(bytes.size());
}

int RawStoreClient::ReceiveStatus(int timeout_seconds) {
  T_DIMSE_Message response{};
  T_ASC_PresentationContextID pres_id = 0;
  DcmDataset* detail = nullptr;
  OFCondition cond = DIMSE_receiveCommand(assoc_, DIMSE_NONBLOCKING, timeout_seconds, &pres_id,
                                          &response, &detail);
  delete detail;
  if (cond.bad() || response.CommandField != DIMSE_C_STORE_RSP) return -1;
  return response.msg.CStoreRSP.DimseStatus;
}

bool RawStoreClient::EndedByServerWithin(int timeout_seconds) {
  const int fd = AssociationSocket(assoc_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::string received;
  for (;;) {
    // PS3.8 9.3.8: an A-ABORT PDU is type 07; read PDU by PDU until one comes.
    while (received.size() >= 6) {
      if (received[0] == '\x07') return true;
      const uint32_t length = uint32_t(uint8_t(received[2])) << 24 | uint32_t(uint8_t(received[3])) << 16 |
                              uint32_t(uint8_t(received[4])) << 8 | uint8_t(received[5]);
      if (received.size() < 6 + size_t{length}) break;
      received.erase(0, 6 + size_t{length});
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return true;  // EOF or reset
    received.append(buffer, static_cast<size_t>(n));
  }
}

T_ASC_Parameters* LoopbackAssociationParameters(int port, const char* calling_aet,
                                                const char* sop_class, T_ASC_SC_ROLE role) {
  T_ASC_Parameters* params = nullptr;
  ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
  ASC_setAPTitles(params, calling_aet, "PIXELDEX", nullptr);
  const std::string peer = "127.0.0.1:" + std::to_string(port);
  ASC_setPresentationAddresses(params, "localhost", peer.c_str());
  const char* syntaxes[] = {UID_LittleEndianExplicitTransferSyntax};
  ASC_addPresentationContext(params, kContextId, sop_class, syntaxes, 1, role);
  return params;
}

int ConnectLoopback(int port, const char* from) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (from != nullptr) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (::inet_pton(AF_INET, from, &source.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof(source)) != 0) {
      ::close(fd);
      return -1;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool PeerClosedWithin(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char byte;
  return ::recv(fd, &byte, 1, 0) <= 0;
}

int AssociationSocket(T_ASC_Association* assoc) {
  return SocketAccess::Of(DUL_getTransportConnection(assoc->DULassociation));
}

int RawStore(int port, const std::string& sop_class, const std::string& sop_instance_uid,
             const std::string& dataset) {
  RawStoreClient client(port, sop_class);
  if (!client.connected() || !client.SendCommand(sop_instance_uid) ||
      !client.SendData(dataset, true)) {
    return -1;
  }
  return client.ReceiveStatus(60);
}

}  // namespace pixeldex::testing
