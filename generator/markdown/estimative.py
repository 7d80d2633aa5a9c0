"""A markdown-it-py plugin that finds ICD 203 likelihood terms and confidence phrases in prose.

Terms match as whole phrases, case-insensitively, longest first ("highly probable" is not
also "probable"); "remote" counts only in "remote chance", "remote possibility" or
"remote prospect". Any white space may separate a term's words, a soft line break too:
text and soft breaks are read as one text, up to the next other token (emphasis, a link,
code). A term whose first words are emphasised apart ("**very** likely") is the whole term,
not its last word: it is marked on the words after the emphasis, with the whole term's
range. Each term found is wrapped so that a reader who hovers over or focuses it sees its
range. What was found, with positions and the text of
each paragraph, goes to `env` for the linter in `analysis.estimative`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

from generator.analysis.estimative import LIKELIHOOD_TERMS, Sentences
from generator.diagnostics import Position
from generator.pickling import compact

_TERMS = sorted((t for t in LIKELIHOOD_TERMS if t != "remote"), key=len, reverse=True)


def _spaced(term: str) -> str:
    """A term as a pattern whose words any run of white space separates: a space, several,
    a no-break space or a line break ("very\nlikely")."""
    return r"\s+".join(re.escape(word) for word in term.split())


TERM_PATTERN = re.compile(
    r"\b(" + "|".join(_spaced(t) for t in _TERMS) + r"|remote(?=\s+(?:chance|possibility|prospect)\b))\b",
    re.IGNORECASE,
)
CONFIDENCE_PATTERN = re.compile(r"\b(low|moderate|high)[\s-]+confidence\b", re.IGNORECASE)


def _telltales() -> tuple[tuple[str, ...], ...]:
    """Text the patterns match in holds every word of one of these: the words of each term
    (apart, since any white space may separate them), and "confidence"; less those that
    another makes redundant ("very unlikely" holds "likely"). Each word, not only the last:
    "certain" alone is in every "uncertain", which would make most texts worth a scan."""
    phrases = [tuple(term.split()) for term in LIKELIHOOD_TERMS] + [("confidence",)]

    def covers(shorter: tuple[str, ...], longer: tuple[str, ...]) -> bool:
        return all(any(word in other for other in longer) for word in shorter)

    redundant = {long for long in phrases for short in phrases if short != long and covers(short, long)}
    return tuple(phrase for phrase in phrases if phrase not in redundant)


_TELLTALES = _telltales()

#: Tokens that a term may span ("**very** likely" is "very likely"): emphasis, not a link,
#: code or a strike-through ("~~very~~ likely" reads "likely").
_SPANNED = frozenset({"em_open", "em_close", "strong_open", "strong_close"})
#: How much of the text before a run a term may start in: more than the longest term.
_TAIL = max(len(term) for term in _TERMS) + 8


@compact
@dataclass(frozen=True, slots=True)
class PhraseUse:
    """A likelihood term or a confidence phrase found in prose."""

    phrase: str
    #: The normalised term ("highly probable") or confidence level ("high").
    key: str
    position: Position
    #: Which paragraph of the body, and where in its text (for sentence checks).
    paragraph: int
    offset: int


@dataclass
class EstimativeEnv:
    paragraphs: int = 0
    #: The file line the text starts after, so that positions are the file's.
    line_offset: int = 0
    terms: list[PhraseUse] = field(default_factory=list)
    confidences: list[PhraseUse] = field(default_factory=list)
    #: (confidence phrase, likelihood term) found in one sentence.
    pairs: list[tuple[PhraseUse, PhraseUse]] = field(default_factory=list)


def estimative_env(env: EnvType) -> EstimativeEnv:
    state = env.get("brief_estimative")
    if not isinstance(state, EstimativeEnv):
        state = EstimativeEnv()
        env["brief_estimative"] = state
    return state


def estimative_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("estimative_terms", estimative_terms)
    md.add_render_rule("likelihood_term", render_likelihood_term)


def estimative_terms(state: StateCore) -> None:
    found = estimative_env(state.env)
    if _holds_no_phrase(state.src):
        return  # most bodies: nothing to find, so no need to walk the tokens
    _Scanner(state.src.split("\n"), found, not state.md.options.get("breaks")).scan(state.tokens)


def _holds_no_phrase(text: str) -> bool:
    """A quick test that the patterns would find nothing: for ASCII text, lower-casing is
    exactly what the patterns' IGNORECASE does, and a plain substring search is about
    twenty times faster than the patterns themselves (which were a fifth of loading)."""
    if not text.isascii():
        return not TERM_PATTERN.search(text) and not CONFIDENCE_PATTERN.search(text)
    lowered = text.lower()
    # Loops, not `any(all(...))` over generators, which took five times as long on the
    # short texts of the front matter.
    for words in _TELLTALES:
        for word in words:
            if word not in lowered:
                break
        else:
            return False
    return True


class _Scanner:
    """Walks the inline tokens of one body, recording phrases and cutting out terms."""

    def __init__(self, lines: list[str], found: EstimativeEnv, soft_breaks_are_newlines: bool = True) -> None:
        self.lines = lines
        self.found = found
        #: The tokens read as one text, so that a term may span a soft line break: a soft
        #: break renders as a newline (unless markdown-it's `breaks` option makes it `<br>`),
        #: so the text joined around it renders the same.
        self.joined = ("text", "softbreak") if soft_breaks_are_newlines else ("text",)
        #: Per line, where to look for the next term, and for the next confidence phrase:
        #: apart, since a paragraph's confidence phrases are found before its terms.
        self.search_from: dict[int, int] = {}
        self.confidence_search_from: dict[int, int] = {}
        #: Lines in lower case, made once each: lowering a line for every term on it took
        #: time in proportion to terms times line length (50 s for a line of 150,000 terms).
        self.lowered: dict[int, str] = {}

    def scan(self, tokens: list[Token]) -> None:
        for block in tokens:
            if block.type != "inline" or not block.children:
                continue
            if "&" not in block.content and _holds_no_phrase(block.content):
                self.found.paragraphs += 1  # nothing here (an entity could spell a term)
            else:
                self.scan_paragraph(block)

    def scan_paragraph(self, block: Token) -> None:
        paragraph = self.found.paragraphs
        self.found.paragraphs += 1
        first_term = len(self.found.terms)
        first_confidence = len(self.found.confidences)
        line_index = block.map[0] if block.map else 0
        pieces: list[str] = []
        children: list[Token] = []
        offset = 0  # where the current token starts in the paragraph's text
        links = 0  # how many links the current token is in
        tail = ""  # the text before the current token, since the last token no term spans
        for run in _text_runs(block.children or [], self.joined):
            if run[0].type in self.joined:
                text_run = _TextRun.of(run, line_index)
                children.extend(self.scan_text(text_run, paragraph, offset, tail, in_link=links > 0))
                line_index += len(text_run.breaks)
                piece = text_run.text
                tail = (tail + piece)[-_TAIL:]
            else:
                (token,) = run
                children.append(token)
                if token.type not in _SPANNED:
                    tail = ""
                links += {"link_open": 1, "link_close": -1}.get(token.type, 0)
                if token.type in ("softbreak", "hardbreak"):
                    line_index += 1
                    piece = " "
                elif token.type == "code_inline":
                    piece = " " * len(token.content)  # code is not prose, but keeps offsets
                else:
                    continue
            pieces.append(piece)
            offset += len(piece)
        block.children = children
        self.found.pairs.extend(
            _in_one_sentence(
                Sentences("".join(pieces)),
                self.found.confidences[first_confidence:],
                self.found.terms[first_term:],
            )
        )

    def scan_text(
        self, run: _TextRun, paragraph: int, offset: int, tail: str = "", in_link: bool = False
    ) -> list[Token]:
        """Record the phrases of a run of text, which starts at `offset` in the paragraph's
        text, and return its tokens with the terms cut out. `tail` is the text just before
        the run, apart only by emphasis, where a term may start; `in_link`: the run is the
        text of a link."""
        if _holds_no_phrase(tail + run.text):
            return run.tokens
        for match in CONFIDENCE_PATTERN.finditer(run.text):
            position = self.locate(run.line_of(match.start()), match[0], self.confidence_search_from)
            self.found.confidences.append(
                PhraseUse(match[0], match[1].lower(), position, paragraph, offset + match.start())
            )
        return self.cut_terms(run, paragraph, offset, tail, in_link)

    def cut_terms(
        self, run: _TextRun, paragraph: int, offset: int, tail: str = "", in_link: bool = False
    ) -> list[Token]:
        """The run as one text token cut around each likelihood term, with the terms as
        their own tokens; or the run's tokens as they were if it has no term. A term that
        starts in `tail` is cut from the run where the run's part of it starts."""
        text = run.text
        result: list[Token] = []
        cursor = 0
        for match in TERM_PATTERN.finditer(tail + text):
            if match.end() <= len(tail):
                continue  # the text before the run had it
            key = _term_key(match[1])
            start = max(match.start(), len(tail)) - len(tail)
            end = match.end() - len(tail)
            while text[start].isspace():  # "**very** likely": the run's part starts at "likely"
                start += 1
            position = self.locate(run.line_of(start), text[start:end], self.search_from)
            self.found.terms.append(PhraseUse(match[1], key, position, paragraph, offset + start))
            if start > cursor:
                result.append(_text(run.tokens[0], text[cursor:start]))
            term = Token("likelihood_term", "", 0)
            term.content = text[start:end]
            term.meta = {"term": key, "in_link": in_link}
            result.append(term)
            cursor = end
        if cursor == 0:
            return run.tokens
        if cursor < len(text):
            result.append(_text(run.tokens[0], text[cursor:]))
        return result

    def locate(self, line_index: int, phrase: str, search_from: dict[int, int]) -> Position:
        """Where a phrase is in the source: on its line or the next ones, left to right from
        where `search_from` says the last one was found."""
        pattern = _as_written(tuple(re.findall(r"\w+", phrase.lower())))
        for index in range(line_index, min(line_index + 30, len(self.lines))):
            if index not in self.lowered:
                self.lowered[index] = _prose_only(self.lines[index].lower())
            found = pattern.search(self.lowered[index], search_from.get(index, 0))
            if found is not None:
                search_from[index] = found.end()
                return Position(index + 1 + self.found.line_offset, found.start() + 1)
        return Position(line_index + 1 + self.found.line_offset, 1)


