"""Finding the briefing files under `briefings/`: every `*.md`, never through a symbolic link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.content.paths import is_skipped_name, is_undecodable_name, shown_undecodable
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity


def find_briefing_files(briefings_dir: Path, diagnostics: DiagnosticList) -> list[Path]:
    """Every `*.md` under `briefings/`, skipping `_` and `.` names, refusing symbolic links
    (`briefings/` itself among them)."""
    if briefings_dir.is_symlink():
        refuse_symlink(briefings_dir, diagnostics)
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
                refuse_symlink(base / name, diagnostics)
                continue
            if is_undecodable_name(name):
                diagnostics.add(undecodable_name(base / name))
                continue
            kept.append(name)
        subfolders[:] = kept
        for name in sorted(files):
            path = base / name
            if is_skipped_name(name):
                continue
            try:
                mode = os.lstat(path).st_mode  # the one stat `is_symlink` made, asked twice
            except OSError:
                continue  # gone since the walk
            if stat.S_ISLNK(mode):
                if name.endswith(".md"):
                    refuse_symlink(path, diagnostics)
                continue
            if name.endswith(".md") and is_undecodable_name(name):
                diagnostics.add(undecodable_name(path))
            elif name.endswith(".md") and not stat.S_ISREG(mode):
                diagnostics.add(not_a_regular_file(path))
            elif name.endswith(".md"):
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


def refuse_symlink(path: Path, diagnostics: DiagnosticList) -> None:
    diagnostics.add(symlink_refused(path, "copy the file instead, so the build never reads outside the site"))


def symlink_refused(path: Path, hint: str = "copy the file instead") -> Diagnostic:
    """A symbolic link in a site's folders: a build never reads outside the site."""
    message = "symbolic links are not allowed in a site's folders"
    return Diagnostic(path, Position(1, 1), Severity.ERROR, message, hint, "symlink")


def undecodable_name(path: Path) -> Diagnostic:
    """A file or folder whose name is not UTF-8, shown with U+FFFD for its stray bytes."""
    return Diagnostic(
        shown_undecodable(path),
        Position(1, 1),
        Severity.ERROR,
        "the name of this file or folder is not valid UTF-8 (shown here with \ufffd)",
        "rename it; Brief reads names as UTF-8, as Git and web servers do",
        "encoding",
    )


def not_a_regular_file(path: Path) -> Diagnostic:
    """A named pipe, socket or device where a file is expected: reading one could wait for ever."""
    return Diagnostic(
        path,
        Position(1, 1),
        Severity.ERROR,
        "this is not a regular file (a named pipe, socket or device)",
        "remove it, or put a file in its place",
        "io",
    )
