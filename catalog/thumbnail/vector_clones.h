#pragma once
// PIXELDEX_VECTOR_CLONES: put before a per-pixel loop's function to have
// GCC compile it twice, for the x86-64 baseline the build targets (SSE2)
// and for AVX2, and call the one the CPU supports, chosen once when the
// program is loaded (function multi-versioning through an ifunc). AVX2
// doubles the samples per vector instruction and adds the 32-bit min/max
// SSE2 lacks; the binary still runs on any x86-64 CPU. Both clones compute
// the same results (integer arithmetic; the same operations in the same
// order). Empty elsewhere (another compiler or architecture): one version.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PIXELDEX_VECTOR_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define PIXELDEX_VECTOR_CLONES
#endif
