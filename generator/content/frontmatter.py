"""Reading a briefing file and splitting its YAML front matter from its Markdown body."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Position, Severity

#: Larger files are refused: no briefing is this long, and it keeps builds bounded.
MAX_FILE_BYTES = 2 * 1024 * 1024

_FENCE = "---"
_CLOSING_FENCES = ("---", "...")


@dataclass(frozen=True, slots=True)
class SplitBriefing:
    """The two parts of a briefing file. Line numbers are 1-based file lines."""

    front_matter: str
    #: The file line just before the first front-matter line (the opening `---`).
    front_matter_offset: int
    body: str
    #: The file line the body starts on.
    body_first_line: int


def read_text(path: Path, data: bytes) -> tuple[str | None, Diagnostic | None]:
    """Decode a UTF-8 file (BOM allowed), normalising CRLF and CR line endings to LF."""
    if len(data) > MAX_FILE_BYTES:
        return None, Diagnostic(
            path,
            Position(1, 1),
            Severity.ERROR,
            f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
            "split it into several briefings",
            "file-too-large",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        return None, Diagnostic(
            path,
            Position(line, col),
            Severity.ERROR,
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x})",
            "save the file as UTF-8 in your editor",
            "encoding",
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        at = text.index("\x00")
        line_start = text.rfind("\n", 0, at) + 1
        return None, Diagnostic(
            path,
            Position(text.count("\n", 0, at) + 1, at - line_start + 1),
            Severity.ERROR,
            "the file contains a NUL byte; is it a binary file?",
            None,
            "encoding",
        )
    return text, None


def split_front_matter(path: Path, text: str) -> tuple[SplitBriefing | None, Diagnostic | None]:
    """Split `---` front matter from the body. The opening fence must be the first line."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None, Diagnostic(
            path,
            Position(1, 1),
            Severity.ERROR,
            "a briefing must start with YAML front matter between two '---' lines",
            "put '---' on the first line, then title:, date: and the rest, then '---'",
            "front-matter",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSING_FENCES:
            front_matter = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return SplitBriefing(front_matter, 1, body, index + 2), None
    return None, Diagnostic(
        path,
        Position(1, 1),
        Severity.ERROR,
        "the front matter is not closed",
        "add a line with '---' between the front matter and the body",
        "front-matter",
    )
