"""Load the site's content: every briefing file (`files`) into the content model, with the
shared registry (`registry`), and collect every diagnostic on the way.

A file is loaded by `_BriefingLoader` (its front matter validated, its body rendered, its
ids and citations checked), on every core, or taken from the load cache (`cache`). Every
file is read before anything is rendered, so that what spans files (slugs and tags:
`names`; links between briefings: `linking`) can be checked across the whole site, and
every problem of every file is reported in one run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from generator import cachecodec
from generator.config import SiteConfig
from generator.content.cache import CacheEntries, LoadCache
from generator.content.files import find_briefing_files
from generator.content.frontmatter import read_text, split_front_matter
from generator.content.model import (
    Briefing,
    Claim,
    ClaimSource,
    Corpus,
    Correction,
    Declared,
    Event,
    Location,
    Source,
)
from generator.content.names import briefing_slug, check_slugs, check_slugs_of_failed_files, check_tags
from generator.content.outline import outline_digest, without_body
from generator.content.registry import (
    DERIVES_FROM_ITSELF,
    REGISTRY_NAME,
    SharedRegistry,
    build_source,
    check_reliability,
    load_registry,
)
from generator.content.schema import ClaimSpec, FrontMatter, SourceSpec
from generator.content.validation import valid_entries, validate_document
from generator.content.values import (
    ID_PATTERN,
    MAX_SLUG_LENGTH,
    RESERVED_SLUGS,
    has_invisible_characters,
    id_suggestion,
    shown,
    tag_slug,
)
from generator.content.yamldoc import YamlDocument, YamlPath, load_yaml
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity
from generator.markdown.body import RenderedBody, citations_in_text, inline_field_problems, render_body
from generator.markdown.estimative import phrases_in_fields
from generator.parallel import map_shared
from generator.pickling import compact
from generator.scaffold import PLACEHOLDERS
from generator.timeline import title_key

#: Every tag page shows the card of each of its briefings, and the card names the briefing's
#: tags: pages grow with the square of one briefing's tags (4,000 took 110 s to build).
MAX_TAGS = 100


V = TypeVar("V")


class _Chained(Mapping[str, V]):
    """Several mappings read as one, the first holding a key winning, without copying them.

    (`collections.ChainMap` is typed for mutable mappings only.)"""

    def __init__(self, *maps: Mapping[str, V]) -> None:
        self.maps = maps

    def __getitem__(self, key: str) -> V:
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        # A loop, not `any()` over a generator (7 times as long): asked of every id cited.
        for mapping in self.maps:  # noqa: SIM110
            if key in mapping:
                return True
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for mapping in self.maps for key in mapping))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _BriefingLoader:
    """Builds one Briefing from one file, adding every problem it finds to `diagnostics`."""

    def __init__(
        self,
        path: Path,
        config: SiteConfig,
        registry: SharedRegistry,
        diagnostics: DiagnosticList,
        cache: LoadCache,
        cache_entries: CacheEntries,
    ):
        self.path = path
        self.config = config
        self.registry = registry.sources
        self.broken_shared = registry.broken
        self.registry_unreadable = registry.unreadable
        self.diagnostics = diagnostics
        self.cache = cache
        self.cache_entries = cache_entries
        self.declared: Declared | None = None
        #: The rendered body, once the file got that far.
        self.body: RenderedBody | None = None
        self.body_key: str | None = None
        #: The file's text, once read.
        self.text = ""

    def render(self, body: str, line_offset: int) -> RenderedBody:
        """The body's HTML, from the cache when this text was rendered before."""
        allow_html = self.config.spec.html == "sanitise"
        key = self.body_key = self.cache.body_key(body, line_offset, allow_html)
        rendered = self.cache.get_body(key, self.cache_entries)
        if rendered is None:
            rendered = render_body(body, line_offset, allow_html)
            self.cache.add_body(key, rendered, self.cache_entries)
        return rendered

    def error(self, position: Position, message: str, hint: str | None = None, code: str = "error") -> None:
        self.diagnostics.error(self.path, position, message, hint, code)

    def warning(self, position: Position, message: str, hint: str | None, code: str) -> None:
        self.diagnostics.add(Diagnostic(self.path, position, Severity.WARNING, message, hint, code))

    def load(self, data: bytes | None = None) -> Briefing | None:
        """Load the file, whose bytes may already have been read."""
        try:
            data = self.path.read_bytes() if data is None else data
        except OSError as error:
            self.error(Position(1, 1), f"cannot read the file: {error.strerror}", code="io")
            return None
        text, problem = read_text(self.path, data)
        if problem:
            self.diagnostics.add(problem)
            return None
        assert text is not None
        self.text = text
        split, problem = split_front_matter(self.path, text)
        if problem:
            self.diagnostics.add(problem)
            return None
        assert split is not None
        document, problem = load_yaml(split.front_matter, self.path, split.front_matter_offset)
        body = self.body = self.render(split.body, split.body_first_line - 1)
        if problem:
            self.diagnostics.add(problem)
            self.report_link_problems(body)
            return None
        assert document is not None
        self.diagnostics.extend(document.problems)
        if isinstance(document.value, dict):
            status, marking = document.value.get("status"), document.value.get("marking")
            slug = document.value.get("slug")
            self.declared = Declared(
                status if isinstance(status, str) else "published",
                marking if isinstance(marking, str) else None,
                slug if isinstance(slug, str) else None,
                document.position_of(("slug",)) if isinstance(slug, str) else None,
            )
        front_matter, problems = validate_document(FrontMatter, document, "the front matter")
        self.diagnostics.extend(problems)
        if front_matter is None:
            self.check_what_is_valid(document, body)
            return None
        return self.build(front_matter, document, body)

    def check_what_is_valid(self, document: YamlDocument, body: RenderedBody) -> None:
        """For a front matter with schema errors: still check the entries that are valid on
        their own, the references, and the body's citations and links, against whatever ids
        the YAML declares, so that one run reports those errors with the schema's."""
        raw = document.value if isinstance(document.value, dict) else {}
        declared = _declared_ids(raw)
        valid_sources = valid_entries(SourceSpec, raw.get("sources"))
        valid_claims = valid_entries(ClaimSpec, raw.get("claims"))
        self.check_sources_and_claims(document, valid_sources, valid_claims, declared)
        self.check_grades_of_invalid_entries(document, raw, valid_sources, valid_claims)
        marking = raw.get("marking")
        if isinstance(marking, str):
            self.check_marking(marking, document)
        tags = raw.get("tags")
        if isinstance(tags, list) and all(isinstance(tag, str) for tag in tags):
            self.check_own_tags(tags, document)
        local_sources = dict.fromkeys(declared["sources"])
        self.check_references(document, _Chained(local_sources, self.registry), declared["claims"])
        self.check_citations(body, _Chained(local_sources, dict.fromkeys(declared["claims"]), self.registry))
        self.report_link_problems(body)

    def check_grades_of_invalid_entries(
        self,
        document: YamlDocument,
        raw: Mapping[str, Any],
        valid_sources: Mapping[str, SourceSpec],
        valid_claims: Mapping[str, ClaimSpec],
    ) -> None:
        """The grades of the sources and claims whose entries have errors of their own
        (`check_sources_and_claims` checks the valid ones), as written."""
        sources = raw.get("sources")
        for source_id, entry in sources.items() if isinstance(sources, dict) else ():
            if source_id in valid_sources or not isinstance(entry, dict):
                continue
            grade = entry.get("reliability")
            if isinstance(grade, str):
                where = ("sources", source_id, "reliability")
                check_reliability(grade, document, where, self.config, self.diagnostics)
        claims = raw.get("claims")
        for claim_id, entry in claims.items() if isinstance(claims, dict) else ():
            if claim_id in valid_claims or not isinstance(entry, dict):
                continue
            written: list[tuple[YamlPath, Any]] = [
                (("claims", claim_id, "credibility"), entry.get("credibility"))
            ]
            refs = entry.get("sources")
            for index, ref in enumerate(refs if isinstance(refs, list) else ()):
                if isinstance(ref, dict):
                    written.append(
                        (("claims", claim_id, "sources", index, "credibility"), ref.get("credibility"))
                    )
            for path, grade in written:
                if isinstance(grade, str | int) and not isinstance(grade, bool):  # grades 1-6 may be numbers
                    self.check_grade(str(grade), document.position_of(path))

    def check_sources_and_claims(
        self,
        document: YamlDocument,
        sources: Mapping[str, SourceSpec],
        claims: Mapping[str, ClaimSpec],
        declared: Mapping[str, list[str]],
    ) -> dict[str, Source]:
        """The briefing's own sources, their grades and their claims' grades checked, and no
        id declared twice. `sources` and `claims` are the valid entries, in order; `declared`,
        every id as written (`_declared_ids`)."""
        local_sources = {
            source_id: build_source(
                source_id, spec, document, ("sources", source_id), self.config, False, self.diagnostics
            )
            for source_id, spec in sources.items()
        }
        for source_id in declared["sources"]:
            if source_id in self.registry or source_id in self.broken_shared:
                self.error(
                    document.key_position_of(("sources", source_id)),
                    f"source '{source_id}' is also declared in briefings/{REGISTRY_NAME}",
                    f"rename this source, or delete it here to use the shared '{source_id}'",
                    "duplicate-id",
                )
        local_ids = set(declared["sources"])
        for claim_id in declared["claims"]:
            if claim_id in local_ids or claim_id in self.registry or claim_id in self.broken_shared:
                self.error(
                    document.key_position_of(("claims", claim_id)),
                    f"claim '{claim_id}' has the same id as a source",
                    "sources and claims share one set of ids; rename the claim",
                    "duplicate-id",
                )
        for claim_id, spec in claims.items():
            for index, ref in enumerate(spec.sources):
                if ref.credibility is not None:
                    path = ("claims", claim_id, "sources", index, "credibility")
                    self.check_grade(ref.credibility, document.position_of(path))
            if spec.credibility is not None:
                self.check_grade(spec.credibility, document.position_of(("claims", claim_id, "credibility")))
        return local_sources

    def build(self, fm: FrontMatter, document: YamlDocument, body: RenderedBody) -> Briefing | None:
        errors_before = self.diagnostics.count(Severity.ERROR)
        declared = _declared_ids(document.value)
        local_sources = self.check_sources_and_claims(document, fm.sources, fm.claims, declared)
        # Looked up, never copied: a copy of the shared registry per file would make loading
        # grow with files × shared sources.
        available_sources = _Chained(local_sources, self.registry)
        self.check_references(document, available_sources, fm.claims)

        claims: dict[str, Claim] = {}
        for number, (claim_id, spec) in enumerate(fm.claims.items(), start=1):
            claim_sources = []
            for index, ref in enumerate(spec.sources):
                position = document.position_of(("claims", claim_id, "sources", index))
                claim_sources.append(ClaimSource(ref.id, ref.credibility, Location(self.path, position)))
            claims[claim_id] = Claim(
                id=claim_id,
                number=number,
                statement=spec.statement,
                sources=tuple(claim_sources),
                credibility=spec.credibility,
                assessed_confidence=spec.confidence,
                likelihood=spec.likelihood,
                note=spec.note,
                location=Location(self.path, document.key_position_of(("claims", claim_id))),
                likelihood_position=(
                    document.position_of(("claims", claim_id, "likelihood")) if spec.likelihood else None
                ),
            )

        events = []
        first_of: dict[tuple[str, str], int] = {}
        for index, event in enumerate(fm.timeline):
            for problem in inline_field_problems(event.description or ""):
                self.warning(
                    document.position_of(("timeline", index, "description")),
                    f"{problem.message} in the description of event '{event.title}'",
                    problem.hint,
                    "citation" if problem.kind == "citation" else "link",
                )
            first = first_of.setdefault((event.date.text, event.title), index)
            if first != index:
                self.warning(
                    document.position_of(("timeline", index)),
                    f"the event '{event.title}' of {event.date.text} is listed twice",
                    f"merge it with the one at line {document.position_of(('timeline', first)).line}",
                    "duplicate-event",
                )
            events.append(
                Event(
                    date=event.date,
                    title=event.title,
                    description=event.description,
                    claims=tuple(event.claims),
                    sources=tuple(event.sources),
                    location=Location(self.path, document.position_of(("timeline", index))),
                )
            )
        events.sort(key=lambda e: (e.date.sort_key, title_key(e.title)))

        marking = fm.marking or self.config.default_marking
        self.check_marking(marking, document)

        self.check_citations(body, _Chained(claims, available_sources))
        self.warn_of_citations_in_plain_text(fm, document)
        self.report_link_problems(body)
        if fm.status == "published":
            self.warn_of_placeholders(fm, document)
        if fm.updated is not None and fm.updated < fm.date:
            self.warning(
                document.position_of(("updated",)),
                f"updated: {fm.updated} is before the briefing's date ({fm.date})",
                "date: is when it was first published; updated: a later revision",
                "schema",
            )
        for index, correction in enumerate(fm.corrections):
            if correction.date < fm.date:
                self.warning(
                    document.position_of(("corrections", index, "date")),
                    f"the correction of {correction.date} is dated before the briefing ({fm.date})",
                    "a correction is made after publication: check both dates",
                    "schema",
                )
        tags = self.check_own_tags(fm.tags, document)

        if fm.slug is None and has_invisible_characters(self.path.name):
            self.warning(
                Position(1, 1),
                f"the file name {self.path.name!r} contains invisible or control characters",
                "rename the file; its URL is made from the visible characters only",
                "slug",
            )
        slug = briefing_slug(self.path, fm.slug)
        if slug in RESERVED_SLUGS:
            self.error(
                document.position_of(("slug",)) if fm.slug else Position(1, 1),
                f"'{slug}' cannot be a slug: it is a reserved file name on Windows",
                "set another slug: in the front matter",
                "slug",
            )
        if not slug:
            self.error(
                Position(1, 1),
                f"cannot make a URL slug from the file name '{self.path.name}'",
                "set slug: in the front matter",
                "slug",
            )
        if len(slug) > MAX_SLUG_LENGTH:  # a `slug:` that long is refused as an id
            self.error(
                Position(1, 1),
                f"the slug made from the file name is {len(slug)} characters long; "
                f"the limit is {MAX_SLUG_LENGTH}",
                "set a shorter slug: in the front matter, or rename the file",
                "slug",
            )
        if self.diagnostics.count(Severity.ERROR) > errors_before:
            return None

        used_sources = _sources_in_order_of_use(
            body, claims.values(), events, local_sources, available_sources
        )
        return Briefing(
            path=self.path,
            slug=slug,
            title=fm.title,
            date=fm.date,
            updated=fm.updated,
            summary=fm.summary,
            authors=tuple(fm.authors),
            tags=tuple(tag for tag, _ in tags.values()),
            tag_positions=tuple(position for _, position in tags.values()),
            status=fm.status,
            marking=marking,
            aliases=tuple(fm.aliases),
            alias_positions=tuple(document.position_of(("aliases", i)) for i in range(len(fm.aliases))),
            slug_position=document.position_of(("slug",)) if fm.slug else None,
            corrections=tuple(Correction(c.date, c.text) for c in fm.corrections),
            local_sources=local_sources,
            claims=claims,
            timeline=tuple(events),
            body=body,
            field_phrases=phrases_in_fields(_prose_fields(fm, document), self.text),
            sources=used_sources,
        )

    def warn_of_citations_in_plain_text(self, fm: FrontMatter, document: YamlDocument) -> None:
        """A `[@id]` in a field shown as plain text is shown as written, not as a badge."""
        fields: list[tuple[YamlPath, str | None, str]] = [
            (("summary",), fm.summary, "list the sources in the body or under a claim's sources:")
        ]
        for claim_id, claim in fm.claims.items():
            hint = "list the claim's sources under its sources:"
            fields += [(("claims", claim_id, "statement"), claim.statement, hint)]
            fields += [(("claims", claim_id, "note"), claim.note, hint)]
        for source_id, source in fm.sources.items():
            hint = "name the other source in words; if this one repeats it, say so with derived_from:"
            fields += [(("sources", source_id, "note"), source.note, hint)]
        for index, correction in enumerate(fm.corrections):
            fields += [(("corrections", index, "text"), correction.text, "name the source in words")]
        for index, event in enumerate(fm.timeline):
            hint = "list the event's sources under its sources:"
            fields += [(("timeline", index, "title"), event.title, hint)]
        lines: list[str] | None = None
        for path, text, hint in fields:
            citations = citations_in_text(text or "")
            if not citations:
                continue
            lines = self.text.split("\n") if lines is None else lines
            start = document.position_of(path)
            cursor, end = start, _next_value_start(document, start)
            for citation in citations:
                at = _written_at(lines, citation, cursor, end)
                if at is not None:
                    cursor = Position(at.line, at.col + len(citation))
                self.warning(
                    at or start,
                    f"the citation '{citation}' is shown as text here, not as a badge",
                    hint,
                    "citation",
                )

    def warn_of_placeholders(self, fm: FrontMatter, document: YamlDocument) -> None:
        """A published briefing that still holds the example text of `brief new`."""
        texts: list[tuple[YamlPath, str | None]] = [(("summary",), fm.summary)]
        for source_id, source in fm.sources.items():
            texts += [(("sources", source_id, "title"), source.title)]
            texts += [(("sources", source_id, "publisher"), source.publisher)]
        texts += [
            (("claims", claim_id, "statement"), claim.statement) for claim_id, claim in fm.claims.items()
        ]
        texts += [(("timeline", index, "title"), event.title) for index, event in enumerate(fm.timeline)]
        for path, text in texts:
            if text is not None and text.strip() in PLACEHOLDERS:
                self.warning(
                    document.position_of(path),
                    f"the example text of brief new is still here: '{text.strip()}'",
                    "replace it, or delete what you do not need",
                    "placeholder",
                )

    def report_link_problems(self, body: RenderedBody) -> None:
        """The links and images the body's Markdown refused (unsafe schemes, remote images)."""
        for link_problem in body.problems:
            self.diagnostics.add(
                Diagnostic(
                    self.path,
                    link_problem.position,
                    Severity.ERROR if link_problem.is_error else Severity.WARNING,
                    link_problem.message,
                    link_problem.hint,
                    "link",
                )
            )

    def check_references(
        self, document: YamlDocument, available_sources: Mapping[str, object], claim_ids: Collection[str]
    ) -> None:
        """Every id the front matter refers to names a source or claim that exists."""
        for reference in _references(document.value):
            if reference.target == reference.derived_by:
                position = document.position_of(reference.path)
                self.error(position, f"source '{reference.target}' derives from itself", *DERIVES_FROM_ITSELF)
            elif reference.kind == "source":
                if reference.target not in available_sources:  # its position only for a message
                    self.missing_source(
                        reference.target,
                        available_sources,
                        claim_ids,
                        document.position_of(reference.path),
                        reference.what,
                    )
            elif reference.target not in claim_ids:
                self.error(
                    document.position_of(reference.path),
                    f"{reference.what} unknown claim '{reference.target}'",
                    id_suggestion(reference.target, claim_ids),
                    "unknown-id",
                )

    def missing_source(
        self,
        source_id: str,
        available: Mapping[str, object],
        claim_ids: Collection[str],
        position: Position,
        what: str,
    ) -> None:
        """Report a reference to `source_id`, which names none of the `available` sources."""
        if self.registry_unreadable:  # its own error says why
            return
        if source_id in self.broken_shared:
            self.error(position, f"{what} '{source_id}', {_BROKEN_SHARED}", _FIX_SHARED, "unknown-id")
            return
        if source_id in claim_ids:
            self.error(
                position,
                f"{what} '{source_id}', which is a claim, not a source",
                "list sources here; cite claims in the body",
                "unknown-id",
            )
            return
        self.error(
            position,
            f"{what} unknown source '{source_id}'",
            id_suggestion(source_id, available) or _declare_hint(source_id),
            "unknown-id",
        )

    def check_own_tags(
        self, tags_written: Sequence[str], document: YamlDocument
    ) -> dict[str, tuple[str, Position]]:
        """Each tag makes a page name, once per briefing; the tags kept, by the slug of
        their page, with where each is written."""
        if len(tags_written) > MAX_TAGS:
            self.error(
                document.position_of(("tags",)),
                f"a briefing has at most {MAX_TAGS} tags; this one has {len(tags_written)}",
                "keep the tags a reader would browse by; the rest belong in the text",
                "schema",
            )
        tags: dict[str, tuple[str, Position]] = {}  # by the slug of the tag's page
        for tag_index, tag in enumerate(tags_written):
            position = document.position_of(("tags", tag_index))
            page = tag_slug(tag)
            if has_invisible_characters(tag):
                self.error(
                    position,
                    f"the tag {tag!r} contains invisible or control characters",
                    "retype the tag; bidirectional and zero-width characters can make two tags look alike",
                    "tag",
                )
            elif not page:
                self.error(
                    position, f"the tag '{tag}' has no letters or digits to make a URL from", code="tag"
                )
            elif len(page) > MAX_SLUG_LENGTH:
                self.error(
                    position,
                    f"the tag '{tag[:20]}…' makes a page name of {len(page)} characters; "
                    f"the limit is {MAX_SLUG_LENGTH}",
                    "shorten the tag",
                    "tag",
                )
            elif page in tags:
                first_tag = tags[page][0]
                repeated = "is listed twice" if tag == first_tag else f"repeats the tag '{first_tag}'"
                self.warning(
                    position,
                    f"the tag '{tag}' {repeated}",
                    f"both are the tag of tags/{page}/; delete one",
                    "tag",
                )
            else:
                tags[page] = (tag, position)
        return tags

    def check_marking(self, marking: str, document: YamlDocument) -> None:
        if marking not in self.config.spec.markings:
            self.error(
                document.position_of(("marking",)),
                f"'{marking}' is not one of the site's markings",
                "use one of: " + ", ".join(self.config.spec.markings),
                "schema",
            )

    def check_grade(self, grade: str, position: Position) -> None:
        scale = self.config.spec.scales.credibility
        if grade not in scale:
            self.error(
                position,
                f"{shown(grade)} is not a credibility grade",
                "use one of: " + ", ".join(scale),
                "schema",
            )

    def check_citations(self, body: RenderedBody, known: Mapping[str, object]) -> None:
        """Every id the body cites is a key of `known` (sources and claims)."""
        for found in body.citations:
            for index, item in enumerate(found.items):
                if item.id not in known and self.registry_unreadable:
                    continue  # perhaps a shared source: the registry's own error says why
                if item.id not in known and item.id in self.broken_shared:
                    message = f"citation of '{item.id}', {_BROKEN_SHARED}"
                    self.error(found.item_position(index), message, _FIX_SHARED, "unknown-id")
                elif item.id not in known:
                    self.error(
                        found.item_position(index),
                        f"citation of unknown id '{item.id}'",
                        id_suggestion(item.id, known) or _declare_hint(item.id),
                        "unknown-id",
                    )


