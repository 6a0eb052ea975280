#pragma once
// WriteAll: the one loop that writes a buffer whole to a descriptor.

#include <string>
#include <string_view>

#include "catalog/common/status.h"

namespace pixeldex {

// Writes every byte of `bytes` to `fd`, again after a short write or EINTR.
// The error names `what` ("cannot write <what>: <strerror>", Status::FromErrno;
// a write that makes no progress is an I/O error).
Status WriteAll(int fd, std::string_view bytes, const std::string& what);

}  // namespace pixeldex
