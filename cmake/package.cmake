# `cpack -G DEB` (scripts/package.sh): one Debian package holding what
# cmake/install.cmake installs, under /usr. Its Depends come from
# dpkg-shlibdeps (the shared libraries the binary links), plus the data
# packages the langid stage reads at run time.
set(CPACK_PACKAGE_NAME textmill)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "textmill maintainers <textmill@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scraped web pages to clean text corpora (JSONL.zst)")
set(CPACK_PACKAGE_DESCRIPTION "textmill reads HTML, WARC and JSONL, extracts the main content, normalizes,
tags the language, applies published quality filters, redacts PII, removes
duplicates and writes sharded JSONL with a run report. Plugin stages are
built against the headers and CMake package it ships.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # textmill_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Hunspell dictionaries and Apertium's Malay/Indonesian analysers split close
# languages; without them langid still runs, less precisely (it warns).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "apertium-ind-zlm, hunspell-no, hunspell-da, hunspell-sv, hunspell-hr, hunspell-bs, hunspell-sr, hunspell-sl, hunspell-cs, hunspell-sk, hunspell-es, hunspell-pt-pt, hunspell-ca, hunspell-gl, hunspell-hi, hunspell-ne, hunspell-nl, hunspell-af")
# Building a plugin stage against /usr/include/textmill.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cmake, g++, libtbb-dev, libyaml-cpp-dev, nlohmann-json3-dev")
include(CPack)
