#include "server/association/service_classes.h"

#include <dcmtk/dcmdata/dcuid.h>

#include <algorithm>

namespace pixeldex::server {

const std::vector<ServiceClass>& ServiceClasses() {
  static const std::vector<ServiceClass> classes = {
      {UID_VerificationSOPClass, Service::kVerification},
      {UID_FINDPatientRootQueryRetrieveInformationModel, Service::kFind},
      {UID_FINDStudyRootQueryRetrieveInformationModel, Service::kFind},
      {UID_GETPatientRootQueryRetrieveInformationModel, Service::kGet},
      {UID_GETStudyRootQueryRetrieveInformationModel, Service::kGet},
      {UID_MOVEPatientRootQueryRetrieveInformationModel, Service::kMove},
      {UID_MOVEStudyRootQueryRetrieveInformationModel, Service::kMove},
  };
  return classes;
}

Service ServiceOf(std::string_view abstract_syntax) {
  const auto& classes = ServiceClasses();
  const auto it = std::find_if(classes.begin(), classes.end(), [&](const ServiceClass& c) {
    return abstract_syntax == c.uid;
  });
  return it == classes.end() ? Service::kStorage : it->service;
}

const char* ServiceName(Service service) {
  switch (service) {
    case Service::kVerification: return "C-ECHO";
    case Service::kFind: return "C-FIND";
    case Service::kGet: return "C-GET";
    case Service::kMove: return "C-MOVE";
    case Service::kStorage: return "C-STORE";
  }
  return "?";
}

}  // namespace pixeldex::server
