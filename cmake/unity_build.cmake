# Unity builds of the libraries: CMake compiles each library's sources in
# batches of a few files per translation unit, so the headers they share
# (the C++ standard library, fmt, DCMTK, Boost) are parsed and their inline
# code optimised once a batch instead of once a file (measured in README,
# "Tests"). For that to hold, no two files of one library may define the same
# name in an anonymous namespace or as a file-static: a helper two files need
# lives once, in a header of the module. Files with source-level compile
# options (e.g. catalog/thumbnail's -O3 loops) are compiled alone, as CMake
# does for any file with its own flags.
option(PIXELDEX_UNITY "Compile each library's sources in unity batches" ON)

# The tests' GoogleTest executables (one per test folder and label,
# tests/CMakeLists.txt) are unity-built the same way: measured on four
# end-to-end test files under ASan+UBSan, 28 s of CPU one by one, 16 s in one
# translation unit (README, "Tests").
#
# pixeldex_unity_build(dir...): call once, at the end of the top-level
# CMakeLists.txt, with the folders whose static libraries and test
# executables are unity-built.
function(pixeldex_unity_build)
  if(NOT PIXELDEX_UNITY)
    return()
  endif()
  foreach(dir IN LISTS ARGN)
    pixeldex_targets_under("${dir}" targets)
    foreach(target IN LISTS targets)
      get_target_property(type ${target} TYPE)
      get_target_property(is_test ${target} PIXELDEX_TEST)
      if(type STREQUAL "STATIC_LIBRARY" OR is_test)
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
      endif()
    endforeach()
  endforeach()
endfunction()
