"""The load cache: each briefing file's loaded model, keyed by what it was loaded from.

The key is a hash of the file's path and bytes, of everything else loading reads
(`site.yaml` and which ids `briefings/_sources.yaml` declares) and of Brief's version;
never modification times. An entry also names the shared sources its briefing holds, with
a digest of each: it is a miss once one of them has changed (see `LoadCache.for_site`).
Bodies are cached on their own too: their HTML does not depend on the front matter or on
the shared sources, so a change there costs a validation, not a Markdown parse.

Entries are JSON (see `cachecodec`) in one SQLite database, `.brief-cache/load.sqlite3`,
not one file per entry: on the file systems measured, creating a file costs about a
quarter of a millisecond, and a cold build of 10,000 briefings made 20,000 of them. Worker
processes read the database; only the main process writes (`CacheWriter`). A damaged or
foreign entry, or a damaged database, is only a cache miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from generator import cachecodec, identity

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.content.load import LoadedFile
    from generator.content.model import Briefing
    from generator.content.registry import SharedRegistry
    from generator.markdown.body import RenderedBody

DATABASE = "load.sqlite3"

#: Open read connections, one per process and database: a connection must not cross a fork.
_readers: dict[tuple[int, Path], sqlite3.Connection] = {}

#: What the last full load in this process loaded, by file key. `brief serve` builds again
#: and again in one process: an unchanged file is then taken from here instead of being
#: decoded from the database again (about 0.6 ms a file). Keys are content-addressed, so
#: an entry here can never be stale.
_recent: dict[str, LoadedFile] = {}


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

    #: A digest of each shared source (`briefings/_sources.yaml`) by id: a cached briefing
    #: holds the shared sources it uses, and is valid only while they are unchanged.
    shared: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def for_site(cls, config: SiteConfig, registry: SharedRegistry, read: bool = True) -> LoadCache:
        """The cache for loading the briefings of this site with this shared registry.

        The key of every file depends on `site.yaml` and on which ids the registry declares
        (they decide how a briefing's references resolve, and which id is suggested for a
        typo). What the registry says of a source matters only to the briefings that use
        it: each entry records the shared sources it holds (`LoadedFile.shared_sources`),
        and is taken only while they are unchanged. Re-rating a shared source therefore
        loads again just the briefings that use it."""
        digest = hashlib.sha256(f"{identity.code_identity()}\0".encode())
        digest.update(config.path.read_bytes() if config.path.is_file() else b"-")
        digest.update(b"\0registry\0")
        for source_id in registry.sources:
            digest.update(source_id.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(b"\0broken\0" + (b"unreadable\0" if registry.unreadable else b""))
        for source_id in sorted(registry.broken):
            digest.update(source_id.encode("utf-8", "surrogatepass") + b"\0")
        shared = {
            source_id: hashlib.sha256(cachecodec.dumps(source)).hexdigest()
            for source_id, source in registry.sources.items()
        }
        return cls(config.cache_dir / DATABASE, digest.hexdigest(), read, shared)

    def shared_sources_of(self, briefing: Briefing) -> tuple[tuple[str, str], ...]:
        """The shared sources a loaded briefing holds, each with its digest."""
        return tuple(
            (source_id, self.shared[source_id])
            for source_id, source in briefing.sources.items()
            if source.shared and source_id in self.shared
        )

    def _still_valid(self, loaded: LoadedFile) -> bool:
        return all(self.shared.get(source_id) == digest for source_id, digest in loaded.shared_sources)

    def key(self, path: Path, data: bytes) -> str:
        """A file's key: the context's prefix (see `holds_files`), then a hash of the file."""
        digest = hashlib.sha256(self.context.encode())
        # The path as the loaded model records it: a load from a relative site folder must
        # not be given the models of one from an absolute one.
        digest.update(os.fsencode(path) + b"\0")
        digest.update(data)
        return self._file_prefix + digest.hexdigest()

    @property
    def _file_prefix(self) -> str:
        return f"file-{self.context[:16]}-"

    def holds_files(self) -> bool:
        """Whether any file was cached with this context (site.yaml, the shared sources and
        Brief's version as they are now): after a change there, none can be."""
        connection = self._reader() if self.read else None
        if connection is None:
            return False
        prefix = self._file_prefix
        try:
            row = connection.execute(
                "SELECT 1 FROM entries WHERE key > ? AND key < ? LIMIT 1", (prefix, prefix + "~")
            ).fetchone()
        except sqlite3.Error:
            return False
        return row is not None

    def body_key(self, body: str, line_offset: int, allow_html: bool) -> str:
        digest = hashlib.sha256(f"{identity.code_identity()} body {line_offset} {allow_html}\0".encode())
        digest.update(body.encode("utf-8", "surrogatepass"))
        return "body-" + digest.hexdigest()

    def get(self, key: str, entries: CacheEntries) -> LoadedFile | None:
        """A file's entry. It holds the briefing without its body (`outline.without_body`),
        then a newline, then the rest of the `LoadedFile`; the body has an entry of its own."""
        recent = self._recent(key, entries)
        if recent is not None:
            return recent or None
        decoded = self._decode_file(self._read(key))
        if decoded is None:
            return None
        head, loaded = decoded
        raw_body = self._read(loaded.body_key) if loaded.body_key else None
        return self._with_body(key, head, loaded, raw_body, entries)

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[LoadedFile, CacheEntries]]:
        """The entries of these file keys that the cache holds, each with the cache entries
        it used. As `get`, read in a few queries: two for each file (its entry, then its
        body's) took four times as long as reading the entries 500 at a time."""
        found: dict[str, tuple[LoadedFile, CacheEntries]] = {}
        to_read = []
        for key in keys:
            entries = CacheEntries()
            recent = self._recent(key, entries)
            if recent:
                found[key] = (recent, entries)
            elif recent is None:
                to_read.append(key)
        for start in range(0, len(to_read), _KEYS_PER_QUERY):
            found.update(self._read_files(to_read[start : start + _KEYS_PER_QUERY]))
        return found

    def _read_files(self, keys: list[str]) -> dict[str, tuple[LoadedFile, CacheEntries]]:
        """The entries of these file keys that the database holds, with their bodies. Called
        a batch at a time: the raw entries of 10,000 briefings, held all at once, raised the
        peak memory of a rebuild by about 200 MB."""
        decoded: dict[str, tuple[bytes, LoadedFile]] = {}
        for key, raw in self._read_many(keys).items():
            entry = self._decode_file(raw)
            if entry is not None:
                decoded[key] = entry
        bodies = self._read_many([loaded.body_key for _, loaded in decoded.values() if loaded.body_key])
        found: dict[str, tuple[LoadedFile, CacheEntries]] = {}
        for key, (head, loaded) in decoded.items():
            entries = CacheEntries()
            with_body = self._with_body(key, head, loaded, bodies.get(loaded.body_key or ""), entries)
            if with_body is not None:
                found[key] = (with_body, entries)
        return found

    def _recent(self, key: str, entries: CacheEntries) -> LoadedFile | Literal[False] | None:
        """The file this process loaded last with this key: None if there is none, False if
        there is one, but it no longer holds (a miss: the database holds the same entry)."""
        recent = _recent.get(key) if self.read else None
        if recent is None:
            return None
        if not self._still_valid(recent):
            return False
        entries.used.append(key)
        if recent.body_key:
            entries.used.append(recent.body_key)
        return recent

    def _decode_file(self, raw: bytes | None) -> tuple[bytes, LoadedFile] | None:
        """A file's entry: the encoded briefing without its body (b"null" for a file that
        gave no briefing) and the rest of the `LoadedFile`; None if it is unusable or no
        longer holds."""
        from generator.content.load import LoadedFile

        if raw is None:
            return None
        head, _, rest = raw.partition(b"\n")
        try:
            loaded = cachecodec.loads(rest, LoadedFile)
        except cachecodec.CacheFormatError:
            return None
        return (head, loaded) if self._still_valid(loaded) else None

    def _with_body(
        self, key: str, head: bytes, loaded: LoadedFile, raw_body: bytes | None, entries: CacheEntries
    ) -> LoadedFile | None:
        """The file of a decoded entry, with its briefing and the body read from `raw_body`,
        or None where the body is missing or unusable."""
        from generator.content.model import Briefing

        body = None
        if loaded.body_key is not None:
            body = self._decode_body(raw_body)
            if body is None:
                return None
            entries.used.append(loaded.body_key)
        if head != b"null":
            if body is None:
                return None
            try:
                briefing = dataclasses.replace(cachecodec.loads(head, Briefing), body=body)
            except cachecodec.CacheFormatError:
                return None
            loaded = dataclasses.replace(loaded, briefing=briefing)
        elif body is not None:
            # A file that gave no briefing keeps its body, whose links are still checked.
            loaded = dataclasses.replace(loaded, body=body)
        entries.used.append(key)
        return loaded

    def file_key_in(self, entries: CacheEntries) -> str | None:
        """The key of the file whose loading used or made `entries`."""
        prefix = self._file_prefix
        used = next((key for key in entries.used if key.startswith(prefix)), None)
        return used if used is not None else self.new_file_key(entries)

    def new_file_key(self, entries: CacheEntries) -> str | None:
        """The key of the file entry in `entries.new`, if loading a file made one."""
        prefix = self._file_prefix
        return next((key for key, _ in entries.new if key.startswith(prefix)), None)

    def decode_new(self, entries: CacheEntries) -> LoadedFile | None:
        """The file whose loading made `entries`, decoded from the file entry it made and
        from its body's entry (made too, or read from the database); None if there is none."""
        key = self.new_file_key(entries)
        if key is None:
            return None
        made = dict(entries.new)
        decoded = self._decode_file(made[key])
        if decoded is None:
            return None
        head, loaded = decoded
        body_key = loaded.body_key
        raw_body = None if body_key is None else made.get(body_key) or self._read(body_key)
        return self._with_body(key, head, loaded, raw_body, CacheEntries())

    def remember(self, loaded: dict[str, LoadedFile]) -> None:
        """Keep what a full load loaded, by file key, for the next load in this process."""
        _recent.clear()
        _recent.update(loaded)

    def get_body(self, key: str, entries: CacheEntries) -> RenderedBody | None:
        body = self._decode_body(self._read(key))
        if body is not None:
            entries.used.append(key)
        return body

    @staticmethod
    def _decode_body(raw: bytes | None) -> RenderedBody | None:
        from generator.markdown.body import RenderedBody

        try:
            return None if raw is None else cachecodec.loads(raw, RenderedBody)
        except cachecodec.CacheFormatError:
            return None

    def _read(self, key: str) -> bytes | None:
        return self._read_many([key]).get(key)

    def _read_many(self, keys: list[str]) -> dict[str, bytes]:
        """The values the database holds for these keys."""
        connection = self._reader() if self.read else None
        if connection is None or not keys:
            return {}
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[start : start + _KEYS_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk)
                found.update((key, bytes(value)) for key, value in rows)
        except sqlite3.Error:
            return {}
        return found

    def add(self, key: str, loaded: LoadedFile, bodiless: bytes | None, entries: CacheEntries) -> None:
        """Encode a file's entry for the writer (in the worker that loaded it). `bodiless` is
        the encoded briefing without its body, which the outline digest was made from."""
        rest = cachecodec.dumps(dataclasses.replace(loaded, briefing=None, body=None))
        entries.new.append((key, (bodiless if bodiless is not None else b"null") + b"\n" + rest))

    def add_body(self, key: str, body: RenderedBody, entries: CacheEntries) -> None:
        entries.new.append((key, cachecodec.dumps(body)))

    def _reader(self) -> sqlite3.Connection | None:
        """This process's read connection, or None when there is no usable database.

        Only a connection is remembered, never its absence: a database written since (by
        this load, or by the previous build of `brief serve`, which builds again in the
        same process) is opened when next asked for."""
        slot = (os.getpid(), self.database)
        connection = _readers.get(slot)
        if connection is None and self.database.is_file():
            with contextlib.suppress(sqlite3.Error):
                connection = _readers[slot] = sqlite3.connect(self.database, timeout=10)
        return connection

    def writer(self) -> CacheWriter:
        _close_reader(self.database)
        return CacheWriter(self.database)


