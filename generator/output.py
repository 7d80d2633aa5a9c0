"""Writing the output folder atomically.

A build writes a complete staging folder beside the output (same file system), then
swaps it in one step: `renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)` on
macOS. Where neither exists, the output is a symbolic link to the current build, which
is flipped atomically. A failed or killed build therefore never touches the output; a
killed build's leftover staging folder is removed by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import shutil
import sys
import threading
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Protocol

from generator import fastexit

MARKER = ".brief-output"
MARKER_TEXT = "This folder was made by Brief. Each build replaces all of it.\n"
_STAGING_INFIX = ".brief-staging-"
#: Beside a previous output kept in the cache: the path of the output it belongs to.
_KEPT_FOR = ".for"
#: In the cache: an output replaced by a build, being removed (`StagedOutput._discard`).
_REMOVING = "removing-"


class Hash(Protocol):
    """What `hashlib`'s hashes offer that writing needs."""

    def update(self, data: bytes, /) -> None: ...


class OutputError(Exception):
    """A problem with the output folder; a usage error (exit code 2)."""


def _is_within(inner: Path, outer: Path) -> bool:
    try:
        inner.relative_to(outer)
    except ValueError:
        return False
    return True


def check_output_dir(output: Path, site_root: Path, source_dirs: list[Path]) -> None:
    """Refuse an output folder that is, or contains, the site's sources, or that Brief did not make."""
    output = Path(os.path.abspath(output))
    resolved = output.resolve()
    root = site_root.resolve()
    if resolved == root or _is_within(root, resolved):
        raise OutputError(
            f"the output folder {output} contains the site itself; choose another, such as _site"
        )
    for folder in source_dirs:
        folder = folder.resolve()
        if _is_within(resolved, folder) or _is_within(folder, resolved):
            raise OutputError(
                f"the output folder {output} overlaps {folder.name}/; choose another, such as _site"
            )
    if output.is_symlink():
        if not (resolved / MARKER).is_file():
            raise OutputError(
                f"{output} is a symbolic link to a folder Brief did not make; refusing to replace it"
            )
        return
    if output.exists():
        if not output.is_dir():
            raise OutputError(f"{output} exists and is not a folder")
        if any(output.iterdir()) and not (output / MARKER).is_file():
            raise OutputError(
                f"{output} is not empty and was not made by Brief; refusing to replace it "
                f"(empty it or choose another folder with --out)"
            )


def _safe_relative(relative: str) -> PurePosixPath:
    _check_relative(relative)
    return PurePosixPath(relative)


def _check_relative(relative: str) -> None:
    """Refuse a path that could reach outside the output folder (plain string tests: a
    partial build checks tens of thousands)."""
    parts = relative.split("/")
    if (
        relative.startswith("/")
        or ".." in parts
        or not any(part not in ("", ".") for part in parts)
        or "\\" in relative
        or "\x00" in relative
    ):
        raise ValueError(f"refusing to write outside the output folder: {relative!r}")