def _next_value_start(document: YamlDocument, start: Position) -> Position | None:
    """Where the front matter's next value after the one at `start` begins, if one does."""
    later = (document.position_at(mark) for mark in document.value_marks.values())
    return min((position for position in later if position > start), default=None)


def _written_at(lines: list[str], needle: str, start: Position, end: Position | None) -> Position | None:
    """Where `needle` is written in the file's `lines`, from `start` and before `end`: a value's
    text as its source spells it. None where it is not (a quoted escape, a line break within)."""
    for index in range(start.line - 1, min(len(lines), end.line if end else len(lines))):
        line = lines[index]
        stop = end.col - 1 if end is not None and index == end.line - 1 else len(line)
        found = line.find(needle, start.col - 1 if index == start.line - 1 else 0, stop)
        if found >= 0:
            return Position(index + 1, found + 1)
    return None


def _prose_fields(fm: FrontMatter, document: YamlDocument) -> list[tuple[str, Position]]:
    """The front matter's prose, where estimative language is checked as in the body: the
    summary, each claim's statement and note, each event's title and description."""
    texts: list[tuple[YamlPath, str | None]] = [(("summary",), fm.summary)]
    for claim_id, claim in fm.claims.items():
        texts += [
            (("claims", claim_id, "statement"), claim.statement),
            (("claims", claim_id, "note"), claim.note),
        ]
    for index, event in enumerate(fm.timeline):
        texts += [
            (("timeline", index, "title"), event.title),
            (("timeline", index, "description"), event.description),
        ]
    return [(text, document.position_of(path)) for path, text in texts if text]


