#pragma once
// FillMonotoneTable: the table of a monotone function (non-decreasing or
// non-increasing) over the integers [lo, lo + size), evaluated far fewer
// times than once per entry. Where the function has the same value at both
// ends of a span, monotony makes it that value on the whole span, which is
// filled without evaluating it; other spans are halved. A greyscale window
// maps a CT's few thousand distinct stored values to 256 grey levels, most
// of them to black or white: the greyscale renderer's value-to-grey table
// takes a few hundred evaluations instead of thousands. Header-only; the
// result equals evaluating every entry exactly when `f` is monotone.

#include <cstddef>
#include <cstdint>

namespace pixeldex::thumbnail {

template <typename T, typename F>
void FillMonotoneTable(int64_t lo, size_t size, const F& f, T* table) {
  if (size == 0) return;
  // Fills [a, b] (offsets from lo) knowing fa = f(lo + a) and fb = f(lo + b).
  auto fill = [&](auto& self, size_t a, size_t b, T fa, T fb) -> void {
    if (fa == fb) {
      for (size_t i = a; i <= b; ++i) table[i] = fa;
      return;
    }
    if (b - a <= 1) {
      table[a] = fa;
      table[b] = fb;
      return;
    }
    const size_t m = a + (b - a) / 2;
    const T fm = f(lo + static_cast<int64_t>(m));
    self(self, a, m, fa, fm);
    self(self, m, b, fm, fb);
  };
  const size_t last = size - 1;
  fill(fill, 0, last, f(lo), f(lo + static_cast<int64_t>(last)));
}

}  // namespace pixeldex::thumbnail
