#include "server/commands/store_destination.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include <filesystem>
#include <system_error>

#include "server/retrieve/store_sub_operation.h"

namespace pixeldex::server {
namespace {

// The SOP Class and Instance UIDs and the transfer syntax of the file at
// `path`, from its File Meta Information (PS3.10 7.1).
Result<query::RetrieveInstance> Describe(const std::string& path, const std::string& relative) {
  DcmFileFormat file;
  const OFCondition cond = file.loadFileUntilTag(path.c_str(), EXS_Unknown, EGL_noChange,
                                                 DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData);
  if (cond.bad()) return Status::Corruption("cannot read " + relative + ": " + cond.text());
  OFString sop_class, sop_instance, syntax;
  DcmMetaInfo& meta = *file.getMetaInfo();
  meta.findAndGetOFString(DCM_MediaStorageSOPClassUID, sop_class);
  meta.findAndGetOFString(DCM_MediaStorageSOPInstanceUID, sop_instance);
  meta.findAndGetOFString(DCM_TransferSyntaxUID, syntax);
  if (sop_class.empty() || sop_instance.empty() || syntax.empty()) {
    return Status::Corruption(relative + " has no complete File Meta Information");
  }
  // The relative name stands in for the stored path in the sub-operation's
  // checks and messages (it is below the export, never absolute).
  return query::RetrieveInstance{sop_class.c_str(), sop_instance.c_str(), syntax.c_str(),
                                 relative};
}

}  // namespace

StoreDestination::StoreDestination(MoveDestination destination, StoreAssociationOptions options,
                                   const std::vector<exporting::SelectedInstance>& instances,
                                   std::string temp_file)
    : destination_(std::move(destination)),
      options_(std::move(options)),
      temp_file_(std::move(temp_file)) {
  for (const exporting::SelectedInstance& instance : instances) {
    proposed_.push_back({instance.Text("sop_class_uid"), instance.Text("sop_instance_uid"),
                         instance.Text("transfer_syntax_uid"), instance.Text("path")});
  }
}

StoreDestination::~StoreDestination() {
  std::error_code ec;
  std::filesystem::remove(temp_file_, ec);
}

Status StoreDestination::Place(const std::string& relative,
                               const exporting::ContentWriter& write) {
  std::error_code ec;
  std::filesystem::remove(temp_file_, ec);
  Status status = write(temp_file_);
  if (status.ok()) status = Send(relative);
  std::filesystem::remove(temp_file_, ec);
  return status;
}

Status StoreDestination::Send(const std::string& relative) {
  auto instance = Describe(temp_file_, relative);
  if (!instance.ok()) return instance.status();
  if (association_ == nullptr) {
    auto opened = StoreAssociation::Open(destination_, proposed_, options_);
    if (!opened.ok()) return opened.status();
    association_ = std::move(opened).value();
  }
  SubOperation op;
  op.instance = &*instance;
  op.file = temp_file_;
  op.dimse_timeout_seconds = options_.dimse_timeout_seconds;
  SubOperationResult result;
  const OFCondition cond = RunSubOperation(association_->get(), op, &result);
  if (cond.bad()) {
    association_->MarkBroken();
    association_.reset();  // the next instance opens a new association
    return Status::IoError(std::string("the association failed: ") + cond.text());
  }
  if (result.outcome == SubOperationResult::Outcome::kFailed) {
    return Status::IoError(result.reason);
  }
  return Status::Ok();
}

}  // namespace pixeldex::server
