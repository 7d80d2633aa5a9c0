"""Link and image policy: an allowlist of URL schemes, and cross-references to check later.

markdown-it-py's own `validateLink` is a blocklist; we accept every destination at parse
time and decide here, in one place, with an allowlist:

* `http`, `https` and `mailto` links stay links; any other scheme becomes plain text;
* `#fragment` links are kept and checked against the page's ids;
* relative links to another briefing's `.md` file, and to files in `static/`, become
  placeholders that the site stage resolves to a relative URL (so the site works under
  any sub-path, and with `--portable`);
* images must come from `static/`; remote images are refused (privacy and the CSP).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType

from generator.diagnostics import Position
from generator.pickling import compact

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")

LINK_PLACEHOLDER = "\x00link:{number}\x00"
LINK_PLACEHOLDER_PATTERN = re.compile("\x00link:([0-9]+)\x00")


@compact
@dataclass(frozen=True, slots=True)
class LinkReference:
    """A relative link or image in a body, resolved once every file is known.

    `path` is the destination without its fragment, percent-decoded, as written.
    """

    number: int
    path: str
    fragment: str
    is_image: bool
    position: Position


@compact
@dataclass(frozen=True, slots=True)
class LinkProblem:
    """A link the policy refused, reported as a diagnostic."""

    message: str
    hint: str | None
    position: Position
    is_error: bool


@dataclass
class LinkEnv:
    references: list[LinkReference] = field(default_factory=list)
    fragments: list[tuple[str, Position]] = field(default_factory=list)
    problems: list[LinkProblem] = field(default_factory=list)
    #: The file line the body starts after, so that positions are the file's.
    line_offset: int = 0

    def in_file(self, position: Position) -> Position:
        """A position in the body as a position in the file."""
        return Position(position.line + self.line_offset, position.col) if self.line_offset else position


def link_env(env: EnvType) -> LinkEnv:
    state = env.get("brief_links")
    if not isinstance(state, LinkEnv):
        state = LinkEnv()
        env["brief_links"] = state
    return state


def url_scheme(url: str) -> str | None:
    """The lower-cased scheme of a URL, or None for a relative one."""
    match = _SCHEME.match(url.lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f "))
    return match[1].lower() if match else None


def link_policy(state: StateCore) -> None:
    """Core rule: apply the URL allowlist and record references, after inline parsing."""
    lines = state.src.split("\n")
    # Read only where a destination is not found near its link (rare): most bodies have none.
    definitions = functools.cache(lambda: _reference_definitions(lines))
    collected = link_env(state.env)
    for block in state.tokens:
        if block.type == "html_block":
            _raw_html_problems(block.content, lines, block.map[0] if block.map else 0, collected)
        # A block's tokens are parsed from its text: a link, an image, a citation starts
        # with `[`, an autolink and raw HTML with `<`. Without either, it has nothing here.
        if (
            block.type != "inline"
            or not block.children
            or ("[" not in block.content and "<" not in block.content)
        ):
            continue
        line_index = block.map[0] if block.map else 0
        children: list[Token] = []
        unlinked_depth = 0
        # Past the last destination found: two links to one URL on a line are two places.
        searched_to = Position(line_index + 1, 1)
        previous: Token | None = None
        for token in block.children:
            if token.type in ("softbreak", "hardbreak"):
                line_index += 1
            if _closes_a_broken_link(previous, token):
                assert previous is not None
                collected.problems.append(
                    LinkProblem(
                        "a citation inside a link's text breaks the link: it is shown as text",
                        "put the citation after the link: [text](address) [@id]",
                        previous.meta["citation"].position,
                        is_error=False,
                    )
                )
            previous = token
            if token.type == "html_inline":
                _raw_html_problems(token.content, lines, line_index, collected)
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                position, searched_to = _position(lines, line_index, href, searched_to, definitions)
                if not _accept_link(token, href, collected.in_file(position), collected):
                    unlinked_depth += 1
                    continue
            elif token.type == "link_close" and unlinked_depth:
                unlinked_depth -= 1
                continue
            elif token.type == "image":
                src = str(token.attrGet("src") or "")
                body_position, searched_to = _position(lines, line_index, src, searched_to, definitions)
                position = collected.in_file(body_position)
                if any(child.type == "citation" for child in token.children or ()):
                    collected.problems.append(
                        LinkProblem(
                            "a citation in an image's description is left out of it",
                            "put the citation after the image: ![description](image.png) [@id]",
                            position,
                            is_error=False,
                        )
                    )
                if not _accept_image(token, src, position, collected):
                    children.append(_alt_text(token))
                    continue
            children.append(token)
        block.children = children


#: A raw HTML `<a>` or `<img>` start tag, as `html: sanitise` lets one through, and the
#: `href` in one (quoted either way, or unquoted).
_RAW_LINK_OR_IMAGE = re.compile(r"<(a|img)\b[^<>]*>", re.IGNORECASE)
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def _raw_html_problems(html: str, lines: list[str], line_index: int, collected: LinkEnv) -> None:
    """Raw `<img>` and `<a href>` (kept by `html: sanitise`) get none of the checks of
    Markdown's: an image is removed, and a link that is not a web address is not checked
    or made relative. Say so, at the tag."""
    if "<" not in html:
        return
    searched_to = Position(line_index + 1, 1)
    for match in _RAW_LINK_OR_IMAGE.finditer(html):
        body_position, searched_to = _position(
            lines, line_index + html.count("\n", 0, match.start()), match[0], searched_to, dict
        )
        position = collected.in_file(body_position)
        if match[1].lower() == "img":
            collected.problems.append(
                LinkProblem(
                    "a raw HTML image is removed",
                    "write it in Markdown, from static/: ![description](/images/map.png)",
                    position,
                    is_error=False,
                )
            )
            continue
        found = _HREF.search(match[0])
        href = next((group for group in found.groups() if group is not None), None) if found else None
        if href is None or url_scheme(href) in SAFE_SCHEMES:
            continue
        if url_scheme(href) is not None:
            message = f"the raw HTML link '{href}' is removed"
            hint = "only http, https and mailto links become links"
        else:
            message = f"the raw HTML link '{href}' is kept as written, unchecked"
            hint = f"write it as a Markdown link, [text]({href}), which is checked and works under any path"
        collected.problems.append(LinkProblem(message, hint, position, is_error=False))


def _closes_a_broken_link(previous: Token | None, token: Token) -> bool:
    """`[text [@id]](address)`: a citation is a token that starts with `[`, which ends the
    link's text for the parser (links cannot nest), so the link is left as text: the
    citation, then `](address)`. With a reference (`[text [@id]][ref]`), the whole first
    bracket is read as the citation, and `[ref]` as a link of its own."""
    if previous is None or previous.type != "citation" or "citation" not in previous.meta:
        return False
    if token.type == "text":
        return token.content.startswith(("](", "]["))
    return token.type == "link_open" and str(previous.meta.get("raw", "")).count("[") > 1


def _has_hidden_characters(url: str) -> bool:
    """Control, bidirectional or zero-width characters, even percent-encoded, as in `java%09script:`."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in unquote(url))


