"""Rendering only the pages whose inputs changed.

A page is rendered from its view, the site view and the templates, and nothing else. Its
fingerprint is a hash of those; when it matches the fingerprint the page had in the last
build into the same output folder, the page's file is hard-linked from that output
instead of being rendered and written again (copied where the file system has no links).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import cachecodec, identity
from generator.output import StagedOutput, link_into, replace_file
from generator.render import Renderer
from generator.views import Page, SiteView, SourcesPage, TimelinePage

STATE_FILE = "pages.json"

#: Pages whose view is the whole site's (every source and its uses, every event). Walking
#: such a view to hash it took nearly as long as rendering it (3.0 s against 3.8 s for the
#: sources index of 10,000 briefings), and a full build changes them nearly every time. They
#: are always rendered; their fingerprint is a hash of what was written, never reused.
_ALWAYS_RENDERED = (SourcesPage, TimelinePage)


def render_context(site: SiteView, templates_digest: str) -> str:
    """What every page's rendering shares: the site view, the templates (`templates_digest`,
    as `Renderer.templates_digest`) and Brief's code."""
    digest = hashlib.sha256(f"{identity.code_identity()}\0".encode())
    digest.update(cachecodec.dumps(site))
    digest.update(templates_digest.encode())
    return digest.hexdigest()


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


def page_fingerprint(context: str, page: Page) -> str:
    digest = hashlib.sha256(context.encode())
    _feed(digest, page, {})
    return digest.hexdigest()


def _feed(digest: Any, value: Any, seen: dict[int, int]) -> None:
    """Hash a view. A view shares objects (one SourceView under many citations): each is
    hashed once and referred to after, so the cost stays linear in the view's size. (An
    encoder without that, such as msgspec's, is quadratic: a body citing one source 40,000
    times holds 40,000 times its 40,000 back-links.)"""
    kind = type(value)
    if kind is str:
        digest.update(b"s" + value.encode("utf-8", "surrogatepass") + b"\0")
    elif value is None or kind in (bool, int, float):
        digest.update(b"v" + repr(value).encode() + b"\0")
    elif kind is tuple or kind is list:
        digest.update(b"(")
        for item in value:
            _feed(digest, item, seen)
        digest.update(b")")
    elif dataclasses.is_dataclass(kind):
        if id(value) in seen:
            digest.update(b"r" + str(seen[id(value)]).encode() + b"\0")
            return
        seen[id(value)] = len(seen)
        digest.update(b"D" + kind.__name__.encode() + b"\0")
        for name in _field_names(kind):
            _feed(digest, getattr(value, name), seen)
        digest.update(b"}")
    elif isinstance(value, Mapping):
        digest.update(b"{")
        for key, item in value.items():
            _feed(digest, key, seen)
            _feed(digest, item, seen)
        digest.update(b"}")
    else:
        digest.update(
            b"x" + kind.__name__.encode() + b":" + str(value).encode("utf-8", "surrogatepass") + b"\0"
        )


@dataclass(frozen=True)
class PageReuse:
    """The fingerprints of the last build's pages, and where that build's output is."""

    context: str
    previous_output: Path | None
    previous: dict[str, str] = field(default_factory=dict)
    #: Pages the staging folder already holds as the last output's files
    #: (`StagedOutput.keep_from`): an unchanged one is left as it is.
    in_place: frozenset[str] = frozenset()
    #: Fingerprints known without hashing the view, by the page's `id` (`planmemo`).
    known: Mapping[int, str] = field(default_factory=dict)

    def write(self, staged: StagedOutput, renderer: Renderer, page: Page) -> str:
        """Write one page into the staging folder, reusing last build's file where unchanged."""
        if isinstance(page, _ALWAYS_RENDERED):
            written = hashlib.sha256()
            staged.write_parts(page.path, renderer.render_parts(page), written)
            return "written-" + written.hexdigest()
        fingerprint = self.known.get(id(page)) or page_fingerprint(self.context, page)
        if self.previous_output is not None and self.previous.get(page.path) == fingerprint:
            if page.path in self.in_place:
                return fingerprint
            try:
                link_into(self.previous_output / page.path, staged.path_for(page.path))
                return fingerprint
            except OSError:
                pass  # gone since: render it
        staged.write_parts(page.path, renderer.render_parts(page))
        return fingerprint


def load_fingerprints(cache_dir: Path, output: Path) -> dict[str, str] | None:
    """The fingerprint of each page of the last build into `output`, if that is known."""
    try:
        state = json.loads((cache_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("output") != str(output) or not output.is_dir():
        return None
    pages = state.get("pages")
    return pages if isinstance(pages, dict) else {}


def save_fingerprints(cache_dir: Path, output: Path, fingerprints: dict[str, str]) -> None:
    replace_file(cache_dir / STATE_FILE, json.dumps({"output": str(output), "pages": fingerprints}).encode())
