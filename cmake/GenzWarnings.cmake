# Warnings for genz's own targets (not for third-party consumers of the SDK).
function(genz_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wno-shorten-64-to-32)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-float-conversion)
  endif()
endfunction()
