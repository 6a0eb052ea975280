#include "tests/support/store_sender.h"

#include <dcmtk/dcmnet/scu.h>

#include <iomanip>
#include <set>
#include <sstream>

#include "server/association/network_initialization.h"

namespace pixeldex::testing {
namespace {

constexpr int kTimeoutSeconds = 30;

}  // namespace

int StoreSender::Send(const std::vector<SentFile>& files, const OnAcknowledged& on_acknowledged) {
  DcmSCU scu;
  scu.setAETitle(calling_aet_.c_str());
  scu.setPeerAETitle("PIXELDEX");
  scu.setPeerHostName("127.0.0.1");
  scu.setPeerPort(static_cast<Uint16>(port_));
  scu.setACSETimeout(kTimeoutSeconds);
  scu.setDIMSETimeout(kTimeoutSeconds);
  scu.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  scu.setVerbosePCMode(OFFalse);
  OFList<OFString> syntaxes;
  syntaxes.push_back(UID_LittleEndianExplicitTransferSyntax);
  std::set<std::string> classes;
  for (const SentFile& f : files) {
    if (classes.insert(f.sop_class_uid).second) {
      scu.addPresentationContext(f.sop_class_uid.c_str(), syntaxes);
    }
  }
  OFCondition cond = EC_Normal;
  {
    const auto lock = server::LockNetworkInitialization();
    cond = scu.initNetwork();
  }
  if (cond.good()) cond = scu.negotiateAssociation();
  if (cond.bad()) {
    last_error_ = std::string("association failed: ") + cond.text();
    return 0;
  }
  int acknowledged = 0;
  for (const SentFile& f : files) {
    const T_ASC_PresentationContextID context = scu.findPresentationContextID(
        f.sop_class_uid.c_str(), UID_LittleEndianExplicitTransferSyntax);
    Uint16 status = 0xFFFF;
    cond = scu.sendSTORERequest(context, f.path.c_str(), nullptr, status);
    if (cond.bad() || status != 0x0000) {
      std::ostringstream reason;
      reason << f.sop_instance_uid << ": ";
      if (cond.bad()) {
        reason << cond.text();
      } else {
        reason << "status " << std::hex << std::setw(4) << std::setfill('0') << status;
      }
      last_error_ = reason.str();
      break;
    }
    ++acknowledged;
    on_acknowledged(f.sop_instance_uid);
  }
  if (cond.good()) scu.releaseAssociation();
  return acknowledged;
}

}  // namespace pixeldex::testing
