#include "catalog/common/provenance_source.h"

namespace pixeldex {

const char* ProvenanceSourceName(ProvenanceSource source) {
  switch (source) {
    case ProvenanceSource::kNetwork: return "network";
    case ProvenanceSource::kDicomweb: return "dicomweb";
    case ProvenanceSource::kImport: return "import";
    case ProvenanceSource::kReconcile: return "reconcile";
  }
  return "";
}

std::optional<ProvenanceSource> ParseProvenanceSource(std::string_view name) {
  for (const ProvenanceSource source : AllProvenanceSources()) {
    if (name == ProvenanceSourceName(source)) return source;
  }
  return std::nullopt;
}

std::span<const ProvenanceSource> AllProvenanceSources() {
  static constexpr ProvenanceSource kAll[] = {ProvenanceSource::kNetwork,
                                              ProvenanceSource::kDicomweb,
                                              ProvenanceSource::kImport,
                                              ProvenanceSource::kReconcile};
  return kAll;
}

}  // namespace pixeldex
