#include "server/dicomweb/frame_list.h"

#include "server/http/query_string.h"

namespace pixeldex::server {

Result<std::vector<int>> ParseFrameList(const std::string& segment) {
  const std::vector<std::string> numbers = SplitValues(segment);
  if (numbers.size() > kMaxFrameList) return Status::InvalidArgument("too many frames in the list");
  std::vector<int> frames;
  for (const std::string& number : numbers) {
    // Nine digits at most: no overflow, and far above any Number of Frames.
    bool valid = !number.empty() && number.size() <= 9 && number[0] != '0';
    for (char c : number) valid = valid && c >= '0' && c <= '9';
    if (!valid) {
      return Status::InvalidArgument("frame list '" + segment +
                                     "': frame numbers are positive integers separated by commas");
    }
    frames.push_back(std::stoi(number));
  }
  return frames;
}

}  // namespace pixeldex::server
