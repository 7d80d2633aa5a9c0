"""Find the briefing files, build the content model and collect every diagnostic on the way.

Every file is read before anything is rendered, so cross-references (ids, links between
briefings, slugs) can be checked across the whole site, and every problem of every file
is reported in one run.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from generator import cachecodec
from generator.config import SiteConfig
from generator.content.cache import CacheEntries, LoadCache
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
from generator.content.outline import outline_digest, without_body
from generator.content.paths import is_skipped_name
from generator.content.schema import ClaimSpec, FrontMatter, SourceRegistry, SourceSpec
from generator.content.validation import valid_entries, validate_document
from generator.content.values import (
    MAX_SLUG_LENGTH,
    RESERVED_SLUGS,
    has_invisible_characters,
    slug_of,
    tag_slug,
)
from generator.content.yamldoc import YamlDocument, YamlPath, load_yaml
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity
from generator.markdown.body import RenderedBody, citations_in_text, inline_field_problems, render_body
from generator.markdown.estimative import phrases_in_fields
from generator.markdown.links import LinkReference
from generator.parallel import map_shared
from generator.pickling import compact
from generator.scaffold import PLACEHOLDERS
from generator.timeline import title_key

REGISTRY_NAME = "_sources.yaml"
#: Every tag page shows the card of each of its briefings, and the card names the briefing's
#: tags: pages grow with the square of one briefing's tags (4,000 took 110 s to build).
MAX_TAGS = 100


@compact
@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a relative link or image of a body points, once resolved."""

    #: `briefing` or `static`.
    kind: str
    #: The target briefing's slug, or the file's path inside `static/` (POSIX).
    target: str
    fragment: str = ""


# --- finding files -----------------------------------------------------------------------


def find_briefing_files(briefings_dir: Path, diagnostics: DiagnosticList) -> list[Path]:
    """Every `*.md` under `briefings/`, skipping `_` and `.` names, refusing symbolic links
    (`briefings/` itself among them)."""
    if briefings_dir.is_symlink():
        _refuse_symlink(briefings_dir, diagnostics)
        return []
    if not briefings_dir.is_dir():
        return []
    found: list[Path] = []
    for folder, subfolders, files in os.walk(briefings_dir, followlinks=False):
        base = Path(folder)
        kept = []
        for name in sorted(subfolders):
            if is_skipped_name(name):
                continue
            if (base / name).is_symlink():
                _refuse_symlink(base / name, diagnostics)
                continue
            kept.append(name)
        subfolders[:] = kept
        for name in sorted(files):
            path = base / name
            if is_skipped_name(name):
                continue
            if path.is_symlink():
                if name.endswith(".md"):
                    _refuse_symlink(path, diagnostics)
                continue
            if name.endswith(".md"):
                found.append(path)
            elif path.suffix.lower() in _OTHER_MARKDOWN_SUFFIXES:
                diagnostics.add(
                    Diagnostic(
                        path,
                        Position(1, 1),
                        Severity.WARNING,
                        "this file is not read: briefings are the files whose names end in .md",
                        f"rename it to {path.stem}.md",
                        "not-read",
                    )
                )
    return sorted(found, key=lambda p: p.relative_to(briefings_dir).as_posix())


#: Suffixes of Markdown files that are not `.md` (`.MD` among them, lowered): such a file
#: was meant as a briefing.
_OTHER_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn"})


def _refuse_symlink(path: Path, diagnostics: DiagnosticList) -> None:
    diagnostics.error(
        path,
        Position(1, 1),
        "symbolic links are not allowed in a site's folders",
        "copy the file instead, so the build never reads outside the site",
        code="symlink",
    )


# --- the shared source registry ------------------------------------------------------------


@dataclass(frozen=True)
class SharedRegistry:
    """`briefings/_sources.yaml`: its valid sources, and the ids of the entries with errors
    (reported there; a briefing that uses one is told so, not that the id is unknown)."""

    sources: dict[str, Source] = field(default_factory=dict)
    broken: frozenset[str] = frozenset()
    #: The file is there but could not be read as a registry at all (not text, not YAML, not
    #: a mapping): any id may be one of its, so none is reported as unknown meanwhile.
    unreadable: bool = False


