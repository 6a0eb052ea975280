#include "catalog/thumbnail/greyscale_renderer.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "catalog/thumbnail/monotone_table.h"
#include "catalog/thumbnail/stored_value.h"
#include "catalog/thumbnail/vector_clones.h"

namespace pixeldex::thumbnail {
namespace {

// Item of functional group macro `macro_tag` for the frame: per-frame first,
// then shared (PS3.3 C.7.6.16). Null when neither has it.
DcmItem* FunctionalGroupMacro(DcmItem& dataset, const DcmTagKey& macro_tag, int frame_index) {
  DcmItem* group = nullptr;
  DcmItem* macro = nullptr;
  if (dataset.findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, group, frame_index)
          .good() &&
      group->findAndGetSequenceItem(macro_tag, macro, 0).good()) {
    return macro;
  }
  if (dataset.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, group, 0).good() &&
      group->findAndGetSequenceItem(macro_tag, macro, 0).good()) {
    return macro;
  }
  return nullptr;
}

std::optional<Window> ReadWindow(DcmItem& item) {
  Window window;
  if (item.findAndGetFloat64(DCM_WindowCenter, window.center, 0).bad() ||
      item.findAndGetFloat64(DCM_WindowWidth, window.width, 0).bad()) {
    return std::nullopt;
  }
  OFString function;
  if (item.findAndGetOFString(DCM_VOILUTFunction, function).good()) {
    if (function == "LINEAR_EXACT") window.function = VoiFunction::kLinearExact;
    if (function == "SIGMOID") window.function = VoiFunction::kSigmoid;
  }
  // PS3.3 C.11.2.1.2.1: width >= 1 for LINEAR, > 0 otherwise.
  const bool usable = window.function == VoiFunction::kLinear ? window.width >= 1 : window.width > 0;
  if (!usable || !std::isfinite(window.center) || !std::isfinite(window.width)) return std::nullopt;
  return window;
}

// VOI output in [0, 1] for modality value x (PS3.3 C.11.2.1.2 / C.11.2.1.3).
double ApplyWindow(const Window& w, double x) {
  switch (w.function) {
    case VoiFunction::kLinear: {
      const double c = w.center - 0.5, half = (w.width - 1) / 2;
      if (x <= c - half) return 0.0;
      if (x > c + half) return 1.0;
      return (x - c) / (w.width - 1) + 0.5;
    }
    case VoiFunction::kLinearExact:
      if (x <= w.center - w.width / 2) return 0.0;
      if (x > w.center + w.width / 2) return 1.0;
      return (x - w.center) / w.width + 0.5;
    case VoiFunction::kSigmoid:
      return 1.0 / (1.0 + std::exp(-4.0 * (x - w.center) / w.width));
  }
  return 0.0;
}

// Maps stored values to display bytes; evaluated once per distinct value.
class GreyMapper {
 public:
  GreyMapper(const GreyscaleParameters& params, bool invert) : params_(params), invert_(invert) {}

  double Modality(int64_t stored) const {
    if (params_.modality_lut) return params_.modality_lut->Lookup(stored);
    return static_cast<double>(stored) * params_.rescale_slope + params_.rescale_intercept;
  }

  // Sets the min/max window from modality values of stored values [lo, hi].
  void SetRange(int64_t lo, int64_t hi) {
    min_ = max_ = Modality(lo);
    if (params_.modality_lut) {
      for (int64_t s = lo; s <= hi; ++s) {
        min_ = std::min(min_, Modality(s));
        max_ = std::max(max_, Modality(s));
      }
    } else {
      const double m = Modality(hi);
      min_ = std::min(min_, m);
      max_ = std::max(max_, m);
    }
  }
  bool RangeIsFlat() const { return !(max_ > min_); }

