# `cmake --install build --prefix P`: the binary, its data, the man page, and
# the stage API (headers and a CMake package) for plugins.
#
#   P/bin/textmill
#   P/share/textmill/{configs,models}/     found from the binary (pipeline/registry.h)
#   P/share/man/man1/textmill.1.gz         help2man, from `textmill --help`
#   P/include/textmill/pipeline/*.h        cmake/stage_api.cmake
#   P/lib/<arch>/cmake/textmill/           find_package(textmill) -> textmill::stage_api
include(CMakePackageConfigHelpers)

install(TARGETS textmill RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The configs a job runs with and the lists they name; not the eval configs
# of scripts/, which read ../shared.
set(TEXTMILL_DATA_DIR ${CMAKE_INSTALL_DATADIR}/textmill)
install(FILES configs/default.yaml configs/read_only.yaml configs/boilerplate_phrases.txt configs/stopwords.yaml
  DESTINATION ${TEXTMILL_DATA_DIR}/configs)
# Whatever models are present (lid.176.ftz is fetched by scripts/setup.sh,
# often as a link): the files they point to, under their own names; and the
# spelling tables setup.sh writes (models/spelling/), not the word lists they
# are made from.
file(GLOB TEXTMILL_MODELS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/models/*)
foreach(model ${TEXTMILL_MODELS})
  get_filename_component(name ${model} NAME)
  if(IS_DIRECTORY ${model})
    continue()
  endif()
  file(REAL_PATH ${model} real)
  install(FILES ${real} DESTINATION ${TEXTMILL_DATA_DIR}/models RENAME ${name})
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/spelling/ DESTINATION ${TEXTMILL_DATA_DIR}/models/spelling
  OPTIONAL FILES_MATCHING PATTERN "*.tsv" PATTERN "*.forms" PATTERN ".*" EXCLUDE)

# The man page: help2man runs the built binary, so it says what --help says.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(TEXTMILL_MAN ${PROJECT_BINARY_DIR}/textmill.1)
  add_custom_command(OUTPUT ${TEXTMILL_MAN}.gz
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --name "scraped web pages to clean text corpora"
            --include ${PROJECT_SOURCE_DIR}/cmake/textmill.h2m --output ${TEXTMILL_MAN} $<TARGET_FILE:textmill>
    COMMAND gzip -9nf ${TEXTMILL_MAN}
    DEPENDS textmill ${PROJECT_SOURCE_DIR}/cmake/textmill.h2m
    COMMENT "textmill(1) from textmill --help")
  add_custom_target(textmill_man ALL DEPENDS ${TEXTMILL_MAN}.gz)
  install(FILES ${TEXTMILL_MAN}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "help2man not found (scripts/setup.sh installs it): no man page")
endif()

# The stage API: headers under include/textmill/ keep their pipeline/ paths.
foreach(header ${TEXTMILL_STAGE_API_HEADERS})
  install(FILES ${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/textmill/pipeline)
endforeach()
set(TEXTMILL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/textmill)
install(TARGETS textmill_stage_api EXPORT textmillTargets)
install(EXPORT textmillTargets NAMESPACE textmill:: DESTINATION ${TEXTMILL_CMAKE_DIR})
configure_package_config_file(cmake/textmillConfig.cmake.in ${PROJECT_BINARY_DIR}/textmillConfig.cmake
  INSTALL_DESTINATION ${TEXTMILL_CMAKE_DIR} PATH_VARS CMAKE_INSTALL_BINDIR)
# A plugin checks the ABI itself (kPluginAbiVersion); the version here only
# keeps a plugin from building against another minor release by accident.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/textmillConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/textmillConfig.cmake ${PROJECT_BINARY_DIR}/textmillConfigVersion.cmake
  DESTINATION ${TEXTMILL_CMAKE_DIR})
