"""A briefing that quotes Arabic sources, read in Chromium: names and titles in a right-to-left
script sit among the site's English words (a publisher before its date, a tag before its count)
without pulling those words out of order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import page_opener
from tests.browser.serving import build_site, serve

PUBLISHER = "الجزيرة"
TAG = "العربية"

BIDI_BRIEFING = f"""---
title: Gulf shipping after the August attacks
date: 2025-08-20
summary: Attacks on shipping are likely to continue.
tags: [{TAG}, gulf]
sources:
  aljazeera:
    title: "تقرير الجزيرة عن الهجمات على السفن"
    publisher: {PUBLISHER}
    published: 2025-08-19
    reliability: C
claims:
  attacks:
    statement: Attacks on merchant ships will continue.
    sources: [aljazeera]
---

قالت الجزيرة إن الهجمات ستستمر [@aljazeera].

The attacks will go on, according to the broadcaster [@aljazeera].
"""


@pytest.fixture(scope="module")
def bidi_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("bidi")
    files = {
        "site.yaml": "title: Bidi\nbase_url: https://example.org/brief/\n",
        "briefings/gulf.md": BIDI_BRIEFING,
    }
    with serve(build_site(root, files), root / "served") as url:
        yield url


@pytest.fixture
def open_bidi_page(browser: Any, bidi_url: str) -> Iterator[Any]:
    yield from page_opener(browser, bidi_url)


#: Where each of `words` (in the order written) is drawn inside the element: [left, right, top,
#: bottom] of its first box, found in the element's text nodes.
WHERE = """([el, words]) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
    let node = 0, offset = 0;
    return words.map(word => {
        for (; node < nodes.length; node++, offset = 0) {
            const at = nodes[node].textContent.indexOf(word, offset);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(nodes[node], at);
            range.setEnd(nodes[node], at + word.length);
            offset = at + word.length;
            const box = range.getClientRects()[0];
            return [box.left, box.right, box.top, box.bottom];
        }
        return null;
    });
}"""


def _reads_in_order(tab: Any, element: Any, words: list[str]) -> None:
    """Check that `words` are drawn in the order written: each one right of the one before on
    the same line, or on a later line."""
    boxes = tab.evaluate(WHERE, [element.element_handle(), words])
    assert None not in boxes, (words, boxes)
    for (_, right, top, bottom), (left, _, next_top, next_bottom) in itertools.pairwise(boxes):
        same_line = next_top < bottom and top < next_bottom
        assert (same_line and right <= left + 0.5) or next_top >= bottom - 1, (words, boxes)


@pytest.mark.parametrize("width", [1280, 360])
def test_a_right_to_left_publisher_keeps_its_date_whole(
    open_bidi_page: Any, bidi_url: str, width: int
) -> None:
    # "الجزيرة, 19 Aug 2025" was drawn as "19 الجزيرة, Aug 2025" in the source entry, and as
    # "Aug 2025 19 ,الجزيرة" in the preview of a citation in a right-to-left passage.
    tab = open_bidi_page(width=width, height=800)
    tab.goto(bidi_url + "briefings/gulf/")
    _reads_in_order(tab, tab.locator("#sources .reference"), [PUBLISHER, "19", "Aug", "2025"])
    badge = tab.locator(".briefing-body button.cite-badge").first
    badge.click()
    preview = tab.locator("#" + badge.get_attribute("popovertarget"))
    _reads_in_order(tab, preview.locator(".preview-line").first, [PUBLISHER, "19", "Aug", "2025"])
    tab.goto(bidi_url + "sources/")
    _reads_in_order(tab, tab.locator(".site-source .reference").first, [PUBLISHER, "19", "Aug", "2025"])
    assert tab.errors == []


def test_a_right_to_left_tag_stands_before_its_count(open_bidi_page: Any, bidi_url: str) -> None:
    # The tags index drew "العربية 1 briefing" as "1 العربية briefing".
    tab = open_bidi_page(width=360, height=800)
    tab.goto(bidi_url + "tags/")
    entry = tab.locator(".tag-index li", has_text=TAG)
    _reads_in_order(tab, entry, [TAG, "1", "briefing"])
    assert tab.errors == []


def test_each_paragraph_of_the_text_reads_in_its_own_direction(open_bidi_page: Any, bidi_url: str) -> None:
    # The body's first paragraph is Arabic, which made the whole body right to left: the
    # English paragraph after it was set flush right, with its citation and full stop drawn
    # at its start ". [C · Fairly reliable] The attacks will go on...".
    tab = open_bidi_page(width=1280, height=800)
    tab.goto(bidi_url + "briefings/gulf/")
    english = tab.locator(".briefing-body p", has_text="The attacks")
    box = english.bounding_box()
    boxes = tab.evaluate(WHERE, [english.element_handle(), ["The", "broadcaster"]])
    assert abs(boxes[0][0] - box["x"]) < 1, (boxes, box)
    badge = english.locator("button.cite-badge").bounding_box()
    assert badge["x"] >= boxes[1][1], (boxes, badge)
    # The Arabic paragraph is still set from the right.
    arabic = tab.locator(".briefing-body p").first
    box = arabic.bounding_box()
    (first,) = tab.evaluate(WHERE, [arabic.element_handle(), ["قالت"]])
    assert abs(first[1] - (box["x"] + box["width"])) < 1, (first, box)
    assert tab.errors == []
