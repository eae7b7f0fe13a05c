# textmill::stage_api: what a stage outside this tree compiles against (a
# plugin, pipeline/plugin_api.h). Headers only: the functions they declare are
# called in the textmill binary, which exports its symbols (ENABLE_EXPORTS), so
# a plugin never links a second copy of the registry.
set(TEXTMILL_STAGE_API_HEADERS
  pipeline/batch.h
  pipeline/counters.h
  pipeline/document.h
  pipeline/errors.h
  pipeline/options.h
  pipeline/plugin_api.h
  pipeline/registry.h
  pipeline/stage.h
)
add_library(textmill_stage_api INTERFACE)
add_library(textmill::stage_api ALIAS textmill_stage_api)
set_target_properties(textmill_stage_api PROPERTIES EXPORT_NAME stage_api)
target_include_directories(textmill_stage_api INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/textmill>)
target_compile_features(textmill_stage_api INTERFACE cxx_std_20)
target_compile_definitions(textmill_stage_api INTERFACE TEXTMILL_VERSION_STRING="${PROJECT_VERSION}")
# The libraries those headers use inline (cmake/textmillConfig.cmake.in finds them).
target_link_libraries(textmill_stage_api INTERFACE TBB::tbb yaml-cpp nlohmann_json::nlohmann_json)

# The binary exports its symbols (-rdynamic) for the plugins it loads.
set_target_properties(textmill PROPERTIES ENABLE_EXPORTS ON)
