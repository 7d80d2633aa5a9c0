"""What search finds: the words of a briefing a reader would search for, not the labels around them.

Read from the Pagefind index of the example site itself (each page's fragment holds the text
Pagefind indexed for it, and the excerpts a reader sees come from that text).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.serving import build_example_site
from tests.html_text import _Element, briefing_pages, squash


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("search") / "site")


def _fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Each indexed page's fragment, by its URL (`/briefings/<slug>/`)."""
    found = {}
    for path in sorted((site / "pagefind").glob("*/fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{") :])
        found[fragment["url"]] = fragment
    return found


def _words(text: str) -> str:
    """The text's words, lower-cased and joined by single spaces: Pagefind adds punctuation
    between block elements, so runs of words are compared, not raw text."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _prose(element: _Element) -> str:
    """An element's text less its citation badges and marks (which search leaves out)."""
    left_out = {"citation", "citation-needed"}
    return "".join(
        child if isinstance(child, str) else _prose(child)
        for child in element.children
        if isinstance(child, str) or not left_out & set(child.attrs.get("class", "").split())
    )


def test_every_briefing_is_indexed_with_what_a_reader_searches_for(built: Path) -> None:
    fragments = _fragments(built)
    pages = briefing_pages(built)
    assert len(pages) >= 3
    assert sorted(fragments) == sorted(f"/briefings/{slug}/" for slug in pages)
    for slug, page in pages.items():
        indexed = _words(fragments[f"/briefings/{slug}/"]["content"])
        wanted = [
            page.by_id("briefing-title").text,
            *(_prose(p) for p in page.find_all("p", class_="statement")),
            *(_prose(p) for p in page.by_id("body").find_all("p")),
            *(p.text for p in page.find_all("p", class_="reference")),
            *(p.text for p in page.find_all("p", class_="event-title")),
        ]
        assert all(wanted[:2]), slug
        for text in wanted:
            assert _words(text) in indexed, (slug, squash(text))


def test_excerpts_read_as_prose_where_citations_were(built: Path) -> None:
    """A citation badge sits after a space ("the Times of India [@toi]."); search leaves the
    badge out, and the space with it, so that an excerpt never reads "India ."."""
    pages = briefing_pages(built)
    cited = sum(len(page.find_all("span", class_="citation")) for page in pages.values())
    assert cited >= 10
    for url, fragment in _fragments(built).items():
        stray = re.findall(r"\w [.,;:]", fragment["content"])
        assert stray == [], (url, stray)


def test_badges_labels_and_navigation_are_not_indexed(built: Path) -> None:
    """Rating and confidence badges, the evidence lists under each judgment (whose sources the
    Sources section names once), the timeline legend and back-links are left out: a search
    for "reliable" must not find every briefing, nor show badge text as its excerpt."""
    for url, fragment in _fragments(built).items():
        content = fragment["content"]
        for label in (
            "Completely reliable",
            "Usually reliable",
            "Fairly reliable",
            "High confidence",
            "Moderate confidence",
            "Derived from the evidence",
            "Evidence.",
            "exact date",
            "Cited in the text",
            "Go to the source entry",
            "Every use on this site",
        ):
            assert label not in content, (url, label)


def test_the_search_bundle_holds_what_the_search_page_loads_and_no_more(built: Path) -> None:
    shards = json.loads((built / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert shards
    for shard in shards:
        names = {path.name for path in (built / "pagefind" / shard).iterdir()}
        # What the search page's script loads: Pagefind's module, its worker, the WebAssembly
        # for the site's language, and the index.
        assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"} <= names
        assert {"index", "filter", "fragment"} <= names
        # Pagefind's own ready-made interfaces, which the search page does not use.
        assert not {name for name in names if name.startswith(("pagefind-ui", "pagefind-modular-ui"))}
        assert not {
            name for name in names if name.startswith(("pagefind-component-ui", "pagefind-highlight"))
        }