  // Display() never rises after falling or falls after rising as the stored
  // value grows: rescale, a linear window or the min/max range, clamping,
  // inversion and rounding each keep order (IEEE arithmetic rounds
  // monotonically). A Modality or VOI LUT need not; a sigmoid goes through
  // exp(), which is not promised monotone to the last bit.
  bool IsMonotone() const {
    if (params_.modality_lut || params_.voi_lut) return false;
    return !params_.window || params_.window->function != VoiFunction::kSigmoid;
  }

  uint8_t Display(int64_t stored) const {
    const double m = Modality(stored);
    double v;
    if (params_.window) {
      v = ApplyWindow(*params_.window, m);
    } else if (params_.voi_lut) {
      v = static_cast<double>(params_.voi_lut->Lookup(std::llround(m))) /
          params_.voi_lut->MaxEntry();
    } else {
      v = max_ > min_ ? (m - min_) / (max_ - min_) : 0.0;
    }
    v = std::clamp(v, 0.0, 1.0);
    if (invert_) v = 1.0 - v;  // PS3.3 C.7.6.3.1.2: MONOCHROME1, minimum is white
    return static_cast<uint8_t>(v * 255.0 + 0.5);  // v >= 0: rounds like lround, inline
  }

 private:
  const GreyscaleParameters& params_;
  bool invert_;
  double min_ = 0, max_ = 0;
};

// The smallest and largest of `values`.
template <typename V>
PIXELDEX_VECTOR_CLONES std::pair<int64_t, int64_t> MinMaxOf(std::span<const V> values) {
  V lo = std::numeric_limits<V>::max(), hi = std::numeric_limits<V>::min();
  for (const V v : values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return {lo, hi};
}

// out[i] = table[values[i] - lo]. Through local pointers: a store to `out`
// (bytes, which may alias anything) would otherwise make the compiler load
// the vectors' data and size again for every pixel.
template <typename V>
void LookUp(std::span<const V> values, int64_t lo, const std::vector<uint8_t>& table,
            uint8_t* out) {
  const V base = static_cast<V>(lo);
  const V* value = values.data();
  const uint8_t* entry = table.data();
  const size_t count = values.size();
  for (size_t i = 0; i < count; ++i) out[i] = entry[static_cast<size_t>(value[i] - base)];
}

// Calls fn.template operator()<V>(decoder) with the decoder for T's
// containers: 8- and 16-bit ones decode in 32-bit arithmetic, so that the
// per-pixel loops vectorise.
template <typename T, typename Fn>
auto WithDecoder(const StoredValueDecoder& decode, Fn&& fn) {
  if constexpr (sizeof(T) <= 2) {
    return fn.template operator()<int32_t>(decode.narrow());
  } else {
    return fn.template operator()<int64_t>(decode);
  }
}

// Maps (averaged) stored values to display bytes.
template <typename V>
void RenderValues(std::span<const V> values, const StoredValueDecoder& decode, GreyMapper& mapper,
                  bool needs_range, uint8_t* out) {
  const auto [lo, hi] = MinMaxOf(values);
  if (needs_range) {
    mapper.SetRange(lo, hi);
    if (mapper.RangeIsFlat()) mapper.SetRange(decode.MinPossible(), decode.MaxPossible());
  }
  const int64_t span = hi - lo + 1;
  if (span <= (int64_t{1} << 20)) {
    // One evaluation per distinct stored value, then a table lookup per pixel.
    std::vector<uint8_t> table(static_cast<size_t>(span));
    if (mapper.IsMonotone()) {
      FillMonotoneTable(lo, table.size(), [&](int64_t s) { return mapper.Display(s); },
                        table.data());
    } else {
      for (int64_t s = lo; s <= hi; ++s) table[static_cast<size_t>(s - lo)] = mapper.Display(s);
    }
    LookUp(values, lo, table, out);
  } else {
    for (size_t i = 0; i < values.size(); ++i) out[i] = mapper.Display(values[i]);
  }
}

}  // namespace