_BROKEN_SHARED = f"whose entry in briefings/{REGISTRY_NAME} has errors"
_FIX_SHARED = "fix that entry; its errors are reported at its lines"


def _declare_hint(source_id: str) -> str:
    if not ID_PATTERN.fullmatch(source_id):  # `[@Ключ]`: no source could be declared so
        return "ids use lowercase letters a-z, digits and hyphens: cite the id as it is declared"
    return f"declare '{source_id}' under sources: in the front matter or in briefings/{REGISTRY_NAME}"


def _declared_ids(raw: Any) -> dict[str, list[str]]:
    """The ids under `sources:` and under `claims:` of a front matter as written."""
    ids: dict[str, list[str]] = {"sources": [], "claims": []}
    if isinstance(raw, dict):
        for key, found in ids.items():
            section = raw.get(key)
            if isinstance(section, dict):
                found.extend(str(k) for k in section)
    return ids


@dataclass(frozen=True)
class _Reference:
    """An id that the front matter refers to, where it does, and what it must name."""

    path: YamlPath
    target: str
    kind: Literal["source", "claim"]
    #: The start of the message if the id names nothing: "claim 'c1' cites".
    what: str
    #: The source whose `derived_from` lists the id, if that is where it is.
    derived_by: str | None = None


def _references(raw: Any) -> Iterator[_Reference]:
    """Every id a front matter refers to, read from the YAML as written, so that references
    are checked even when other parts of the front matter are invalid. Values of the wrong
    type are left to the schema's errors."""
    if not isinstance(raw, dict):
        return

    def ids(section: Any, *path: str | int) -> Iterator[tuple[YamlPath, Any]]:
        if isinstance(section, list):
            for index, item in enumerate(section):
                yield (*path, index), item

    sources = raw.get("sources")
    if isinstance(sources, dict):
        for source_id, spec in sources.items():
            if isinstance(spec, dict):
                for path, parent in ids(spec.get("derived_from"), "sources", source_id, "derived_from"):
                    if isinstance(parent, str):
                        what = f"source '{source_id}' derives from"
                        yield _Reference(path, parent, "source", what, derived_by=str(source_id))
    claims = raw.get("claims")
    if isinstance(claims, dict):
        for claim_id, spec in claims.items():
            if isinstance(spec, dict):
                for path, ref in ids(spec.get("sources"), "claims", claim_id, "sources"):
                    target = ref.get("id") if isinstance(ref, dict) else ref
                    if isinstance(target, str):
                        yield _Reference(path, target, "source", f"claim '{claim_id}' cites")
    for event_path, event in ids(raw.get("timeline"), "timeline"):
        if isinstance(event, dict):
            title = event.get("title")
            name = f"event '{title}'" if isinstance(title, str) else f"event {event_path[-1]!r}"
            for path, claim_id in ids(event.get("claims"), *event_path, "claims"):
                if isinstance(claim_id, str):
                    yield _Reference(path, claim_id, "claim", f"{name} refers to")
            for path, source_id in ids(event.get("sources"), *event_path, "sources"):
                if isinstance(source_id, str):
                    yield _Reference(path, source_id, "source", f"{name} cites")


