#include "catalog/common/status.h"

#include <cerrno>
#include <cstring>

namespace pixeldex {

Status Status::FromErrno(int err, const std::string& context) {
  std::string msg = context + ": " + std::strerror(err);
  switch (err) {
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return ResourceExhausted(std::move(msg));
    case ENOENT:
      return NotFound(std::move(msg));
    case EEXIST:
      return AlreadyExists(std::move(msg));
    default:
      return IoError(std::move(msg));
  }
}

std::string Status::ToString() const {
  const char* name = "ok";
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: name = "invalid argument"; break;
    case Code::kNotFound: name = "not found"; break;
    case Code::kAlreadyExists: name = "already exists"; break;
    case Code::kIoError: name = "I/O error"; break;
    case Code::kResourceExhausted: name = "resource exhausted"; break;
    case Code::kUnsupported: name = "unsupported"; break;
    case Code::kCorruption: name = "corruption"; break;
    case Code::kInternal: name = "internal error"; break;
    case Code::kAborted: name = "aborted"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace pixeldex
