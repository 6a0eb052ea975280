#pragma once
// FillMonotoneTable: the table of a monotone function (non-decreasing or
// non-increasing) over the integers [lo, lo + size), evaluated far fewer
// times than once per entry. Where the function has the same value at both
// ends of a span, monotony makes it that value on the whole span, which is
// filled without evaluating it; a short span whose ends differ by at least
// half its length is evaluated entry by entry (a linear window's ramp, where
// halving would evaluate about as many entries and pay for the halving
// too); other spans are halved. A greyscale window maps a CT's few thousand
// distinct stored values to 256 grey levels, most of them to black or
// white: the greyscale renderer's value-to-grey table takes one evaluation
// per value inside the window and a few dozen for the flats. Header-only;
// the result equals evaluating every entry exactly when `f` is monotone.

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace pixeldex::thumbnail {

// Spans of at most this many entries may be evaluated entry by entry.
inline constexpr size_t kEntryByEntrySpan = 16;

template <typename T, typename F>
void FillMonotoneTable(int64_t lo, size_t size, const F& f, T* table) {
  if (size == 0) return;
  const auto at = [&](size_t i) { return f(lo + static_cast<int64_t>(i)); };
  // Fills [a, b] (offsets from lo) knowing fa = f(lo + a) and fb = f(lo + b).
  auto fill = [&](auto& self, size_t a, size_t b, T fa, T fb) -> void {
    if (fa == fb) {
      std::fill(table + a, table + b + 1, fa);
      return;
    }
    table[a] = fa;
    table[b] = fb;
    const auto steps = static_cast<size_t>(fa < fb ? fb - fa : fa - fb);
    if (b - a <= kEntryByEntrySpan && b - a <= 2 * steps) {
      for (size_t i = a + 1; i < b; ++i) table[i] = at(i);
      return;
    }
    const size_t m = a + (b - a) / 2;
    const T fm = at(m);
    self(self, a, m, fa, fm);
    self(self, m, b, fm, fb);
  };
  const size_t last = size - 1;
  fill(fill, 0, last, at(0), at(last));
}

}  // namespace pixeldex::thumbnail