def _sources_in_order_of_use(
    body: RenderedBody,
    claims: Iterable[Claim],
    events: Iterable[Event],
    local_sources: Mapping[str, Source],
    available: Mapping[str, Source],
) -> dict[str, Source]:
    """The sources a briefing shows: its own, then shared ones it uses, in order of first use."""
    used: dict[str, Source] = dict(local_sources)
    mentioned: list[str] = [item.id for found in body.citations for item in found.items]
    for claim in claims:
        mentioned.extend(ref.id for ref in claim.sources)
    for event in events:
        mentioned.extend(event.sources)
    pending = list(mentioned)
    while pending:
        source_id = pending.pop(0)
        # Tested before it is looked up: most ids are used already, or name claims, which
        # `available.get` would look for by catching a KeyError.
        if source_id not in used and source_id in available:
            source = available[source_id]
            used[source_id] = source
            pending.extend(source.derived_from)
    for source in list(used.values()):
        for parent in source.derived_from:
            if parent in available and parent not in used:
                used[parent] = available[parent]
    return used


@compact
@dataclass(frozen=True, slots=True)
class LoadedFile:
    """What loading one file gave, as the build cache keeps it."""

    briefing: Briefing | None
    diagnostics: tuple[Diagnostic, ...]
    declared: Declared | None
    #: The briefing's outline digest (`content.outline`), when it loaded.
    outline: str | None = None
    #: The load cache's key for the body's HTML, which the cache keeps as long as this file.
    body_key: str | None = None
    #: The shared sources the briefing holds, each with its digest (`LoadCache.for_site`).
    shared_sources: tuple[tuple[str, str], ...] = ()
    #: The body of a file that gave no briefing, so that its links are checked all the same.
    body: RenderedBody | None = None


