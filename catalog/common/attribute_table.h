#pragma once
// The attribute table: every DICOM attribute the index keeps in a typed
// column of its own, each listed once with its tag, keyword and VR (PS3.6),
// its level, its column, how C-FIND matches it and the InstanceRecord member
// that carries it. The table drives the header extraction
// (catalog/metadata/metadata_extractor.cpp), the row binder
// (catalog/index/attribute_columns.h) and the C-FIND/QIDO attribute catalog
// (catalog/query/attribute_catalog.h); tests/index/attribute_table_test.cpp
// checks the live schema's columns against it. Adding a typed attribute means
// one entry here, its member in instance_record.h and a migration that adds
// the column (schema.cpp; migrations already shipped never change).
//
// Not listed, because they are no value of the dataset to match on: the keys
// and bookkeeping columns of each table, the file facts and provenance,
// Transfer Syntax UID (from the file meta information) and Specific
// Character Set (from the text decoding), which the binder writes itself.
//
// Immutable static data; safe from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <variant>

#include "catalog/common/instance_record.h"

namespace pixeldex {

// The entity an attribute describes: the table of its column and the member
// of InstanceRecord that holds it (patient, study, series, instance).
enum class EntityLevel { kPatient = 0, kStudy = 1, kSeries = 2, kInstance = 3 };

enum class Matching {
  // PS3.4 C.2.2.2: single value, wildcard, range, list, as the VR allows.
  kByValue,
  // The unique key of its level (PS3.4 C.2.2.1.1): also UID-list matching,
  // and required at the levels below it in hierarchical queries.
  kUniqueKey,
};

// The member of the keys of its level that carries a value: text (the
// values as stored, backslash-separated) or an integer (IS and US, one value).
using RecordField =
    std::variant<std::string PatientKeys::*, std::string StudyKeys::*, std::string SeriesKeys::*,
                 std::string InstanceKeys::*, std::optional<int64_t> PatientKeys::*,
                 std::optional<int64_t> StudyKeys::*, std::optional<int64_t> SeriesKeys::*,
                 std::optional<int64_t> InstanceKeys::*>;

struct TypedAttribute {
  uint16_t group;
  uint16_t element;
  const char* keyword;  // PS3.6, e.g. "StationName"
  const char* vr;       // PS3.6, e.g. "SH"
  EntityLevel level;
  const char* column;  // in the level's table: patients, studies, series, instances
  Matching matching;
  // NOT NULL column: the value is written as received, even empty, and an
  // update never keeps an older one. Otherwise an empty value is NULL and an
  // update keeps the stored value when the new one is absent.
  bool not_null;
  RecordField field;
  // A patient attribute each study also keeps in a column of the same name
  // in `studies`, as the study's own instances carry it: studies that share
  // a Patient ID (or have none) may differ in it, and study-level answers
  // give each study's own (PS3.4 C.6.1.1.3, C.6.2.1.2). A NOT NULL one is
  // the identity of the study's patient (Patient ID and its issuer, PS3.3
  // C.7.1.1), written with the study's patient_pk by every instance, so that
  // a study-level answer reads no `patients` row.
  bool copied_to_study = false;

  constexpr bool IsInteger() const { return field.index() >= 4; }
};

// In the order of the C-FIND catalog: patient, study, series, instance.
std::span<const TypedAttribute> TypedAttributes();

// Whether the table of `level` has a column for `attribute`: its own level's,
// and on `studies` the copies of the patient attributes (copied_to_study).
bool HasColumnAt(const TypedAttribute& attribute, EntityLevel level);

// The table of a level's columns: "patients", "studies", "series", "instances".
const char* EntityTable(EntityLevel level);

namespace attribute_table_internal {
template <typename Member>
struct ClassOf;
template <typename Value, typename Keys>
struct ClassOf<Value Keys::*> {
  using type = Keys;
};

// The keys of type Keys inside `record`.
template <typename Keys, typename Record>
auto& KeysOf(Record& record) {
  if constexpr (std::is_same_v<Keys, PatientKeys>) {
    return record.patient;
  } else if constexpr (std::is_same_v<Keys, StudyKeys>) {
    return record.study;
  } else if constexpr (std::is_same_v<Keys, SeriesKeys>) {
    return record.series;
  } else {
    static_assert(std::is_same_v<Keys, InstanceKeys>);
    return record.instance;
  }
}
}  // namespace attribute_table_internal

// Calls visitor(value) with the member of `record` that carries `attribute`:
// a std::string& or a std::optional<int64_t>& (const when `record` is).
// `record` is an InstanceRecord or any struct with the members patient,
// study, series and instance (metadata::ExtractedMetadata).
template <typename Record, typename Visitor>
decltype(auto) VisitField(const TypedAttribute& attribute, Record& record, Visitor&& visitor) {
  return std::visit(
      [&](auto member) -> decltype(auto) {
        using Keys = typename attribute_table_internal::ClassOf<decltype(member)>::type;
        return visitor(attribute_table_internal::KeysOf<Keys>(record).*member);
      },
      attribute.field);
}

}  // namespace pixeldex
