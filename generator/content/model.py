"""The content model: briefings, sources, claims and events, with where each was declared."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.content.values import PartialDate
from generator.diagnostics import Position
from generator.gitinfo import Revision
from generator.markdown.body import RenderedBody
from generator.markdown.estimative import FieldPhrases
from generator.pickling import compact
from generator.timeline import EventDate


@compact
@dataclass(frozen=True, slots=True)
class Location:
    path: Path
    position: Position


@compact
@dataclass(frozen=True, slots=True)
class Source:
    """A source as declared in a briefing or in `briefings/_sources.yaml`."""

    id: str
    title: str | None
    publisher: str | None
    author: str | None
    url: str | None
    published: PartialDate | None
    accessed: PartialDate | None
    kind: str
    reliability: str
    derived_from: tuple[str, ...]
    retracted: bool | str
    disputed: bool | str
    note: str | None
    location: Location
    #: True for a source of the shared registry, `briefings/_sources.yaml`.
    shared: bool

    @property
    def name(self) -> str:
        """How the source is named in a list: its title, else its publisher."""
        return self.title or self.publisher or self.id

    @property
    def is_retracted(self) -> bool:
        return self.retracted is not False

    @property
    def is_disputed(self) -> bool:
        return self.disputed is not False

    @property
    def retraction_reason(self) -> str | None:
        return self.retracted if isinstance(self.retracted, str) else None

    @property
    def dispute_reason(self) -> str | None:
        return self.disputed if isinstance(self.disputed, str) else None


@compact
@dataclass(frozen=True, slots=True)
class ClaimSource:
    """One source a claim rests on, with the credibility of this piece of information."""

    id: str
    credibility: str | None
    location: Location


@compact
@dataclass(frozen=True, slots=True)
class Claim:
    """A key judgment of a briefing."""

    id: str
    number: int
    statement: str
    sources: tuple[ClaimSource, ...]
    credibility: str | None
    #: The confidence the analyst assessed, if any; otherwise it is derived (analysis).
    assessed_confidence: str | None
    likelihood: str | None
    note: str | None
    location: Location
    #: Where the `likelihood:` value is written, for the estimative linter.
    likelihood_position: Position | None = None


@compact
@dataclass(frozen=True, slots=True)
class Event:
    """A timeline event."""

    date: EventDate
    title: str
    description: str | None
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    location: Location


@compact
@dataclass(frozen=True, slots=True)
class Correction:
    date: datetime.date
    text: str


@compact
@dataclass(frozen=True, slots=True)
class Briefing:
    """One briefing file, validated, with its body rendered and its references checked."""

    path: Path
    slug: str
    title: str
    date: datetime.date
    updated: datetime.date | None
    summary: str | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    #: Where each tag is written (a tag listed twice is kept once).
    tag_positions: tuple[Position, ...]
    status: str
    marking: str
    aliases: tuple[str, ...]
    alias_positions: tuple[Position, ...]
    corrections: tuple[Correction, ...]
    #: Sources declared in this briefing, in declaration order.
    local_sources: Mapping[str, Source]
    claims: Mapping[str, Claim]
    timeline: tuple[Event, ...]
    body: RenderedBody
    #: Estimative language in the front matter's prose (summary, statements, notes, events).
    field_phrases: FieldPhrases = field(default_factory=FieldPhrases)
    #: Where `slug:` is written, when the front matter sets it.
    slug_position: Position | None = None
    #: Every source this briefing uses (local and shared), in order of first mention.
    sources: Mapping[str, Source] = field(default_factory=dict)
    #: Its commits, newest first, where site.yaml asks for `git: {history: true}`.
    revisions: tuple[Revision, ...] = ()

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == "withdrawn"


@compact
@dataclass(frozen=True, slots=True)
class Declared:
    """The `status`, `marking` and `slug` a file declares, read even when the file has
    errors, so that a build can leave out the errors of briefings it would not publish, and
    report a slug that clashes with another file's in the same run."""

    status: str
    marking: str | None
    #: The `slug:` it sets, if that is text, and where: a file with errors still takes a slug.
    slug: str | None = None
    slug_position: Position | None = None


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything loaded from `briefings/`: every briefing (drafts included) and the registry."""

    briefings: tuple[Briefing, ...]
    registry: Mapping[str, Source]
    declared: Mapping[Path, Declared] = field(default_factory=dict)
    #: Each loaded file's outline digest (`content.outline`).
    outlines: Mapping[Path, str] = field(default_factory=dict)
    #: The bodies of the files that gave no briefing (they have errors), for their links.
    failed_bodies: Mapping[Path, RenderedBody] = field(default_factory=dict)
    #: How many briefing files were read, those with errors included.
    files: int = 0