def _close_reader(database: Path) -> None:
    """Close this process's read connection to `database`, if it has one."""
    connection = _readers.pop((os.getpid(), database), None)
    if connection is not None:
        connection.close()


class CacheWriter:
    """Adds entries to the load cache while loading goes on, in batches (in WAL mode, the
    workers keep reading meanwhile), so that the entries are never all held at once."""

    BATCH = 256

    def __init__(self, database: Path) -> None:
        self.database = database
        self.connection: sqlite3.Connection | None = None
        self.pending: list[tuple[str, bytes]] = []
        self.kept: set[str] = set()
        self.broken = False

    def add(self, entries: CacheEntries) -> None:
        self.kept.update(entries.used)
        self.kept.update(key for key, _ in entries.new)
        self.pending.extend(entries.new)
        if len(self.pending) >= self.BATCH:
            self._flush()

    def finish(self, keep_only_used: bool = False) -> None:
        """Write what is left; with `keep_only_used`, drop every entry this load did not use
        or make, so that the cache holds one site's worth of entries, not every edit's."""
        self._flush()
        if keep_only_used and not self.broken:
            self._run(self._prune)
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _flush(self) -> None:
        if self.pending and not self.broken:
            self._run(lambda connection: connection.executemany(_INSERT, self.pending))
        self.pending = []

    def _prune(self, connection: sqlite3.Connection) -> None:
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
        connection.execute("DELETE FROM kept")
        connection.executemany("INSERT INTO kept VALUES (?)", ((key,) for key in self.kept))
        connection.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM kept)")

    def _run(self, work: Callable[[sqlite3.Connection], object]) -> None:
        try:
            if self.connection is None:
                self.connection = _open_for_writing(self.database)
            with self.connection:
                work(self.connection)
        except sqlite3.OperationalError:
            # Locked by another build past the timeout, a full disk: a subclass of
            # DatabaseError, but the database is sound. A cache not written is only slower.
            self.broken = True
        except sqlite3.DatabaseError:
            # Not a database we can use (damaged, or not ours): a new one next time.
            self.broken = True
            if self.connection is not None:
                self.connection.close()
                self.connection = None
            _remove_database(self.database)
        except (sqlite3.Error, OSError):  # OSError: a site folder that cannot be written
            self.broken = True