@dataclass(frozen=True, slots=True)
class _LoadContext:
    config: SiteConfig
    registry: SharedRegistry
    cache: LoadCache
    #: False where the main process has looked the files up in the cache already.
    look_up_files: bool = True
    #: Return a file's cache entries alone where it has them, not its model as well:
    #: pickling the model in a worker and unpickling it in the main process took 0.34 ms a
    #: file, decoding it from the entries, which go to the main process anyway, 0.13 ms.
    entries_only: bool = False


def _load_one(shared: _LoadContext, path: Path) -> tuple[LoadedFile | None, CacheEntries]:
    """Load one file in a worker process: what `_load_file` returns, but with None for the
    file where `shared.entries_only` and the entries hold it (see `LoadCache.decode_new`)."""
    loaded, entries = _load_file(shared, path)
    if shared.entries_only and shared.cache.new_file_key(entries) is not None:
        return None, entries
    return loaded, entries


def _load_file(shared: _LoadContext, path: Path) -> tuple[LoadedFile, CacheEntries]:
    """Load one file, or take it from the cache.

    Returns what it loaded and the cache entries it used and made: only the main process
    writes the cache."""
    entries = CacheEntries()
    try:
        data = path.read_bytes()
    except OSError:
        data = None
    key = shared.cache.key(path, data) if data is not None else None
    if key is not None and shared.look_up_files:
        cached = shared.cache.get(key, entries)
        if cached is not None:
            return cached, entries
    diagnostics = DiagnosticList()
    loader = _BriefingLoader(path, shared.config, shared.registry, diagnostics, shared.cache, entries)
    briefing = loader.load(data)
    bodiless = cachecodec.dumps(without_body(briefing)) if briefing is not None else None
    outline = outline_digest(briefing, bodiless) if briefing is not None else None
    shared_sources = shared.cache.shared_sources_of(briefing) if briefing is not None else ()
    loaded = LoadedFile(
        briefing,
        tuple(diagnostics.items),
        loader.declared,
        outline,
        loader.body_key,
        shared_sources,
        loader.body if briefing is None else None,
    )
    if key is not None:
        shared.cache.add(key, loaded, bodiless, entries)
    return loaded, entries


