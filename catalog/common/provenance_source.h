#pragma once
// ProvenanceSource: how an instance came into the catalog, with the one
// spelling of each in the column `instances.source`. The README's list of
// sources (table `instances`, "who sent it") is checked against this list by
// tests/common/provenance_source_test.cpp. Plain functions, safe from any
// thread.

#include <optional>
#include <span>
#include <string_view>

namespace pixeldex {

enum class ProvenanceSource {
  kNetwork,    // received by C-STORE
  kDicomweb,   // received by STOW-RS
  kImport,     // `pixeldex import` (copied or in place)
  kReconcile,  // found in the storage tree by reconcile
};

// "network", "dicomweb", ...: the text of `instances.source`.
const char* ProvenanceSourceName(ProvenanceSource source);

// The source named `name`; nothing for a text that names none.
std::optional<ProvenanceSource> ParseProvenanceSource(std::string_view name);

// Every source, in declaration order.
std::span<const ProvenanceSource> AllProvenanceSources();

}  // namespace pixeldex
