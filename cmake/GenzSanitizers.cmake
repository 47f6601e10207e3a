# GENZ_SANITIZE=ON builds every target, plugins included, with ASan + UBSan so
# a plugin's bug is caught in the same run as the host's.
if(GENZ_SANITIZE)
  set(_genz_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options(${_genz_san})
  add_link_options(${_genz_san})
endif()