def _cached_files(cache: LoadCache, paths: list[Path]) -> dict[Path, tuple[LoadedFile, CacheEntries]]:
    """The files whose entries the cache holds, read in this process.

    Decoding an entry takes about half a millisecond; in a worker it would cost as much
    again to pickle it back, so only the files that need loading go to the workers."""
    if not cache.holds_files():
        return {}
    keys: dict[Path, str] = {}
    for path in paths:
        try:
            keys[path] = cache.key(path, path.read_bytes())
        except OSError:
            continue  # a worker reports it
    held = cache.get_many(keys.values())
    return {path: held[key] for path, key in keys.items() if key in held}


def load_corpus(config: SiteConfig, read_cache: bool = True) -> tuple[Corpus, DiagnosticList]:
    """Load every briefing (drafts included) and the shared registry, on every core.

    Unchanged files come from the content-addressed cache (`content.cache`), which then
    keeps only this load's entries.
    """
    diagnostics = DiagnosticList()
    registry = load_registry(config, diagnostics)
    paths = find_briefing_files(config.briefings_dir, diagnostics)
    if not config.briefings_dir.exists() and not config.briefings_dir.is_symlink():
        diagnostics.add(
            Diagnostic(
                config.path,
                Position(1, 1),
                Severity.WARNING,
                "there is no briefings/ folder beside site.yaml: the site has no briefings",
                'make the folder and put the briefings in it, or run brief new "A title"',
                "not-read",
            )
        )
    briefings = []
    declared: dict[Path, Declared] = {}
    outlines: dict[Path, str] = {}
    failed_bodies: dict[Path, RenderedBody] = {}
    cache = LoadCache.for_site(config, registry, read=read_cache)
    context = _LoadContext(config, registry, cache, look_up_files=False, entries_only=True)
    cached = _cached_files(cache, paths)
    writer = cache.writer()
    # The other files are loaded in workers, whose results stream back in this order.
    loaded_in_workers = map_shared(_load_one, context, [path for path in paths if path not in cached])
    by_key: dict[str, LoadedFile] = {}
    for path in paths:
        if path in cached:
            loaded, entries = cached[path]
        else:
            sent, entries = next(loaded_in_workers)
            loaded = sent or cache.decode_new(entries) or _load_file(context, path)[0]
        key = cache.file_key_in(entries)
        if key is not None:
            by_key[key] = loaded
        briefing, problems, declared_here = loaded.briefing, loaded.diagnostics, loaded.declared
        diagnostics.extend(problems)
        if briefing is not None:
            briefings.append(briefing)
        elif loaded.body is not None:
            failed_bodies[path] = loaded.body
        if declared_here is not None:
            declared[path] = declared_here
        if loaded.outline is not None:
            outlines[path] = loaded.outline
        writer.add(entries)
    next(loaded_in_workers, None)  # past the last result: the workers are closed
    writer.finish(keep_only_used=True)
    cache.remember(by_key)
    loaded_paths = {briefing.path for briefing in briefings}
    failed = {path: found for path, found in declared.items() if path not in loaded_paths}
    briefings = check_slugs(briefings, diagnostics)
    check_slugs_of_failed_files(briefings, failed, diagnostics)
    check_tags(briefings, diagnostics)
    corpus = Corpus(tuple(briefings), registry.sources, declared, outlines, failed_bodies, len(paths))
    return corpus, diagnostics


def load_files(config: SiteConfig, paths: list[Path]) -> tuple[list[LoadedFile], DiagnosticList]:
    """Load a few briefing files on their own, in this process, with the shared registry.

    Unlike `load_corpus`, nothing is checked across files: the caller knows the rest.
    """
    diagnostics = DiagnosticList()
    registry = load_registry(config, diagnostics)
    cache = LoadCache.for_site(config, registry)
    context = _LoadContext(config, registry, cache)
    loaded = []
    writer = cache.writer()
    for path in paths:
        file, entries = _load_file(context, path)
        loaded.append(file)
        writer.add(entries)
    writer.finish()
    return loaded, diagnostics
