"""A markdown-it-py plugin for Pandoc-style citations.

    [@toi]                       one citation
    [@toi; @afp]                 several
    [see @toi, p. 2; also @afp]  prefixes and locators, shown as written
    \\[@toi]                      the escape: literal text

A citation becomes a `citation` token whose `meta["citation"]` is a `Citation`. The render
rule writes a placeholder that the site stage replaces with badges, because a badge needs
facts (ratings, retractions) that only the whole site knows. Citations inside code spans
and code blocks are never parsed, since those rules consume their text first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from generator.diagnostics import Position
from generator.pickling import compact

#: A citation key as Pandoc reads it, permissive so that `@Bad_Key` is reported, not ignored:
#: letters and digits of any script (`@tói` is one key, not `@t` and the text `ói`).
_KEY = re.compile(r"(?<![\w@.])-?@(\w[\w:.#$%&+?<>~/-]*)")
#: Punctuation that ends a sentence rather than a key (`[@toi.]`), as in Pandoc; but not
#: `-`, since an id may end in one (`x-` is a slug).
_TRAILING_PUNCTUATION = ":.#$%&+?<>~/"

#: Placeholders use NUL, which markdown-it replaces in its input (CommonMark 2.3), so
#: content can never forge one.
PLACEHOLDER = "\x00cite:{number}\x00"
PLACEHOLDER_PATTERN = re.compile("\x00cite:([0-9]+)\x00")


@compact
@dataclass(frozen=True, slots=True)
class CitationItem:
    """One cited id with its prefix and locator, as written: `see @toi, p. 2`."""

    id: str
    prefix: str = ""
    suffix: str = ""


@compact
@dataclass(frozen=True, slots=True)
class Citation:
    """One bracketed citation of the body, numbered in reading order from 1."""

    number: int
    items: tuple[CitationItem, ...]
    raw: str
    #: Line and column in the file (1-based), filled in by the `citation_positions` rule.
    position: Position = field(default_factory=Position)
    #: Where each item's `@` is: lines after `position`'s, and the 1-based column on its line.
    item_places: tuple[tuple[int, int], ...] = ()

    @property
    def anchor(self) -> str:
        return f"cite-{self.number}"

    def item_position(self, index: int) -> Position:
        """Where the `index`-th item's `@id` is written, so that a message about one id of
        `[@a; @b]` points at that id, not at the bracket."""
        if index >= len(self.item_places):
            return self.position
        line_delta, col = self.item_places[index]
        return Position(self.position.line + line_delta, col)


@dataclass
class CitationEnv:
    """What the plugin collects while parsing one body, kept in markdown-it's `env`."""

    citations: list[Citation] = field(default_factory=list)
    #: The file line the body starts after, so that positions are the file's.
    line_offset: int = 0


def citation_env(env: EnvType) -> CitationEnv:
    """The typed accessor for the plugin's state in `env`."""
    state = env.get("brief_citations")
    if not isinstance(state, CitationEnv):
        state = CitationEnv()
        env["brief_citations"] = state
    return state


def citation_plugin(md: MarkdownIt) -> None:
    """Use after the footnote plugin, if at all: citations are numbered once the footnotes
    (an inline one's tokens live outside the token stream until then) are in place."""
    md.inline.ruler.before("link", "citation", citation)
    after = "footnote_tail" if "footnote_tail" in md.core.ruler.get_all_rules() else "inline"
    md.core.ruler.after(after, "citation_positions", citation_positions)
    md.add_render_rule("citation", render_citation)


def parse_citation_items(content: str) -> tuple[CitationItem, ...] | None:
    """Split the text between the brackets into items, or None if it is not a citation."""
    items = []
    for part in content.split(";"):
        match = _KEY.search(part)
        if match is None:
            return None
        key = match[1].rstrip(_TRAILING_PUNCTUATION)
        prefix = part[: match.start()].strip()
        suffix = part[match.start(1) + len(key) :].strip()
        if suffix.startswith(","):
            suffix = suffix[1:].strip()
        items.append(CitationItem(id=key, prefix=prefix, suffix=suffix))
    return tuple(items) if items else None


#: What can start an inline token that spans a `]`: a nested label, a code span, an
#: autolink or HTML tag, an escape.
_SPANNING = re.compile(r"[\[`<\\]")


