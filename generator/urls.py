"""Output paths and the relative URLs between them.

Every internal link is relative, so a site works under any sub-path. With `portable`,
links name their file (`…/index.html`) so the site also works from `file://`.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urljoin


def briefing_path(slug: str) -> str:
    return f"briefings/{slug}/index.html"


def tag_path(tag_slug: str) -> str:
    return f"tags/{tag_slug}/index.html"


HOME_PATH = "index.html"
TIMELINE_PATH = "timeline/index.html"


@dataclass(frozen=True, slots=True)
class UrlMaker:
    """Makes URLs relative to one page."""

    page_path: str
    portable: bool = False

    def __call__(self, target: str, fragment: str = "") -> str:
        """The URL of output file `target` (a POSIX path from the site root) from this page."""
        if target == self.page_path and fragment:
            return f"#{fragment}"
        url = _relative_url(target, self.page_path, self.portable)
        return f"{url}#{fragment}" if fragment else url


@functools.lru_cache(maxsize=4096)
def _relative_url(target: str, page_path: str, portable: bool) -> str:
    """The URL of `target` from the page at `page_path`, without a fragment. Cached: the
    sources index links the key judgments of each briefing in turn, a page links its own
    sources and tags many times."""
    here = posixpath.dirname(page_path)
    target_dir, name = posixpath.split(target)
    if name == "index.html" and not portable:
        relative = relative_path(target_dir, here)
        return "./" if relative == "." else relative + "/"
    return relative_path(target, here)


@functools.lru_cache(maxsize=4096)
def relative_path(target: str, start: str) -> str:
    """`posixpath.relpath(target, start)` for paths from the site root ("" is the root).

    A page makes dozens of links; `relpath` makes both paths absolute first (a `getcwd`
    call each), which was a tenth of rendering. Paths with `.`, `..` or empty parts take
    `relpath` itself.
    """
    target_parts = target.split("/") if target else []
    start_parts = start.split("/") if start else []
    if any(part in ("", ".", "..") for part in (*target_parts, *start_parts)) or target.startswith("/"):
        return posixpath.relpath(target or ".", start or ".")
    common = 0
    for mine, theirs in zip(target_parts, start_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(start_parts) - common) + target_parts[common:]
    return "/".join(parts) or "."


@dataclass(frozen=True, slots=True)
class RootUrlMaker:
    """Root-relative URLs from the path of `base_url`, for pages served at any depth (404)."""

    root_path: str

    def __call__(self, target: str, fragment: str = "") -> str:
        root = self.root_path if self.root_path.endswith("/") else self.root_path + "/"
        if target.endswith("index.html"):
            target = target[: -len("index.html")]
        return root + target + (f"#{fragment}" if fragment else "")


_PLAIN_PATH = re.compile(r"(?:(?!\.\.?/)[A-Za-z0-9._~-]+/)*(?:(?!\.\.?$)[A-Za-z0-9._~-]+)?")


def absolute_url(base_url: str, path: str) -> str:
    """The absolute URL of an output path, with `index.html` left off."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    base = base_url if base_url.endswith("/") else base_url + "/"
    if _PLAIN_PATH.fullmatch(path):
        return base + path  # what urljoin gives, without parsing both URLs for every link
    return urljoin(base, path)
