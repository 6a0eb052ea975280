#pragma once
// Splits a multipart body (RFC 2046 5.1.1, as multipart/related uses it:
// RFC 2387) into its parts, without copying them: each part's content is a
// view into the body. Strict where RFC 2046 is strict and careful where a
// truncated or hostile body must not be mistaken for a whole one:
//   - a delimiter is CRLF "--" boundary at the start of a line (the first
//     may open the body), followed by "--" (the close delimiter) or by
//     optional spaces/tabs and CRLF; "--boundary" followed by anything else
//     is content, not a delimiter
//   - the preamble before the first delimiter and the epilogue after the
//     close delimiter are ignored
//   - part header lines are "Name: value" (names in lower case, folded lines
//     joined), ended by an empty line; at most kMaxPartHeaderBytes
//   - a part is whole only when a delimiter follows it: a body that ends
//     inside a part gives that part a problem ("truncated") and no content,
//     so nothing incomplete can be stored
// A part with malformed headers gets a problem too; the other parts are not
// affected. Only a body with no delimiter at all (or an invalid boundary) is
// an error. Linear in the body's size. MultipartReader gives the parts one
// at a time, in one pass (STOW-RS stores each before reading on, so a body
// of gigabytes is read once, front to back); ReadMultipart gives them all.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

// Far beyond the few lines a DICOMweb part carries (Content-Type,
// Content-Length, Content-Location).
inline constexpr size_t kMaxPartHeaderBytes = 16 * 1024;

struct MultipartPart {
  std::map<std::string, std::string> headers;  // names in lower case
  std::string_view content;                    // into the parsed body
  // Empty for a whole, well-formed part; otherwise why it is not (its
  // content is then empty and must not be used).
  std::string problem;

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_case_name) const;
};

struct MultipartBody {
  std::vector<MultipartPart> parts;
  bool closed = false;  // the close delimiter was found
};

class MultipartReader {
 public:
  // InvalidArgument for a boundary RFC 2046 does not allow (1 to 70 of its
  // bchars, not ending in a space) or a body without any delimiter line.
  static Result<MultipartReader> Open(std::string_view body, std::string_view boundary);
  // The next part, or nullopt after the last.
  std::optional<MultipartPart> Next();
  // The close delimiter was found (meaningful once Next() gave nullopt).
  bool closed() const { return closed_; }
  // How far the body has been read: every part given lies before it.
  size_t position() const { return position_; }

 private:
  MultipartReader(std::string_view body, std::string dash_boundary)
      : body_(body), dash_boundary_(std::move(dash_boundary)) {}
  // Moves past the delimiter found at `start` (line_end: after its CRLF).
  void Follow(bool close, size_t start, size_t line_end);

  std::string_view body_;
  std::string dash_boundary_;
  size_t position_ = 0;  // where the next part starts
  bool done_ = false;
  bool closed_ = false;
};

// Every part at once (MultipartReader's errors).
Result<MultipartBody> ReadMultipart(std::string_view body, std::string_view boundary);

}  // namespace pixeldex::server
