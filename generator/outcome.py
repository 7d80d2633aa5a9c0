"""What a build is asked to do and what it reports: light, so that the command line can
answer "up to date" before importing the build itself (see `uptodate`)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, DiagnosticList, Severity


def counted(number: int, noun: str) -> str:
    """'1 warning', '2 warnings': a count with its noun (made plural with an s)."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2


class OptionValueError(Exception):
    """A command-line option's value that the site does not allow: a usage error (exit 2),
    told as the command line tells any bad option, not as a problem of a file."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.message = message


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_root: Path
    out: Path | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None
    clean: bool = False
    portable: bool = False
    publish_up_to: str | None = None


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    exit_code: int
    #: What the build publishes (check: every briefing it checked): a withdrawn briefing's
    #: notice is published, not its claims and sources, so it is counted in `withdrawn` only.
    briefings: int = 0
    withdrawn: int = 0
    claims: int = 0
    sources: int = 0
    pages: int = 0
    seconds: float = 0.0
    output: Path | None = None
    written: bool = False
    excluded: list[str] = field(default_factory=list)
    #: Nothing the build reads had changed since the last build into the same folder.
    up_to_date: bool = False
    #: Set by a partial build: the briefings whose prose alone changed, and were re-rendered.
    prose_changed: tuple[str, ...] = ()
    #: Wall time of each stage, in the order they ran (`brief build --timings`).
    stages: list[tuple[str, float]] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


@dataclass
class StageClock:
    """Records how long each named stage of a build takes."""

    stages: list[tuple[str, float]] = field(default_factory=list)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - started))


def exit_code_of(diagnostics: DiagnosticList, strict: bool) -> int:
    if diagnostics.has_errors or (strict and diagnostics.count(Severity.WARNING)):
        return EXIT_CONTENT
    return EXIT_OK
