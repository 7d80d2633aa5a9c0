"""Which files under `briefings/` are briefings (the build and the input digest agree)."""

from __future__ import annotations


def is_skipped_name(name: str) -> bool:
    """Files and folders under `briefings/` named `_…` or `.…` hold no briefings."""
    return name.startswith(("_", "."))


def is_briefing_file(relative: str) -> bool:
    """Whether a path under `briefings/` (with `/` separators) names a briefing file."""
    return relative.endswith(".md") and not any(is_skipped_name(part) for part in relative.split("/"))
