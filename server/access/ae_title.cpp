#include "server/access/ae_title.h"

#include <algorithm>

namespace pixeldex::server {

std::optional<std::string> SignificantAeTitle(std::string_view field) {
  const auto padding = [](char c) { return c == ' ' || c == '\0'; };
  while (!field.empty() && padding(field.back())) field.remove_suffix(1);
  while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
  if (field.empty() || field.size() > kMaxAeTitleLength) return std::nullopt;
  const bool forbidden = std::any_of(field.begin(), field.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u >= 0x7F || c == '\\';
  });
  if (forbidden) return std::nullopt;
  return std::string(field);
}

}  // namespace pixeldex::server
