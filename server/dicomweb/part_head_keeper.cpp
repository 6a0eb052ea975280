#include "server/dicomweb/part_head_keeper.h"

#include <algorithm>

#include "catalog/import/dicom_sniffer.h"

namespace pixeldex::server {

void HeadKeeper::Add(std::string_view bytes) {
  if (whole_) return;
  // The first kSniffBytes are kept whatever they hold.
  const size_t kept = std::min(head_.size(), import::kSniffBytes);
  const std::string_view sniff = bytes.substr(0, import::kSniffBytes - kept);
  head_.append(sniff);
  if (head_.size() < import::kSniffBytes) return;
  // Past them, only until the File Meta Information is seen whole.
  if (import::FileMetaEnd(head_) != std::string::npos) {
    whole_ = true;
    return;
  }
  head_.append(bytes.substr(sniff.size(), limit_ - head_.size()));
  whole_ = head_.size() == limit_;
}

}  // namespace pixeldex::server
