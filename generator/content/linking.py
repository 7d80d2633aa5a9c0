"""Relative links and images of the briefings, resolved against the site: a link to another
briefing's file becomes a link to its page (checked, with its `#fragment`), an image or
file path a file of `static/`. Broken ones are reported where they are written."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import SiteConfig
from generator.content.model import Briefing
from generator.content.values import has_invisible_characters, id_suggestion
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity
from generator.markdown.body import RenderedBody
from generator.markdown.links import LinkReference
from generator.pickling import compact


@compact
@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a relative link or image of a body points, once resolved."""

    #: `briefing` or `static`.
    kind: str
    #: The target briefing's slug, or the file's path inside `static/` (POSIX).
    target: str
    fragment: str = ""


def page_ids(briefing: Briefing) -> set[str]:
    """Every id a briefing page carries, for checking `#fragment` links."""
    ids = {"body", "main"}
    sections = {
        "revisions": briefing.revisions,
        "bluf": briefing.summary,
        "key-judgments": briefing.claims,
        "timeline": briefing.timeline,
        "sources": briefing.sources,
        "corrections": briefing.corrections,
    }
    ids.update(section for section, content in sections.items() if content)
    ids.update(briefing.body.heading_ids)
    ids.update(f"claim-{claim_id}" for claim_id in briefing.claims)
    ids.update(f"src-{source_id}" for source_id in briefing.sources)
    ids.update(found.anchor for found in briefing.body.citations)
    return ids


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """What links between briefings are checked against: each briefing's file, slug and ids."""

    #: Normalised absolute path of a briefing file → its slug.
    slug_by_file: Mapping[str, str]
    #: Slug → every id its page carries.
    ids_by_slug: Mapping[str, frozenset[str]]
    #: The slugs published in this build.
    published: frozenset[str]
    #: Normalised absolute path of a briefing file that did not load (it has errors) →
    #: whether this build would publish it (if so, its own errors fail the build).
    failed: Mapping[str, bool] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        every_briefing: Iterable[Briefing],
        published: Iterable[Briefing],
        failed: Mapping[Path, bool] | None = None,
    ) -> LinkIndex:
        known = list(every_briefing)
        folders: dict[str, str] = {}
        return cls(
            {briefing_file_key(b.path, folders): b.slug for b in known},
            {b.slug: frozenset(page_ids(b)) for b in known},
            frozenset(b.slug for b in published),
            {briefing_file_key(path, folders): publish for path, publish in (failed or {}).items()},
        )


def briefing_file_key(path: Path, resolved_folders: dict[str, str]) -> str:
    """How a link target names a briefing file: its normalised absolute path.

    Only the folder is resolved, once per folder (remembered in `resolved_folders`): a
    briefing file is never a symbolic link, the loader refuses those."""
    folder, name = os.path.split(os.path.abspath(path))
    if folder not in resolved_folders:
        resolved_folders[folder] = os.path.realpath(folder)
    return os.path.join(resolved_folders[folder], name)


def resolve_links(
    briefings: list[Briefing],
    config: SiteConfig,
    diagnostics: DiagnosticList,
    index: LinkIndex | None = None,
) -> dict[str, dict[int, LinkTarget]]:
    """Resolve every relative link and image of `briefings`; report the broken ones.

    Links may point at any briefing of `index` (default: `briefings`); a link to one that
    is not published (a draft, or one above the marking gate) is shown as plain text, so
    that it leaves no trace. Keyed by slug.
    """
    if index is None:
        index = LinkIndex.of(briefings, briefings)
    resolver = _LinkResolver(config, index, diagnostics)
    resolved: dict[str, dict[int, LinkTarget]] = {}
    for briefing in briefings:
        own_ids = page_ids(briefing)
        for fragment, position in briefing.body.fragments:
            if fragment not in own_ids:
                diagnostics.add(
                    Diagnostic(
                        briefing.path,
                        position,
                        Severity.WARNING,
                        f"link to '#{fragment}', which is not on this page",
                        id_suggestion(fragment, own_ids),
                        "link",
                    )
                )
        published = briefing.slug in index.published
        resolved[briefing.slug] = resolver.targets(briefing.path, briefing.body.references, published)
    return resolved