def load_registry(config: SiteConfig, diagnostics: DiagnosticList) -> SharedRegistry:
    """The shared registry; an entry with errors leaves the others usable."""
    path = config.briefings_dir / REGISTRY_NAME
    if path.is_symlink():
        _refuse_symlink(path, diagnostics)
        return SharedRegistry()
    if not path.is_file():
        return SharedRegistry()
    try:
        data = path.read_bytes()
    except OSError as error:
        diagnostics.error(path, Position(1, 1), f"cannot read the file: {error.strerror}", code="io")
        return SharedRegistry(unreadable=True)
    text, problem = read_text(path, data)
    if problem:
        diagnostics.add(problem)
        return SharedRegistry(unreadable=True)
    assert text is not None
    document, problem = load_yaml(text, path)
    if problem:
        diagnostics.add(problem)
        return SharedRegistry(unreadable=True)
    assert document is not None
    diagnostics.extend(document.problems)
    if document.value is None:
        return SharedRegistry()
    registry, problems = validate_document(SourceRegistry, document, REGISTRY_NAME)
    diagnostics.extend(problems)
    if registry is None and not isinstance(document.value, dict):
        return SharedRegistry(unreadable=True)
    specs = registry.root if registry is not None else valid_entries(SourceSpec, document.value)
    assert isinstance(document.value, dict)
    broken = frozenset(str(key) for key in document.value) - specs.keys()
    sources = {
        source_id: _build_source(source_id, spec, document, (source_id,), config, True, diagnostics)
        for source_id, spec in specs.items()
    }
    for source in sources.values():
        for index, parent in enumerate(source.derived_from):
            if parent not in sources and parent not in broken:
                diagnostics.error(
                    path,
                    document.position_of((source.id, "derived_from", index)),
                    f"source '{source.id}' derives from unknown source '{parent}'",
                    _suggest(parent, sources),
                    code="unknown-id",
                )
    return SharedRegistry(sources, broken)


def check_reliability(
    grade: str, document: YamlDocument, yaml_path: YamlPath, config: SiteConfig, diagnostics: DiagnosticList
) -> None:
    """An error at `yaml_path` unless `grade` is one of the site's reliability grades."""
    scale = config.spec.scales.reliability
    if grade not in scale:
        diagnostics.error(
            document.path,
            document.position_of(yaml_path),
            f"'{grade}' is not a reliability grade",
            "use one of: " + ", ".join(scale),
            code="schema",
        )


def _build_source(
    source_id: str,
    spec: SourceSpec,
    document: YamlDocument,
    yaml_path: YamlPath,
    config: SiteConfig,
    shared: bool,
    diagnostics: DiagnosticList,
) -> Source:
    reliability = spec.reliability if spec.reliability is not None else config.default_reliability
    check_reliability(reliability, document, (*yaml_path, "reliability"), config, diagnostics)
    return Source(
        id=source_id,
        title=spec.title,
        publisher=spec.publisher,
        author=spec.author,
        url=spec.url,
        published=spec.published,
        accessed=spec.accessed,
        kind=spec.kind,
        reliability=reliability,
        derived_from=tuple(spec.derived_from),
        retracted=spec.retracted,
        disputed=spec.disputed,
        note=spec.note,
        location=Location(document.path, document.key_position_of(yaml_path)),
        shared=shared,
    )


# --- one briefing -------------------------------------------------------------------------


