// Empty on purpose: the translation unit that builds the precompiled header
// every test executable reuses (tests/CMakeLists.txt,
// cmake/precompiled_headers.cmake). CMake needs one source to compile it with.
