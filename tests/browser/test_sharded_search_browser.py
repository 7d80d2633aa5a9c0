"""Search on a site large enough to be indexed in several Pagefind shards, which the search
page merges in the browser: every shard's briefings are found, counted and filtered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from generator.search import shard_count, shard_of
from tests.browser.conftest import page_opener
from tests.browser.serving import build_site, serve
from tests.browser.test_search_browser import check_filter, open_search

BRIEFINGS = 210  # three shards of about 100 pages


def _slug(number: int) -> str:
    return f"item-{number:03d}"


def _marker(number: int) -> str:
    """A word of this briefing's only: letters, all of one length (search matches prefixes)."""
    letters = "".join("abcdefghijklmnopqrstuvwxyz"[number // 26**place % 26] for place in (2, 1, 0))
    return "zq" + letters


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("sharded")
    files = {"site.yaml": "title: Sharded\nbase_url: https://example.org/brief/\n"}
    for number in range(BRIEFINGS):
        # Tags that differ only in case share one tag page, and one search filter.
        parity = ("Even" if number % 4 == 0 else "even") if number % 2 == 0 else "odd"
        files[f"briefings/{_slug(number)}.md"] = (
            f"---\ntitle: Item {number:03d}\ndate: 2025-08-08\nsummary: Item {number}.\n"
            f"tags: [{parity}]\n---\n"
            f"Pipelines and tankers, as usual. The marker of this one is {_marker(number)}.\n"
        )
    out = build_site(root, files)
    shards = json.loads((out / "pagefind" / "shards.json").read_text())
    assert len(shards) == shard_count(BRIEFINGS) == 3
    with serve(out, root / "served") as url:
        yield url


@pytest.fixture
def page(browser: Any, sharded_site: str) -> Iterator[Any]:
    for opener in page_opener(browser, sharded_site):
        yield opener()


def test_a_briefing_in_any_shard_is_found(page: Any, sharded_site: str) -> None:
    count = shard_count(BRIEFINGS)
    first_in_each = [
        next(n for n in range(BRIEFINGS) if shard_of(_slug(n), count) == shard) for shard in range(count)
    ]
    open_search(page, sharded_site)
    first_result = page.locator("#search-results .search-result h2 a").first
    for number in first_in_each:
        page.fill("#search-input", _marker(number))
        # Shards without the word may offer near words further down (Pagefind's own doing);
        # the briefing that has it comes first, with the word marked in its excerpt.
        first_result.filter(has_text=f"Item {number:03d}").wait_for()
        marked = page.locator("#search-results .search-result").first.locator("mark").inner_text()
        assert marked.rstrip(".") == _marker(number)
    assert page.errors == []


def test_counts_and_filters_span_every_shard(page: Any, sharded_site: str) -> None:
    open_search(page, sharded_site)
    labels = page.locator("#filter-tag label").all_inner_texts()
    # "Even" (53 briefings) and "even" (52) are one option, named as most briefings write it.
    assert labels == [f"Even ({BRIEFINGS // 2})", f"odd ({BRIEFINGS // 2})"]
    page.fill("#search-input", "tankers")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS} briefings found.").wait_for()
    check_filter(page, "tag", "odd")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS // 2} briefings found.").wait_for()
    page.locator('#filter-tag input[value="odd"]').uncheck()
    check_filter(page, "tag", "Even")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS // 2} briefings found.").wait_for()
    shown = page.locator("#search-results .search-result h2 a").all_inner_texts()
    assert {int(title.split()[-1]) % 2 for title in shown} == {0}
    assert {int(title.split()[-1]) % 4 for title in shown} == {0, 2}
    assert page.errors == []


def test_ticking_an_option_leaves_the_counts_of_its_alternatives(page: Any, sharded_site: str) -> None:
    """Options of one filter are alternatives: with "odd" ticked, "Even" still says how
    many briefings ticking it as well would add, not how many are both."""
    open_search(page, sharded_site)
    page.fill("#search-input", "tankers")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS} briefings found.").wait_for()
    check_filter(page, "tag", "odd")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS // 2} briefings found.").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#filter-tag label')].map(l => l.innerText).join('|')"
        f" === 'Even ({BRIEFINGS // 2})|odd ({BRIEFINGS // 2})'",
        timeout=5000,
    )
    assert page.errors == []


def test_an_address_names_a_tag_in_any_case(page: Any, sharded_site: str) -> None:
    page.goto(sharded_site + "search/?tag=EVEN")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS // 2} briefings found.").wait_for()
    assert page.locator('#filter-tag input[value="Even"]').is_checked()
    assert page.url.endswith("?tag=Even")
    assert page.errors == []


def test_every_result_can_be_shown_thirty_at_a_time(page: Any, sharded_site: str) -> None:
    # 210 briefings found: 30 are listed, and "Show more results" adds 30 at a time, with
    # the keyboard taken to the first new one, until all are listed and the button goes.
    open_search(page, sharded_site)
    page.fill("#search-input", "tankers")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS} briefings found.").wait_for()
    results = page.locator("#search-results .search-result")
    more = page.locator("#search-more")
    assert results.count() == 30 and more.inner_text() == f"Show more results (30 of {BRIEFINGS} shown)"
    more.click()
    page.wait_for_function("() => document.querySelectorAll('#search-results .search-result').length === 60")
    assert page.evaluate("document.activeElement === document.querySelectorAll('#search-results a')[30]")
    while more.is_visible():
        shown = results.count()
        more.press("Enter")
        page.wait_for_function(
            f"() => document.querySelectorAll('#search-results .search-result').length > {shown}"
        )
    titles = page.locator("#search-results .search-result h2 a").all_inner_texts()
    assert sorted(titles) == [f"Item {number:03d}" for number in range(BRIEFINGS)]
    # A new search starts again at 30.
    page.fill("#search-input", "pipelines")
    page.wait_for_function("() => document.querySelectorAll('#search-results .search-result').length === 30")
    assert more.is_visible()
    assert page.errors == []
