"""The Markdown set-up for briefing bodies: CommonMark, tables, footnotes, citations, anchors."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common import html_re
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.normalize import normalize
from markdown_it.rules_core.replacements import SCOPED_ABBR_RE, replace
from markdown_it.rules_core.smartquotes import process_inlines
from markdown_it.rules_core.text_join import text_join
from markdown_it.rules_inline import StateInline, image, link
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_tail
from slugify import slugify

from generator.diagnostics import Position
from generator.markdown.citations import Citation, citation_env, citation_plugin
from generator.markdown.estimative import PhraseUse, estimative_env, estimative_plugin
from generator.markdown.links import (
    SAFE_SCHEMES,
    LinkProblem,
    LinkReference,
    external_links_only,
    link_env,
    link_policy,
    url_scheme,
)
from generator.pickling import compact

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
        # The ids of the briefing page's own sections and headings (a test checks that
        # every id the templates write is here or has a reserved prefix).
        "briefing-title",
        "body-title",
        "bluf-title",
        "corrections-title",
        "timeline-title",
        "sources-title",
        "revisions",
        "revisions-title",
        "reason-title",
    }
)


def heading_slug(text: str) -> str:
    """A GitHub-like heading id, prefixed where it could clash with the page's own ids."""
    slug = slugify(text) or "section"
    if slug in RESERVED_IDS or slug.startswith(RESERVED_PREFIXES) or slug[0].isdigit():
        slug = "h-" + slug
    return slug


def _shape_blocks(state: StateCore) -> None:
    """Headings demoted, table alignment as classes, tables focusable: one walk over the
    block tokens for all three, each of which is a test or two a token."""
    for token in state.tokens:
        kind = token.type
        if kind == "heading_open" or kind == "heading_close":
            _demote_heading(token)
        elif kind == "th_open" or kind == "td_open":
            _alignment_class(token)
        elif kind == "table_open":
            _focusable_table(token)


def _alignment_class(cell: Token) -> None:
    """Table alignment as a class: the pages' CSP forbids inline style attributes."""
    style = cell.attrGet("style")
    if isinstance(style, str) and style.startswith("text-align:"):
        del cell.attrs["style"]
        cell.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _focusable_table(table: Token) -> None:
    """A wide table scrolls sideways in its own box (brief.css), which a keyboard reader can
    scroll only if the table takes focus (WCAG 2.1.1; axe's scrollable-region-focusable)."""
    table.attrSet("tabindex", "0")


def _focusable_pre(md: MarkdownIt) -> None:
    """Code blocks (fenced and indented) as `<pre tabindex="0">`: a line longer than the
    column scrolls sideways, and a keyboard reader scrolls it once it has focus. The `pre`
    keeps its plain role (a name on it would be ignored), so a screen reader reads the code."""
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    for rule in ("fence", "code_block"):
        default = renderer.rules[rule]

        def focusable(
            self: RendererHTML,
            tokens: Sequence[Token],
            idx: int,
            options: OptionsDict,
            env: EnvType,
            default: Any = default,
        ) -> str:
            html: str = default(tokens, idx, options, env)
            return '<pre tabindex="0"' + html[4:] if html.startswith(("<pre>", "<pre ")) else html

        md.add_render_rule(rule, focusable)


def _demote_heading(token: Token) -> None:
    """Body headings sit under the page's title (h1), so `#` becomes h2, and so on."""
    token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _accept_every_url(url: str) -> bool:
    """markdown-it's hook for its blocklist; `links.link_policy` applies our allowlist instead."""
    return True


#: The options of the body's and the inline fields' parsers. `strikethrough_single_tilde`
#: is markdown-it's default, set so that its strikethrough rule finds it: looking up a
#: missing option raises and catches a KeyError, for every paragraph, heading and table
#: cell (about 1 % of loading).
_OPTIONS: dict[str, bool] = {"typographer": True, "strikethrough_single_tilde": False}


@functools.cache
def body_markdown(allow_html: bool = False) -> MarkdownIt:
    """The body parser. With `allow_html`, raw HTML passes to `sanitise_html`; else it is escaped."""
    md = MarkdownIt("commonmark", {"html": allow_html, **_OPTIONS})
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    # The allowlist in links.link_policy decides; markdown-it's own check is a blocklist.
    md.validateLink = _accept_every_url  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.core.ruler.at("footnote_tail", _footnote_tail)
    _name_the_footnotes(md)
    md.use(citation_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_slug)
    md.core.ruler.push("brief_links", link_policy)
    # After `brief_links`, which counts soft breaks to place links: a term that spans one
    # is cut from the text joined around it, and the break goes with it.
    md.use(estimative_plugin)
    md.core.ruler.push("brief_shape_blocks", _shape_blocks)
    _focusable_pre(md)
    md.core.ruler.at("smartquotes", _bounded_smartquotes)
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("replacements", _replacements)
    md.core.ruler.at("text_join", _text_join)
    if not allow_html:
        md.inline.ruler.before("html_inline", "brief_tag_as_text", _tag_as_text)
        md.add_render_rule("tag_as_text", _render_tag_as_text)
    return md


