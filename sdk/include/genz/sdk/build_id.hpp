// The toolchain fingerprint a plugin carries in genz_plugin_info::build_id.
//
// The SDK's interfaces are C++ classes holding std::string and std::vector, so
// host and plugin must agree on the compiler family, the standard library and
// its dual ABI. The host refuses a plugin whose fingerprint differs and says
// what it expected and what it found.
#pragma once

#define GENZ_STRINGIFY_IMPL(x) #x
#define GENZ_STRINGIFY(x) GENZ_STRINGIFY_IMPL(x)

#if defined(__clang__)
#define GENZ_COMPILER_ID "clang-" GENZ_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define GENZ_COMPILER_ID "gcc-" GENZ_STRINGIFY(__GNUC__)
#elif defined(_MSC_VER)
#define GENZ_COMPILER_ID "msvc-" GENZ_STRINGIFY(_MSC_VER)
#else
#define GENZ_COMPILER_ID "unknown-compiler"
#endif

#include <cstddef>  // defines _GLIBCXX_USE_CXX11_ABI / _LIBCPP_VERSION

#if defined(_LIBCPP_VERSION)
#define GENZ_STDLIB_ID "libc++"
#elif defined(__GLIBCXX__)
#if _GLIBCXX_USE_CXX11_ABI
#define GENZ_STDLIB_ID "libstdc++-cxx11abi"
#else
#define GENZ_STDLIB_ID "libstdc++-oldabi"
#endif
#else
#define GENZ_STDLIB_ID "unknown-stdlib"
#endif

// Both gcc and clang on Linux share the Itanium C++ ABI and libstdc++, so the
// compiler family is informative only; the standard library part must match.
#define GENZ_BUILD_ID GENZ_STDLIB_ID ";" GENZ_COMPILER_ID
