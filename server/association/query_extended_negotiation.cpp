#include "server/association/query_extended_negotiation.h"

#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/extneg.h>

#include <algorithm>

namespace pixeldex::server {
namespace {

bool IsFindModel(const OFString& uid) {
  return uid == UID_FINDPatientRootQueryRetrieveInformationModel ||
         uid == UID_FINDStudyRootQueryRetrieveInformationModel;
}

// Application information byte indexes (0-based) of C.5.1.1.1.
constexpr size_t kRelationalQueries = 0;
constexpr size_t kCombinedDateTime = 1;

}  // namespace

bool NegotiateQueryExtensions(T_ASC_Parameters* params) {
  SOPClassExtendedNegotiationSubItemList* requested = nullptr;
  ASC_getRequestedExtNegList(params, &requested);
  if (requested == nullptr) return false;
  bool combined = false;
  auto* accepted = new SOPClassExtendedNegotiationSubItemList;
  for (SOPClassExtendedNegotiationSubItem* item : *requested) {
    if (!IsFindModel(item->sopClassUID) || item->serviceClassAppInfoLength == 0) continue;
    const unsigned short length = std::min<unsigned short>(item->serviceClassAppInfoLength, 4);
    auto* answer = new SOPClassExtendedNegotiationSubItem;
    answer->sopClassUID = item->sopClassUID;
    answer->serviceClassAppInfoLength = length;
    answer->serviceClassAppInfo = new unsigned char[length]();  // all "not supported"
    if (length > kCombinedDateTime && item->serviceClassAppInfo[kCombinedDateTime] == 1) {
      answer->serviceClassAppInfo[kCombinedDateTime] = 1;
      combined = true;
    }
    answer->serviceClassAppInfo[kRelationalQueries] = 0;
    accepted->push_back(answer);
  }
  if (accepted->empty()) {
    delete accepted;
  } else {
    // The association parameters own the list from here on.
    ASC_setAcceptedExtNegList(params, accepted);
  }
  return combined;
}

}  // namespace pixeldex::server
