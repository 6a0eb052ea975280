#pragma once
// Settings from environment variables, for containers and service managers:
// every key "section.key" can be set as PIXELDEX_SECTION_KEY (upper case,
// '.' becoming '_'), e.g. PIXELDEX_NETWORK_AET or PIXELDEX_STORAGE_ROOT, and
// PIXELDEX_CONFIG names the config file when --config is not given. They
// apply after the config file and before command-line flags.

#include <string>
#include <vector>

#include "catalog/common/status.h"
#include "server/config/settings.h"

namespace pixeldex::server {

// The variable naming the config file.
inline constexpr const char* kConfigFileVariable = "PIXELDEX_CONFIG";
// Test seam, not a setting: the DIMSE command field (e.g. 0x0030, C-ECHO-RQ)
// whose requests throw on their association's thread, so that an end-to-end
// test proves the association's catch boundary (dicom_server.cpp).
inline constexpr const char* kTestThrowOnCommandVariable = "PIXELDEX_TEST_THROW_ON_COMMAND";

// "network.max_pdu" -> "PIXELDEX_NETWORK_MAX_PDU".
std::string EnvironmentVariableFor(const std::string& key);

// This process's environment as "NAME=value" entries.
std::vector<std::string> ProcessEnvironment();

// Applies the PIXELDEX_<SECTION>_<KEY> entries of `environment` to
// `settings`; a bad value is an InvalidArgument naming the variable. Other
// PIXELDEX_ names (bar PIXELDEX_CONFIG and the test seam) are appended to `unknown`, for a
// warning: they are most likely typos.
Status ApplyEnvironment(const std::vector<std::string>& environment, Settings& settings,
                        std::vector<std::string>* unknown);

}  // namespace pixeldex::server
