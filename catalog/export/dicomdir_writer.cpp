#include "catalog/export/dicomdir_writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcddirif.h>

namespace pixeldex::exporting {

Status WriteDicomDir(const std::filesystem::path& out, const std::vector<std::string>& files,
                     std::vector<std::string>* refused) {
  DicomDirInterface dicomdir;
  dicomdir.enableInventMode(OFTrue);
  const std::filesystem::path file = out / kDicomDirName;
  std::error_code ec;
  std::filesystem::remove(file, ec);  // rewritten whole, never appended to
  // PS3.11 D.2: STD-GEN-CD, the General Purpose CD-R Interchange profile.
  OFCondition cond = dicomdir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose,
                                                file.c_str(), "PIXELDEX");
  if (cond.bad()) return Status::IoError("cannot create " + file.string() + ": " + cond.text());
  for (const std::string& relative : files) {
    cond = dicomdir.addDicomFile(relative.c_str(), out.c_str());
    if (cond.bad()) refused->push_back(relative + ": " + cond.text());
  }
  cond = dicomdir.writeDicomDir();
  if (cond.bad()) return Status::IoError("cannot write " + file.string() + ": " + cond.text());
  return Status::Ok();
}

}  // namespace pixeldex::exporting