def check_links_of_failed_files(
    bodies: Mapping[Path, RenderedBody], config: SiteConfig, diagnostics: DiagnosticList, index: LinkIndex
) -> None:
    """Report the broken relative links and images of files that have errors of their own,
    so that one run reports them too. (Links within the page are not checked: a file with
    errors has no page.)"""
    resolver = _LinkResolver(config, index, diagnostics)
    for path, body in bodies.items():
        resolver.targets(path, body.references, published=False)


class _LinkResolver:
    """Resolves a file's relative links and images against the site: its briefings (by
    `index`) and static/."""

    def __init__(self, config: SiteConfig, index: LinkIndex, diagnostics: DiagnosticList) -> None:
        self.index = index
        self.diagnostics = diagnostics
        self.static_root = config.static_dir.resolve()
        self.briefings_root = config.briefings_dir.resolve()
        #: Resolved folders of briefing files (`briefing_file_key`).
        self.folders: dict[str, str] = {}

    def targets(
        self, path_from: Path, references: Iterable[LinkReference], published: bool = True
    ) -> dict[int, LinkTarget]:
        """What each reference of the file at `path_from` leads to, by its number; the
        broken ones are reported and left out. Links to briefings this build does not
        publish are warned of when the file itself is `published` (as a build would)."""
        targets: dict[int, LinkTarget] = {}
        for reference in references:
            position = reference.position
            path = reference.path
            if has_invisible_characters(path) or "\\" in path:
                self.diagnostics.error(
                    path_from,
                    position,
                    f"the link '{path}' contains backslashes, invisible or control characters",
                    None,
                    "link",
                )
                continue
            folder = Path(briefing_file_key(path_from, self.folders)).parent
            if not reference.is_image and path.endswith(".md"):
                base = self.briefings_root if path.startswith("/") else folder
                target_file = os.path.normpath(base / path.lstrip("/"))
                target = self.index.slug_by_file.get(target_file)
                if target is None and target_file in self.index.failed:
                    # A file with errors: they are reported if it is published; if it is left
                    # out, the link is to a briefing this build does not publish.
                    if published and not self.index.failed[target_file]:
                        self.diagnostics.add(_link_to_unpublished(path_from, position, path))
                    targets[reference.number] = LinkTarget("unpublished", "")
                    continue
                if target is None:
                    self.diagnostics.error(
                        path_from,
                        position,
                        f"link to '{path}', which is not a briefing of this site",
                        None,
                        "link",
                    )
                    continue
                if target not in self.index.published:
                    if published:
                        self.diagnostics.add(_link_to_unpublished(path_from, position, path))
                    targets[reference.number] = LinkTarget("unpublished", target)
                    continue
                if reference.fragment and reference.fragment not in self.index.ids_by_slug[target]:
                    self.diagnostics.add(
                        Diagnostic(
                            path_from,
                            position,
                            Severity.WARNING,
                            f"link to '{path}#{reference.fragment}': that briefing has no such anchor",
                            id_suggestion(reference.fragment, self.index.ids_by_slug[target]),
                            "link",
                        )
                    )
                targets[reference.number] = LinkTarget("briefing", target, reference.fragment)
                continue
            if path.startswith("/"):
                target_path = Path(os.path.normpath(self.static_root / path.lstrip("/")))
            else:
                target_path = Path(os.path.normpath(folder / path))
            what = "image" if reference.is_image else "link"
            try:
                inside = target_path.relative_to(self.static_root)
            except ValueError:
                self.diagnostics.error(
                    path_from,
                    position,
                    f"the {what} '{path}' points outside static/",
                    "put the file in static/ and write its path from there, for example /maps/area.png",
                    "link",
                )
                continue
            if not target_path.is_file() or _has_symlink(self.static_root, inside):
                self.diagnostics.error(
                    path_from,
                    position,
                    f"the {what} '{path}' names no file in static/",
                    f"expected static/{inside.as_posix()}",
                    "link",
                )
                continue
            targets[reference.number] = LinkTarget("static", inside.as_posix(), reference.fragment)
        return targets


def _link_to_unpublished(path: Path, position: Position, link: str) -> Diagnostic:
    return Diagnostic(
        path,
        position,
        Severity.WARNING,
        f"link to '{link}', which is not published in this build",
        "the link is shown as plain text",
        "link",
    )


def _has_symlink(root: Path, inside: Path) -> bool:
    current = root
    for part in inside.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False
