"""The Markdown set-up for briefing bodies: CommonMark, tables, footnotes, citations, anchors."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from slugify import slugify

from generator.diagnostics import Position
from generator.markdown.citations import Citation, citation_env, citation_plugin
from generator.markdown.links import LinkProblem, LinkReference, link_env, link_policy

#: Ids the page itself uses, and names that would clobber globals of the page's script.
RESERVED_PREFIXES = ("cite-", "src-", "claim-", "kj-", "fn", "event-", "pv-")
RESERVED_IDS = frozenset(
    {
        "top",
        "main",
        "content",
        "bluf",
        "summary",
        "key-judgments",
        "body",
        "timeline",
        "sources",
        "corrections",
        "site-header",
        "site-footer",
        "nav",
        "search",
        "document",
        "window",
        "location",
        "name",
        "forms",
        "images",
        "links",
        "cookie",
        "domain",
        "head",
        "title",
    }
)


def heading_slug(text: str) -> str:
    """A GitHub-like heading id, prefixed where it could clash with the page's own ids."""
    slug = slugify(text) or "section"
    if slug in RESERVED_IDS or slug.startswith(RESERVED_PREFIXES) or slug[0].isdigit():
        slug = "h-" + slug
    return slug


def _demote_headings(state: StateCore) -> None:
    """Body headings sit under the page's title (h1), so `#` becomes h2, and so on."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = f"h{level}"


def _accept_every_url(url: str) -> bool:
    """markdown-it's hook for its blocklist; `links.link_policy` applies our allowlist instead."""
    return True


@functools.cache
def body_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    # The allowlist in links.link_policy decides; markdown-it's own check is a blocklist.
    md.validateLink = _accept_every_url  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(citation_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    md.core.ruler.push("brief_links", link_policy)
    md.core.ruler.push("brief_demote_headings", _demote_headings)
    return md


@functools.cache
def inline_markdown() -> MarkdownIt:
    """For short fields such as an event's description: inline Markdown, no citations."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["strikethrough", "replacements", "smartquotes"])
    md.validateLink = _accept_every_url  # type: ignore[method-assign]
    md.core.ruler.push("brief_links", link_policy)
    return md


@dataclass(frozen=True)
class RenderedBody:
    """A body rendered to HTML, with placeholders where citations and relative links go."""

    html: str
    citations: tuple[Citation, ...]
    references: tuple[LinkReference, ...]
    fragments: tuple[tuple[str, Position], ...]
    problems: tuple[LinkProblem, ...]
    heading_ids: frozenset[str]
    word_count: int


_ID_ATTRIBUTE = re.compile(r' id="([^"]+)"')
_WORD = re.compile(r"\w+")


def _shifted(position: Position, line_offset: int) -> Position:
    return Position(position.line + line_offset, position.col)


def render_body(text: str, line_offset: int = 0) -> RenderedBody:
    """Render a body whose first line is file line `line_offset + 1`.

    Every position in the result is a file position.
    """
    md = body_markdown()
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    heading_ids = frozenset(
        str(token.attrGet("id")) for token in tokens if token.type == "heading_open" and token.attrGet("id")
    )
    footnote_ids = frozenset(_ID_ATTRIBUTE.findall(html)) - heading_ids
    links = link_env(env)
    return RenderedBody(
        html=html,
        citations=tuple(
            dataclasses.replace(found, position=_shifted(found.position, line_offset))
            for found in citation_env(env).citations
        ),
        references=tuple(
            dataclasses.replace(reference, position=_shifted(reference.position, line_offset))
            for reference in links.references
        ),
        fragments=tuple(
            (fragment, _shifted(position, line_offset)) for fragment, position in links.fragments
        ),
        problems=tuple(
            dataclasses.replace(problem, position=_shifted(problem.position, line_offset))
            for problem in links.problems
        ),
        heading_ids=heading_ids | footnote_ids,
        word_count=len(_WORD.findall(text)),
    )


def render_inline(text: str) -> str:
    """Render one line of inline Markdown (no links to files, no citations)."""
    md = inline_markdown()
    env: dict[str, object] = {}
    return str(md.renderInline(text, env))
