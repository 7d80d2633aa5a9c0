"""Which files under `briefings/` are briefings (the build and the input digest agree)."""

from __future__ import annotations

from pathlib import Path


def is_skipped_name(name: str) -> bool:
    """Files and folders under `briefings/` named `_…` or `.…` hold no briefings."""
    return name.startswith(("_", "."))


def is_briefing_file(relative: str) -> bool:
    """Whether a path under `briefings/` (with `/` separators) names a briefing file."""
    return relative.endswith(".md") and not any(is_skipped_name(part) for part in relative.split("/"))


def is_undecodable_name(name: str) -> bool:
    """A file or folder name that is not UTF-8: Python holds its stray bytes as surrogates,
    which no page, cache or message can encode."""
    if name.isascii():
        return False
    try:
        name.encode()
    except UnicodeEncodeError:
        return True
    return False


def shown_undecodable(path: Path) -> Path:
    """`path` with each byte that is not UTF-8 shown as U+FFFD, so that it can be printed."""
    return Path(str(path).encode(errors="surrogateescape").decode(errors="replace"))
