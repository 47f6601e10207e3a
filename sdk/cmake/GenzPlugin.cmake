# genz_add_plugin(<name> KIND <model|hardware|comm|report> SOURCES <src>...
#                 [OUTPUT_DIRECTORY <dir>] [LINK <targets>...])
#
# Builds a loadable genz plugin: a MODULE library named <name>.so with hidden
# visibility and a version script that exports only genz_plugin_v1.
if(NOT DEFINED GENZ_PLUGIN_MAP)
  set(GENZ_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/genz_plugin.map")
endif()

function(genz_add_plugin name)
  cmake_parse_arguments(ARG "" "KIND;OUTPUT_DIRECTORY" "SOURCES;LINK" ${ARGN})
  if(NOT ARG_KIND MATCHES "^(model|hardware|comm|report)$")
    message(FATAL_ERROR "genz_add_plugin(${name}): KIND must be model, hardware, comm or report, not '${ARG_KIND}'")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "genz_add_plugin(${name}): no SOURCES")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE genz::sdk ${ARG_LINK})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    GENZ_PLUGIN_KIND ${ARG_KIND})
  target_link_options(${name} PRIVATE "LINKER:--version-script=${GENZ_PLUGIN_MAP}")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${GENZ_PLUGIN_MAP}")
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  endif()
endfunction()