def _accept_link(token: Token, href: str, position: Position, collected: LinkEnv) -> bool:
    if _has_hidden_characters(href):
        collected.problems.append(
            LinkProblem(
                "the link's address contains control or invisible characters; it is shown as plain text",
                "retype the address",
                position,
                is_error=False,
            )
        )
        return False
    scheme = url_scheme(href)
    if scheme in SAFE_SCHEMES or href.startswith("//"):
        token.attrSet("class", "external")
        return True
    if scheme is not None:
        collected.problems.append(
            LinkProblem(
                f"'{scheme}:' links are not allowed; the link is shown as plain text",
                "only http, https and mailto links become links",
                position,
                is_error=False,
            )
        )
        return False
    if href == "":
        return False
    if href.startswith("#"):
        collected.fragments.append((unquote(href[1:]), position))
        return True
    path, _, fragment = href.partition("#")
    path = path.split("?", 1)[0]
    number = len(collected.references) + 1
    collected.references.append(LinkReference(number, unquote(path), unquote(fragment), False, position))
    token.attrSet("href", LINK_PLACEHOLDER.format(number=number))
    return True


def _accept_image(token: Token, src: str, position: Position, collected: LinkEnv) -> bool:
    if _has_hidden_characters(src):
        collected.problems.append(
            LinkProblem("the image's address contains control or invisible characters", None, position, True)
        )
        return False
    scheme = url_scheme(src)
    if scheme is not None or src.startswith("//") or not src:
        collected.problems.append(
            LinkProblem(
                "images must be files in static/; remote and data: images are not allowed",
                "save the image under static/ and link to it, for example /images/map.png",
                position,
                is_error=True,
            )
        )
        return False
    path = unquote(src.partition("#")[0].split("?", 1)[0])
    number = len(collected.references) + 1
    collected.references.append(LinkReference(number, path, "", True, position))
    token.attrSet("src", LINK_PLACEHOLDER.format(number=number))
    return True


