"""Sources with one URL are one source of the site.

The sources index lists them as one entry (`indexes.source_anchors`). A retraction or a
dispute is a fact about that one source, so where one briefing marks its copy retracted or
disputed, every briefing's copy is marked too, and its claims and citations are flagged on
every page, as a shared source's would be.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from generator.content.model import Briefing, Source
from generator.diagnostics import Diagnostic, Severity, display_path


def normalised_url(url: str) -> str:
    """The URL as it identifies a source: scheme and host in lower case, no fragment, no
    trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class _Marked:
    """What the sources with one URL are marked, and the first source that says so."""

    retracted: bool | str
    disputed: bool | str
    by: Source


def spread_retractions(
    briefings: Sequence[Briefing], severity: Severity | None, gives: Callable[[Briefing], bool]
) -> tuple[list[Briefing], list[Diagnostic]]:
    """The briefings, with each source marked retracted or disputed where a source with its
    URL in a briefing that `gives` is so marked (a reason given wins over none; of two
    reasons, the first briefing's), and a diagnostic of `severity` at each source so marked
    (none if None). Briefings with nothing to mark are returned as they are.

    `gives` says which briefings' marks count: those published, and not withdrawn (a draft's,
    a gated briefing's or a withdrawn one's sources, and the reasons given there, must not
    reach a published page; and `check` must spread only what `build` would)."""
    marks: dict[str, _Marked] = {}
    for briefing in briefings:
        if not gives(briefing):
            continue
        for source in briefing.sources.values():
            if source.url and (source.is_retracted or source.is_disputed):
                key = normalised_url(source.url)
                known = marks.get(key)
                marks[key] = (
                    _Marked(source.retracted, source.disputed, source)
                    if known is None
                    else _Marked(
                        _stronger(known.retracted, source.retracted),
                        _stronger(known.disputed, source.disputed),
                        known.by,
                    )
                )
    if not marks:
        return list(briefings), []
    notes: list[Diagnostic] = []
    marked = [_marked(briefing, marks, severity, notes) for briefing in briefings]
    return marked, notes


def _marked(
    briefing: Briefing, marks: dict[str, _Marked], severity: Severity | None, notes: list[Diagnostic]
) -> Briefing:
    replaced: dict[str, Source] = {}
    for source_id, source in briefing.sources.items():
        mark = marks.get(normalised_url(source.url)) if source.url else None
        if mark is None:
            continue
        retracted = _stronger(source.retracted, mark.retracted)
        disputed = _stronger(source.disputed, mark.disputed)
        if (retracted, disputed) == (source.retracted, source.disputed):
            continue
        replaced[source_id] = dataclasses.replace(source, retracted=retracted, disputed=disputed)
        if severity is not None and not source.shared:
            what = "retracted" if retracted is not source.retracted else "disputed"
            where = display_path(mark.by.location.path)
            notes.append(
                Diagnostic(
                    source.location.path,
                    source.location.position,
                    severity,
                    f"source '{source_id}' has the URL of '{mark.by.id}' in {where}, "
                    f"which is marked {what}: it is shown {what} here too",
                    "sources with one URL are one source of the site; declare it once in "
                    "briefings/_sources.yaml to keep one record of it",
                    "retracted",
                )
            )
    if not replaced:
        return briefing
    return dataclasses.replace(
        briefing,
        sources={key: replaced.get(key, source) for key, source in briefing.sources.items()},
        local_sources={key: replaced.get(key, source) for key, source in briefing.local_sources.items()},
    )


def _stronger(mark: bool | str, other: bool | str) -> bool | str:
    """Of two marks, the one that says more: a reason, else True, else False."""
    if isinstance(mark, str):
        return mark
    if isinstance(other, str):
        return other
    return mark or other
