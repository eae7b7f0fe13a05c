#!/usr/bin/env python3
"""Installs the textmill package built by CMake (build/python/textmill/).

    /usr/bin/python3 python/install.py                 # into this Python's site-packages
    venv/bin/python python/install.py                  # into a virtualenv (made from /usr/bin/python3)
    /usr/bin/python3 python/install.py --wheel dist/   # a wheel, for `pip install dist/textmill-*.whl`

Build first: cmake --build build --target textmill_python. Only copies files:
no network, no build backend (pip's isolated builds would download one). The
extension is built for /usr/bin/python3 (CPython 3.11), so the target
interpreter must be that one or a virtualenv made from it. The package carries
configs/ and models/ (data/, about 40 MB with langid's spelling tables; not
the word lists they are made from) so it works from any directory.
"""
import argparse
import base64
import hashlib
import os
import shutil
import sys
import sysconfig
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def package_files(package):
    """(path on disk, path in the package) of every file, links followed."""
    for root, dirs, files in os.walk(package, followlinks=True):
        dirs[:] = [d for d in dirs if d != "common-words"]  # the spelling tables' source, not needed to run
        for name in sorted(files):
            if name.endswith(".pyc") or name == "lid.176.ftz.tmp" or name.startswith(".") or ".tmp" in name:
                continue
            path = os.path.join(root, name)
            yield path, os.path.relpath(path, os.path.dirname(package))


def check_built(package):
    ext = sysconfig.get_config_var("EXT_SUFFIX")
    if not os.path.exists(os.path.join(package, "_textmill" + ext)):
        sys.exit(f"{package}: no _textmill{ext}; build it (cmake --build build --target textmill_python) "
                 f"and run this with the Python it was built for")


def install(package, target):
    dest = os.path.join(target, "textmill")
    shutil.rmtree(dest, ignore_errors=True)
    for src, rel in package_files(package):
        os.makedirs(os.path.dirname(os.path.join(target, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(target, rel))
    print(f"installed {dest}")


def wheel(package, out_dir):
    """A wheel is a zip with .dist-info/{METADATA,WHEEL,RECORD} (PEP 427)."""
    sys.path.insert(0, os.path.dirname(package))
    import textmill  # the built one: its version names the wheel

    version = textmill.__version__
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    name = f"textmill-{version}-{tag}-{tag}-{platform}.whl"
    info = f"textmill-{version}.dist-info"
    meta = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: textmill\nVersion: {version}\n"
                            "Summary: Scraped web pages to clean text corpora (native core)\n"
                            f"Requires-Python: =={sys.version_info.major}.{sys.version_info.minor}.*\n",
        f"{info}/WHEEL": f"Wheel-Version: 1.0\nGenerator: textmill-install\nRoot-Is-Purelib: false\nTag: {tag}-{tag}-{platform}\n",
    }
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for src, rel in package_files(package):
            data = open(src, "rb").read()
            zf.writestr(rel, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{rel},sha256={digest},{len(data)}")
        for rel, text in meta.items():
            zf.writestr(rel, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
            record.append(f"{rel},sha256={digest},{len(text.encode())}")
        record.append(f"{info}/RECORD,,")
        zf.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    print(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(HERE, "..", "build"))
    parser.add_argument("--target", help="install into this directory (default: site-packages of this Python)")
    parser.add_argument("--wheel", metavar="DIR", help="write a wheel into DIR instead of installing")
    args = parser.parse_args()
    package = os.path.abspath(os.path.join(args.build_dir, "python", "textmill"))
    check_built(package)
    if args.wheel:
        wheel(package, args.wheel)
    else:
        install(package, args.target or sysconfig.get_path("platlib"))


if __name__ == "__main__":
    main()
