#include "catalog/query/query_types.h"

#include <cstdio>

namespace pixeldex::query {

std::string Tag::Hex() const {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  const uint32_t both = (uint32_t{group} << 16) | element;
  std::string hex(8, '0');
  for (int i = 0; i < 8; ++i) hex[i] = kDigits[(both >> (28 - 4 * i)) & 0xF];
  return hex;
}

std::string Tag::ToString() const {
  char buf[12];
  std::snprintf(buf, sizeof(buf), "(%04X,%04X)", group, element);
  return buf;
}

const char* QueryLevelName(QueryLevel level) {
  switch (level) {
    case QueryLevel::kPatient: return "PATIENT";
    case QueryLevel::kStudy: return "STUDY";
    case QueryLevel::kSeries: return "SERIES";
    case QueryLevel::kImage: return "IMAGE";
  }
  return "?";
}

const char* InformationModelName(InformationModel model) {
  return model == InformationModel::kPatientRoot ? "Patient Root" : "Study Root";
}

const ResponseAttribute* FindMatch::Find(Tag tag) const {
  for (const auto& a : attributes) {
    if (a.tag == tag) return &a;
  }
  return nullptr;
}

}  // namespace pixeldex::query
