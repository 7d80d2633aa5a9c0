"""Where the Pagefind binary is, found without importing Pagefind's Python package.

Kept apart from `search` so that the up-to-date check (`uptodate`), which runs before the
build's modules are imported, can ask too: a site built while Pagefind was missing is not
up to date once it is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
from pathlib import Path


def pagefind_executable() -> str | None:
    """The Pagefind binary that `pip install 'pagefind[bin]'` installs, if it is there.

    Found as `pagefind.service.get_executable` finds it (`PAGEFIND_BINARY_PATH`, then the
    extended binary's package, the plain one's, the PATH), without importing that module:
    it imports asyncio, a twentieth of a second of every build."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return configured if os.path.isfile(configured) else None
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        found = _binary_of(package)
        if found is not None:
            return found
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


#: The names the binary packages give the binary, beside their `__init__.py`.
_BINARY_NAMES = ("pagefind_extended", "pagefind", "pagefind_extended.exe", "pagefind.exe")


def _binary_of(package: str) -> str | None:
    """The binary a Pagefind binary package holds. The package is looked for, not imported
    (importing it imports `logging`, 16 ms of every up-to-date check), unless its binary is
    not where these packages put it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for folder in spec.submodule_search_locations or ():
        for name in _BINARY_NAMES:
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
    try:
        found = importlib.import_module(package).get_executable()
    except (ImportError, AttributeError, OSError):
        return None
    return str(found) if found is not None and Path(found).is_file() else None
