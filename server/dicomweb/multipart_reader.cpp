#include "server/dicomweb/multipart_reader.h"

#include <algorithm>
#include <cctype>

#include "server/http/header_text.h"

namespace pixeldex::server {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr size_t kNone = std::string_view::npos;

// RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace.
bool IsValidBoundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  for (const char c : boundary) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("'()+_,-./:=? ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Fills `head` from a part's header lines (`section`: each line with its
// CRLF, the empty line that ends them excluded), or says what is wrong.
void ParseHeaderLines(std::string_view section, MultipartPartHead& head) {
  std::string last_name;
  for (size_t pos = 0; pos < section.size();) {
    const size_t eol = section.find(kCrlf, pos);
    const std::string_view line = section.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      head.problem = "a part header line holds a bare CR or LF";
      return;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !last_name.empty()) {
      head.headers[last_name] += " " + std::string(TrimOws(line));  // RFC 5322 2.2.3
      continue;
    }
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    bool token = colon != std::string_view::npos && !name.empty();
    for (const char c : name) token = token && IsTokenChar(c);
    if (!token) {
      head.problem = "malformed part header line (no 'Name: value')";
      return;
    }
    last_name = AsciiLower(name);
    head.headers[last_name] = std::string(TrimOws(line.substr(colon + 1)));
  }
}

std::string HeaderValue(const std::map<std::string, std::string>& headers,
                        const std::string& lower_case_name) {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

constexpr const char* kTruncated = "the body ends inside this part (truncated: no delimiter after it)";
constexpr const char* kNoEmptyLine = "the part's header lines do not end with an empty line";
constexpr const char* kHeadersTooLong = "the part's header lines are longer than 16 KiB";

}  // namespace

std::string MultipartPartHead::Header(const std::string& lower_case_name) const {
  return HeaderValue(headers, lower_case_name);
}

std::string MultipartPart::Header(const std::string& lower_case_name) const {
  return HeaderValue(headers, lower_case_name);
}

MultipartParser::MultipartParser(std::string dash_boundary)
    : dash_boundary_(std::move(dash_boundary)), pattern_("\r\n" + dash_boundary_) {
  // At most 2 + 2 + 70 bytes (IsValidBoundary): every shift fits a byte.
  const size_t last = pattern_.size() - 1;
  shift_.fill(static_cast<uint8_t>(pattern_.size()));
  for (size_t i = 0; i < last; ++i) {
    shift_[static_cast<unsigned char>(pattern_[i])] = static_cast<uint8_t>(last - i);
  }
}

size_t MultipartParser::FindPattern(std::string_view buf, size_t from) const {
  const size_t last = pattern_.size() - 1;
  const auto final_byte = static_cast<unsigned char>(pattern_[last]);
  for (size_t at = from; at + last < buf.size();) {
    const auto c = static_cast<unsigned char>(buf[at + last]);
    if (c == final_byte && buf.compare(at, last, pattern_, 0, last) == 0) return at;
    at += shift_[c];
  }
  return kNone;
}

Result<MultipartParser> MultipartParser::Create(std::string_view boundary) {
  if (!IsValidBoundary(boundary)) {
    return Status::InvalidArgument(
        "the multipart boundary is not 1 to 70 characters RFC 2046 "
        "allows (letters, digits, '()+_,-./:=? and inner spaces)");
  }
  return MultipartParser("--" + std::string(boundary));
}

MultipartParser::Found MultipartParser::Judge(std::string_view buf, size_t after_dash,
                                              bool at_end) const {
  const size_t size = buf.size();
  size_t i = after_dash;
  if (buf.substr(i, 2) == "--") return {Verdict::kCloseDelimiter, i + 2};
  if (!at_end && (i == size || (i + 1 == size && buf[i] == '-'))) return {Verdict::kNeedMore};
  while (i < size && i - after_dash <= kMaxTransportPadding && (buf[i] == ' ' || buf[i] == '\t'))
    ++i;
  if (i - after_dash > kMaxTransportPadding) return {Verdict::kNotDelimiter};
  // The body ends inside the delimiter line: a delimiter whose line ends
  // nowhere (line_end npos) once the body is over.
  if (i == size || (buf[i] == '\r' && i + 1 == size)) {
    return at_end ? Found{Verdict::kDelimiter, kNone} : Found{Verdict::kNeedMore};
  }
  if (buf.substr(i, 2) != kCrlf) return {Verdict::kNotDelimiter};  // "--boundaryX": content
  return {Verdict::kDelimiter, i + 2};
}

size_t MultipartParser::NextCandidate(std::string_view buf, size_t from, bool at_end,
                                      Found& found, size_t before) const {
  // Candidates start before `before`: search no further than they can reach.
  const std::string_view searched =
      before >= buf.size() ? buf : buf.substr(0, before + pattern_.size() - 1);
  for (size_t at = FindPattern(searched, from); at != kNone; at = FindPattern(searched, at + 1)) {
    found = Judge(buf, at + pattern_.size(), at_end);
    if (found.verdict != Verdict::kNotDelimiter) return at;
  }
  return kNone;
}

size_t MultipartParser::PossibleDelimiterTail(std::string_view buf) const {
  for (size_t k = std::min(pattern_.size() - 1, buf.size()); k > 0; --k) {
    if (buf.substr(buf.size() - k) == std::string_view(pattern_).substr(0, k)) return k;
  }
  return 0;
}

size_t MultipartParser::Follow(const Found& found) {
  found_delimiter_ = true;
  if (found.verdict == Verdict::kCloseDelimiter) {
    state_ = State::kEpilogue;
  } else {
    state_ = found.line_end == kNone ? State::kEnded : State::kHeaders;
  }
  return found.line_end;
}

bool MultipartParser::ReadHeaders(std::string_view buf, size_t& used, bool at_end,
                                  MultipartSink& sink) {
  const size_t pos = used;
  // Where the content would begin: after the empty line ending the header
  // lines (RFC 2046 5.1.1: with no header lines the part opens with it).
  size_t content = kNone;
  if (buf.substr(pos, 2) == kCrlf) {
    content = pos + 2;
  } else if (const size_t end = buf.find("\r\n\r\n", pos); end != kNone) {
    content = end + 4;
  }
  Found found;
  const size_t delimiter = NextCandidate(buf, pos, at_end, found, content);
  if (delimiter != kNone && (content == kNone || delimiter < content)) {
    if (found.verdict == Verdict::kNeedMore) return false;
    // The next delimiter comes before the header lines end.
    sink.PartBegin({{}, kNoEmptyLine});
    sink.PartEnd();
    used = Follow(found);
    return true;
  }
  if (content != kNone) {
    // A delimiter might yet start before the content does.
    if (!at_end && buf.size() - PossibleDelimiterTail(buf.substr(pos)) < content) return false;
    MultipartPartHead head;
    if (content - pos > kMaxPartHeaderBytes) {
      head.problem = kHeadersTooLong;
    } else if (content > pos + 2) {
      ParseHeaderLines(buf.substr(pos, content - 2 - pos), head);
    }
    state_ = head.problem.empty() ? State::kContent : State::kSkipping;
    sink.PartBegin(std::move(head));
    used = content;
    return true;
  }
  if (at_end) {
    sink.PartBegin({{}, kTruncated});
    sink.PartTruncated(kTruncated);
    state_ = State::kEnded;
    used = buf.size();
    return true;
  }
  // Too long to end within the limit: skip to the next delimiter.
  if (buf.size() - pos > kMaxPartHeaderBytes + pattern_.size() + kMaxTransportPadding + 4) {
    sink.PartBegin({{}, kHeadersTooLong});
    state_ = State::kSkipping;
    return true;
  }
  return false;
}

size_t MultipartParser::Process(std::string_view buf, bool at_end, MultipartSink& sink) {
  size_t pos = 0;
  for (;;) {
    switch (state_) {
      case State::kEpilogue:
      case State::kEnded:
        return buf.size();
      case State::kHeaders:
        if (!ReadHeaders(buf, pos, at_end, sink)) return pos;
        continue;
      case State::kPreamble: {
        if (at_body_start_) {
          // The first delimiter may open the body without a CRLF.
          const std::string_view head = buf.substr(0, dash_boundary_.size());
          if (head.size() < dash_boundary_.size() && !at_end &&
              std::string_view(dash_boundary_).substr(0, head.size()) == head) {
            return 0;
          }
          if (head == dash_boundary_) {
            const Found found = Judge(buf, head.size(), at_end);
            if (found.verdict == Verdict::kNeedMore) return 0;
            if (found.verdict != Verdict::kNotDelimiter) {
              at_body_start_ = false;
              pos = Follow(found);
              continue;
            }
          }
          at_body_start_ = false;
        }
        Found found;
        const size_t at = NextCandidate(buf, pos, at_end, found);
        if (at == kNone) return at_end ? buf.size() : buf.size() - PossibleDelimiterTail(buf);
        if (found.verdict == Verdict::kNeedMore) return at;
        pos = Follow(found);
        continue;
      }
      case State::kContent:
      case State::kSkipping: {
        const bool content = state_ == State::kContent;
        Found found;
        const size_t at = NextCandidate(buf, pos, at_end, found);
        if (at == kNone) {
          if (at_end) {
            sink.PartTruncated(kTruncated);
            state_ = State::kEnded;
            return buf.size();
          }
          const size_t end = buf.size() - PossibleDelimiterTail(buf.substr(pos));
          if (content && end > pos) sink.PartData(buf.substr(pos, end - pos));
          return end;
        }
        if (content && at > pos) sink.PartData(buf.substr(pos, at - pos));
        if (found.verdict == Verdict::kNeedMore) return at;
        sink.PartEnd();
        pos = Follow(found);
        continue;
      }
    }
  }
}

void MultipartParser::Feed(std::string_view bytes, MultipartSink& sink) {
  if (held_.empty()) {
    const size_t used = Process(bytes, false, sink);
    held_.assign(bytes.substr(used));
    return;
  }
  held_.append(bytes);
  const size_t used = Process(held_, false, sink);
  held_.erase(0, used);
}

Status MultipartParser::Finish(MultipartSink& sink) {
  const std::string rest = std::move(held_);
  held_.clear();
  Process(rest, true, sink);
  if (!found_delimiter_) {
    return Status::InvalidArgument("the body holds no multipart delimiter line " +
                                   dash_boundary_);
  }
  return Status::Ok();
}

namespace {

// Collects the parts of a body fed whole: each content is one view into it.
class PartCollector : public MultipartSink {
 public:
  explicit PartCollector(ParsedMultipart& body) : body_(body) {}
  void PartBegin(MultipartPartHead head) override {
    MultipartPart& part = body_.parts.emplace_back();
    part.headers = std::move(head.headers);
    part.problem = std::move(head.problem);
  }
  void PartData(std::string_view bytes) override {
    std::string_view& content = body_.parts.back().content;
    content = content.empty() ? bytes : std::string_view(content.data(), content.size() + bytes.size());
  }
  void PartEnd() override {}
  void PartTruncated(const std::string& reason) override {
    body_.parts.back().problem = reason;
    body_.parts.back().content = {};
  }

 private:
  ParsedMultipart& body_;
};

}  // namespace

Result<ParsedMultipart> ReadMultipart(std::string_view body, std::string_view boundary) {
  auto parser = MultipartParser::Create(boundary);
  if (!parser.ok()) return parser.status();
  ParsedMultipart result;
  PartCollector collector(result);
  parser->Feed(body, collector);
  PIXELDEX_RETURN_IF_ERROR(parser->Finish(collector));
  result.closed = parser->closed();
  return result;
}

}  // namespace pixeldex::server
