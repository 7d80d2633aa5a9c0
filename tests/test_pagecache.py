"""Page fingerprints: every value a view holds counts, and the cost stays linear."""

from __future__ import annotations

import dataclasses

from generator.pagecache import _walk, page_fingerprint
from generator.views import (
    Backlink,
    Badge,
    BriefingPage,
    BriefingSummary,
    CitationView,
    CitedItem,
    ClaimView,
    Evidence,
    SourceView,
)


def _badge(label: str = "Usually reliable") -> Badge:
    return Badge("reliability", "B", label, "strong")


def _source(backlinks: int, name: str = "Wire", label: str = "Usually reliable") -> SourceView:
    return SourceView(
        "wire",
        "src-wire",
        name,
        None,
        None,
        None,
        "https://example.org/",
        None,
        None,
        None,
        None,
        "named",
        "Named source",
        _badge(label),
        False,
        None,
        False,
        None,
        None,
        False,
        (),
        tuple(Backlink(f"cite-{n}", str(n), f"Citation {n} in the text") for n in range(backlinks)),
        "shared-wire",
    )


def _page(citations: int, name: str = "Wire", label: str = "Usually reliable") -> BriefingPage:
    """A page whose one source is cited `citations` times and backs as many claims."""
    source = _source(citations, name, label)
    claims = tuple(
        ClaimView(
            f"c{n}",
            f"claim-c{n}",
            n,
            "Statement.",
            _badge(),
            False,
            "Derived.",
            None,
            None,
            (),
            (Evidence(f"kj-c{n}-wire", source, None),),
            None,
            (),
        )
        for n in range(citations)
    )
    return BriefingPage(
        path="briefings/a/index.html",
        summary=BriefingSummary(
            "a",
            "briefings/a/index.html",
            "A",
            "1 May 2025",
            "2025-05-01",
            None,
            (),
            "published",
            "UNCLASSIFIED",
            (),
            citations,
        ),
        title="A",
        date="1 May 2025",
        date_iso="2025-05-01",
        updated=None,
        updated_iso=None,
        authors=(),
        corrections=(),
        claims=claims,
        body_html="<p>Body.</p>",
        citations={
            n: CitationView(
                n,
                f"cite-{n}",
                (CitedItem("", "", "src-wire", f"pv-{n}-1", source.reliability, source, None, None),),
            )
            for n in range(citations)
        },
        links={},
        sources=(source,),
        timeline=(),
    )


def test_a_value_deep_inside_a_view_changes_the_fingerprint() -> None:
    base = page_fingerprint("context", _page(3))
    assert page_fingerprint("context", _page(3)) == base
    assert page_fingerprint("context", _page(3, name="Wire service")) != base
    assert page_fingerprint("context", _page(3, label="Fairly reliable")) != base
    assert page_fingerprint("other context", _page(3)) != base
    page = _page(3)
    # The JSON-LD is made from the view when rendered: what only it shows is in the view.
    assert page_fingerprint("context", dataclasses.replace(page, base_url="https://example.org/")) != base
    assert page_fingerprint("context", dataclasses.replace(page, language="fr")) != base


def test_text_msgspec_cannot_write_is_hashed_too() -> None:
    """A lone surrogate (which YAML's escapes can make) has no UTF-8 form: such a value is
    walked instead."""
    one, other = _page(2, name="Wire \ud800"), _page(2, name="Wire \udc00")
    assert page_fingerprint("context", one) != page_fingerprint("context", other)


def test_a_shared_source_is_written_once() -> None:
    """A source cited n times holds n back-links and sits under n citations and n claims:
    the written view grows as n, not as n²."""
    sizes = []
    for citations in (100, 200, 400):
        parts: list[str] = []
        _walk(_page(citations), parts, {})
        sizes.append(sum(len(part) for part in parts))
    assert sizes[2] / sizes[1] < 2.2 and sizes[1] / sizes[0] < 2.2
