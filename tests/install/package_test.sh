#!/usr/bin/env bash
# The Debian package, checked without installing it (the machine is not
# changed): its control fields (Depends from dpkg-shlibdeps, every one of them
# a package this machine has), its files, and a run of the binary extracted
# into a temporary root, reading its config and models from that root.
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/textmill_*.deb)
dpkg-deb -I "$deb" > "$work/info"
grep -q '^ Package: textmill$' "$work/info" || fail "package name"
grep -q '^ Architecture: amd64$' "$work/info" || fail "architecture"
depends=$(sed -n 's/^ Depends: //p' "$work/info")
# shlibdeps found the libraries the binary links, versioned.
names=$(tr ',' '\n' <<< "$depends" | sed 's/(.*//; s/|.*//' | tr -d ' ')
for lib in libc6 libstdc++6 libtbb12 libyaml-cpp0.7 libicu72 libzstd1 libfasttext0 libxgboost0; do
  grep -qxF "$lib" <<< "$names" || fail "Depends lacks $lib: $depends"
done
# Every dependency is a real package (here: an installed one).
for pkg in $names; do
  dpkg-query -W "$pkg" >/dev/null 2>&1 || fail "Depends names $pkg, which dpkg does not know"
done
dpkg-deb -c "$deb" | awk '{print $6}' > "$work/files"
for f in ./usr/bin/textmill ./usr/share/textmill/configs/default.yaml ./usr/share/textmill/models/extraction_blocks.ubj \
         ./usr/share/man/man1/textmill.1.gz ./usr/include/textmill/pipeline/plugin_api.h; do
  grep -qx "$f" "$work/files" || fail "missing $f"
done
grep -Eq '^./usr/lib/(.*/)?cmake/textmill/textmillConfig.cmake$' "$work/files" || fail "no CMake package"

# What `apt-get install ./textmill_*.deb` would lay out, in a temporary root.
dpkg-deb -x "$deb" "$work/root"
cp -r "$repo/examples" "$work/in"
(cd / && "$work/root/usr/bin/textmill" run -c "$work/root/usr/share/textmill/configs/default.yaml" \
   -i "$work/in" -o "$work/out" -j 2 --progress none --log-level warn)
python3 - "$work/out/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
names = [s["name"] for s in report["stages"]]
assert "extract" in names and "langid" in names, names
assert report["output"]["documents"] >= 3, report["output"]
PY
echo "package test: OK ($(basename "$deb"), Depends: $depends)"
