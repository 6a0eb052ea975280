#pragma once
// StoreDestination: an export sent to a remote AE by C-STORE (`pixeldex
// export --to AET=HOST:PORT`, PS3.4 Annex B) through the association code of
// the C-MOVE sub-operations (server/retrieve/store_association.h and
// store_sub_operation.h): the same presentation contexts, conversions and
// checks. Each instance is written to one temporary file (the de-identified
// content when asked; the SOP Class, SOP Instance and transfer syntax sent
// are read from that file), sent, and removed. A failure status from the
// peer, or an instance it cannot take, fails that instance only; after a
// broken association the next instance opens a new one. There is no
// manifest to send, and nothing to resume (IsComplete is false). Called
// from one thread.

#include <memory>
#include <string>
#include <vector>

#include "catalog/export/export_destination.h"
#include "catalog/export/export_selection.h"
#include "server/retrieve/store_association.h"

namespace pixeldex::server {

class StoreDestination : public exporting::ExportDestination {
 public:
  // `instances`: the selection, whose SOP classes and transfer syntaxes the
  // association proposes. `temp_file`: where each instance is written.
  StoreDestination(MoveDestination destination, StoreAssociationOptions options,
                   const std::vector<exporting::SelectedInstance>& instances,
                   std::string temp_file);
  ~StoreDestination() override;

  bool IsComplete(const std::string&) override { return false; }
  bool TakesManifest() const override { return false; }
  Status Place(const std::string& relative, const exporting::ContentWriter& write) override;

 private:
  Status Send(const std::string& relative);

  MoveDestination destination_;
  StoreAssociationOptions options_;
  std::vector<query::RetrieveInstance> proposed_;
  std::string temp_file_;
  std::unique_ptr<StoreAssociation> association_;
};

}  // namespace pixeldex::server
