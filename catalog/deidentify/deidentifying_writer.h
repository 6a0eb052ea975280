#pragma once
// DeidentifyingWriter: the InstanceWriter of `pixeldex export --deidentify`.
// Each instance is read with DCMTK, left out when its pixels may carry
// burned-in text (burned_in.h, unless include_burned_in), de-identified
// (deidentifier.h) and written as a new Part-10 file in its original transfer
// syntax with a new File Meta Information and a zero preamble (PS3.15 E.1.1
// step 7); Pixel Data is written back as read, bit for bit. Names, paths and
// manifest rows use only pseudonymous values, and every pseudonym handed out
// is recorded in the PseudonymMapping. One thread.

#include <string>
#include <vector>

#include "catalog/deidentify/deidentifier.h"
#include "catalog/deidentify/keyed_pseudonyms.h"
#include "catalog/deidentify/pseudonym_mapping.h"
#include "catalog/export/instance_writer.h"

namespace pixeldex::deidentify {

class DeidentifyingWriter : public exporting::InstanceWriter {
 public:
  DeidentifyingWriter(const KeyedPseudonyms& keys, ProfileOptions options, bool include_burned_in,
                      PseudonymMapping& mapping);

  exporting::InstanceNames NamesOf(const exporting::SelectedInstance& instance) override;
  // Only columns without identifying values: the pseudonymous IDs and UIDs,
  // modality, SOP Class, numbers, image geometry and transfer syntax.
  std::vector<std::string> ManifestColumns() const override;
  std::vector<index::SqlValue> ManifestValues(const exporting::SelectedInstance& instance) override;
  Result<std::string> ExclusionReason(const exporting::SelectedInstance& instance,
                                      const std::string& source) override;
  Status Write(const exporting::SelectedInstance& instance, const std::string& source,
               const std::string& path) override;

 private:
  const KeyedPseudonyms& keys_;
  Deidentifier deidentifier_;
  bool include_burned_in_;
  PseudonymMapping& mapping_;
};

}  // namespace pixeldex::deidentify