#: What a source line holds that is not prose, where a phrase is never looked for: code
#: spans, link destinations, autolinks and images' descriptions (none are scanned).
_NOT_PROSE = re.compile(
    "|".join(
        (
            r"(`{1,16})[^`]*?\1",  # a code span
            r"\]\([^()\s]*(?:\s+\"[^\"]*\")?\)",  # a link's destination, and its title
            r"<[a-z][a-z0-9+.-]*:[^<>\s]*>",  # an autolink
            r"!\[[^\[\]]*\](?:\([^()\s]*\))?",  # an image's description and address
        )
    )
)
# Each part stops at the character that would start another (a backtick run is at most 16
# long), so that a line of 100,000 "![" or "](" costs a linear scan, not a quadratic one.


def _prose_only(line: str) -> str:
    """The line with what is not prose blanked out, each character by a space, so that
    columns stay as written."""
    if "`" not in line and "](" not in line and "<" not in line and "![" not in line:
        return line
    return _NOT_PROSE.sub(lambda match: " " * len(match[0]), line)


@functools.cache
def _as_written(words: tuple[str, ...]) -> re.Pattern[str]:
    """A phrase's words as a pattern for a line of the source, in lower case: whole words,
    apart by white space, hyphens or entities (`&nbsp;`), and maybe cut at the line's end
    ("very" at the end of a line, "likely" on the next). Not just the first word as a
    substring: "high" is also in "highly", and "very" in "the very idea"."""
    rest = r"\b"  # what follows a word: the end of the phrase, or the next words
    for word in reversed(words[1:]):
        rest = rf"(?:\s*$|(?:[\s-]|&[#\w]+;)+{re.escape(word)}{rest})"
    return re.compile(r"\b" + re.escape(words[0] if words else "") + rest)


