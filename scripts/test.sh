#!/usr/bin/env bash
# Builds and runs the whole test suite: the Release build (build/, g++), and
# all but the `heavy` whole-run tests again in an address+undefined sanitizer
# build (build-fuzz/, clang, which also holds the libFuzzer targets). Then
# runs each fuzz target for a bounded time (FUZZ_SECONDS, default 5). The
# Python package's pytest suite (python/tests,
# also the ctest test python.pytest) runs as a step of its own against the
# Release build; not under the sanitizers (an ASan extension would need the
# ASan runtime preloaded into the interpreter). The install tests (cmake
# --install into a temporary prefix, an out-of-tree plugin built against it,
# the Debian package checked with dpkg-deb; label `install`) run with the
# Release build's ctest; the plugin tests run in both builds.
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
step() { echo "== [$(( SECONDS / 60 ))m$(( SECONDS % 60 ))s] $*"; }

step "Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
# One more test than cores: slurm.phased_run_on_cluster holds a slot for about
# 40 s while it mostly waits on Slurm's scheduler (about 2 s of CPU).
(cd build && ctest --output-on-failure -j"$(( jobs + 1 ))" -LE python)

step "Python package (pytest, /usr/bin/python3, the Release build)"
PYTHONPATH=build/python TEXTMILL_BINARY=build/textmill /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests

step "address,undefined sanitizer build (clang, with libFuzzer coverage) and tests"
# One clang build serves the tests under ASan/UBSan and the fuzz targets below.
scripts/fuzz.sh build
# Not the `heavy` whole-run tests (tests/CMakeLists.txt): the Release pass runs them.
(cd build-fuzz && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$jobs" -LE "slurm|heavy")

step "fuzzing"
scripts/fuzz.sh "${FUZZ_SECONDS:-5}"
step "done"
