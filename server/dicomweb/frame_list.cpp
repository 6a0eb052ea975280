#include "server/dicomweb/frame_list.h"

namespace pixeldex::server {

Result<std::vector<int>> ParseFrameList(const std::string& segment) {
  std::vector<int> frames;
  size_t start = 0;
  for (;;) {
    const size_t comma = segment.find(',', start);
    const std::string number = segment.substr(start, comma - start);
    // Nine digits at most: no overflow, and far above any Number of Frames.
    bool valid = !number.empty() && number.size() <= 9 && number[0] != '0';
    for (char c : number) valid = valid && c >= '0' && c <= '9';
    if (!valid) {
      return Status::InvalidArgument("frame list '" + segment +
                                     "': frame numbers are positive integers separated by commas");
    }
    frames.push_back(std::stoi(number));
    if (frames.size() > kMaxFrameList)
      return Status::InvalidArgument("too many frames in the list");
    if (comma == std::string::npos) return frames;
    start = comma + 1;
  }
}

}  // namespace pixeldex::server
