#!/usr/bin/env bash
# Builds the Debian package of the Release build: build/textmill_VERSION-1_ARCH.deb
# (cmake/package.cmake; Depends from dpkg-shlibdeps). Install it with
#   sudo apt-get install ./build/textmill_*.deb
# tests/install/package_test.sh checks one without installing it.
#   scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
(cd build && cpack -G DEB)
dpkg-deb -I build/textmill_*.deb | sed -n 's/^ \(Package\|Version\|Depends\|Installed-Size\): /\1: /p'
