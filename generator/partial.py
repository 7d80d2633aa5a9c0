"""Rebuilding after edits to briefings' prose: the common case while an analyst writes.

A full build plans every page of the site. Most edits change only a briefing's prose,
which only the briefing's own page shows; every other page reads its *outline* (its front
matter, which ids its body cites and how often, its heading ids and its links: see
`content.outline`).

After each successful build, this module records, per briefing file, the hash of its bytes
and of its outline, with what checking links to it and planning its page need (its slug,
whether it was published, its page's ids, its sources' anchors on /sources/). On the next
build into the same folder, when the only inputs that changed are a few briefing files
whose outlines are unchanged, `build` loads just those files, re-plans and re-renders just
their pages, re-indexes the search shards that hold them and hard-links every other file
from the last output. Anything else (a new or removed file, a changed outline, the shared
sources, site.yaml, templates, an error in a changed file) makes a full build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator import cachecodec
from generator.content.linking import LinkIndex, briefing_file_key
from generator.output import replace_file

STATE_FILE = "partial.json"

#: More changed files than this and a full build, with its workers, is as quick.
MAX_CHANGED_FILES = 50


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What the last build knew of one briefing file."""

    #: Hash of the file's bytes.
    digest: str
    #: None when the file did not load (it had errors, and was left out as unpublished).
    slug: str | None
    outline: str
    published: bool
    #: Published, not withdrawn: it has a page in the search index.
    searchable: bool
    #: Every id the briefing's page carries, for checking links to it.
    page_ids: frozenset[str]
    #: Its sources' anchors on /sources/ (published briefings only).
    anchors: Mapping[str, str]
    #: A source of it took a retraction or dispute from another briefing's source with its
    #: URL (`analysis.sameurl`): its page depends on that briefing too.
    marked_by_url: bool = False

    @classmethod
    def not_loaded(cls, digest: str) -> FileRecord:
        """A file that did not load: any change to it makes a full build."""
        return cls(digest, None, "", False, False, frozenset(), {})


@dataclass(frozen=True, slots=True)
class PartialState:
    """The last successful build's view of each briefing file, and what else it read."""

    output: str
    #: `InputDigest.context`: everything the build read except the briefing files.
    context: str
    #: Path under `briefings/` → record.
    files: Mapping[str, FileRecord]
    #: The files of the output that are not pages and not the search index (the theme's
    #: assets, the scale stylesheet, static files).
    extra_files: tuple[str, ...]

    def changed_files(self, output: Path, context: str, digests: Mapping[str, str]) -> list[str] | None:
        """The briefing files that changed since, when only a few did and nothing else."""
        if self.output != str(output) or self.context != context or self.files.keys() != digests.keys():
            return None
        changed = [relative for relative, digest in digests.items() if self.files[relative].digest != digest]
        if not changed or len(changed) > MAX_CHANGED_FILES:
            return None
        if any(self.files[relative].slug is None for relative in changed):
            return None
        return sorted(changed)

    def link_index(self, briefings_dir: Path) -> LinkIndex:
        """The link index of the last build (valid while every outline is unchanged)."""
        slug_by_file = {}
        ids_by_slug = {}
        published = set()
        failed = {}
        folders: dict[str, str] = {}
        for relative, record in self.files.items():
            if record.slug is None:
                # Left out, since the last build succeeded: not published.
                failed[briefing_file_key(briefings_dir / relative, folders)] = False
                continue
            slug_by_file[briefing_file_key(briefings_dir / relative, folders)] = record.slug
            ids_by_slug[record.slug] = record.page_ids
            if record.published:
                published.add(record.slug)
        return LinkIndex(slug_by_file, ids_by_slug, frozenset(published), failed)


def load_partial_state(cache_dir: Path) -> PartialState | None:
    try:
        return cachecodec.loads((cache_dir / STATE_FILE).read_bytes(), PartialState)
    except (OSError, cachecodec.CacheFormatError):
        return None


def save_partial_state(cache_dir: Path, state: PartialState) -> None:
    replace_file(cache_dir / STATE_FILE, cachecodec.dumps(state))


def forget_partial_state(cache_dir: Path) -> None:
    (cache_dir / STATE_FILE).unlink(missing_ok=True)
