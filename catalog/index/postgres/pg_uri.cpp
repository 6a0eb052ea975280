#include "catalog/index/postgres/pg_uri.h"

namespace pixeldex::index::postgres {
namespace {

constexpr std::string_view kMask = "***";

// The query string with the value of each `password` parameter masked
// (libpq 34.1.2 lists `password` among the parameter key words).
std::string RedactQuery(std::string_view query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    const size_t equals = pair.find('=');
    if (start > 0) out += '&';
    if (equals != std::string_view::npos && pair.substr(0, equals) == "password") {
      out += "password=";
      out += kMask;
    } else {
      out += pair;
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

bool IsPostgresUri(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

std::string RedactUri(std::string_view uri) {
  if (!IsPostgresUri(uri)) return std::string(kMask);
  const size_t authority_start = uri.find("://") + 3;
  size_t authority_end = uri.find_first_of("/?", authority_start);
  if (authority_end == std::string_view::npos) authority_end = uri.size();
  const std::string_view authority = uri.substr(authority_start, authority_end - authority_start);
  // libpq 34.1.1.2: the user info ends at the last '@' of the authority; a
  // password follows the first ':' in it.
  std::string out(uri.substr(0, authority_start));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view user_info = authority.substr(0, at);
    const size_t colon = user_info.find(':');
    out += user_info.substr(0, colon);
    if (colon != std::string_view::npos) {
      out += ':';
      out += kMask;
    }
    out += authority.substr(at);
  } else {
    out += authority;
  }
  const size_t question = uri.find('?', authority_end);
  out += uri.substr(authority_end, question == std::string_view::npos ? std::string_view::npos
                                                                      : question - authority_end);
  if (question != std::string_view::npos) {
    out += '?';
    out += RedactQuery(uri.substr(question + 1));
  }
  return out;
}

}  // namespace pixeldex::index::postgres
