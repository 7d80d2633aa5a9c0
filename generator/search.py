"""The search index: Pagefind, run on the staged site before it is swapped in.

Pagefind (a maintained static-search tool, shipped on PyPI with its binary) indexes the
briefing pages, which carry `data-pagefind-body`, with their tag, confidence and
reliability filters. Large sites are indexed in shards (see `shard_count`),
each its own bundle under `pagefind/<n>/`, which the search page merges in the browser
(Pagefind's `mergeIndex`). Shards bound Pagefind's memory (it holds a whole index at once)
and let a rebuild re-index only the shards whose pages changed: a shard's bundle is kept
in `.brief-cache/search/`, keyed by its pages' fingerprints (`pagecache`): a page's bytes
are a function of its fingerprint, so no page needs to be read back to know.

The bundles are the one part of a build that is not byte-stable.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import importlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from generator import identity
from generator.output import link_or_copy
from generator.parallel import worker_count

SEARCH_BUNDLE = "pagefind"
SHARD_LIST = "shards.json"
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
    """Which shard a briefing's page goes to: stable, whatever else the site holds."""
    return int(hashlib.sha256(slug.encode()).hexdigest()[:8], 16) % shard_count


def _shard_key(slugs_and_fingerprints: list[tuple[str, str]], pagefind_version: str) -> str:
    # The bundles kept are what `_drop_unused_files` leaves: the key says what that was.
    digest = hashlib.sha256(f"{identity.code_identity()} {pagefind_version} {_UNUSED_PREFIXES}\0".encode())
    for slug, fingerprint in slugs_and_fingerprints:
        digest.update(f"{slug}\0{fingerprint}\0".encode())
    return digest.hexdigest()


def pagefind_executable() -> str | None:
    """The Pagefind binary that `pip install 'pagefind[bin]'` installs, if it is there.

    Found as `pagefind.service.get_executable` finds it (`PAGEFIND_BINARY_PATH`, then the
    extended binary's package, the plain one's, the PATH), without importing that module:
    it imports asyncio, a twentieth of a second of every build."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return configured if os.path.isfile(configured) else None
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = importlib.import_module(package).get_executable()
        except (ImportError, AttributeError, OSError):
            continue
        if found is not None and Path(found).is_file():
            return str(found)
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


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


def _run_pagefind(executable: str, site_dir: Path, slugs: list[str], output_subdir: str) -> str | None:
    glob = (
        "briefings/{" + ",".join(slugs) + "}/index.html"
        if len(slugs) > 1
        else f"briefings/{slugs[0]}/index.html"
    )
    # The binary itself, not `python -m pagefind`: one Python start-up less per shard.
    command = [
        executable,
        "--site", str(site_dir),
        "--output-subdir", output_subdir,
        "--glob", glob,
        "--silent",
    ]  # fmt: skip
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
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


def _index_shards(executable: str | None, site_dir: Path, shards: list[tuple[int, list[str]]]) -> str | None:
    """Run Pagefind on each (number, slugs) shard, side by side, one process per core."""
    if executable is None:
        return "the search index was not built: Pagefind is not installed"
    with concurrent.futures.ThreadPoolExecutor(max_workers=worker_count()) as pool:
        problems = pool.map(
            lambda shard: _run_pagefind(executable, site_dir, shard[1], f"{SEARCH_BUNDLE}/{shard[0]}"), shards
        )
        return next((problem for problem in problems if problem), None)


class SearchIndexJob:
    """Indexing the briefing pages of the site in `site_dir`; `pages` maps each briefing's
    slug to its page's fingerprint.

    In steps, so that a build can go on writing the rest of the site while Pagefind runs:
    the pages of `pages_to_index` must be in place before `start`, every other file only
    before `finish`, which says why search is missing, if it is. Shard bundles are kept in
    `cache_dir`; with `read_cache` false (`--clean`), every shard is indexed anew, and the
    cache refreshed.
    """

    def __init__(
        self, site_dir: Path, pages: Mapping[str, str], cache_dir: Path | None = None, read_cache: bool = True
    ) -> None:
        self.site_dir = site_dir
        count = shard_count(len(pages))
        shards: list[list[tuple[str, str]]] = [[] for _ in range(count)]
        for slug in sorted(pages):
            shards[shard_of(slug, count)].append((slug, pages[slug]))
        self.shards = [shard for shard in shards if shard]
        self.store = cache_dir / "search" if cache_dir is not None else None
        self.executable = pagefind_executable()
        version = _pagefind_version(self.executable)
        self.keys = [_shard_key(shard, version) for shard in self.shards]
        #: (number, cached bundle) of the shards the cache holds.
        self.cached: list[tuple[int, Path]] = []
        #: (number, slugs) of the shards to index.
        self.missing: list[tuple[int, list[str]]] = []
        for number, (shard, key) in enumerate(zip(self.shards, self.keys, strict=True)):
            cached = self.store / key if self.store is not None else None
            if read_cache and cached is not None and (cached / "pagefind.js").is_file():
                self.cached.append((number, cached))
            else:
                self.missing.append((number, [slug for slug, _ in shard]))
        self._indexing: concurrent.futures.Future[str | None] | None = None
        self._runner: concurrent.futures.ThreadPoolExecutor | None = None

    def pages_to_index(self) -> list[str]:
        """The briefing slugs whose pages Pagefind reads: they must be written before `start`."""
        return [slug for _number, slugs in self.missing for slug in slugs]

    def start(self) -> None:
        """Start Pagefind on the shards to index, in the background."""
        (self.site_dir / SEARCH_BUNDLE).mkdir(parents=True, exist_ok=True)
        if self.missing:
            self._runner = concurrent.futures.ThreadPoolExecutor(max_workers=1)
            self._indexing = self._runner.submit(_index_shards, self.executable, self.site_dir, self.missing)

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
        for number, _slugs in self.missing:
            _drop_unused_files(bundle / str(number))
        if self.store is not None:
            for number, _slugs in self.missing:
                _keep(bundle / str(number), self.store / self.keys[number])
            for entry in self.store.iterdir() if self.store.is_dir() else ():
                if entry.name not in self.keys:
                    shutil.rmtree(entry, ignore_errors=True)
        shard_list = json.dumps([f"{number}/" for number in range(len(self.shards))])
        (bundle / SHARD_LIST).write_text(shard_list + "\n", encoding="utf-8")
        return None
