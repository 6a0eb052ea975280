#pragma once
// The data-driven C-FIND case files (tests/query/cases/*.txt): one file per
// rule family of PS3.4 C.2.2.2, each with a fixture (patients, studies,
// series, instances and their attributes) and cases (an identifier and the
// unique keys of the entities that must match, order-independent).
//
//   # comment
//   patient  P1            | PatientName=Doe^John | PatientSex=M
//   study    1.1   P1      | StudyDate=20240105 | ProcedureCodeSequence=[CodeValue=A;CodeMeaning=x][CodeValue=B]
//   series   1.1.1 1.1     | Modality=CT
//   instance 1.1.1.1 1.1.1 | SOPClassUID=1.2.840.10008.5.1.4.1.1.2 | ImageType=ORIGINAL\PRIMARY
//
//   case     name-of-case
//   find     STUDY-ROOT STUDY      (level "-" = no Query/Retrieve Level key)
//   option   pn_case_insensitive=false | combined_datetime | max_results=N
//   key      PatientName=Doe*
//   match    1.1 1.2               ("match none" for no match)
//   error                          (the request must be refused as invalid)
//   return   1.1 ModalitiesInStudy=CT\MR   (a returned value of that match)
//
// A patient's label is its Patient ID unless it has a PatientID attribute.

#include <string>
#include <vector>

#include "catalog/common/result.h"
#include "catalog/query/find_options.h"
#include "catalog/query/query_types.h"

namespace pixeldex::query::testing {

struct FixtureEntity {
  QueryLevel level = QueryLevel::kPatient;
  std::string label;   // Patient ID label or the entity's UID
  std::string parent;  // the parent's label
  std::vector<ResponseAttribute> attributes;
  const ResponseAttribute* Find(Tag tag) const;
};

struct ExpectedReturn {
  std::string match;  // the match's unique key
  Tag tag;
  std::string rendered;  // RenderAttribute form
};

struct QueryCase {
  std::string name;
  int line = 0;
  InformationModel model = InformationModel::kStudyRoot;
  std::string level_text;  // "-" = absent
  std::vector<QueryKey> keys;
  FindOptions options;
  bool combined_datetime = false;
  bool expect_error = false;
  std::vector<std::string> expect_matches;
  std::vector<ExpectedReturn> returns;
  // The identifier as the SCU sends it: the keys plus Query/Retrieve Level.
  std::vector<QueryKey> Identifier() const;
};

struct CaseFile {
  std::vector<FixtureEntity> fixture;
  std::vector<QueryCase> cases;
};

Result<CaseFile> LoadCaseFile(const std::string& path);

// "a\b" for values, "[K=v;K=v][K=v]" for sequence items.
std::string RenderAttribute(const ResponseAttribute& attribute);

}  // namespace pixeldex::query::testing
