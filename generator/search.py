"""The search index: Pagefind, run on the briefings' search records while the site is built.

Pagefind (a maintained static-search tool, shipped on PyPI with its binary) indexes each
published briefing's search record (`templates/search_record.html`): the briefing's words,
with its tag, confidence and reliability filters, without the badges, previews and
navigation of its page, which made up two fifths of Pagefind's time. The render workers
write the records into `.brief-cache/search/records/` (`SearchRecords`); a record is a
function of its page's fingerprint (`pagecache`), so a page linked from the last output
keeps the record it had then.

Large sites are indexed in shards (see `shard_count`), each its own bundle under
`pagefind/<n>/` of the site, which the search page merges in the browser (Pagefind's
`mergeIndex`). Shards bound Pagefind's memory (it holds a whole index at once) and let a
rebuild re-index only the shards whose records changed: a shard's bundle is kept in
`.brief-cache/search/shards/`, keyed by its records' digests. An edit that changes a page
but not what search reads of it (a source's link) re-indexes nothing.

The bundles are the one part of a build that is not byte-stable.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from generator import identity
from generator.output import link_or_copy, replace_file, write_new_file
from generator.pagefindbin import pagefind_executable
from generator.parallel import worker_count

SEARCH_BUNDLE = "pagefind"
SHARD_LIST = "shards.json"
#: In the cache folder: `search/records/` (`SearchRecords`), `search/record-digests.json`
#: and `search/shards/<key>/` (the shard bundles).
SEARCH_CACHE = "search"
RECORDS = "records"
RECORD_DIGESTS = "record-digests.json"
SHARDS = "shards"
#: A shard never holds more pages than this (Pagefind's memory grows with it).
PAGES_PER_SHARD = 1000
#: Up to this many shards, a site is split into shards of about `SMALL_SHARD` pages, so that
#: re-indexing the shard of one edited briefing takes a fraction of a second (Pagefind's
#: time grows with the words indexed, about 3 ms a generated briefing, measured from 50 to
#: 1,000 pages, with no start-up cost to speak of)...
PREFERRED_SHARDS = 16
SMALL_SHARD = 100
#: What Pagefind writes for its ready-made search interfaces, which the search page does not
#: use (it drives `pagefind.js` itself): about 420 KB a shard, and a few files more to link
#: into every partial build.
_UNUSED_PREFIXES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")


def shard_count(pages: int) -> int:
    """How many shards a site of `pages` briefing pages is indexed in.

    ...beyond that, shards grow to `PAGES_PER_SHARD` before there are more of them, since
    every shard is one more index for the browser to merge.
    """
    return max(1, -(-pages // PAGES_PER_SHARD), min(PREFERRED_SHARDS, -(-pages // SMALL_SHARD)))


def shard_of(slug: str, shard_count: int) -> int:
    """Which shard a briefing goes to: stable, whatever else the site holds.

    By linear hashing: when the site grows by a shard, one shard is split in two and every
    other keeps its briefings (and its bundle in the cache). With the hash taken modulo the
    shard count, the 1,001st briefing moved nine briefings in ten to another shard, and
    every shard was indexed again."""
    value = int(hashlib.sha256(slug.encode()).hexdigest()[:8], 16)
    split_level = 1 << shard_count.bit_length()  # the power of two above shard_count
    shard = value % split_level
    return shard if shard < shard_count else value % (split_level >> 1)


def _shard_key(slugs_and_records: list[tuple[str, str]], pagefind_version: str) -> str:
    # The bundles kept are what `_drop_unused_files` leaves: the key says what that was.
    digest = hashlib.sha256(f"{identity.code_identity()} {pagefind_version} {_UNUSED_PREFIXES}\0".encode())
    for slug, record in slugs_and_records:
        digest.update(f"{slug}\0{record}\0".encode())
    return digest.hexdigest()


class SearchRecords:
    """The briefings' search records, in `cache_dir/search/records/`, laid out as the site
    lays out the briefings' pages (`briefings/<slug>/index.html`): Pagefind's results then
    link to the pages.

    A record is rendered from its page's view, the site view and the templates, all of
    which the page's fingerprint covers. `known` maps fingerprints to the SHA-256 of their
    pages' records, as the last build left them (`load_record_digests`): a page whose
    fingerprint is known keeps its record, if the file still holds those bytes (a build that
    failed, or was cut short, may have written another since). Safe to share with forked
    workers: each writes the records of its own pages.
    """

    def __init__(self, cache_dir: Path, known: Mapping[str, str] | None = None) -> None:
        self.folder = cache_dir / SEARCH_CACHE / RECORDS
        self.known: Mapping[str, str] = known or {}

    def path(self, slug: str) -> Path:
        return self.folder / "briefings" / slug / "index.html"

    def record_of(self, slug: str, fingerprint: str, render: Callable[[], str]) -> str:
        """The digest of the record of this briefing's page, whose fingerprint is given,
        `render()`ing and storing it unless it is stored already."""
        known = self.known.get(fingerprint)
        if known is not None and self.holds(slug, known):
            return known
        data = render().encode("utf-8")
        # Not through a temporary file: builds of one site never overlap (`sitelock`), and
        # a record cut short by a crash no longer matches its digest, so it is made again.
        write_new_file(self.path(slug), data)
        return hashlib.sha256(data).hexdigest()

    def holds(self, slug: str, digest: str) -> bool:
        """Whether the briefing's stored record is the one with this digest."""
        try:
            data = self.path(slug).read_bytes()
        except OSError:
            return False
        return hashlib.sha256(data).hexdigest() == digest

    def keep_only(self, slugs: Iterable[str]) -> None:
        """Remove the records of every briefing but these."""
        folder = self.folder / "briefings"
        wanted = set(slugs)
        for entry in os.scandir(folder) if folder.is_dir() else ():
            if entry.name not in wanted:
                shutil.rmtree(entry.path, ignore_errors=True)


