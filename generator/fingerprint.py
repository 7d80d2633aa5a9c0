"""What a build's output depends on, as one content hash, and the cache that remembers it.

The fingerprint covers every byte a build reads (briefings, shared sources, templates,
the default theme, static files, `site.yaml`), the options that change the output and
Brief's version; never modification times. When it matches the last successful build into
the same folder, and that folder is still Brief's, the site is already up to date: the
build reports the same findings and writes nothing. `--clean`, or deleting
`.brief-cache/`, forces a full build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from generator import identity
from generator.content.paths import is_briefing_file
from generator.diagnostics import Diagnostic, Position, Severity
from generator.output import replace_file

STATE_FILE = "last-build.json"
#: The folder inside a site where builds keep their caches and records (ignored by Git).
CACHE_FOLDER = ".brief-cache"


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the last successful build read (its fingerprint), where it wrote, what it said."""

    fingerprint: str
    output: str
    diagnostics: list[dict[str, object]]
    briefings: int
    claims: int
    sources: int
    pages: int
    #: Without a default: a record from before it was kept is not reused (its counts included
    #: withdrawn briefings' claims and sources).
    withdrawn: int


@dataclass(frozen=True, slots=True)
class InputDigest:
    """Hashes of what a build reads: each briefing file on its own, everything else as one."""

    #: Everything but the briefing files: options, version, site.yaml, shared sources,
    #: templates, theme and static files.
    context: str
    #: Path under `briefings/` → hash of the file's bytes.
    briefings: dict[str, str]

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(self.context.encode())
        for relative in sorted(self.briefings):
            digest.update(f"\0{relative}\0{self.briefings[relative]}".encode(errors="surrogateescape"))
        return digest.hexdigest()


def _hash_tree(
    digest: hashlib._Hash, root: Path, label: str, files_apart: dict[str, str] | None = None
) -> None:
    """Feed every file under `root` to `digest`; briefing files go to `files_apart` if given."""
    if not root.is_dir():
        return
    for relative, entry in _files_under(str(root), ""):
        try:
            if entry.is_symlink():
                digest.update(f"\0{label}/{relative}\0".encode(errors="surrogateescape"))
                digest.update(b"symlink:" + os.fsencode(os.readlink(entry.path)))
                continue
            if not entry.is_file(follow_symlinks=False):
                # A named pipe would block a read; the build refuses it (`not_a_regular_file`).
                digest.update(f"\0{label}/{relative}\0special".encode(errors="surrogateescape"))
                continue
            with open(entry.path, "rb") as handle:
                data = handle.read()
        except OSError:
            # Gone since it was listed (an editor's temporary file), or unreadable: no
            # earlier build matches, and the build itself finds what is there.
            digest.update(f"\0{label}/{relative}\0unreadable".encode(errors="surrogateescape"))
            continue
        if files_apart is not None and is_briefing_file(relative):
            files_apart[relative] = hashlib.sha256(data).hexdigest()
        else:
            # A name that is not UTF-8 is an error of the build; it must not stop the digest.
            digest.update(f"\0{label}/{relative}\0".encode(errors="surrogateescape"))
            digest.update(data)


def _files_under(folder: str, prefix: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under `folder` (its path relative to the top, with `/`, and its entry),
    in the order `os.walk` gives with sorted names: a folder's own files, then each
    subfolder's. A link to a folder is not followed; a folder that cannot be read is
    skipped. With `os.scandir` and plain strings: `Path` objects took half the time of
    hashing 10,000 briefings, and a no-change rebuild is mostly that hashing."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError:
        return
    files: list[os.DirEntry[str]] = []
    subfolders: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()  # through links, as os.walk decides
        except OSError:
            is_folder = False
        (subfolders if is_folder else files).append(entry)
    for entry in sorted(files, key=_name):
        yield prefix + entry.name, entry
    for entry in sorted(subfolders, key=_name):
        if not entry.is_symlink():
            yield from _files_under(entry.path, prefix + entry.name + "/")


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def input_digest(site_root: Path, theme: Path, options: dict[str, object]) -> InputDigest:
    """Hashes of everything a build of `site_root` reads, with `options` and Brief's code identity."""
    digest = hashlib.sha256()
    made_by = {"version": identity.code_identity(), "options": options}
    digest.update(json.dumps(made_by, sort_keys=True, default=str).encode())
    site_yaml = site_root / "site.yaml"
    if site_yaml.is_file():
        digest.update(b"\0site.yaml\0" + site_yaml.read_bytes())
    briefings: dict[str, str] = {}
    _hash_tree(digest, site_root / "briefings", "briefings", briefings)
    for label in ("templates", "static"):
        _hash_tree(digest, site_root / label, label)
    _hash_tree(digest, theme, "theme")
    return InputDigest(digest.hexdigest(), briefings)


def load_state(cache_dir: Path) -> BuildState | None:
    try:
        data = json.loads((cache_dir / STATE_FILE).read_text(encoding="utf-8"))
        return BuildState(**data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_state(cache_dir: Path, state: BuildState) -> None:
    replace_file(cache_dir / STATE_FILE, json.dumps(asdict(state)).encode())


def forget_state(cache_dir: Path) -> None:
    (cache_dir / STATE_FILE).unlink(missing_ok=True)


def diagnostics_to_records(diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    return [
        {
            "path": str(d.path),
            "line": d.line,
            "col": d.col,
            "severity": d.severity.name,
            "message": d.message,
            "hint": d.hint,
            "code": d.code,
        }
        for d in diagnostics
    ]


def records_to_diagnostics(records: list[dict[str, object]]) -> list[Diagnostic]:
    return [
        Diagnostic(
            Path(str(r["path"])),
            Position(int(str(r["line"])), int(str(r["col"]))),
            Severity[str(r["severity"])],
            str(r["message"]),
            None if r["hint"] is None else str(r["hint"]),
            str(r["code"]),
        )
        for r in records
    ]
