#pragma once
// The {frames} segment of a WADO-RS frames resource (PS3.18 10.4.1.1.4,
// 8.3.5.1.3 for rendered frames): frame numbers separated by commas, e.g.
// "1,3,5", each a positive decimal integer (frames are numbered from 1,
// PS3.3 C.7.6.6). Anything else is InvalidArgument (-> 400); numbers above
// the instance's Number of Frames are the caller's NotFound (-> 404).
// Stateless.

#include <string>
#include <vector>

#include "catalog/common/result.h"

namespace pixeldex::server {

// At most kMaxFrameList numbers; order and repeats are kept.
inline constexpr size_t kMaxFrameList = 4096;

Result<std::vector<int>> ParseFrameList(const std::string& segment);

}  // namespace pixeldex::server