GreyscaleParameters ReadGreyscaleParameters(DcmItem& dataset, bool pixel_signed,
                                            int frame_index) {
  GreyscaleParameters params;
  // PS3.3 C.11.1: Modality LUT Sequence, else Rescale Slope/Intercept.
  Result<LookupTable> modality =
      ReadLookupTableFromSequence(dataset, DCM_ModalityLUTSequence, pixel_signed);
  if (modality.ok()) params.modality_lut = std::move(*modality);
  DcmItem* rescale_item = &dataset;
  if (!dataset.tagExists(DCM_RescaleSlope) && !dataset.tagExists(DCM_RescaleIntercept)) {
    if (DcmItem* m = FunctionalGroupMacro(dataset, DCM_PixelValueTransformationSequence,
                                          frame_index)) {
      rescale_item = m;
    }
  }
  double slope = 1.0, intercept = 0.0;
  if (rescale_item->findAndGetFloat64(DCM_RescaleSlope, slope).good() && std::isfinite(slope) &&
      slope != 0.0) {
    params.rescale_slope = slope;
  }
  if (rescale_item->findAndGetFloat64(DCM_RescaleIntercept, intercept).good() &&
      std::isfinite(intercept)) {
    params.rescale_intercept = intercept;
  }

  // PS3.3 C.11.2: first window, else the VOI LUT Sequence.
  params.window = ReadWindow(dataset);
  if (!params.window) {
    if (DcmItem* voi = FunctionalGroupMacro(dataset, DCM_FrameVOILUTSequence, frame_index)) {
      params.window = ReadWindow(*voi);
    }
  }
  if (!params.window) {
    // The VOI LUT's input is the Modality LUT's output, signed if it can be.
    const bool voi_signed = pixel_signed || params.rescale_intercept < 0;
    Result<LookupTable> voi =
        ReadLookupTableFromSequence(dataset, DCM_VOILUTSequence, voi_signed);
    if (voi.ok()) params.voi_lut = std::move(*voi);
  }
  return params;
}

Result<DisplayImage> RenderGreyscale(const RawFrame& frame, const GreyscaleParameters& params,
                                     Size size) {
  const FrameLayout& layout = frame.layout;
  if (!layout.IsMonochrome() || layout.samples_per_pixel != 1) {
    return Status::InvalidArgument("greyscale rendering needs a MONOCHROME1/2 frame");
  }
  const size_t count = static_cast<size_t>(layout.columns) * layout.rows;
  if (frame.Samples().size() < count * layout.BytesPerSample()) {
    return Status::Corruption("frame shorter than its layout");
  }
  if (size.width < 1 || size.height < 1 || size.width > layout.columns ||
      size.height > layout.rows) {
    return Status::InvalidArgument("greyscale rendering cannot upscale");
  }
  DisplayImage image(size.width, size.height, 1);
  GreyMapper mapper(params, layout.photometric == "MONOCHROME1");
  const bool needs_range = !params.window && !params.voi_lut;
  const StoredValueDecoder decode(layout);
  const int64_t bound = std::max(-decode.MinPossible(), decode.MaxPossible());
  // Stored values are averaged first, so the per-pixel mapping runs on the
  // thumbnail's pixels only (a quarter of a 512x512 frame's).
  WithContainers(frame, [&](const auto* samples) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(samples)>>;
    WithDecoder<T>(decode, [&]<typename V>(const auto& d) {
      // Not initialised: the averaging writes every value.
      const size_t count = image.pixels.size();
      const std::unique_ptr<V[]> values = std::make_unique_for_overwrite<V[]>(count);
      AverageByArea<V>(
          layout.columns, layout.rows, 1, size, bound, [&](size_t i) -> V { return d(samples[i]); },
          values.get());
      RenderValues<V>({values.get(), count}, decode, mapper, needs_range, image.pixels.data());
    });
  });
  return image;
}

}  // namespace pixeldex::thumbnail
