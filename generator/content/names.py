"""The names briefings take in the site, checked across files: slugs (a briefing's own and
its aliases, which name its pages) and tags (which name the tag pages)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from generator.config import SiteConfig
from generator.content.files import find_briefing_files
from generator.content.frontmatter import read_text, split_front_matter
from generator.content.model import Briefing, Declared
from generator.content.values import RESERVED_SLUGS, slug_of, tag_slug
from generator.content.yamldoc import load_yaml
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity


def slug_from_path(path: Path) -> str:
    """The URL slug of a file name: transliterated to `[a-z0-9-]`."""
    return slug_of(path.stem)


def briefing_slug(path: Path, declared: str | None) -> str:
    """A briefing's slug: its front matter's `slug:`, or else its file name made into one."""
    return declared or slug_from_path(path)


@dataclass(frozen=True, slots=True)
class SlugUse:
    """A file under `briefings/` that takes a slug: as its own (`slug`) or as an old address
    (`alias`)."""

    path: Path
    how: Literal["slug", "alias"]


def slugs_in_use(config: SiteConfig) -> dict[str, SlugUse]:
    """Every slug the site's briefings take, drafts included, casefolded as `check_slugs`
    compares them: a briefing's own (its `slug:` if that is text, else its file name's) and
    its aliases that are text.

    Read from the front matter as written, without loading the briefings: `brief new`
    answers at once on a site of 10,000 briefings, where loading them took half a minute
    on a cold cache. A file that does not hold the words `slug` or `aliases` is not even
    parsed."""
    taken = [_slug_and_aliases(path) for path in find_briefing_files(config.briefings_dir, DiagnosticList())]
    used: dict[str, SlugUse] = {}
    for path, slug, _ in taken:
        used.setdefault(slug.casefold(), SlugUse(path, "slug"))
    for path, _, aliases in taken:
        for alias in aliases:
            used.setdefault(alias.casefold(), SlugUse(path, "alias"))
    return used


def _slug_and_aliases(path: Path) -> tuple[Path, str, tuple[str, ...]]:
    """The slug and aliases a briefing file takes, as `slugs_in_use` reads them."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    if b"slug" not in data and b"aliases" not in data:
        return path, slug_from_path(path), ()
    raw = _front_matter_as_written(path, data)
    slug, aliases = raw.get("slug"), raw.get("aliases")
    return (
        path,
        briefing_slug(path, slug if isinstance(slug, str) else None),
        tuple(alias for alias in aliases if isinstance(alias, str)) if isinstance(aliases, list) else (),
    )


def _front_matter_as_written(path: Path, data: bytes) -> dict[str, Any]:
    """The YAML mapping of a file's front matter, or an empty one where there is none."""
    text, _ = read_text(path, data)
    split, _ = split_front_matter(path, text) if text is not None else (None, None)
    if split is None:
        return {}
    document, _ = load_yaml(split.front_matter, path, split.front_matter_offset)
    value = document.value if document is not None else None
    return value if isinstance(value, dict) else {}


def check_tags(briefings: Iterable[Briefing], diagnostics: DiagnosticList) -> None:
    """Warn where two tags that are not one word spelled in other cases get one page (`C`
    and `C++` both make tags/c/): the site shows them as one tag."""
    first_spelling: dict[str, tuple[str, Briefing]] = {}
    warned: set[tuple[str, str]] = set()
    for briefing in briefings:
        for tag, position in zip(briefing.tags, briefing.tag_positions, strict=True):
            page = tag_slug(tag)
            first, owner = first_spelling.setdefault(page, (tag, briefing))
            if first.casefold() == tag.casefold() or (page, tag.casefold()) in warned:
                continue
            warned.add((page, tag.casefold()))
            diagnostics.add(
                Diagnostic(
                    briefing.path,
                    position,
                    Severity.WARNING,
                    f"the tag '{tag}' shares the page tags/{page}/ with the tag '{first}' of "
                    f"{_relative(owner.path)}: the site shows them as one tag",
                    "spell them alike if they are one tag; otherwise make them differ in letters or digits",
                    "tag",
                )
            )


def check_slugs_of_failed_files(
    briefings: list[Briefing], failed: Mapping[Path, Declared], diagnostics: DiagnosticList
) -> None:
    """A file with errors still takes its slug (its `slug:`, or its name's): a clash with
    another file is reported in the same run as its other errors, at the file with errors.
    `failed` holds what each file that gave no briefing declares."""
    owners = {briefing.slug.casefold(): briefing.path for briefing in briefings}
    for path, found in sorted(failed.items()):
        slug = briefing_slug(path, found.slug)
        if not slug:
            continue
        other = owners.setdefault(slug.casefold(), path)
        if other != path:
            diagnostics.error(
                path,
                found.slug_position or Position(1, 1),
                f"the slug '{slug}' is already used by {_relative(other)}",
                "set a different slug: in the front matter, or rename the file",
                code="duplicate-slug",
            )


def check_slugs(briefings: list[Briefing], diagnostics: DiagnosticList) -> list[Briefing]:
    """Refuse two briefings (or an alias and a briefing) with one slug. Returns the survivors."""
    owners: dict[str, Briefing] = {}
    survivors = []
    for briefing in briefings:
        folded = briefing.slug.casefold()
        if folded in owners:
            other = owners[folded]
            # Reported where a slug: sets it, in the file that does, if one of the two does.
            at, of = (
                (other, briefing)
                if briefing.slug_position is None and other.slug_position
                else (briefing, other)
            )
            diagnostics.error(
                at.path,
                at.slug_position or Position(1, 1),
                f"the slug '{at.slug}' is already used by {_relative(of.path)}",
                "set a different slug: in the front matter, or rename the file",
                code="duplicate-slug",
            )
            continue
        owners[folded] = briefing
        survivors.append(briefing)
    alias_owners: dict[str, Briefing] = {}
    for briefing in survivors:
        for alias, position in zip(briefing.aliases, briefing.alias_positions, strict=True):
            folded = alias.casefold()
            if folded in RESERVED_SLUGS:
                diagnostics.error(
                    briefing.path,
                    position,
                    f"'{alias}' cannot be an alias: it is a reserved file name on Windows",
                    None,
                    "duplicate-slug",
                )
            elif folded in owners:
                owner = owners[folded]
                where = (
                    "this briefing's own slug"
                    if owner is briefing
                    else f"the slug of {_relative(owner.path)}"
                )
                diagnostics.error(
                    briefing.path,
                    position,
                    f"the alias '{alias}' is {where}",
                    "an alias must be an old slug that no briefing uses now",
                    code="duplicate-slug",
                )
            elif folded in alias_owners and alias_owners[folded] is not briefing:
                diagnostics.error(
                    briefing.path,
                    position,
                    f"the alias '{alias}' is also an alias of {_relative(alias_owners[folded].path)}",
                    "an old address can redirect to one briefing only",
                    code="duplicate-slug",
                )
            elif folded in alias_owners:
                diagnostics.add(
                    Diagnostic(
                        briefing.path,
                        position,
                        Severity.WARNING,
                        f"the alias '{alias}' is listed twice",
                        "delete one of them",
                        "duplicate-slug",
                    )
                )
            alias_owners.setdefault(folded, briefing)
    return survivors


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return path.as_posix()
