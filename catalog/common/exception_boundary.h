#pragma once
// CatchUnexpected: the one catch boundary of each thread pixeldex runs (an
// association's thread, the index writer's loop, an import worker, the HTTP
// server's thread). Inside the catalog errors are Status/Result and nothing
// is meant to throw; this is for what throws anyway (a library, out of
// memory, a bug). The exception becomes a Status::Internal naming `what` and
// the exception's message, so that the thread fails the one unit of work it
// was doing (aborts the association, fails the batch, counts the file as
// failed) and goes on, instead of std::terminate ending the whole process.
// The caller logs it once and decides what to fail.

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "catalog/common/status.h"

namespace pixeldex {

template <typename Work>
Status CatchUnexpected(std::string_view what, Work&& work) {
  try {
    std::forward<Work>(work)();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Internal(std::string(what) + ": unexpected exception: " + e.what());
  } catch (...) {
    return Status::Internal(std::string(what) + ": unexpected exception of unknown type");
  }
}

}  // namespace pixeldex