def _alt_text(image: Token) -> Token:
    text = Token("text", "", 0)
    text.content = image.content
    return text


#: The start of a reference definition, `[label]: destination`.
_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*")


def _position(
    lines: list[str],
    line_index: int,
    url: str,
    after: Position,
    definitions: Callable[[], dict[str, Position]],
) -> tuple[Position, Position]:
    """Where a destination sits, searched for as written on or near its line, after the
    1-based position `after`; and where the next search on these lines starts. (A reference
    link's destination is on its definition's line, which this may find; or else where
    `definitions()` says its definition is.)"""
    candidates = [url, unquote(url)]
    for index in range(line_index, min(line_index + 3, len(lines))):
        start = after.col - 1 if index + 1 == after.line else 0
        if index + 1 < after.line:
            continue
        for candidate in candidates:
            if candidate:
                at = lines[index].find(candidate, start)
                if at >= 0:
                    return Position(index + 1, at + 1), Position(index + 1, at + len(candidate) + 1)
        # Written with entities or escapes (`&#106;avascript:`): the end of the address is
        # as written; the destination starts after the `(` before it.
        tail = url[len(url) // 2 :]
        at = lines[index].find(tail, start) if len(tail) >= 4 else -1
        if at >= 0:
            opening = lines[index].rfind("(", start, at)
            begin = opening + 1 if opening >= 0 else at
            return Position(index + 1, begin + 1), Position(index + 1, at + len(tail) + 1)
    # A reference link's definition may be anywhere in the body, most often at its end.
    for candidate in candidates:
        if candidate in definitions():
            return definitions()[candidate], after
    return Position(min(line_index, max(len(lines) - 1, 0)) + 1, 1), after


def _reference_definitions(lines: list[str]) -> dict[str, Position]:
    """Where the destination of each reference definition (`[label]: destination`) is."""
    found: dict[str, Position] = {}
    for index, line in enumerate(lines):
        match = _DEFINITION.match(line)
        if match is None or not line[match.end() :].strip():
            continue
        destination = line[match.end() :].split(maxsplit=1)[0].strip("<>")
        found.setdefault(destination, Position(index + 1, line.index(destination, match.end()) + 1))
    return found


def external_links_only(state: StateCore) -> None:
    """Core rule for short inline fields: only http(s) and mailto links; no images.

    Such fields have no file of their own to resolve relative links against. What is shown
    as text is listed in `state.env["shown_as_text"]`, as ("link" or "image", its URL).
    """
    shown_as_text = state.env.setdefault("shown_as_text", [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        unlinked_depth = 0
        for token in block.children:
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                if url_scheme(href) not in SAFE_SCHEMES:
                    unlinked_depth += 1
                    shown_as_text.append(("link", href))
                    continue
                token.attrSet("class", "external")
            elif token.type == "link_close" and unlinked_depth:
                unlinked_depth -= 1
                continue
            elif token.type == "image":
                shown_as_text.append(("image", str(token.attrGet("src") or "")))
                children.append(_alt_text(token))
                continue
            children.append(token)
        block.children = children
