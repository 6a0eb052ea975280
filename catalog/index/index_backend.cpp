#include "catalog/index/index_backend.h"

namespace pixeldex::index {

Result<CatalogedCopy> CatalogedCopyOf(const std::string& sop_instance_uid, std::string path,
                                      std::string received_at, const std::string& source,
                                      std::string calling_aet, std::string called_aet,
                                      std::string peer_address) {
  const std::optional<ProvenanceSource> parsed = ParseProvenanceSource(source);
  if (!parsed) {
    return Status::Corruption("instances.source of " + sop_instance_uid + " is '" + source +
                              "', not a known source");
  }
  return CatalogedCopy{
      std::move(path), std::move(received_at),
      Provenance{*parsed, std::move(calling_aet), std::move(called_aet), std::move(peer_address)}};
}

}  // namespace pixeldex::index
