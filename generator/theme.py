"""Where the default theme is."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def theme_dir() -> Path:
    """The default theme: packaged inside `generator/` when installed, else the checkout's templates/."""
    packaged = Path(__file__).resolve().parent / "theme"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"
