#include "catalog/query/attribute_catalog.h"

#include <deque>
#include <string>

#include "catalog/common/attribute_table.h"

namespace pixeldex::query {

namespace {
using L = QueryLevel;
using C = Computed;

// The keys computed from the rows below an entity (PS3.4 C.6.1.1.x,
// C.6.2.1.2): no typed column of their own, so not in the attribute table.
struct ComputedKey {
  Tag tag;
  const char* keyword;
  const char* vr;
  QueryLevel level;
  Computed computed;
  bool matchable;  // the counts are return keys only
};
constexpr ComputedKey kComputedKeys[] = {
    {{0x0020, 0x1200}, "NumberOfPatientRelatedStudies", "IS", L::kPatient, C::kPatientStudies,
     false},
    {{0x0020, 0x1202}, "NumberOfPatientRelatedSeries", "IS", L::kPatient, C::kPatientSeries, false},
    {{0x0020, 0x1204}, "NumberOfPatientRelatedInstances", "IS", L::kPatient, C::kPatientInstances,
     false},
    {{0x0008, 0x0061}, "ModalitiesInStudy", "CS", L::kStudy, C::kModalitiesInStudy, true},
    {{0x0008, 0x0062}, "SOPClassesInStudy", "UI", L::kStudy, C::kSopClassesInStudy, true},
    {{0x0020, 0x1206}, "NumberOfStudyRelatedSeries", "IS", L::kStudy, C::kStudySeries, false},
    {{0x0020, 0x1208}, "NumberOfStudyRelatedInstances", "IS", L::kStudy, C::kStudyInstances, false},
    {{0x0020, 0x1209}, "NumberOfSeriesRelatedInstances", "IS", L::kSeries, C::kSeriesInstances,
     false},
};

QueryLevel ToQueryLevel(EntityLevel level) {
  switch (level) {
    case EntityLevel::kPatient: return L::kPatient;
    case EntityLevel::kStudy: return L::kStudy;
    case EntityLevel::kSeries: return L::kSeries;
    case EntityLevel::kInstance: return L::kImage;
  }
  return L::kImage;
}

// The table aliases of sql_plan.cpp's FROM clauses.
const char* TableAlias(EntityLevel level) {
  switch (level) {
    case EntityLevel::kPatient: return "p";
    case EntityLevel::kStudy: return "st";
    case EntityLevel::kSeries: return "se";
    case EntityLevel::kInstance: return "i";
  }
  return "";
}

struct Catalog {
  // The qualified columns ("se.station_name") the entries point to; a deque
  // keeps its elements in place while it grows and when it is moved.
  std::deque<std::string> columns;
  std::vector<AttributeInfo> attributes;
};

// The typed attributes of the attribute table (catalog/common/attribute_table.h),
// each level followed by its computed keys.
Catalog MakeCatalog() {
  Catalog catalog;
  for (const QueryLevel level : {L::kPatient, L::kStudy, L::kSeries, L::kImage}) {
    for (const TypedAttribute& a : TypedAttributes()) {
      if (ToQueryLevel(a.level) != level) continue;
      catalog.columns.push_back(std::string(TableAlias(a.level)) + "." + a.column);
      catalog.attributes.push_back({{a.group, a.element}, a.keyword, a.vr, level,
                                    catalog.columns.back().c_str(), C::kNone,
                                    a.matching == Matching::kUniqueKey});
      if (a.copied_to_study) {
        catalog.columns.push_back(std::string(TableAlias(EntityLevel::kStudy)) + "." + a.column);
        catalog.attributes.back().study_column = catalog.columns.back().c_str();
      }
    }
    for (const ComputedKey& k : kComputedKeys) {
      if (k.level != level) continue;
      catalog.attributes.push_back(
          {k.tag, k.keyword, k.vr, level, nullptr, k.computed, false, k.matchable});
    }
  }
  return catalog;
}

// Below the patient level a patient attribute with a study copy is read
// from the study's row (ColumnAt).
bool ReadsStudyCopy(const AttributeInfo& info, QueryLevel level) {
  return info.study_column != nullptr && level != QueryLevel::kPatient;
}

}  // namespace

const std::vector<AttributeInfo>& AllAttributes() {
  static const Catalog catalog = MakeCatalog();
  return catalog.attributes;
}

const AttributeInfo* FindAttribute(Tag tag) {
  for (const auto& info : AllAttributes()) {
    if (info.tag == tag) return &info;
  }
  return nullptr;
}

const AttributeInfo* FindAttributeByKeyword(std::string_view keyword) {
  for (const auto& info : AllAttributes()) {
    if (keyword == info.keyword) return &info;
  }
  return nullptr;
}

QueryLevel LevelInModel(const AttributeInfo& info, InformationModel model) {
  if (model == InformationModel::kStudyRoot && info.level == QueryLevel::kPatient) {
    return QueryLevel::kStudy;
  }
  return info.level;
}

const char* ColumnAt(const AttributeInfo& info, QueryLevel level) {
  return ReadsStudyCopy(info, level) ? info.study_column : info.column;
}

QueryLevel TableLevelAt(const AttributeInfo& info, QueryLevel level) {
  return ReadsStudyCopy(info, level) ? QueryLevel::kStudy : info.level;
}

QueryLevel TopLevel(InformationModel model) {
  return model == InformationModel::kPatientRoot ? QueryLevel::kPatient : QueryLevel::kStudy;
}

Tag UniqueKeyOf(QueryLevel level) {
  switch (level) {
    case QueryLevel::kPatient: return kPatientId;
    case QueryLevel::kStudy: return kStudyInstanceUid;
    case QueryLevel::kSeries: return kSeriesInstanceUid;
    case QueryLevel::kImage: return kSopInstanceUid;
  }
  return {};
}

}  // namespace pixeldex::query