def load_record_digests(cache_dir: Path) -> dict[str, str]:
    """The digest of each briefing page's record by the page's fingerprint, as the last build
    saved them (`save_record_digests`); empty where there is nothing to read."""
    try:
        known = json.loads((cache_dir / SEARCH_CACHE / RECORD_DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {key: value for key, value in known.items() if isinstance(key, str) and isinstance(value, str)}


def save_record_digests(cache_dir: Path, digests: Mapping[str, str]) -> None:
    """Save this build's (page fingerprint, record digest) pairs for the next build."""
    text = json.dumps(dict(sorted(digests.items())))
    replace_file(cache_dir / SEARCH_CACHE / RECORD_DIGESTS, text.encode("utf-8"))


@functools.cache
def _pagefind_version(executable: str | None) -> str:
    """What `pagefind --version` says (a few milliseconds): a shard's bundle kept from
    another Pagefind (after `pip install -U pagefind`) is indexed again, so that the
    search page never merges bundles of two versions."""
    if executable is None:
        return "pagefind missing"
    try:
        finished = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "pagefind unknown"
    return finished.stdout.strip() or "pagefind unknown"


#: How Pagefind's memory allocator (jemalloc, which its binaries are linked with and which
#: reads its settings from `_RJEM_MALLOC_CONF`) is set up, unless that is set already: keep
#: the memory a shard's indexing frees instead of handing it back to the kernel page by page
#: (only to fault it in again), in huge pages where the kernel allows them, in one arena (a
#: process indexes one shard). Pagefind's CPU time on a shard of 568 generated briefings
#: fell from 1.18–1.28 s to 1.03–1.11 s (medians of ten, alternated), mostly the kernel's
#: (0.22–0.25 s, then 0.11–0.13 s), and its peak memory from 130 MB to 120 MB; on the 16
#: shards of 10,000, from 22.5–25.9 s to 22.4–23.5 s (three runs each, alternated). A
#: Pagefind built without jemalloc ignores the variable.
PAGEFIND_ALLOCATOR = "dirty_decay_ms:-1,muzzy_decay_ms:-1,thp:always,narenas:1"


def _pagefind_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("_RJEM_MALLOC_CONF", PAGEFIND_ALLOCATOR)
    return environment


def _run_pagefind(executable: str, pages_dir: Path, slugs: list[str], bundle_dir: Path) -> str | None:
    """Index the records of these briefings, laid out in `pages_dir` as the site lays out
    their pages (so that results link to the pages), into the bundle `bundle_dir`."""
    glob = (
        "briefings/{" + ",".join(slugs) + "}/index.html"
        if len(slugs) > 1
        else f"briefings/{slugs[0]}/index.html"
    )
    # The binary itself, not `python -m pagefind`: one Python start-up less per shard.
    command = [
        executable,
        "--site", str(pages_dir),
        "--output-path", str(bundle_dir),
        "--glob", glob,
        "--silent",
    ]  # fmt: skip
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=1800, check=False, env=_pagefind_environment()
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the search index was not built: {error}"
    if finished.returncode != 0:
        detail = (finished.stderr or finished.stdout).strip().splitlines()
        return "the search index was not built: " + (detail[-1] if detail else f"exit {finished.returncode}")
    return None


def _drop_unused_files(bundle: Path) -> None:
    for entry in bundle.iterdir():
        if entry.name.startswith(_UNUSED_PREFIXES) and entry.is_file():
            entry.unlink()


def _link_tree(source: Path, target: Path) -> None:
    """Copy a folder by hard links where the file system allows, else by copying."""
    source_root, target_root = str(source), str(target)
    for folder, _subfolders, files in os.walk(source_root):
        into = target_root + folder[len(source_root) :]
        os.makedirs(into, exist_ok=True)
        for name in files:
            link_or_copy(os.path.join(folder, name), os.path.join(into, name))


def _keep(bundle: Path, cached: Path) -> None:
    """Store a shard's bundle in the cache, replacing any older copy in one step."""
    temporary = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    _link_tree(bundle, temporary)
    shutil.rmtree(cached, ignore_errors=True)
    os.replace(temporary, cached)


def _index_shards(
    executable: str | None,
    records: SearchRecords,
    bundle_dir: Path,
    shards: list[tuple[int, list[tuple[str, str]]]],
) -> str | None:
    """Run Pagefind on each (number, [(slug, record)]) shard, side by side, one process
    per core, each into its numbered folder of `bundle_dir`."""
    if executable is None:
        return "the search index was not built: Pagefind is not installed"
    for _number, shard in shards:
        changed = next((slug for slug, record in shard if not records.holds(slug, record)), None)
        if changed is not None:  # another build wrote it meanwhile
            return (
                f"the search index was not built: the search record of '{changed}' changed during the build"
            )
    with concurrent.futures.ThreadPoolExecutor(max_workers=worker_count()) as pool:
        problems = pool.map(
            lambda shard: _run_pagefind(
                executable, records.folder, [slug for slug, _ in shard[1]], bundle_dir / str(shard[0])
            ),
            shards,
        )
        return next((problem for problem in problems if problem), None)


class SearchIndexJob:
    """Indexing the briefings of the site being built in `site_dir`; `records` maps each
    briefing's slug to its search record's digest in `store`.

    In steps, so that a build can go on writing the rest of the site while Pagefind runs:
    the records must be stored before `start`, every file of the site only before `finish`,
    which says why search is missing, if it is. Shard bundles are kept in the cache folder
    of `store`; with `read_cache` false (`--clean`), every shard is indexed anew, and the
    cache refreshed.
    """

    def __init__(
        self, site_dir: Path, records: Mapping[str, str], store: SearchRecords, read_cache: bool = True
    ) -> None:
        self.site_dir = site_dir
        self.store = store
        count = shard_count(len(records))
        shards: list[list[tuple[str, str]]] = [[] for _ in range(count)]
        for slug in sorted(records):
            shards[shard_of(slug, count)].append((slug, records[slug]))
        self.shards = [shard for shard in shards if shard]
        self.bundles = store.folder.parent / SHARDS
        self.executable = pagefind_executable()
        version = _pagefind_version(self.executable)
        self.keys = [_shard_key(shard, version) for shard in self.shards]
        #: (number, cached bundle) of the shards the cache holds.
        self.cached: list[tuple[int, Path]] = []
        #: (number, [(slug, record)]) of the shards to index.
        self.missing: list[tuple[int, list[tuple[str, str]]]] = []
        for number, (shard, key) in enumerate(zip(self.shards, self.keys, strict=True)):
            cached = self.bundles / key
            if read_cache and (cached / "pagefind.js").is_file():
                self.cached.append((number, cached))
            else:
                self.missing.append((number, shard))
        self._indexing: concurrent.futures.Future[str | None] | None = None
        self._runner: concurrent.futures.ThreadPoolExecutor | None = None

    def start(self) -> None:
        """Start Pagefind on the shards to index, in the background."""
        bundle = self.site_dir / SEARCH_BUNDLE
        bundle.mkdir(parents=True, exist_ok=True)
        if self.missing:
            self._runner = concurrent.futures.ThreadPoolExecutor(max_workers=1)
            self._indexing = self._runner.submit(
                _index_shards, self.executable, self.store, bundle, self.missing
            )

    def wait(self) -> None:
        """Wait for Pagefind, if it runs, without using what it made (the build failed)."""
        if self._runner is not None:
            self._runner.shutdown(wait=True)

    def finish(self) -> str | None:
        """Wait for Pagefind, put the cached shards in place, and write the list of shards.
        Returns None, or a message saying why search is missing."""
        bundle = self.site_dir / SEARCH_BUNDLE
        for number, cached in self.cached:
            _link_tree(cached, bundle / str(number))
        problem = self._indexing.result() if self._indexing is not None else None
        self.wait()
        if problem:
            return problem
        for number, _shard in self.missing:
            _drop_unused_files(bundle / str(number))
            _keep(bundle / str(number), self.bundles / self.keys[number])
        for entry in self.bundles.iterdir() if self.bundles.is_dir() else ():
            if entry.name not in self.keys:
                shutil.rmtree(entry, ignore_errors=True)
        for entry in self.bundles.parent.iterdir() if self.bundles.parent.is_dir() else ():
            if entry.is_dir() and entry.name not in (RECORDS, SHARDS):  # shard bundles of earlier Brief
                shutil.rmtree(entry, ignore_errors=True)
        self.store.keep_only(slug for shard in self.shards for slug, _record in shard)
        shard_list = json.dumps([f"{number}/" for number in range(len(self.shards))])
        (bundle / SHARD_LIST).write_text(shard_list + "\n", encoding="utf-8")
        return None
