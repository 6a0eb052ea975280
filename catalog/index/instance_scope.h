#pragma once
// The instances a WADO-RS resource names (PS3.18 10.4.1): those of a study, of
// one series of it, or one instance of that series. What the index holds of
// them is read by catalog/query/instance_reads.h.

#include <string>

namespace pixeldex::index {

struct InstanceScope {
  std::string study;
  std::string series;        // empty: the whole study
  std::string sop_instance;  // empty: the whole series (or study)
};

}  // namespace pixeldex::index
