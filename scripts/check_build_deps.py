"""Fail early, with the packages to install, when PyICU cannot be built here.

PyICU ships no wheels on PyPI for most platforms: pip builds it from source, which needs
the ICU headers (found through pkg-config) and a C++ compiler. Without them pip fails
minutes into the install with a long compiler log; this check says what to install first.
Skipped when an installed PyICU is already importable or a built wheel is in pip's cache.
"""
from __future__ import annotations

import shutil
import subprocess
import sys

INSTALL_HINT = """\
PyICU (a dependency) builds from source and needs, before `make run` / `make test`:
  Debian/Ubuntu:  apt-get install pkg-config libicu-dev g++
  Fedora/RHEL:    dnf install pkgconf-pkg-config libicu-devel gcc-c++
  macOS:          brew install pkg-config icu4c   (then export PKG_CONFIG_PATH=$(brew --prefix icu4c)/lib/pkgconfig)
  conda:          conda install -c conda-forge pyicu   (then `make` reuses it)
"""


def missing_build_tools() -> list[str]:
    missing = []
    if shutil.which("pkg-config") is None:
        missing.append("pkg-config (not found on PATH)")
    elif subprocess.run(["pkg-config", "--exists", "icu-i18n"]).returncode != 0:
        missing.append("the ICU development files (pkg-config finds no 'icu-i18n')")
    if not any(shutil.which(name) for name in ("c++", "g++", "clang++")):
        missing.append("a C++ compiler (no c++, g++ or clang++ on PATH)")
    return missing


def main() -> int:
    try:
        import icu  # noqa: F401  (an existing PyICU, e.g. from conda, needs no build)
        return 0
    except ImportError:
        pass
    missing = missing_build_tools()
    if not missing:
        return 0
    print("error: cannot build PyICU here; missing: " + "; ".join(missing), file=sys.stderr)
    print(INSTALL_HINT, file=sys.stderr, end="")
    return 1


if __name__ == "__main__":
    sys.exit(main())