def _label_end(state: StateInline, start: int) -> int:
    """Where the bracketed label that opens at `start` closes, or -1, as `parseLinkLabel`
    finds it. That walks the label token by token (about a fifth of parsing a body); but a
    label holding no `[`, backtick, `<` or backslash has no token that could span a `]`,
    so its first `]` closes it, which is what a citation nearly always is."""
    close = state.src.find("]", start + 1, state.posMax)
    if close >= 0 and _SPANNING.search(state.src, start + 1, close) is None:
        return close
    end: int = state.md.helpers.parseLinkLabel(state, start, False)
    return end


def citation(state: StateInline, silent: bool) -> bool:
    """Parse rule: `[` ... `@id` ... `]`, not followed by `(` (that is a link)."""
    start = state.pos
    if state.src[start] != "[" or "@" not in state.src[start : start + 200]:
        return False
    end = _label_end(state, start)
    if end < 0:
        return False
    if end + 1 < state.posMax and state.src[end + 1] == "(":
        return False
    content = state.src[start + 1 : end]
    items = parse_citation_items(content)
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items, "raw": state.src[start : end + 1]}
    state.pos = end + 1
    return True


def citation_positions(state: StateCore) -> None:
    """Number the citations in reading order (the body's, then the footnotes') and find the
    line and column of each."""
    lines = state.src.split("\n")
    collected = citation_env(state.env)
    search_from: dict[int, int] = {}
    #: Inline footnotes (`^[...]`) come after the body but sit within it: searched apart.
    footnote_search_from: dict[int, int] = {}
    for block in state.tokens:
        # A block's tokens are parsed from its text: without an `@`, it has no citation.
        if block.type != "inline" or not block.children or "@" not in block.content:
            continue
        # An inline footnote's text has no line of its own: look for it anywhere.
        line_index, window, searched = (
            (block.map[0], 3, search_from) if block.map else (0, len(lines), footnote_search_from)
        )
        for token in block.children:
            if token.type in ("softbreak", "hardbreak"):
                line_index += 1
            elif token.type == "citation":
                raw: str = token.meta["raw"]
                col, line_index = _find_in_lines(lines, line_index, raw, searched, window)
                number = len(collected.citations) + 1
                found = Citation(
                    number=number,
                    items=token.meta["items"],
                    raw=raw,
                    position=Position(line_index + 1 + collected.line_offset, col),
                    item_places=_item_places(raw, col, lines, line_index),
                )
                collected.citations.append(found)
                token.meta["citation"] = found
                line_index += raw.count("\n")


def _find_in_lines(
    lines: list[str], line_index: int, raw: str, search_from: dict[int, int], window: int = 3
) -> tuple[int, int]:
    """The 1-based column of `raw` on `line_index` or the `window` - 1 lines after it, left
    to right per line."""
    first_line = raw.split("\n", 1)[0]
    for index in range(line_index, min(line_index + window, len(lines))):
        at = lines[index].find(first_line, search_from.get(index, 0))
        if at >= 0:
            search_from[index] = at + len(first_line)
            return at + 1, index
    return 1, min(line_index, max(len(lines) - 1, 0))


def _item_places(raw: str, col: int, lines: list[str], line_index: int) -> tuple[tuple[int, int], ...]:
    """Each item's `@`, as `Citation.item_places`, for a citation written at `col` of line
    `line_index` (0-based) of `lines`. A citation broken over lines has its later lines
    found in the source again, since a list or a quote indents them there."""
    places = []
    offset = 1  # after the `[`
    for part in raw[1:-1].split(";"):
        match = _KEY.search(part)
        at = offset + (match.start(1) - 1 if match else 0)
        offset += len(part) + 1
        line_delta = raw.count("\n", 0, at)
        if line_delta == 0:
            places.append((0, col + at))
            continue
        line_start = raw.rfind("\n", 0, at) + 1
        line_end = raw.find("\n", at)
        written = raw[line_start : line_end if line_end >= 0 else len(raw)]
        source_index = line_index + line_delta
        source_line = lines[source_index] if source_index < len(lines) else ""
        indent = max(source_line.find(written), 0)
        places.append((line_delta, indent + at - line_start + 1))
    return tuple(places)


def render_citation(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    found: Citation = tokens[idx].meta["citation"]
    return PLACEHOLDER.format(number=found.number)