_INSERT = "INSERT OR REPLACE INTO entries VALUES (?, ?)"

#: Keys looked up in one query (SQLite allows 32,766 parameters since 3.32, 999 before).
_KEYS_PER_QUERY = 500


#: The database's layout, in its `user_version`: a database of another layout is made anew.
#: Entries are 10 KB or so: in a table WITHOUT ROWID, which suits rows of a few hundred bytes,
#: and 4 KB pages, writing 20,000 of them took 2.5 s of CPU and reading them back 0.8 s; in a
#: rowid table with 64 KB pages, 0.5 s and 0.25 s, in a smaller file.
_LAYOUT = 2
_PAGE_SIZE = 65536


def _open_for_writing(database: Path) -> sqlite3.Connection:
    """The durability of a cache is not worth an fsync. A connection that fails to set up
    (a damaged file) is closed before the error goes on, not left to the garbage collector
    (which Python 3.13 warns of)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(database, timeout=10)
    try:
        if connection.execute("PRAGMA user_version").fetchone()[0] != _LAYOUT:
            connection.close()
            _remove_database(database)
            connection = sqlite3.connect(database, timeout=10)
            connection.execute(f"PRAGMA page_size = {_PAGE_SIZE}")  # only before the first table
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB)")
        connection.execute(f"PRAGMA user_version = {_LAYOUT}")
    except BaseException:
        connection.close()
        raise
    return connection


def _remove_database(database: Path) -> None:
    """The database and its write-ahead log (a log left beside a new database would be
    read), and this process's read connection to it, which would go on reading the old one."""
    _close_reader(database)
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