@compact
@dataclass(frozen=True, slots=True)
class FieldPhrases:
    """The likelihood terms of the front matter's prose (the summary, claims' statements and
    notes, events' titles and descriptions), and its confidence phrases that share a
    sentence with one."""

    terms: tuple[PhraseUse, ...] = ()
    confidence_with_likelihood: tuple[tuple[PhraseUse, PhraseUse], ...] = ()


def phrases_in_fields(fields: Sequence[tuple[str, Position]], file_text: str) -> FieldPhrases:
    """Find the phrases of short front-matter texts, each given with the position of its
    value in the file whose text is `file_text`; each phrase is found at its own line and
    column, left to right from its value's start."""
    # Most front matters hold no phrase: one test of all their texts joined (what one of
    # them holds, the joined text holds too) instead of one test each.
    if _holds_no_phrase("\n".join([text for text, _ in fields])):
        return FieldPhrases()
    terms: list[PhraseUse] = []
    pairs: list[tuple[PhraseUse, PhraseUse]] = []
    lines: list[str] | None = None
    for index, (text, at) in enumerate(fields):
        if _holds_no_phrase(text):
            continue
        lines = file_text.split("\n") if lines is None else lines
        scanner = _Scanner(lines, EstimativeEnv())
        scanner.search_from[at.line - 1] = scanner.confidence_search_from[at.line - 1] = at.col - 1
        field_terms = [
            PhraseUse(
                match[1],
                _term_key(match[1]),
                scanner.locate(at.line - 1, match[1], scanner.search_from),
                index,
                match.start(),
            )
            for match in TERM_PATTERN.finditer(text)
        ]
        terms.extend(field_terms)
        confidences = [
            PhraseUse(
                match[0],
                match[1].lower(),
                scanner.locate(at.line - 1, match[0], scanner.confidence_search_from),
                index,
                match.start(),
            )
            for match in CONFIDENCE_PATTERN.finditer(text)
        ]
        pairs.extend(_in_one_sentence(Sentences(text), confidences, field_terms))
    return FieldPhrases(tuple(terms), tuple(pairs))


