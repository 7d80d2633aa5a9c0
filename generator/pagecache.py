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
import operator
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from generator import cachecodec, identity
from generator.output import StagedOutput, link_into, replace_file
from generator.render import Renderer
from generator.views import DeferredPage, JsonPage, Page, SiteView, SourcesPage, TimelinePage

STATE_FILE = "pages.json"

#: Pages whose view is the whole site's (every source and its uses, every event). Walking
#: such a view to hash it took nearly as long as rendering it (3.0 s against 3.8 s for the
#: sources index of 10,000 briefings), and a full build changes them nearly every time. They
#: are always rendered; their fingerprint is a hash of what was written, never reused. So is
#: `/data/briefings.json`, every briefing's JSON (58 MB at 10,000), a `JsonPage.whole_site`.
_ALWAYS_RENDERED = (SourcesPage, TimelinePage)


def render_context(site: SiteView, templates_digest: str) -> str:
    """What every page's rendering shares: the site view, the templates (`templates_digest`,
    as `Renderer.templates_digest`) and Brief's code."""
    digest = hashlib.sha256(f"{identity.code_identity()}\0".encode())
    digest.update(cachecodec.dumps(site))
    digest.update(templates_digest.encode())
    return digest.hexdigest()


def page_fingerprint(context: str, page: Page) -> str:
    """A hash of `context` and of everything the page's view holds.

    The view is written out as text, one part per value, and hashed once: appending to a
    list costs a third of what feeding a hash object value by value did. A JSON page's
    view is its text, made now and hashed part by part."""
    if isinstance(page, JsonPage):
        digest = hashlib.sha256(f"{context}\0JsonPage\0{page.template}\0{page.path}".encode())
        for part in page.make_parts():
            digest.update(f"\0{len(part)}:".encode())
            digest.update(part.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    parts = [context]
    _walk(page, parts, {})
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _text(value: str) -> str:
    # A part is ended by NUL: a string holding one is written with its length instead.
    return "s" + value if "\0" not in value else f"S{len(value)}:{value}"


def _walk(value: Any, parts: list[str], seen: dict[int, int]) -> None:
    """Write out a view. A view shares objects (one SourceView under many citations): each
    is written once and referred to after, so the cost stays linear in the view's size. (An
    encoder without that, such as msgspec's, is quadratic: a body citing one source 40,000
    times holds 40,000 times its 40,000 back-links.) The fields that hold nothing large
    that they could share are written by msgspec, in C (`_Layout`)."""
    kind = type(value)
    if kind is str:
        parts.append(_text(value))
    elif kind is tuple or kind is list:
        parts.append("(")
        for item in value:
            if type(item) is str:
                parts.append(_text(item))
            else:
                _walk(item, parts, seen)
        parts.append(")")
    elif value is None or kind is bool or kind is int or kind is float:
        parts.append("v" + repr(value))
    elif kind in _LAYOUTS or dataclasses.is_dataclass(kind):
        if id(value) in seen:
            parts.append(f"r{seen[id(value)]}")
            return
        seen[id(value)] = len(seen)
        layout = _LAYOUTS.get(kind) or _layout(kind)
        parts.append(layout.tag)
        if layout.flat is not None:
            flat = layout.flat(value)
            try:
                parts.append("J" + _JSON.encode(flat).decode())
            except (TypeError, UnicodeEncodeError):
                _walk(flat, parts, seen)  # what msgspec does not write (a lone surrogate, a str subclass)
        for item in layout.walked(value) if layout.walked is not None else ():
            if type(item) is str:
                parts.append(_text(item))
            else:
                _walk(item, parts, seen)
        parts.append("}")
    elif isinstance(value, Mapping):
        parts.append("{")
        for key, item in value.items():
            _walk(key, parts, seen)
            _walk(item, parts, seen)
        parts.append("}")
    else:
        parts.append(f"x{kind.__name__}")
        parts.append(_text(str(value)))


_JSON = msgspec.json.Encoder()
_SCALARS = (str, int, bool, type(None))
_Getter = Callable[[Any], tuple[Any, ...]]


@dataclass(frozen=True)
class _Layout:
    """How a dataclass is written out: its tag, then its flat fields' values as one JSON
    array (scalars, small dataclasses and tuples of them, by their type hints), then its
    other fields' values, walked. A flat value repeats a small dataclass once per reference
    to it, as the page shows it; anything larger is walked, and written once."""

    tag: str
    flat: _Getter | None
    walked: _Getter | None


#: Each dataclass's layout, once known.
_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    hints = _type_hints(cls) or {}
    flat: list[str] = []
    walked: list[str] = []
    for field_ in dataclasses.fields(cls):
        is_flat = field_.name in hints and _holds(hints[field_.name], variable_tuples=True)
        (flat if is_flat else walked).append(field_.name)
    layout = _LAYOUTS[cls] = _Layout("D" + cls.__name__, _getter(flat), _getter(walked))
    return layout


def _getter(names: list[str]) -> _Getter | None:
    """A getter of these fields' values, as a tuple; None for no fields."""
    if not names:
        return None
    if len(names) == 1:
        (name,) = names
        return lambda value: (getattr(value, name),)
    return operator.attrgetter(*names)


@functools.cache
def _is_small(cls: type) -> bool:
    """A dataclass of scalars and small dataclasses only: its size is that of its strings."""
    if not dataclasses.is_dataclass(cls):
        return False
    hints = _type_hints(cls)
    return hints is not None and all(_holds(hint, variable_tuples=False) for hint in hints.values())


@functools.cache
def _type_hints(cls: type) -> dict[str, Any] | None:
    """A dataclass's fields' type hints; None where they cannot be resolved."""
    try:
        return typing.get_type_hints(cls)
    except (NameError, TypeError):
        return None


def _holds(hint: Any, variable_tuples: bool) -> bool:
    """Whether values of type `hint` are scalars (not floats: msgspec writes NaN as null),
    small dataclasses and tuples of them (of any length only with `variable_tuples`)."""
    if hint in _SCALARS:
        return True
    origin, arguments = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return all(_holds(argument, variable_tuples) for argument in arguments)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return variable_tuples and _holds(arguments[0], variable_tuples)
        return all(_holds(argument, variable_tuples) for argument in arguments)
    return isinstance(hint, type) and _is_small(hint)


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

    def write(self, staged: StagedOutput, renderer: Renderer, page: Page | DeferredPage) -> str:
        """Write one page into the staging folder, reusing last build's file where unchanged."""
        if isinstance(page, DeferredPage):
            page = page.plan()
        if isinstance(page, _ALWAYS_RENDERED) or (isinstance(page, JsonPage) and page.whole_site):
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
