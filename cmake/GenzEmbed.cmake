# genz_embed(<target> <symbol> FILES <file>...)
# Compiles the files' text into <target> as
#   extern const genz_embedded::File <symbol>[]; extern const std::size_t <symbol>_count;
# Regenerated whenever a file changes, so shipped data stays data.
set(_GENZ_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/genz_embed_script.cmake")
function(genz_embed target symbol)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_${symbol}_embedded.cpp")
  set(abs)
  foreach(f IN LISTS ARG_FILES)
    get_filename_component(a "${f}" ABSOLUTE)
    list(APPEND abs "${a}")
  endforeach()
  string(REPLACE ";" "|" joined "${abs}")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} "-DFILES=${joined}" -P "${_GENZ_EMBED_SCRIPT}"
    DEPENDS ${abs} "${_GENZ_EMBED_SCRIPT}"
    COMMENT "Embedding ${symbol}" VERBATIM)
  target_sources(${target} PRIVATE "${out}")
  target_include_directories(${target} PRIVATE "${PROJECT_SOURCE_DIR}/cmake/include")
endfunction()
