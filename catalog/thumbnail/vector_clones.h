#pragma once
// PIXELDEX_VECTOR_CLONES: put before a per-pixel loop's function to have
// GCC compile it twice, for the x86-64 baseline the build targets (SSE2)
// and for AVX2, and call the one the CPU supports, chosen once when the
// program is loaded (function multi-versioning through an ifunc). AVX2
// doubles the samples per vector instruction and adds the 32-bit min/max
// SSE2 lacks; the binary still runs on any x86-64 CPU. Both clones compute
// the same results (integer arithmetic; the same operations in the same
// order). Empty elsewhere (another compiler or architecture): one version.
// Empty too in the sanitizer builds: the loader runs an ifunc's resolver
// while it relocates the program, before the sanitizer's runtime is set up,
// and the instrumented resolver crashes there (TSan: SIGSEGV in the
// resolver of AverageWholeBlocks, before main). So the sanitizer builds run
// the baseline version and the others the AVX2 one: CI tests both.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define PIXELDEX_VECTOR_CLONES [[gnu::target_clones("avx2", "default")]]
#else
#define PIXELDEX_VECTOR_CLONES
#endif
