"""Output paths and the relative URLs between them.

Every internal link is relative, so a site works under any sub-path. With `portable`,
links name their file (`…/index.html`) so the site also works from `file://`.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin


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
    if _not_plain(target_parts) or _not_plain(start_parts):
        return posixpath.relpath(target or ".", start or ".")
    common = 0
    for mine, theirs in zip(target_parts, start_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(start_parts) - common) + target_parts[common:]
    return "/".join(parts) or "."


def _not_plain(parts: list[str]) -> bool:
    """Whether a path's parts hold `.`, `..` or an empty part (as `/a`, `a//b` and `a/` do)."""
    return "" in parts or "." in parts or ".." in parts


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


#: A host name as DNS writes it (with `_`, which internal names use), or an IPv4 address.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?")
_IPV6_HOST = re.compile(r"\[[0-9A-Fa-f:.]+\]")
#: What a URL path may hold as written (RFC 3986 `pchar`s and `/`): anything else, a space
#: or a letter outside ASCII, has to be percent-encoded first.
_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*")
_BASE_URL_EXAMPLE = "https://example.org/briefings/"


def base_url_problem(url: str) -> tuple[str, str] | None:
    """Why `url` cannot be a site's `base_url`, said of it ("is not …", "must not …"),
    with a hint; None when it can be.

    Every absolute URL of the site (sitemap, feed, canonical links) is `url` with a page's
    path appended, so it must be an absolute http(s) URL with a host and nothing after its
    path: no query (`?`) and no fragment (`#`). Characters a URL path cannot hold as
    written (a space, a letter outside ASCII, a `%` that starts no escape) are refused, not
    encoded, with the encoded URL as the hint: the site's URLs then read exactly as
    `base_url` is written, wherever they appear.
    """
    if not url.startswith(("http://", "https://")):
        return "is not an absolute http(s) URL", f"for example {_BASE_URL_EXAMPLE}"
    scheme, rest = url.split("://", 1)
    cut = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    what = {"?": "a query (?…)", "#": "a fragment (#…)"}.get(rest[cut : cut + 1])
    authority, slash, path = rest[:cut].partition("/")
    if "@" in authority:
        return (
            "must not contain a user name or password",
            f"give the public address: {scheme}://{authority.rsplit('@', 1)[1]}{slash}{path.strip()}",
        )
    host, port = authority, ""
    if re.fullmatch(r".*:[0-9]*", authority) and not authority.endswith("]"):
        host, _, port = authority.rpartition(":")
    if not (_HOST.fullmatch(host) or _IPV6_HOST.fullmatch(host)):
        hint = f"for example {_BASE_URL_EXAMPLE}"
        if host and not host.isascii():
            with contextlib.suppress(UnicodeError):
                hint = f"write the host name in ASCII: {scheme}://{host.encode('idna').decode('ascii')}/"
        return f"has no valid host name ('{host}')", hint
    if port and not 0 < int(port) < 65536:
        return f"has an invalid port ('{port}')", "a port is a number from 1 to 65535"
    suggested = f"{scheme}://{authority}{_encoded((slash + path).strip() or '/')}"
    if what is not None:
        return (
            f"must not have {what}: the path of each page is appended to it",
            f"give the address the site's pages are under, such as {suggested}",
        )
    if not _PATH.fullmatch(slash + path):
        spaces = any(ch.isspace() for ch in path)
        return (
            "must not contain spaces" if spaces else "has a path that must be percent-encoded",
            f"write it as {suggested}",
        )
    return None


def _encoded(path: str) -> str:
    """`path` with what a URL path cannot hold percent-encoded (and `%` kept where it
    already starts an escape)."""
    return re.sub(
        r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9._~!$&'()*+,;=:@/%-]",
        lambda m: quote(m.group(), safe=""),
        path,
    )


def base_url_option_message(url: str, problem: tuple[str, str]) -> str:
    """What `--base-url URL` is told, for `base_url_problem`'s answer."""
    reason, hint = problem
    return f"'{url}' {reason}\n  hint: {hint}"
