#pragma once
// SampleRecord: an InstanceRecord as the ingest pipeline would hand it to
// the index writer (a CT image of patient `patient`, its path the storage
// layout's, a 2x1 thumbnail), for the tests that write through IndexWriter
// without DICOM files. Pure.

#include <string>

#include "catalog/common/instance_record.h"

namespace pixeldex::testing {

InstanceRecord SampleRecord(const std::string& sop, const std::string& series = "1.2.2",
                            const std::string& study = "1.2.1",
                            const std::string& patient = "P1");

}  // namespace pixeldex::testing
