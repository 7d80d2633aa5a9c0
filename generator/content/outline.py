"""A briefing's outline: everything about it that pages other than its own read.

Its own page shows its prose; every other page (the home and tag pages, the timeline, the
sources index, the feed, the data, other briefings' links) reads only its front matter
and a few facts about its body: which ids it cites and how often, the ids of its
headings, and where its links go. Their positions in the file do not count, so that
inserting a paragraph does not change the outline. When an edit leaves a briefing's
outline as it was, only that briefing's own page can change (see `generator.partial`).
"""

from __future__ import annotations

import dataclasses
import hashlib

from generator import cachecodec
from generator.content.model import Briefing
from generator.markdown.body import RenderedBody

_NO_BODY = RenderedBody(
    html="", citations=(), references=(), fragments=(), problems=(), heading_ids=frozenset()
)


def without_body(briefing: Briefing) -> Briefing:
    return dataclasses.replace(briefing, body=_NO_BODY)


def outline_digest(briefing: Briefing, bodiless: bytes | None = None) -> str:
    """A hash of the briefing's outline; `bodiless` is `cachecodec.dumps(without_body(briefing))`
    where the caller has it already (the load cache keeps it)."""
    body = briefing.body
    if bodiless is None:
        bodiless = cachecodec.dumps(without_body(briefing))
    digest = hashlib.sha256(bodiless)
    digest.update(b"\0citations\0")
    digest.update(cachecodec.dumps([(found.number, found.items) for found in body.citations]))
    digest.update(b"\0headings\0")
    digest.update(cachecodec.dumps(sorted(body.heading_ids)))
    digest.update(b"\0links\0")
    digest.update(
        cachecodec.dumps([(link.number, link.path, link.fragment, link.is_image) for link in body.references])
    )
    digest.update(b"\0fragments\0")
    digest.update(cachecodec.dumps(sorted({fragment for fragment, _ in body.fragments})))
    return digest.hexdigest()
