#pragma once
// Splits a multipart body (RFC 2046 5.1.1, as multipart/related uses it:
// RFC 2387) into its parts as the body arrives, in pieces of any size:
// MultipartParser is fed the body's bytes in order (Feed) and tells a
// MultipartSink where each part begins (with its headers), its content, a
// piece at a time and never copied when the piece lies within what was fed,
// and where it ends. A delimiter, a part's header lines or transport
// padding split across two pieces is found as if the body came whole.
// Strict where RFC 2046 is strict and careful where a truncated or hostile
// body must not be mistaken for a whole one:
//   - a delimiter is CRLF "--" boundary at the start of a line (the first
//     may open the body), followed by "--" (the close delimiter) or by
//     optional spaces/tabs (at most kMaxTransportPadding) and CRLF;
//     "--boundary" followed by anything else is content, not a delimiter
//   - the preamble before the first delimiter and the epilogue after the
//     close delimiter are ignored
//   - part header lines are "Name: value" (names in lower case, folded lines
//     joined), ended by an empty line; at most kMaxPartHeaderBytes
//   - a part is whole only when a delimiter follows it (PartEnd): a body that
//     ends inside a part ends that part with PartTruncated, so nothing
//     incomplete is taken for whole
// A part with malformed headers begins with a problem and gets no content;
// the other parts are not affected. Only a body with no delimiter at all (or
// an invalid boundary) is an error. Linear in the body's size; the bytes
// held between two Feeds are at most a part's header lines or one
// delimiter line. ReadMultipart gives every part of a body held whole.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

// Far beyond the few lines a DICOMweb part carries (Content-Type,
// Content-Length, Content-Location).
inline constexpr size_t kMaxPartHeaderBytes = 16 * 1024;
// Spaces and tabs allowed between a boundary and its CRLF: RFC 2046 sets no
// bound, a parser holding them must.
inline constexpr size_t kMaxTransportPadding = 1024;

struct MultipartPartHead {
  std::map<std::string, std::string> headers;  // names in lower case
  // Empty for well-formed headers; otherwise why they are not (no content
  // is then given for the part).
  std::string problem;

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_case_name) const;
};

// What a MultipartParser finds, in body order: for each part PartBegin,
// any number of PartData (not after a problem), then PartEnd or, when the
// body ends inside the part, PartTruncated.
class MultipartSink {
 public:
  virtual ~MultipartSink() = default;
  virtual void PartBegin(MultipartPartHead head) = 0;
  // The next bytes of the part's content; valid during the call only.
  virtual void PartData(std::string_view bytes) = 0;
  // The part's delimiter followed: its content is whole.
  virtual void PartEnd() = 0;
  // The body ended inside the part: its content is not whole.
  virtual void PartTruncated(const std::string& reason) = 0;
};

class MultipartParser {
 public:
  // InvalidArgument for a boundary RFC 2046 does not allow (1 to 70 of its
  // bchars, not ending in a space).
  static Result<MultipartParser> Create(std::string_view boundary);

  // The body's next bytes.
  void Feed(std::string_view bytes, MultipartSink& sink);
  // The body is over. InvalidArgument when it held no delimiter at all.
  Status Finish(MultipartSink& sink);
  // The close delimiter was found.
  bool closed() const { return state_ == State::kEpilogue; }

 private:
  enum class State { kPreamble, kHeaders, kContent, kSkipping, kEpilogue, kEnded };
  // What the bytes at a possible delimiter are.
  enum class Verdict { kDelimiter, kCloseDelimiter, kNotDelimiter, kNeedMore };
  struct Found {
    Verdict verdict = Verdict::kNotDelimiter;
    size_t line_end = 0;  // after the delimiter line's CRLF (kDelimiter)
  };

  explicit MultipartParser(std::string dash_boundary);
  // Runs the states over `buf`, returning how much of it was used up.
  size_t Process(std::string_view buf, bool at_end, MultipartSink& sink);
  // The delimiter whose "--boundary" ends at `after_dash` in `buf`.
  Found Judge(std::string_view buf, size_t after_dash, bool at_end) const;
  // The first delimiter (or need for more bytes) whose CRLF starts at or
  // after `from` and before `before`; npos when none.
  size_t NextCandidate(std::string_view buf, size_t from, bool at_end, Found& found,
                       size_t before = std::string_view::npos) const;
  // Moves past a delimiter (kDelimiter or kCloseDelimiter) ending at
  // `line_end`; returns where the next state starts.
  size_t Follow(const Found& found);
  // Header state: true when decided (`used` then says how far).
  bool ReadHeaders(std::string_view buf, size_t& used, bool at_end, MultipartSink& sink);
  // How many bytes at the end of `buf` could open a delimiter.
  size_t PossibleDelimiterTail(std::string_view buf) const;
  // Where pattern_ first occurs in `buf` at or after `from`; npos when
  // nowhere.
  size_t FindPattern(std::string_view buf, size_t from) const;

  std::string dash_boundary_;
  std::string pattern_;  // CRLF "--" boundary
  // Boyer-Moore-Horspool shifts for pattern_ (by the byte under its last
  // position): a part's content is searched about pattern_.size() bytes a
  // step rather than byte by byte for its CRs.
  std::array<uint8_t, 256> shift_{};
  State state_ = State::kPreamble;
  bool at_body_start_ = true;
  bool found_delimiter_ = false;
  std::string held_;  // bytes fed but not yet decided
};

struct MultipartPart {
  std::map<std::string, std::string> headers;  // names in lower case
  std::string_view content;                    // into the parsed body
  // Empty for a whole, well-formed part; otherwise why it is not (its
  // content is then empty and must not be used).
  std::string problem;

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_case_name) const;
};

// A body read whole by ReadMultipart. (MultipartBody, multipart_body.h, writes one.)
struct ParsedMultipart {
  std::vector<MultipartPart> parts;
  bool closed = false;  // the close delimiter was found
};

// Every part of a body held whole, each content a view into `body`
// (MultipartParser's errors).
Result<ParsedMultipart> ReadMultipart(std::string_view body, std::string_view boundary);

}  // namespace pixeldex::server
