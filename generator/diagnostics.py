"""Diagnostics: every problem Brief reports to a user, with its position, and their formatters."""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.pickling import compact


class Severity(enum.IntEnum):
    """How serious a diagnostic is. Higher is worse; `off` findings are never reported."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def word(self) -> str:
        return self.name.lower()


@compact
@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A 1-based line and column (counted in characters) in a file."""

    line: int = 1
    col: int = 1


@compact
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message for the user: `path:line:col: severity: message`, optionally with a hint."""

    path: Path
    position: Position
    severity: Severity
    message: str
    hint: str | None = None
    code: str = "error"

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def col(self) -> int:
        return self.position.col

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (display_path(self.path), self.line, self.col, -self.severity, self.message)

    def format(self) -> str:
        text = f"{display_path(self.path)}:{self.line}:{self.col}: {self.severity.word}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def display_path(path: Path) -> str:
    """The path as a user should see it: relative to the working directory where possible."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    shown = Path(relative) if not relative.startswith("..") else path
    return shown.as_posix()


@dataclass
class DiagnosticList:
    """Collects diagnostics from every stage so a build can report them all at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self,
        path: Path,
        position: Position,
        message: str,
        hint: str | None = None,
        code: str = "error",
    ) -> None:
        self.items.append(Diagnostic(path, position, Severity.ERROR, message, hint, code))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=Diagnostic.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.items if d.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == Severity.ERROR for d in self.items)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(d.format() + "\n" for d in diagnostics)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A stable list of findings; the shape is documented in docs/diagnostics.md."""
    records = [
        {
            "path": display_path(d.path),
            "line": d.line,
            "col": d.col,
            "severity": d.severity.word,
            "code": d.code,
            "message": d.message,
            "hint": d.hint,
        }
        for d in diagnostics
    ]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic."""
    lines = []
    for d in diagnostics:
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        properties = (
            f"file={_escape_github_property(display_path(d.path))},"
            f"line={d.line},col={d.col},title={_escape_github_property('brief ' + d.code)}"
        )
        lines.append(f"::{_GITHUB_COMMAND[d.severity]} {properties}::{_escape_github_data(message)}")
    return "".join(line + "\n" for line in lines)


#: GitHub drops a step's whole summary when it is over 1 MiB ("$GITHUB_STEP_SUMMARY upload
#: aborted"); a table is cut to stay under this many bytes.
STEP_SUMMARY_LIMIT = 1024 * 1024 - 16 * 1024


def format_markdown_table(diagnostics: Iterable[Diagnostic], limit: int = STEP_SUMMARY_LIMIT) -> str:
    """A Markdown table of every finding, for $GITHUB_STEP_SUMMARY, in at most `limit` bytes
    of UTF-8. When every finding does not fit, the errors come first, then the warnings,
    then the rest, each in the order given, and a last line says how many are left out."""
    rows = list(diagnostics)
    if not rows:
        return "### Brief findings\n\nNo findings.\n"
    head = "### Brief findings\n\n| Severity | Location | Finding | Message |\n|---|---|---|---|\n"
    lines = [_table_row(d) for d in rows]
    sizes = [len(line.encode()) for line in lines]
    if len(head.encode()) + sum(sizes) <= limit:
        return head + "".join(lines)
    kept: list[str] = []
    size = len(head.encode()) + 200  # room for the closing line
    for index in sorted(range(len(rows)), key=lambda index: -rows[index].severity):  # stable
        if size + sizes[index] > limit:
            break
        kept.append(lines[index])
        size += sizes[index]
    left_out = len(rows) - len(kept)
    return (
        head
        + "".join(kept)
        + (
            f"\n{left_out:,} more findings are left out here, to stay within GitHub's size limit "
            "for a summary; the log lists them all.\n"
        )
    )


def _table_row(d: Diagnostic) -> str:
    message = d.message + (f" — {d.hint}" if d.hint else "")
    cell = message.replace("|", "\\|").replace("\n", " ")
    location = f"`{display_path(d.path)}:{d.line}:{d.col}`"
    return f"| {d.severity.word} | {location} | {d.code} | {cell} |\n"
