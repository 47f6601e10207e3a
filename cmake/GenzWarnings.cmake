# Warnings for genz's own targets (not for third-party consumers of the SDK).
function(genz_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  # Counts become doubles on purpose throughout the engine.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # -Wrestrict: GCC 12 false positive inside std::string concatenation (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-float-conversion -Wno-restrict)
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${target} PRIVATE -Wno-implicit-int-float-conversion -Wno-float-conversion
                                             -Wno-shorten-64-to-32)
  endif()
endfunction()
