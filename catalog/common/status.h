#pragma once
// Status: the outcome of an operation inside the catalog, either ok or an error
// code with a human-readable message. Cheap to copy; safe to pass between
// threads. Every foreign error system (errno, OFCondition, SQLite codes, libpng)
// is translated into a Status in exactly one place, near where it is raised.

#include <string>
#include <utility>

namespace pixeldex {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,    // the input is malformed or violates a rule
    kNotFound,           // the thing asked for does not exist
    kAlreadyExists,      // a unique thing exists already (e.g. duplicate instance)
    kIoError,            // the filesystem or OS failed
    kResourceExhausted,  // disk full, too many associations, limits
    kUnsupported,        // valid but not something pixeldex handles
    kCorruption,         // stored data is not what it should be
    kInternal,           // a bug or an unexpected library failure
    kAborted,            // a transaction conflict (deadlock, serialization
                         // failure): the same work may succeed if retried
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {Code::kResourceExhausted, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {Code::kAborted, std::move(msg)}; }
  // Translates an errno value; ENOSPC/EDQUOT/EMFILE become kResourceExhausted.
  static Status FromErrno(int err, const std::string& context);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ok" or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Returns the Status of `expr` from the enclosing function when it is an error.
#define PIXELDEX_RETURN_IF_ERROR(expr)          \
  do {                                          \
    ::pixeldex::Status status_macro_ = (expr);  \
    if (!status_macro_.ok()) return status_macro_; \
  } while (0)

}  // namespace pixeldex