def _in_one_sentence(
    sentences: Sentences, confidences: Sequence[PhraseUse], terms: Sequence[PhraseUse]
) -> list[tuple[PhraseUse, PhraseUse]]:
    """Each confidence phrase with the first likelihood term of its sentence, where it has
    one: for a paragraph of the body and for a front-matter text alike. `terms` are in the
    order of their offsets, so each lookup is a binary search."""
    offsets = [term.offset for term in terms]
    pairs = []
    for phrase in confidences:
        start, end = sentences.bounds(phrase.offset)
        first = bisect.bisect_left(offsets, start)
        if first < len(terms) and terms[first].offset < end:
            pairs.append((phrase, terms[first]))
    return pairs


def _term_key(phrase: str) -> str:
    """The term a phrase as written is: "Highly\nprobable" is "highly probable"."""
    return re.sub(r"\s+", " ", phrase.lower())


def mark_likelihood_terms(text: str) -> Markup:
    """A short text, escaped, with its likelihood terms marked as in the body, so that a
    reader who hovers over or focuses one sees its range (for the summary and claims)."""
    if _holds_no_phrase(text):
        return escape(text)
    parts: list[str] = []
    cursor = 0
    for match in TERM_PATTERN.finditer(text):
        parts.append(str(escape(text[cursor : match.start()])))
        parts.append(likelihood_term_html(match[1], _term_key(match[1])))
        cursor = match.end()
    parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts))


def _text_runs(tokens: list[Token], joined: tuple[str, ...]) -> Iterator[list[Token]]:
    """The tokens in runs: each run of tokens of the `joined` types, and each other token."""
    for is_text, group in itertools.groupby(tokens, key=lambda token: token.type in joined):
        if is_text:
            yield list(group)
        else:
            yield from ([token] for token in group)


@dataclass(frozen=True, slots=True)
class _TextRun:
    """A run of text tokens and soft breaks, read as one text (a break as a newline)."""

    tokens: list[Token]
    text: str
    #: Where in `text` each soft break's newline is.
    breaks: list[int]
    #: The 0-based line of the source the run starts on.
    first_line: int

    @classmethod
    def of(cls, tokens: list[Token], first_line: int) -> _TextRun:
        parts: list[str] = []
        breaks: list[int] = []
        length = 0
        for token in tokens:
            if token.type == "softbreak":
                breaks.append(length)
            part = "\n" if token.type == "softbreak" else token.content
            parts.append(part)
            length += len(part)
        return cls(tokens, "".join(parts), breaks, first_line)

    def line_of(self, offset: int) -> int:
        """The 0-based line of the source that the character at `offset` in the text is on."""
        return self.first_line + bisect.bisect_left(self.breaks, offset)


def _text(original: Token, content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.level = original.level
    return token


def render_likelihood_term(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    return likelihood_term_html(token.content, token.meta["term"], focusable=not token.meta.get("in_link"))


def likelihood_term_html(phrase: str, key: str, focusable: bool = True) -> str:
    """A likelihood term as written (`phrase`), marked with the range of its term (`key`).
    A term that can take focus shows its range to a keyboard; one in a link's text cannot
    (HTML allows no focusable element inside a link, which takes the focus itself)."""
    term = LIKELIHOOD_TERMS[key]
    tabindex = ' tabindex="0"' if focusable else ""
    return (
        f'<span class="likelihood-term"{tabindex} data-range="{term.range_text}">'
        f"{escapeHtml(phrase)}"
        f'<span class="likelihood-range-note"> ({term.range_text})</span></span>'
    )
