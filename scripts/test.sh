#!/usr/bin/env bash
# Builds and runs the whole test suite twice: the Release build (build/) and an
# address+undefined sanitizer build (build-asan/). Then runs each fuzz target
# for a bounded time (FUZZ_SECONDS, default 10) when clang's libFuzzer is there.
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
step() { echo "== [$(( SECONDS / 60 ))m$(( SECONDS % 60 ))s] $*"; }

step "Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
(cd build && ctest --output-on-failure -j"$jobs")

step "address,undefined sanitizer build and tests"
# -O1 -g1: sanitizer reports with line numbers at about half the compile time of -O2 -g.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1" \
  -DTEXTMILL_SANITIZE=ON -DTEXTMILL_BENCHMARKS=OFF >/dev/null
cmake --build build-asan
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j"$jobs" -LE slurm)

step "fuzzing"
scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
step "done"
