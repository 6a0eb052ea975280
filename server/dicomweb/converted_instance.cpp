#include "server/dicomweb/converted_instance.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmf.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "server/dicomweb/stored_instance.h"
#include "server/retrieve/outgoing_syntax.h"

namespace pixeldex::server {

Result<std::string> ReadConverted(const std::filesystem::path& file,
                                  const std::string& transfer_syntax_uid) {
  const E_TransferSyntax target = DcmXfer(transfer_syntax_uid.c_str()).getXfer();
  auto loaded = LoadStoredFile(file);
  if (!loaded.ok()) return loaded.status();
  DcmFileFormat& format = **loaded;
  PIXELDEX_RETURN_IF_ERROR(ConvertForSending(*format.getDataset(), target));
  char* buffer = nullptr;
  size_t length = 0;
  FILE* memory = open_memstream(&buffer, &length);
  if (memory == nullptr) return Status::FromErrno(errno, "open_memstream");
  OFCondition cond = EC_Normal;
  {
    DcmOutputFileStream out(memory);  // closes `memory` when it goes
    format.transferInit();
    cond = format.write(out, target, EET_ExplicitLength, nullptr, EGL_recalcGL, EPD_noChange, 0, 0,
                        0, EWM_fileformat);
    format.transferEnd();
  }
  std::string bytes(buffer, length);
  std::free(buffer);
  if (cond.bad()) {
    return Status::Internal("writing " + file.string() + " in " + transfer_syntax_uid + ": " +
                            cond.text());
  }
  return bytes;
}

}  // namespace pixeldex::server
