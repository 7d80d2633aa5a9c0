"""Site-wide indexes: sources across briefings, tags, the feed, the sitemap and the JSON data.

Like `site`, this module only builds data; every index is linear in the number of
briefings, sources and citations.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from generator.analysis.confidence import ClaimAssessment
from generator.analysis.estimative import LIKELIHOOD_TERMS
from generator.analysis.sameurl import normalised_url
from generator.config import SiteConfig
from generator.content.model import Briefing, Source
from generator.jsontext import safe_json
from generator.markdown.body import inline_as_shown
from generator.urls import absolute_url, tag_path
from generator.views import (
    Badge,
    BriefingPage,
    BriefingRef,
    BriefingSummary,
    EventClaim,
    FeedEntry,
    FeedPage,
    JsonPage,
    Pager,
    PagerLink,
    SitemapEntry,
    SitemapPage,
    SiteSource,
    SourcesPage,
    SourceUse,
    SourceView,
    TagCount,
    TagPage,
    TagsPage,
    TagView,
)

SOURCES_PATH = "sources/index.html"
TAGS_PATH = "tags/index.html"
SEARCH_PATH = "search/index.html"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
NOT_FOUND_PATH = "404.html"
DATA_PATH = "data/briefings.json"

SourceKey = tuple[str, str]  # (briefing slug, source id)


# --- one source across the site --------------------------------------------------------


def source_anchors(briefings: Iterable[Briefing]) -> dict[SourceKey, str]:
    """The anchor on /sources/ of every (briefing, source id).

    A registry id is one source, sources with the same URL are one source, and ids local
    to different briefings never merge (union-find over those two links).
    """
    parent: dict[object, object] = {}

    def find(node: object) -> object:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: object, b: object) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b, key=repr)] = min(root_a, root_b, key=repr)

    members: list[tuple[SourceKey, Source]] = []
    for briefing in briefings:
        for source in briefing.sources.values():
            key = (briefing.slug, source.id)
            members.append((key, source))
            find(key)
            if source.shared:
                union(key, ("shared", source.id))
            if source.url:
                union(key, ("url", normalised_url(source.url)))

    groups: dict[object, list[tuple[SourceKey, Source]]] = defaultdict(list)
    for key, source in members:
        groups[find(key)].append((key, source))
    anchors: dict[SourceKey, str] = {}
    used: set[str] = set()
    for group in sorted(groups.values(), key=lambda g: min(k for k, _ in g)):
        shared = sorted(s.id for _, s in group if s.shared)
        first_key = min(k for k, _ in group)
        anchor = f"shared-{shared[0]}" if shared else f"{first_key[0]}--{first_key[1]}"
        candidate, counter = anchor, 2
        while candidate in used:
            candidate, counter = f"{anchor}-{counter}", counter + 1
        used.add(candidate)
        for key, _ in group:
            anchors[key] = candidate
    return anchors


def _natural(text: str) -> list[str | int]:
    """A sort key that puts "Source 2" before "Source 10", and ignores case."""
    return [int(part) if part.isdecimal() else part.casefold() for part in re.split(r"(\d+)", text)]


def plan_sources_page(pages: Sequence[BriefingPage], briefings: Mapping[str, Briefing]) -> SourcesPage:
    """Every source of the site with its ratings and every claim and briefing resting on it."""
    uses: dict[str, list[SourceUse]] = defaultdict(list)
    views: dict[str, list[SourceView]] = defaultdict(list)
    for page in pages:
        briefing = briefings[page.summary.slug]
        ref = BriefingRef(page.title, page.path)
        citation_counts: dict[str, int] = defaultdict(int)
        for found in briefing.body.citations:
            for item in found.items:
                citation_counts[item.id] += 1
        claims_by_source: dict[str, list[EventClaim]] = defaultdict(list)
        for claim in page.claims:
            claim_ref = EventClaim(page.path, claim.anchor, claim.number, claim.statement, claim.confidence)
            for evidence in claim.evidence:
                claims_by_source[evidence.source.id].append(claim_ref)
        # Two sources of one page can be one source of the site (a shared source and a
        # local one with its URL): their claims are listed once, their citations summed.
        claims_of: dict[str, dict[str, EventClaim]] = {}
        cited: dict[str, int] = defaultdict(int)
        for source in page.sources:
            anchor = source.index_anchor
            views[anchor].append(source)
            claims = claims_of.setdefault(anchor, {})
            for claim_ref in claims_by_source.get(source.id, []):
                claims.setdefault(claim_ref.anchor, claim_ref)
            cited[anchor] += citation_counts.get(source.id, 0)
        for anchor, claims in claims_of.items():
            uses[anchor].extend(SourceUse(ref, claim_ref, 0) for claim_ref in claims.values())
            if cited[anchor] or not claims:
                uses[anchor].append(SourceUse(ref, None, cited[anchor]))

    entries = []
    for anchor, source_views in views.items():
        shown = next((v for v in source_views if v.shared), source_views[0])
        ratings: dict[str, Badge] = {}
        for view in source_views:
            ratings.setdefault(view.reliability.text, view.reliability)
        anchor_uses = uses[anchor]
        entries.append(
            SiteSource(
                anchor=anchor,
                name=shown.name,
                view=shown,
                ratings=tuple(ratings.values()),
                uses=tuple(anchor_uses),
                briefing_count=len({use.briefing.path for use in anchor_uses}),
                claim_count=sum(1 for use in anchor_uses if use.claim is not None),
            )
        )
    entries.sort(key=lambda entry: (_natural(entry.name), entry.anchor))
    discredited = tuple(e for e in entries if e.view.retracted or e.view.disputed)
    return SourcesPage(SOURCES_PATH, discredited, tuple(entries))


# --- tags ------------------------------------------------------------------------------


def plan_tag_pages(summaries: Sequence[BriefingSummary]) -> list[TagsPage | TagPage]:
    """/tags/ with counts and one page per tag, listing its briefings newest first."""
    by_slug: dict[str, list[BriefingSummary]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for summary in summaries:
        for tag in summary.tags:
            spellings[tag.slug][tag.name] += 1
            by_slug[tag.slug].append(summary)
    # A tag is named as most briefings write it (of equals, the first in code point order),
    # as the search page names its filter.
    names = {
        slug: TagView(min(counted, key=lambda name: (-counted[name], name)), slug)
        for slug, counted in spellings.items()
    }
    ordered = sorted(by_slug, key=lambda slug: (names[slug].name.casefold(), slug))
    pages: list[TagsPage | TagPage] = [
        TagsPage(
            TAGS_PATH,
            tuple(TagCount(names[slug], tag_path(slug), len(by_slug[slug])) for slug in ordered),
        )
    ]
    for slug in ordered:
        base = tag_path(slug)
        for path, chunk, pager in paginate(base, by_slug[slug]):
            pages.append(TagPage(path, names[slug], chunk, pager, len(by_slug[slug])))
    return pages


#: Briefings per page of the home page and of each tag: long lists are split.
PAGE_SIZE = 30


def page_path(first_page: str, number: int) -> str:
    """`index.html`, `page/2/index.html`, ...; `tags/x/index.html`, `tags/x/page/2/index.html`."""
    if number == 1:
        return first_page
    folder = first_page.removesuffix("index.html")
    return f"{folder}page/{number}/index.html"


def paginate(
    first_page: str, summaries: Sequence[BriefingSummary]
) -> list[tuple[str, tuple[BriefingSummary, ...], Pager]]:
    count = max(1, -(-len(summaries) // PAGE_SIZE))
    links = tuple(PagerLink(number, page_path(first_page, number)) for number in range(1, count + 1))
    return [
        (
            links[index].path,
            tuple(summaries[index * PAGE_SIZE : (index + 1) * PAGE_SIZE]),
            Pager(index + 1, links),
        )
        for index in range(count)
    ]


# --- feed and sitemap ---------------------------------------------------------------------


#: An output path that needs no URL parsing to join to the base URL: folder names that are
#: not `.` or `..`, each followed by `/`, then perhaps a file name.


def _timestamp(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def last_change(briefing: Briefing) -> datetime.date:
    dates = [briefing.date, *(c.date for c in briefing.corrections)]
    if briefing.updated:
        dates.append(briefing.updated)
    return max(dates)


def plan_feed(pages: Sequence[BriefingPage], briefings: Mapping[str, Briefing], base_url: str) -> FeedPage:
    """An Atom feed with one entry per published briefing; times come from the content only."""
    entries = []
    for page in pages:
        briefing = briefings[page.summary.slug]
        entries.append(
            FeedEntry(
                url=absolute_url(base_url, page.path),
                title=page.title,
                published=_timestamp(briefing.date),
                updated=_timestamp(last_change(briefing)),
                summary=briefing.summary,
                authors=briefing.authors,
                tags=briefing.tags,
                corrections=page.corrections,
            )
        )
    latest = max((briefings[p.summary.slug] for p in pages), key=last_change, default=None)
    updated = _timestamp(last_change(latest)) if latest else "1970-01-01T00:00:00Z"
    return FeedPage(
        FEED_PATH,
        absolute_url(base_url, FEED_PATH),
        absolute_url(base_url, "index.html"),
        updated,
        tuple(entries),
    )


def plan_sitemap(paths: Iterable[tuple[str, datetime.date | None]], base_url: str) -> SitemapPage:
    entries = tuple(
        SitemapEntry(absolute_url(base_url, path), day.isoformat() if day else None) for path, day in paths
    )
    return SitemapPage(SITEMAP_PATH, entries)


# --- data for other tools -----------------------------------------------------------------


def briefing_data(
    briefing: Briefing,
    page: BriefingPage,
    assessments: Mapping[str, ClaimAssessment],
    config: SiteConfig,
) -> dict[str, object]:
    """A briefing as JSON data; the shape is documented in docs/data.md."""
    scales = config.spec.scales
    return {
        "slug": briefing.slug,
        "path": page.path.removesuffix("index.html"),
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "updated": briefing.updated.isoformat() if briefing.updated else None,
        "summary": briefing.summary,
        "authors": list(briefing.authors),
        "tags": list(briefing.tags),
        "status": briefing.status,
        "marking": briefing.marking,
        "corrections": [{"date": c.date.isoformat(), "text": c.text} for c in briefing.corrections],
        "claims": [
            {
                "id": claim.id,
                "number": claim.number,
                "statement": claim.statement,
                "confidence": assessments[claim.id].confidence,
                "confidence_basis": "assessed" if assessments[claim.id].is_assessed else "derived",
                "derived_confidence": assessments[claim.id].derived_confidence,
                "likelihood": claim.likelihood,
                "likelihood_range": (
                    [LIKELIHOOD_TERMS[claim.likelihood].low, LIKELIHOOD_TERMS[claim.likelihood].high]
                    if claim.likelihood
                    else None
                ),
                "credibility": claim.credibility,
                "note": claim.note,
                "sources": [{"id": ref.id, "credibility": ref.credibility} for ref in claim.sources],
                "origins": assessments[claim.id].origin_count,
                "strong_origins": assessments[claim.id].strong_origin_count,
                "flags": [flag.kind for flag in assessments[claim.id].flags],
            }
            for claim in briefing.claims.values()
        ],
        "sources": [
            {
                "id": view.id,
                "title": view.title,
                "publisher": view.publisher,
                "author": view.author,
                "url": view.url,
                "published": view.published_iso,
                "accessed": view.accessed_iso,
                "kind": view.kind,
                "reliability": view.reliability.grade,
                "reliability_label": view.reliability.label,
                "reliability_strength": scales.reliability[view.reliability.grade].strength
                if view.reliability.grade in scales.reliability
                else "unknown",
                "derived_from": [parent for parent, _ in view.derived_from],
                "retracted": briefing.sources[view.id].retracted,
                "disputed": briefing.sources[view.id].disputed,
                "note": view.note,
                "shared": view.shared,
                "index_anchor": view.index_anchor,
            }
            for view in page.sources
        ],
        "events": [
            {
                "date": event.date.text,
                "date_text": event.date.display,
                "earliest": event.date.earliest_iso,
                "latest": event.date.latest_iso,
                "title": event.title,
                "description": inline_as_shown(event.description) if event.description else None,
                "claims": list(event.claims),
                "sources": list(event.sources),
            }
            for event in briefing.timeline
        ],
    }


def data_pages(
    per_briefing: Sequence[tuple[BriefingPage, Callable[[], str]]], site: dict[str, object]
) -> list[JsonPage]:
    """`/briefings/<slug>/index.json` for each briefing, and `/data/briefings.json` for all;
    `per_briefing` gives each briefing page with what makes its JSON."""
    pages = [
        JsonPage(page.path.replace("index.html", "index.json"), functools.partial(_json_file, make))
        for page, make in per_briefing
    ]
    makers = tuple(make for _, make in per_briefing)
    pages.append(JsonPage(DATA_PATH, functools.partial(_all_briefings, site, makers), whole_site=True))
    return pages


def _json_file(make: Callable[[], str]) -> tuple[str, str]:
    return make(), "\n"


def _all_briefings(site: dict[str, object], makers: Sequence[Callable[[], str]]) -> Iterator[str]:
    yield '{"site":' + safe_json(site) + ',"briefings":['
    for number, make in enumerate(makers):
        if number:
            yield ","
        yield make()
    yield "]}\n"
