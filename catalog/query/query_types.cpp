#include "catalog/query/query_types.h"

#include <cstdio>

namespace pixeldex::query {

std::string Tag::Hex() const {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%04X%04X", group, element);
  return buf;
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