# --- the swap ------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
_AT_FDCWD = -100


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically. False where the system or file system cannot."""
    libc = _libc()
    if libc is None:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), _RENAME_SWAP)
    else:
        return False
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(a))


class StagedOutput:
    """A staging folder that becomes the output in one step on `commit()`."""

    def __init__(self, output: Path, cache_dir: Path) -> None:
        self.output = Path(os.path.abspath(output))
        self.parent = self.output.parent
        self.staging = self.parent / f".{self.output.name}{_STAGING_INFIX}{os.getpid()}"
        #: Where `commit(keep_previous=True)` keeps the previous output for the next build:
        #: in the cache, one folder per output folder, so that none is left beside it.
        output_key = hashlib.sha256(os.fsencode(self.output)).hexdigest()[:16]
        self.kept = Path(os.path.abspath(cache_dir)) / f"previous-output-{output_key}"
        #: Beside it, the path of this output (see `_kept_for_outputs_gone`).
        self.kept_note = self.kept.with_name(self.kept.name + _KEPT_FOR)
        #: Paths written by this process (pages are written by workers, and not listed).
        self.written: list[str] = []
        self._removal: threading.Thread | None = None

    def start(self, reuse_earlier_output: bool = False) -> None:
        """Make the staging folder. Folders that earlier builds left beside the output are
        removed meanwhile, in a thread that `commit` and `abort` wait for.

        With `reuse_earlier_output`, an earlier output among them (one that `commit` kept)
        becomes the staging folder instead, for a build that then calls `keep_from` (a
        partial build, or a full build that may link most pages from the last output)."""
        self.parent.mkdir(parents=True, exist_ok=True)
        # This output's earlier outputs: the one kept in the cache, or one left beside the
        # output by an older Brief; and staging folders of killed builds.
        earlier = claim_stale_staging(self.output)
        if self.kept.is_dir():
            earlier.insert(0, self.kept)
            self.kept_note.unlink(missing_ok=True)
        reusable = next((folder for folder in earlier if (folder / MARKER).is_file()), None)
        to_remove = [folder for folder in earlier if folder != reusable]
        to_remove += self._kept_for_outputs_gone() + self._being_removed()
        if reusable is not None:
            if reuse_earlier_output:
                try:
                    os.rename(reusable, self.staging)
                except OSError:  # if it cannot be moved, it is removed
                    to_remove.append(reusable)
            else:
                to_remove.append(reusable)
        if to_remove:
            self._removal = threading.Thread(target=_remove_folders, args=(to_remove,), name="brief-cleanup")
            self._removal.start()
        self.staging.mkdir(exist_ok=reuse_earlier_output)

    def path_for(self, relative: str) -> Path:
        return self.staging.joinpath(*_safe_relative(relative).parts)

    def write_bytes(self, relative: str, data: bytes) -> None:
        write_new_file(self.path_for(relative), data)
        self.written.append(relative)

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, text.encode("utf-8"))

    def write_parts(self, relative: str, parts: Iterable[str], digest: Hash | None = None) -> None:
        """Write a text given in parts, holding about a megabyte of it at a time; `digest`,
        if given, is fed the bytes written."""
        write_new_file(self.path_for(relative), _encoded_in_batches(parts, digest))
        self.written.append(relative)

    def copy_file(self, relative: str, source: Path) -> None:
        target = self.path_for(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        shutil.copyfile(source, target, follow_symlinks=False)
        self.written.append(relative)

    def keep_from(self, previous: Path, files: Iterable[str]) -> set[str]:
        """Of these files of `previous`, those the staging folder already holds as the same
        file (the same inode: the unchanged files of an earlier output that `start` reused
        are links to the files of `previous`). Everything else in the staging folder is
        removed, so call it before anything is written there; `link_from` then links the
        rest. A prose edit at 10,000 briefings keeps about 32,000 files this way, where
        making 10,000 folders and linking every file into them took about 1.5 s."""
        wanted: dict[str, set[str]] = {}
        for relative in files:
            _check_relative(relative)
            folder, name = os.path.split(relative)
            wanted.setdefault(folder, set()).add(name)
        folders = set(wanted)
        for folder in wanted:
            while folder:
                folder = os.path.dirname(folder)
                folders.add(folder)
        kept = _prune(str(self.staging), os.path.realpath(previous), "", wanted, folders)
        return {os.path.join(folder, name) for folder, names in kept.items() for name in names}

    def remove(self, files: Iterable[str]) -> None:
        """Remove these files from the staging folder, and the folders that leaves empty."""
        staging = str(self.staging)
        folders: set[str] = set()
        for relative in files:
            _check_relative(relative)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(staging, relative))
            folders.add(os.path.dirname(relative))
        for folder in sorted(folders, key=len, reverse=True):
            while folder:
                try:
                    os.rmdir(os.path.join(staging, folder))
                except OSError:
                    break  # not empty
                folder = os.path.dirname(folder)

    def link_from(self, previous: Path, files: Iterable[str]) -> None:
        """Hard-link these files of `previous` into the staging folder (copy them where the
        file system has no links)."""
        # Plain strings and one system call per file in the usual case: a partial build of a
        # large site links tens of thousands of files.
        root = os.path.realpath(previous)
        staging = str(self.staging)
        made: set[str] = set()
        for relative in files:
            _check_relative(relative)
            folder = os.path.dirname(relative)
            if folder not in made:
                os.makedirs(os.path.join(staging, folder), exist_ok=True)
                made.add(folder)
            link_or_copy(os.path.join(root, relative), os.path.join(staging, relative))

    def exists(self, relative: str) -> bool:
        return self.path_for(relative).exists()

    def abort(self) -> None:
        if self.staging.is_dir():
            self._discard(self.staging)
        self._wait_for_removal()

    def commit(self, keep_previous: bool = False) -> None:
        """Make the staging folder the output, atomically.

        With `keep_previous`, the previous output is kept in the cache folder, for the next
        build to reuse as its staging folder or to remove while it works. Builds ask for it
        when most of the new output is hard links to files of the previous one (so keeping
        it costs little space), because removing tens of thousands of names took seconds:
        at 10,000 briefings, as long as the rest of a partial build. Where the cache is on
        another file system than the output, the previous output is removed at once."""
        try:
            self._commit(keep_previous)
        finally:
            self._wait_for_removal()

    def _wait_for_removal(self) -> None:
        if self._removal is not None:
            self._removal.join()
            self._removal = None

    def _commit(self, keep_previous: bool) -> None:
        self.write_text(MARKER, MARKER_TEXT)
        if self.output.is_symlink():
            self._flip_symlink()
            return
        if not self.output.exists():
            os.rename(self.staging, self.output)
            return
        if exchange(self.staging, self.output):
            if keep_previous:
                self._keep_previous()
            else:
                self._discard(self.staging)
            return
        # No atomic exchange here: from now on the output is a link to the current build.
        builds = self.parent / f".{self.output.name}.builds"
        builds.mkdir(exist_ok=True)
        old = builds / "previous"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(self.output, old)
        self.output.symlink_to(self._move_into_builds(), target_is_directory=True)
        shutil.rmtree(old, ignore_errors=True)

    def _keep_previous(self) -> None:
        """Move the previous output (now at the staging path) into the cache folder, with a
        note of the output it belongs to."""
        try:
            self.kept.parent.mkdir(parents=True, exist_ok=True)
            if self.kept.exists():
                self._discard(self.kept)
            os.rename(self.staging, self.kept)
            replace_file(self.kept_note, os.fsencode(self.output))
        except OSError:  # another file system: nothing is left beside the output either way
            shutil.rmtree(self.staging, ignore_errors=True)

    def _discard(self, folder: Path) -> None:
        """Remove `folder`, an output this build replaced: after the command has ended where
        it can be (`fastexit.remove_after_exit`), from the cache folder, where no build takes
        it for anything but removal; else now."""
        trash = self.kept.parent / f"{_REMOVING}{os.getpid()}-{os.urandom(4).hex()}"
        try:
            os.rename(folder, trash)
        except OSError:  # no cache folder (yet), or one on another file system
            shutil.rmtree(folder, ignore_errors=True)
            return
        if not fastexit.remove_after_exit(trash):
            shutil.rmtree(trash, ignore_errors=True)

    def _being_removed(self) -> list[Path]:
        """Folders `_discard` left in the cache whose removal never ended (a process killed,
        a machine switched off)."""
        left = []
        for folder in self.kept.parent.glob(f"{_REMOVING}*"):
            owner = folder.name.removeprefix(_REMOVING).split("-")[0]
            if not (owner.isdigit() and _process_alive(int(owner))):
                left.append(folder)
        return sorted(left)

    def _kept_for_outputs_gone(self) -> list[Path]:
        """The previous outputs kept for other output folders that are no longer Brief's
        (deleted, or never built into again after `--out` changed): each holds a site's
        worth of files once its output is gone. Their notes are removed with them."""
        gone = []
        for note in self.kept.parent.glob(f"previous-output-*{_KEPT_FOR}"):
            kept = note.with_name(note.name.removesuffix(_KEPT_FOR))
            try:
                owner = Path(os.fsdecode(note.read_bytes()))
            except OSError:
                continue
            if kept != self.kept and not (owner / MARKER).is_file():
                note.unlink(missing_ok=True)
                if kept.is_dir():
                    gone.append(kept)
        return gone

    def _move_into_builds(self) -> Path:
        builds = self.parent / f".{self.output.name}.builds"
        builds.mkdir(exist_ok=True)
        target = builds / f"build-{os.getpid()}-{os.urandom(4).hex()}"
        os.rename(self.staging, target)
        return target

    def _flip_symlink(self) -> None:
        previous = Path(os.path.realpath(self.output))
        target = self._move_into_builds()
        temporary = self.parent / f".{self.output.name}.link-{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(target, target_is_directory=True)
        os.replace(temporary, self.output)
        if previous != target and previous.parent == target.parent:
            shutil.rmtree(previous, ignore_errors=True)


_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


_BATCH_CHARACTERS = 1 << 20
#: Parts joined at a time, in C, before the batch's size is looked at: a briefing's page
#: comes in about 800 parts, and taking them one by one in Python cost more than joining.
_PARTS_AT_A_TIME = 64


def _encoded_in_batches(parts: Iterable[str], digest: Hash | None = None) -> Iterator[bytes]:
    """UTF-8 of the parts, joined into batches of about a megabyte: a template yields
    thousands of small parts."""
    remaining = iter(parts)
    batch: list[str] = []
    size = 0
    while run := list(islice(remaining, _PARTS_AT_A_TIME)):
        text = "".join(run)
        batch.append(text)
        size += len(text)
        if size >= _BATCH_CHARACTERS:
            yield _encoded("".join(batch), digest)
            batch, size = [], 0
    yield _encoded("".join(batch), digest)


def _encoded(text: str, digest: Hash | None) -> bytes:
    encoded = text.encode("utf-8")
    if digest is not None:
        digest.update(encoded)
    return encoded


def write_new_file(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or bytes in pieces) to a new file at `target`, making its folder
    if need be.

    A file already there is replaced, never written through: in a staging folder it may be
    a hard link into the last output. The usual case (a new file in an existing folder)
    costs one `open`; pages are written by the ten thousand.
    """
    try:
        descriptor = os.open(target, _NEW_FILE_FLAGS, 0o666)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, _NEW_FILE_FLAGS, 0o666)
    except FileExistsError:
        target.unlink()
        descriptor = os.open(target, _NEW_FILE_FLAGS, 0o666)
    with open(descriptor, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            for piece in data:
                handle.write(piece)


def replace_file(path: Path, data: bytes) -> None:
    """Write a whole file through a temporary file beside it and a rename, making its folder
    if need be: a reader (another build) sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Hard-link `source` at `target`, or copy it where the file system has no links.

    Raises OSError when neither works: FileNotFoundError, without trying to copy, when the
    source or the target's folder is missing."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copyfile(source, target, follow_symlinks=False)


def link_into(source: str | Path, target: str | Path) -> None:
    """`link_or_copy`, making the target's folder when it is missing (one system call in
    the usual case, where it is there)."""
    try:
        link_or_copy(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        link_or_copy(source, target)


def _prune(
    staging: str, previous: str, folder: str, wanted: dict[str, set[str]], folders: set[str]
) -> dict[str, set[str]]:
    """Remove from `staging`/`folder`, and below, every entry that is not a wanted file
    found as the same file in `previous`, or a wanted folder. Returns each folder kept and
    the files kept in it."""
    here = os.path.join(staging, folder)
    try:
        entries = list(os.scandir(here))
    except FileNotFoundError:
        return {}
    names = wanted.get(folder, set())
    inodes: dict[str, int] = {}
    if names:
        with contextlib.suppress(FileNotFoundError):
            inodes = {
                entry.name: entry.inode()
                for entry in os.scandir(os.path.join(previous, folder))
                if entry.name in names and entry.is_file(follow_symlinks=False)
            }
    kept: dict[str, set[str]] = {folder: set()}
    for entry in entries:
        relative = os.path.join(folder, entry.name)
        if entry.is_dir(follow_symlinks=False):
            if relative in folders:
                kept.update(_prune(staging, previous, relative, wanted, folders))
            else:
                shutil.rmtree(entry.path, ignore_errors=True)
        elif (
            entry.name in names
            and entry.is_file(follow_symlinks=False)
            and inodes.get(entry.name) == entry.inode()
        ):
            kept[folder].add(entry.name)
        else:
            os.unlink(entry.path)
    return kept


def claim_stale_staging(output: Path) -> list[Path]:
    """The staging folders that earlier builds left beside `output` (killed builds, and
    previous outputs kept by `commit`), each renamed first so no other build takes it."""
    prefix = f".{output.name}{_STAGING_INFIX}"
    if not output.parent.is_dir():
        return []
    claimed: list[Path] = []
    for entry in sorted(output.parent.iterdir()):
        if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
            owner = entry.name[len(prefix) :].split("-")[0]
            if owner.isdigit() and int(owner) != os.getpid() and _process_alive(int(owner)):
                continue
            renamed = entry.with_name(f"{prefix}{os.getpid()}-old-{len(claimed)}-{os.urandom(4).hex()}")
            try:
                entry.rename(renamed)
            except OSError:
                continue  # another build took it
            claimed.append(renamed)
    return claimed


def _remove_folders(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
