"""The load cache: each briefing file's loaded model, keyed by what it was loaded from.

The key is a hash of the file's path and bytes, of everything else loading reads
(`site.yaml` and `briefings/_sources.yaml`) and of Brief's version; never modification
times. Bodies are cached on their own too: their HTML does not depend on the front matter or
on the shared sources, so a change there costs a validation, not a Markdown parse.

Entries are JSON (see `cachecodec`) in one SQLite database, `.brief-cache/load.sqlite3`,
not one file per entry: on the file systems measured, creating a file costs about a
quarter of a millisecond, and a cold build of 10,000 briefings made 20,000 of them. Worker
processes read the database; only the main process writes, in one transaction per load
(`store`). A damaged or foreign entry, or a damaged database, is only a cache miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from generator import __version__, cachecodec

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.content.load import LoadedFile
    from generator.markdown.body import RenderedBody

DATABASE = "load.sqlite3"
T = TypeVar("T")

#: Open read connections, one per process and database: a connection must not cross a fork.
_readers: dict[tuple[int, Path], sqlite3.Connection | None] = {}


@dataclass(frozen=True, slots=True)
class CacheEntries:
    """What loading some files read from the cache and what it would add to it."""

    used: list[str] = field(default_factory=list)
    new: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LoadCache:
    database: Path
    context: str
    #: False for `--clean`: entries are written for the next build but none is read.
    read: bool = True

    @classmethod
    def for_site(cls, config: SiteConfig, read: bool = True) -> LoadCache:
        digest = hashlib.sha256(f"brief {__version__}\0".encode())
        for path in (config.path, config.briefings_dir / "_sources.yaml"):
            digest.update(path.read_bytes() if path.is_file() else b"-")
            digest.update(b"\0")
        return cls(config.cache_dir / DATABASE, digest.hexdigest(), read)

    def key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(self.context.encode())
        digest.update(os.fsencode(os.path.abspath(path)) + b"\0")  # no symlinks: refused
        digest.update(data)
        return digest.hexdigest()

    def body_key(self, body: str, line_offset: int, allow_html: bool) -> str:
        digest = hashlib.sha256(f"brief {__version__} body {line_offset} {allow_html}\0".encode())
        digest.update(body.encode("utf-8", "surrogatepass"))
        return "body-" + digest.hexdigest()

    def get(self, key: str, entries: CacheEntries) -> LoadedFile | None:
        from generator.content.load import LoadedFile

        return self._read(key, LoadedFile, entries)

    def get_body(self, key: str, entries: CacheEntries) -> RenderedBody | None:
        from generator.markdown.body import RenderedBody

        return self._read(key, RenderedBody, entries)

    def _read(self, key: str, cls: type[T], entries: CacheEntries) -> T | None:
        if not self.read:
            return None
        connection = self._reader()
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            found = None if row is None else cachecodec.loads(row[0], cls)
        except (sqlite3.Error, cachecodec.CacheFormatError):
            return None
        if found is not None:
            entries.used.append(key)
        return found

    def add(self, key: str, value: LoadedFile | RenderedBody, entries: CacheEntries) -> None:
        """Encode an entry for `store` (in the worker that made it)."""
        entries.new.append((key, cachecodec.dumps(value)))

    def _reader(self) -> sqlite3.Connection | None:
        """This process's read connection, or None when there is no usable database."""
        slot = (os.getpid(), self.database)
        if slot not in _readers:
            _readers[slot] = None
            if self.database.is_file():
                with contextlib.suppress(sqlite3.Error):
                    _readers[slot] = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        return _readers[slot]

    def store(self, entries: CacheEntries, keep_only_these: bool = False) -> None:
        """Add the new entries; with `keep_only_these`, also drop every entry this load did
        not use, so that the cache holds one site's worth of entries, not every edit's."""
        if not entries.new and not keep_only_these:
            return
        self._close_reader()
        try:
            with _writer(self.database) as connection:
                connection.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", entries.new)
                if keep_only_these:
                    connection.execute("CREATE TEMP TABLE kept (key TEXT PRIMARY KEY)")
                    connection.executemany(
                        "INSERT OR IGNORE INTO kept VALUES (?)",
                        ((key,) for key in _keys(entries.used, entries.new)),
                    )
                    connection.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM kept)")
        except sqlite3.DatabaseError:
            # Not a database we can use (damaged, or not ours): start a new one next time.
            self.database.unlink(missing_ok=True)
        except sqlite3.Error:
            pass  # locked by another build, say: a cache that cannot be written is only slower

    def _close_reader(self) -> None:
        connection = _readers.pop((os.getpid(), self.database), None)
        if connection is not None:
            connection.close()


def _keys(used: Iterable[str], new: Iterable[tuple[str, bytes]]) -> Iterator[str]:
    yield from used
    yield from (key for key, _ in new)


@contextlib.contextmanager
def _writer(database: Path) -> Iterator[sqlite3.Connection]:
    """A connection that commits on success; the cache's durability is not worth an fsync."""
    database.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database, timeout=10)
    try:
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID"
        )
        with connection:
            yield connection
    finally:
        connection.close()