def _suggest(unknown: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(unknown, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if unknown != unknown.lower() and unknown.lower() in set(known):
        return f"ids are lowercase: '{unknown.lower()}'"
    return None


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
        return any(key in mapping for mapping in self.maps)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(key for mapping in self.maps for key in mapping))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def slug_from_path(path: Path) -> str:
    """The URL slug of a file name: transliterated to `[a-z0-9-]`."""
    return slug_of(path.stem)


def briefing_slug(path: Path, declared: str | None) -> str:
    """A briefing's slug: its front matter's `slug:`, or else its file name made into one."""
    return declared or slug_from_path(path)


@dataclass(frozen=True, slots=True)
class SlugUse:
    """A file under `briefings/` that takes a slug: as its own (`slug`) or as an old address
    (`alias`)."""

    path: Path
    how: Literal["slug", "alias"]


def slugs_in_use(config: SiteConfig) -> dict[str, SlugUse]:
    """Every slug the site's briefings take, drafts included, casefolded as `check_slugs`
    compares them: a briefing's own and its aliases. A file with errors takes its `slug:`
    if that is text, or else its file name's, and its aliases that are text."""
    corpus, _ = load_corpus(config)
    loaded = {briefing.path for briefing in corpus.briefings}
    taken = [(briefing.path, briefing.slug, briefing.aliases) for briefing in corpus.briefings]
    for path in find_briefing_files(config.briefings_dir, DiagnosticList()):
        if path not in loaded:
            raw = _front_matter_as_written(path)
            slug, aliases = raw.get("slug"), raw.get("aliases")
            taken.append(
                (
                    path,
                    briefing_slug(path, slug if isinstance(slug, str) else None),
                    tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else (),
                )
            )
    used: dict[str, SlugUse] = {}
    for path, slug, _ in taken:
        used.setdefault(slug.casefold(), SlugUse(path, "slug"))
    for path, _, aliases in taken:
        for alias in aliases:
            used.setdefault(alias.casefold(), SlugUse(path, "alias"))
    return used


def _front_matter_as_written(path: Path) -> dict[str, Any]:
    """The YAML mapping of a file's front matter, or an empty one where there is none."""
    try:
        text, _ = read_text(path, path.read_bytes())
    except OSError:
        return {}
    split, _ = split_front_matter(path, text) if text is not None else (None, None)
    if split is None:
        return {}
    document, _ = load_yaml(split.front_matter, path, split.front_matter_offset)
    value = document.value if document is not None else None
    return value if isinstance(value, dict) else {}


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
            source_id: _build_source(
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
        for path, text, hint in fields:
            for citation in citations_in_text(text or ""):
                self.warning(
                    document.position_of(path),
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
            position = document.position_of(reference.path)
            if reference.kind == "source":
                self.check_source_ref(
                    reference.target, available_sources, claim_ids, position, reference.what
                )
            elif reference.target not in claim_ids:
                self.error(
                    position,
                    f"{reference.what} unknown claim '{reference.target}'",
                    _suggest(reference.target, claim_ids),
                    "unknown-id",
                )

    def check_source_ref(
        self,
        source_id: str,
        available: Mapping[str, object],
        claim_ids: Collection[str],
        position: Position,
        what: str,
    ) -> None:
        if source_id in available or self.registry_unreadable:  # its own error says why
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
            _suggest(source_id, available) or _declare_hint(source_id),
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
                )
            elif not page:
                self.error(position, f"the tag '{tag}' has no letters or digits to make a URL from")
            elif len(page) > MAX_SLUG_LENGTH:
                self.error(
                    position,
                    f"the tag '{tag[:20]}…' makes a page name of {len(page)} characters; "
                    f"the limit is {MAX_SLUG_LENGTH}",
                    "shorten the tag",
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
                position, f"'{grade}' is not a credibility grade", "use one of: " + ", ".join(scale), "schema"
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
                        _suggest(item.id, known) or _declare_hint(item.id),
                        "unknown-id",
                    )


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
                        yield _Reference(path, parent, "source", f"source '{source_id}' derives from")
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
        source = available.get(source_id)
        if source is not None and source_id not in used:
            used[source_id] = source
            pending.extend(source.derived_from)
    for source in list(used.values()):
        for parent in source.derived_from:
            if parent in available and parent not in used:
                used[parent] = available[parent]
    return used


# --- across files -------------------------------------------------------------------------


def check_tags(briefings: Iterable[Briefing], diagnostics: DiagnosticList) -> None:
    """Warn where two tags that are not one word spelled in other cases get one page (`C`
    and `C++` both make tags/c/): the site shows them as one tag."""
    first_spelling: dict[str, tuple[str, Briefing]] = {}
    warned: set[tuple[str, str]] = set()
    for briefing in briefings:
        for tag, position in zip(briefing.tags, briefing.tag_positions, strict=True):
            page = tag_slug(tag)
            first, owner = first_spelling.setdefault(page, (tag, briefing))
            if first.casefold() == tag.casefold() or (page, tag.casefold()) in warned:
                continue
            warned.add((page, tag.casefold()))
            diagnostics.add(
                Diagnostic(
                    briefing.path,
                    position,
                    Severity.WARNING,
                    f"the tag '{tag}' shares the page tags/{page}/ with the tag '{first}' of "
                    f"{_relative(owner.path)}: the site shows them as one tag",
                    "spell them alike if they are one tag; otherwise make them differ in letters or digits",
                    "tag",
                )
            )


def check_slugs_of_failed_files(
    briefings: list[Briefing], failed: Mapping[Path, Declared], diagnostics: DiagnosticList
) -> None:
    """A file with errors still takes its slug (its `slug:`, or its name's): a clash with
    another file is reported in the same run as its other errors, at the file with errors.
    `failed` holds what each file that gave no briefing declares."""
    owners = {briefing.slug.casefold(): briefing.path for briefing in briefings}
    for path, found in sorted(failed.items()):
        slug = briefing_slug(path, found.slug)
        if not slug:
            continue
        other = owners.setdefault(slug.casefold(), path)
        if other != path:
            diagnostics.error(
                path,
                found.slug_position or Position(1, 1),
                f"the slug '{slug}' is already used by {_relative(other)}",
                "set a different slug: in the front matter, or rename the file",
                code="duplicate-slug",
            )


def check_slugs(briefings: list[Briefing], diagnostics: DiagnosticList) -> list[Briefing]:
    """Refuse two briefings (or an alias and a briefing) with one slug. Returns the survivors."""
    owners: dict[str, Briefing] = {}
    survivors = []
    for briefing in briefings:
        folded = briefing.slug.casefold()
        if folded in owners:
            other = owners[folded]
            # Reported where a slug: sets it, in the file that does, if one of the two does.
            at, of = (
                (other, briefing)
                if briefing.slug_position is None and other.slug_position
                else (briefing, other)
            )
            diagnostics.error(
                at.path,
                at.slug_position or Position(1, 1),
                f"the slug '{at.slug}' is already used by {_relative(of.path)}",
                "set a different slug: in the front matter, or rename the file",
                code="duplicate-slug",
            )
            continue
        owners[folded] = briefing
        survivors.append(briefing)
    alias_owners: dict[str, Briefing] = {}
    for briefing in survivors:
        for alias, position in zip(briefing.aliases, briefing.alias_positions, strict=True):
            folded = alias.casefold()
            if folded in RESERVED_SLUGS:
                diagnostics.error(
                    briefing.path,
                    position,
                    f"'{alias}' cannot be an alias: it is a reserved file name on Windows",
                    None,
                    "duplicate-slug",
                )
            elif folded in owners:
                owner = owners[folded]
                where = (
                    "this briefing's own slug"
                    if owner is briefing
                    else f"the slug of {_relative(owner.path)}"
                )
                diagnostics.error(
                    briefing.path,
                    position,
                    f"the alias '{alias}' is {where}",
                    "an alias must be an old slug that no briefing uses now",
                    code="duplicate-slug",
                )
            elif folded in alias_owners and alias_owners[folded] is not briefing:
                diagnostics.error(
                    briefing.path,
                    position,
                    f"the alias '{alias}' is also an alias of {_relative(alias_owners[folded].path)}",
                    "an old address can redirect to one briefing only",
                    code="duplicate-slug",
                )
            elif folded in alias_owners:
                diagnostics.add(
                    Diagnostic(
                        briefing.path,
                        position,
                        Severity.WARNING,
                        f"the alias '{alias}' is listed twice",
                        "delete one of them",
                        "duplicate-slug",
                    )
                )
            alias_owners.setdefault(folded, briefing)
    return survivors


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return path.as_posix()


def page_ids(briefing: Briefing) -> set[str]:
    """Every id a briefing page carries, for checking `#fragment` links."""
    ids = {"body", "main"}
    sections = {
        "revisions": briefing.revisions,
        "bluf": briefing.summary,
        "key-judgments": briefing.claims,
        "timeline": briefing.timeline,
        "sources": briefing.sources,
        "corrections": briefing.corrections,
    }
    ids.update(section for section, content in sections.items() if content)
    ids.update(briefing.body.heading_ids)
    ids.update(f"claim-{claim_id}" for claim_id in briefing.claims)
    ids.update(f"src-{source_id}" for source_id in briefing.sources)
    ids.update(found.anchor for found in briefing.body.citations)
    return ids


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """What links between briefings are checked against: each briefing's file, slug and ids."""

    #: Normalised absolute path of a briefing file → its slug.
    slug_by_file: Mapping[str, str]
    #: Slug → every id its page carries.
    ids_by_slug: Mapping[str, frozenset[str]]
    #: The slugs published in this build.
    published: frozenset[str]
    #: Normalised absolute path of a briefing file that did not load (it has errors) →
    #: whether this build would publish it (if so, its own errors fail the build).
    failed: Mapping[str, bool] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        every_briefing: Iterable[Briefing],
        published: Iterable[Briefing],
        failed: Mapping[Path, bool] | None = None,
    ) -> LinkIndex:
        known = list(every_briefing)
        folders: dict[str, str] = {}
        return cls(
            {briefing_file_key(b.path, folders): b.slug for b in known},
            {b.slug: frozenset(page_ids(b)) for b in known},
            frozenset(b.slug for b in published),
            {briefing_file_key(path, folders): publish for path, publish in (failed or {}).items()},
        )


def briefing_file_key(path: Path, resolved_folders: dict[str, str]) -> str:
    """How a link target names a briefing file: its normalised absolute path.

    Only the folder is resolved, once per folder (remembered in `resolved_folders`): a
    briefing file is never a symbolic link, the loader refuses those."""
    folder, name = os.path.split(os.path.abspath(path))
    if folder not in resolved_folders:
        resolved_folders[folder] = os.path.realpath(folder)
    return os.path.join(resolved_folders[folder], name)


def resolve_links(
    briefings: list[Briefing],
    config: SiteConfig,
    diagnostics: DiagnosticList,
    index: LinkIndex | None = None,
) -> dict[str, dict[int, LinkTarget]]:
    """Resolve every relative link and image of `briefings`; report the broken ones.

    Links may point at any briefing of `index` (default: `briefings`); a link to one that
    is not published (a draft, or one above the marking gate) is shown as plain text, so
    that it leaves no trace. Keyed by slug.
    """
    if index is None:
        index = LinkIndex.of(briefings, briefings)
    resolver = _LinkResolver(config, index, diagnostics)
    resolved: dict[str, dict[int, LinkTarget]] = {}
    for briefing in briefings:
        own_ids = page_ids(briefing)
        for fragment, position in briefing.body.fragments:
            if fragment not in own_ids:
                diagnostics.add(
                    Diagnostic(
                        briefing.path,
                        position,
                        Severity.WARNING,
                        f"link to '#{fragment}', which is not on this page",
                        _suggest(fragment, own_ids),
                        "link",
                    )
                )
        published = briefing.slug in index.published
        resolved[briefing.slug] = resolver.targets(briefing.path, briefing.body.references, published)
    return resolved


def check_links_of_failed_files(
    bodies: Mapping[Path, RenderedBody], config: SiteConfig, diagnostics: DiagnosticList, index: LinkIndex
) -> None:
    """Report the broken relative links and images of files that have errors of their own,
    so that one run reports them too. (Links within the page are not checked: a file with
    errors has no page.)"""
    resolver = _LinkResolver(config, index, diagnostics)
    for path, body in bodies.items():
        resolver.targets(path, body.references, published=False)


class _LinkResolver:
    """Resolves a file's relative links and images against the site: its briefings (by
    `index`) and static/."""

    def __init__(self, config: SiteConfig, index: LinkIndex, diagnostics: DiagnosticList) -> None:
        self.index = index
        self.diagnostics = diagnostics
        self.static_root = config.static_dir.resolve()
        self.briefings_root = config.briefings_dir.resolve()
        #: Resolved folders of briefing files (`briefing_file_key`).
        self.folders: dict[str, str] = {}

    def targets(
        self, path_from: Path, references: Iterable[LinkReference], published: bool = True
    ) -> dict[int, LinkTarget]:
        """What each reference of the file at `path_from` leads to, by its number; the
        broken ones are reported and left out. Links to briefings this build does not
        publish are warned of when the file itself is `published` (as a build would)."""
        targets: dict[int, LinkTarget] = {}
        for reference in references:
            position = reference.position
            path = reference.path
            if has_invisible_characters(path) or "\\" in path:
                self.diagnostics.error(
                    path_from,
                    position,
                    f"the link '{path}' contains backslashes, invisible or control characters",
                    None,
                    "link",
                )
                continue
            folder = Path(briefing_file_key(path_from, self.folders)).parent
            if not reference.is_image and path.endswith(".md"):
                base = self.briefings_root if path.startswith("/") else folder
                target_file = os.path.normpath(base / path.lstrip("/"))
                target = self.index.slug_by_file.get(target_file)
                if target is None and target_file in self.index.failed:
                    # A file with errors: they are reported if it is published; if it is left
                    # out, the link is to a briefing this build does not publish.
                    if published and not self.index.failed[target_file]:
                        self.diagnostics.add(_link_to_unpublished(path_from, position, path))
                    targets[reference.number] = LinkTarget("unpublished", "")
                    continue
                if target is None:
                    self.diagnostics.error(
                        path_from,
                        position,
                        f"link to '{path}', which is not a briefing of this site",
                        None,
                        "link",
                    )
                    continue
                if target not in self.index.published:
                    if published:
                        self.diagnostics.add(_link_to_unpublished(path_from, position, path))
                    targets[reference.number] = LinkTarget("unpublished", target)
                    continue
                if reference.fragment and reference.fragment not in self.index.ids_by_slug[target]:
                    self.diagnostics.add(
                        Diagnostic(
                            path_from,
                            position,
                            Severity.WARNING,
                            f"link to '{path}#{reference.fragment}': that briefing has no such anchor",
                            _suggest(reference.fragment, self.index.ids_by_slug[target]),
                            "link",
                        )
                    )
                targets[reference.number] = LinkTarget("briefing", target, reference.fragment)
                continue
            if path.startswith("/"):
                target_path = Path(os.path.normpath(self.static_root / path.lstrip("/")))
            else:
                target_path = Path(os.path.normpath(folder / path))
            what = "image" if reference.is_image else "link"
            try:
                inside = target_path.relative_to(self.static_root)
            except ValueError:
                self.diagnostics.error(
                    path_from,
                    position,
                    f"the {what} '{path}' points outside static/",
                    "put the file in static/ and write its path from there, for example /maps/area.png",
                    "link",
                )
                continue
            if not target_path.is_file() or _has_symlink(self.static_root, inside):
                self.diagnostics.error(
                    path_from,
                    position,
                    f"the {what} '{path}' names no file in static/",
                    f"expected static/{inside.as_posix()}",
                    "link",
                )
                continue
            targets[reference.number] = LinkTarget("static", inside.as_posix(), reference.fragment)
        return targets


def _link_to_unpublished(path: Path, position: Position, link: str) -> Diagnostic:
    return Diagnostic(
        path,
        position,
        Severity.WARNING,
        f"link to '{link}', which is not published in this build",
        "the link is shown as plain text",
        "link",
    )


def _has_symlink(root: Path, inside: Path) -> bool:
    current = root
    for part in inside.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


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
