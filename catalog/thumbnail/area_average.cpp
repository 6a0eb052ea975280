#include "catalog/thumbnail/area_average.h"

namespace pixeldex::thumbnail {

AxisWeights ComputeAxisWeights(int source, int target) {
  AxisWeights axis;
  axis.first.resize(target);
  axis.count.resize(target);
  axis.offset.resize(target);
  const double scale = static_cast<double>(source) / target;
  for (int t = 0; t < target; ++t) {
    const double begin = t * scale, end = (t + 1) * scale;
    const int first = static_cast<int>(std::floor(begin));
    const int last = std::min(source, static_cast<int>(std::ceil(end - 1e-9)));
    axis.first[t] = first;
    axis.count[t] = last - first;
    axis.offset[t] = axis.weight.size();
    for (int s = first; s < last; ++s) {
      const double covered = std::min<double>(end, s + 1) - std::max<double>(begin, s);
      axis.weight.push_back(covered / scale);
    }
  }
  return axis;
}

}  // namespace pixeldex::thumbnail
