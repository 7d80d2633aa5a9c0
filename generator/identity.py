"""Which Brief made a cache entry: its version, and a digest of its code.

Every cache (loaded models, page fingerprints, search shards, the up-to-date check) is
keyed by this as well as by its inputs, so that nothing made by other code is used again,
even under the same version number: a development install, or a build from Git, changes
its code without changing its version.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from generator import __version__


@functools.cache
def code_identity() -> str:
    """`brief <version> <digest of every module of the package>`: about 2 ms, once a process."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes() + b"\0")
    return f"brief {__version__} {digest.hexdigest()[:32]}"
