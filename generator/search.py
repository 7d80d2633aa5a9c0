"""The search index: Pagefind, run on the staged site before it is swapped in.

Pagefind (a maintained static-search tool, shipped on PyPI with its binary) indexes the
briefing pages (those marked `data-pagefind-body`) with their tag, confidence and
reliability filters. Its output is the one part of a build that is not byte-stable.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEARCH_BUNDLE = "pagefind"


def build_search_index(site_dir: Path) -> str | None:
    """Index the site in `site_dir`. Returns None, or a message saying why search is missing."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        SEARCH_BUNDLE,
        "--silent",
    ]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the search index was not built: {error}"
    if finished.returncode != 0:
        detail = (finished.stderr or finished.stdout).strip().splitlines()
        return "the search index was not built: " + (detail[-1] if detail else f"exit {finished.returncode}")
    return None