_BACK = "Back to the text"


def _name_the_footnotes(md: MarkdownIt) -> None:
    """The plugin's footnotes, with names a screen reader can say: the list is a region
    called "Notes", and each back-link says where it goes (its text is only "↩︎")."""
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    block_open, anchor = renderer.rules["footnote_block_open"], renderer.rules["footnote_anchor"]

    def named_block_open(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        html: str = block_open(tokens, idx, options, env)
        return html.replace('<section class="footnotes">', '<section class="footnotes" aria-label="Notes">')

    def named_anchor(
        self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        html: str = anchor(tokens, idx, options, env)
        return html.replace('class="footnote-backref"', f'class="footnote-backref" aria-label="{_BACK}"')

    md.add_render_rule("footnote_block_open", named_block_open)
    md.add_render_rule("footnote_anchor", named_anchor)


#: markdown-it's smartquotes copies a text once for every quote it curls, so its time grows
#: with quotes times length: 1.2 MB of `x"` took 70 s. A paragraph past this budget keeps
#: its straight quotes; a long paragraph with a few hundred quotes is well within it.
_SMARTQUOTES_BUDGET = 20_000_000


def _bounded_smartquotes(state: StateCore) -> None:
    """Core rule in place of markdown-it's `smartquotes`, within `_SMARTQUOTES_BUDGET`."""
    text = _inline_text(state)
    if '"' not in text and "'" not in text:
        return  # no quote to curl: no need to look at each paragraph
    for token in state.tokens:
        if token.type != "inline" or token.children is None:
            continue
        quotes = token.content.count('"') + token.content.count("'")
        if quotes and quotes * len(token.content) <= _SMARTQUOTES_BUDGET:
            process_inlines(token.children, state)


def _inline_text(state: StateCore) -> str:
    """The text of every inline token (paragraphs, headings, cells), one to a line: the text
    that markdown-it's typographic rules look at, token by token."""
    return "\n".join([token.content for token in state.tokens if token.type == "inline"])


def _normalize(state: StateCore) -> None:
    """Core rule in place of markdown-it's `normalize`, which runs two substitutions over the
    whole body to change only carriage returns and NULs: most bodies have neither."""
    if "\r" in state.src or "\x00" in state.src:
        normalize(state)


#: Besides `(c)`, `(tm)` and `(r)`, what markdown-it's `replacements` changes holds one of
#: these (its `RARE_RE`).
_RARE_MARKS = ("+-", "..", "????", "!!!!", ",,", "--")


def _replacements(state: StateCore) -> None:
    """Core rule in place of markdown-it's `replacements`, run only when some inline text
    holds what it replaces: its two patterns, tried on each paragraph in turn, cost more than
    a plain search of all the text for their marks (none of which holds a line break). A
    mark's first character is looked for first: a search for one character is many times
    faster than for two."""
    text = _inline_text(state)
    if any(mark[0] in text and mark in text for mark in _RARE_MARKS) or (
        "(" in text and SCOPED_ABBR_RE.search(text)
    ):
        replace(state)


def _text_join(state: StateCore) -> None:
    """Core rule in place of markdown-it's `text_join`, which turns escapes and entities
    (`text_special` tokens) into text and joins them with the text around them: inline
    parsing has joined all other neighbouring text already (its `fragments_join`). A body
    without a backslash or an ampersand has neither, and nothing to join."""
    if "\\" in state.src or "&" in state.src:
        text_join(state)


def _footnote_tail(state: StateCore) -> None:
    """Core rule in place of mdit-py-plugins' `footnote_tail`, which copies the token list
    of every body whose parse looked for a footnote reference (one with any `[`, so nearly
    all); with no footnote defined or referenced, the copy is all it does."""
    footnotes = state.env.get("footnotes")
    if footnotes and (footnotes.get("refs") or footnotes.get("list")):
        footnote_tail(state)


#: An HTML open or close tag, as CommonMark defines them; and the longest one looked for,
#: so that a run of `<` without `>` costs time in proportion to its length.
_TAG = re.compile(f"{html_re.open_tag}|{html_re.close_tag}")
_LONGEST_TAG = 2000


def _tag_as_text(state: StateInline, silent: bool) -> bool:
    """Inline rule where raw HTML is escaped: a tag is one token, shown as written. As text,
    the typographer curled the quotes of its attributes (`<a href=“…”>`), so the reader
    did not see what the analyst wrote."""
    if state.src[state.pos] != "<":
        return False
    match = _TAG.match(state.src, state.pos, min(state.posMax, state.pos + _LONGEST_TAG))
    if match is None:
        return False
    if not silent:
        token = state.push("tag_as_text", "", 0)
        token.content = match[0]
    state.pos = match.end()
    return True


def _render_tag_as_text(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return escapeHtml(tokens[idx].content)


@functools.cache
def inline_markdown() -> MarkdownIt:
    """For short fields such as an event's description: inline Markdown, no citations;
    likelihood terms are marked."""
    md = MarkdownIt("commonmark", {"html": False, **_OPTIONS})
    md.enable(["strikethrough", "replacements", "smartquotes"])
    md.core.ruler.at("smartquotes", _bounded_smartquotes)
    md.validateLink = _accept_every_url  # type: ignore[method-assign]
    md.core.ruler.push("brief_links", external_links_only)
    # Its likelihood terms show their range, as the body's do (after the links: a term in
    # a link's text takes no focus of its own).
    md.use(estimative_plugin)
    return md


@compact
@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A body rendered to HTML, with placeholders where citations and relative links go."""

    html: str
    citations: tuple[Citation, ...]
    references: tuple[LinkReference, ...]
    fragments: tuple[tuple[str, Position], ...]
    problems: tuple[LinkProblem, ...]
    heading_ids: frozenset[str]
    #: Likelihood terms and confidence phrases in the prose, and each paragraph's text.
    likelihood_terms: tuple[PhraseUse, ...] = ()
    confidence_phrases: tuple[PhraseUse, ...] = ()
    #: A confidence phrase and a likelihood term found in one sentence.
    confidence_with_likelihood: tuple[tuple[PhraseUse, PhraseUse], ...] = ()


_ID_ATTRIBUTE = re.compile(r' id="([^"]+)"')

#: Placeholders use NUL, which the sanitiser drops; during sanitising they wear this
#: private-use character instead, removed from the input first so it cannot be forged.
_SHIELD = "\ue000"

_SANITISER_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
}
_SANITISER_ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    # Only tabindex="0" (`_filter_attributes`), which Markdown's code blocks and
    # tables carry: they scroll sideways, and a keyboard reader scrolls them with focus.
    "pre": {"tabindex"},
    "table": {"tabindex"},
}
_SANITISER_CLASSES = {
    "a": {"external", "footnote-backref"},
    "section": {"footnotes"},
    "sup": {"footnote-ref"},
    "li": {"footnote-item"},
    "hr": {"footnotes-sep"},
    "th": {"align-left", "align-center", "align-right"},
    "td": {"align-left", "align-center", "align-right"},
}


def sanitise_html(html: str) -> str:
    """Clean rendered HTML with an allowlist (nh3, the Rust `ammonia` sanitiser).

    Only http, https and mailto URLs survive, and images only through our own placeholder
    (raw `<img>` from other hosts would break the privacy promise and the CSP).
    """
    import nh3

    shielded = html.replace("\x00", _SHIELD)
    cleaned = nh3.clean(
        shielded,
        tags=_SANITISER_TAGS,
        attributes=_SANITISER_ATTRIBUTES,
        allowed_classes=_SANITISER_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_filter_attributes,
    )
    # An image whose address the filter removed would stay as a bare `<img>`: drop it.
    return _IMAGE_WITHOUT_SOURCE.sub("", cleaned).replace(_SHIELD, "\x00")


_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


_FOOTNOTE_ID = re.compile(r"fn(ref)?[0-9]+(:[0-9]+)?")


def _filter_attributes(tag: str, attribute: str, value: str) -> str | None:
    """Images only through our placeholder; `tabindex` only as "0" (no custom tab order);
    a raw id that could take one of the page's own gets the prefix a heading's would."""
    if tag == "img" and attribute == "src" and not value.startswith(_SHIELD + "link:"):
        return None
    if attribute == "tabindex" and value != "0":
        return None
    reserved = value in RESERVED_IDS or value.startswith(RESERVED_PREFIXES)
    if attribute == "id" and reserved and not _FOOTNOTE_ID.fullmatch(value):
        return "h-" + value
    return value


def render_body(text: str, line_offset: int = 0, allow_html: bool = False) -> RenderedBody:
    """Render a body whose first line is file line `line_offset + 1`.

    Every position in the result is a file position. With `allow_html` (site.yaml
    `html: sanitise`), raw HTML is kept but cleaned with an allowlist.
    """
    md = body_markdown(allow_html)
    env: dict[str, object] = {}
    # The plugins make file positions: shifting each afterwards took longer than finding it.
    citation_env(env).line_offset = line_offset
    link_env(env).line_offset = line_offset
    estimative_env(env).line_offset = line_offset
    if allow_html:
        text = text.replace(_SHIELD, "\ufffd")
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    if allow_html:
        html = sanitise_html(html)
    heading_ids = frozenset(
        str(token.attrGet("id")) for token in tokens if token.type == "heading_open" and token.attrGet("id")
    )
    footnote_ids = (
        frozenset(_ID_ATTRIBUTE.findall(html)) - heading_ids if 'class="footnote' in html else frozenset()
    )
    links = link_env(env)
    estimative = estimative_env(env)
    return RenderedBody(
        html=html,
        citations=tuple(citation_env(env).citations),
        references=tuple(links.references),
        fragments=tuple(links.fragments),
        problems=tuple(links.problems),
        heading_ids=heading_ids | footnote_ids,
        likelihood_terms=tuple(estimative.terms),
        confidence_phrases=tuple(estimative.confidences),
        confidence_with_likelihood=tuple(estimative.pairs),
    )


#: Citation syntax, `[@id]` or `[see @id]`, left as text by the inline parser.
_CITATION_IN_TEXT = re.compile(r"\[[^\[\]]*(?<![\w@.])-?@\w[^\[\]]*\]")


@dataclass(frozen=True, slots=True)
class InlineProblem:
    """Something a short inline field shows otherwise than it was written."""

    kind: str  # "link", "image" or "citation"
    message: str
    hint: str


_INLINE_HINTS = {
    "link": "only http(s) and mailto links are kept here",
    "image": "images are not shown here; put the image in the body",
    "citation": "list the source under this event's sources:",
}


def inline_field_problems(text: str) -> list[InlineProblem]:
    """Links that are not http(s) or mailto, images and citations of a short inline field:
    they all become text."""
    if "[" not in text and "<" not in text:  # no link, image or citation: most fields
        return []
    env: dict[str, Any] = {}
    tokens = inline_markdown().parseInline(text, env)
    found = list(env.get("shown_as_text", ()))
    for token in tokens[0].children or ():
        if token.type == "text":
            found.extend(("citation", match[0]) for match in _CITATION_IN_TEXT.finditer(token.content))
    return [
        InlineProblem(kind, f"the {kind} '{what}' is shown as text", _INLINE_HINTS[kind])
        for kind, what in found
    ]


def citations_in_text(text: str) -> list[str]:
    """The citations (`[@id]`) written in a plain-text field, which shows them as written."""
    return _CITATION_IN_TEXT.findall(text) if "@" in text else []


def render_inline(text: str) -> str:
    """Render a short field as inline Markdown: emphasis, code and external links only."""
    md = inline_markdown()
    env: dict[str, object] = {}
    return str(md.renderInline(text, env))


#: A link or image that a short field shows as text: its span, and its label's span.
_Span = tuple[int, int, int, int]


def inline_as_shown(text: str) -> str:
    """A short field's inline Markdown with each link and image that its page shows as text
    (see `external_links_only`) written as its label, for the site's data: the target of such
    a link, a briefing's file that may not be published, is in no output."""
    if "[" not in text:
        return text
    env: dict[str, Any] = {"unlinked_in": text, "unlinked": []}
    _span_finder().parseInline(text, env)
    return _write_labels(text, sorted(env["unlinked"]), 0, len(text))


@functools.cache
def _span_finder() -> MarkdownIt:
    """The parser `inline_as_shown` notes links and images with (made once: making one
    took longer than parsing a description)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = _accept_every_url  # type: ignore[method-assign]
    md.inline.ruler.before("link", "brief_unlinked", _unlinked_span)
    return md


def _unlinked_span(state: StateInline, silent: bool) -> bool:
    """Inline rule: parse a link or an image as usual, and note the span of one shown as text."""
    start = state.pos
    is_image = state.src.startswith("![", start)
    if silent or not (is_image or state.src.startswith("[", start)):
        return False
    first = len(state.tokens)
    if not (image(state, False) if is_image else link(state, False)):
        return False
    # The first token pushed may be the text before it, which the parser held back.
    opened = next(token for token in state.tokens[first:] if token.type in ("image", "link_open"))
    target = str(opened.attrGet("src" if is_image else "href") or "")
    if state.src == state.env["unlinked_in"] and (is_image or url_scheme(target) not in SAFE_SCHEMES):
        label = start + 2 if is_image else start + 1
        label_end = state.md.helpers.parseLinkLabel(state, label - 1, not is_image)
        state.env["unlinked"].append((start, state.pos, label, label_end))
    return True


def _write_labels(text: str, spans: list[_Span], start: int, end: int) -> str:
    """`text[start:end]` with each span (sorted) replaced by its label, spans inside it too."""
    parts = []
    position = start
    for span_start, span_end, label, label_end in spans:
        if span_start < position or span_end > end:  # inside an earlier span, or after `end`
            continue
        inner = [span for span in spans if label <= span[0] and span[1] <= label_end]
        parts += [text[position:span_start], _write_labels(text, inner, label, label_end)]
        position = span_end
    parts.append(text[position:end])
    return "".join(parts)
