"""A reader searches the briefings in Chromium, and narrows the results with the filters.

What the results should be is read from the built pages themselves: the words of each
briefing, and the tags, confidence and rating badges each briefing page shows.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pixels import measure_screenshot
from tests.html_text import parse_html, squash

#: A word that the example site uses in one briefing only (the test checks that it does).
RARE_WORD = "dirham"
#: A word that every briefing uses.
COMMON_WORD = "India"


def _badges(article: Any, where: str, scale: str) -> set[str]:
    """The texts of the `scale` badges in the `where` paragraphs of a briefing."""
    return {
        squash(badge.text)
        for head in article.find_all("p", class_=where)
        for badge in head.find_all("span", class_=f"badge-{scale}")
    }


def _briefings(site: Path) -> dict[str, dict[str, Any]]:
    """Text and facets of each briefing page, as a reader sees them, by title: the tags in
    its header, the confidence badges of its key judgments, the rating badges of its sources."""
    found = {}
    for path in sorted((site / "briefings").glob("*/index.html")):
        page = parse_html(path.read_text(encoding="utf-8"))
        articles = page.find_all("article", class_="briefing")
        if not articles:
            continue
        article = articles[0]
        filters = {
            "tag": {squash(tag.text) for tag in article.find_all("a", class_="tag")},
            "confidence": _badges(article, "judgment-head", "confidence"),
            "reliability": _badges(article, "source-head", "reliability"),
        }
        title = squash(page.by_id("briefing-title").text)
        found[title] = {"text": squash(article.text), "filters": filters}
    return found


def wait_for_results(tab: Any, expected: set[str]) -> None:
    """Wait until the result list shows exactly the briefings titled `expected` (in any order)."""
    script = """expected => {
        const shown = [...document.querySelectorAll('#search-results .search-result h2 a')]
            .map(a => a.textContent.trim());
        return shown.length === expected.length && expected.every(t => shown.includes(t));
    }"""
    # On a timeout, the assertions below say what is shown instead.
    with contextlib.suppress(Exception):
        tab.wait_for_function(script, arg=sorted(expected), timeout=8000)
    shown = tab.locator("#search-results .search-result h2 a").all_inner_texts()
    assert sorted(shown) == sorted(expected)
    count = len(expected)
    status = tab.locator("#search-status").inner_text()
    assert status == (
        f"{count} briefing{'' if count == 1 else 's'} found." if count else "No briefings match."
    )


def open_search(tab: Any, site_url: str) -> None:
    tab.goto(site_url + "search/")
    # The filters appear once the Pagefind bundle and its filter index have loaded.
    tab.locator("#search-filters").wait_for(state="visible")


def check_filter(tab: Any, name: str, value: str) -> None:
    # On a phone the filters start closed: the reader opens them first.
    if not tab.locator("#search-filters").evaluate("box => box.open"):
        tab.locator("#search-filters > summary").click()
    box = tab.locator(f'#filter-{name} input[type="checkbox"][value="{value}"]')
    assert box.count() == 1, (name, value)
    # The reader sees the value and how many briefings have it.
    label = tab.locator(f'label[for="{box.get_attribute("id")}"]').inner_text()
    assert label.startswith(value + " (")
    box.check()


def test_a_word_in_one_briefing_finds_that_briefing(page: Any, site_url: str, example_site: Path) -> None:
    briefings = _briefings(example_site)
    having = {title for title, b in briefings.items() if RARE_WORD.lower() in b["text"].lower()}
    assert len(having) == 1, f"{RARE_WORD!r} should be in exactly one briefing, is in {having}"
    open_search(page, site_url)
    page.fill("#search-input", RARE_WORD)
    wait_for_results(page, having)
    # The excerpt shows the word, marked.
    assert RARE_WORD in page.locator("#search-results mark").first.inner_text().lower()
    # The address keeps the query, so a search can be shared and reloaded.
    assert page.url.endswith(f"?q={RARE_WORD}")
    page.reload()
    page.locator("#search-filters").wait_for(state="visible")
    wait_for_results(page, having)
    # The result leads to the briefing.
    page.locator("#search-results .search-result h2 a").first.click()
    assert squash(page.locator("h1").inner_text()) == next(iter(having))
    assert page.outside_requests == []
    assert page.errors == []


@pytest.mark.parametrize("facet", ["tag", "confidence", "reliability"])
def test_each_filter_narrows_the_results(page: Any, site_url: str, example_site: Path, facet: str) -> None:
    briefings = _briefings(example_site)
    everything = {title for title, b in briefings.items() if COMMON_WORD.lower() in b["text"].lower()}
    assert len(everything) == len(briefings) >= 3
    # The value of this facet that the fewest briefings have (but some do).
    values: dict[str, set[str]] = defaultdict(set)
    for title, b in briefings.items():
        for value in b["filters"][facet]:
            values[value].add(title)
    value, narrowed = min(
        ((v, titles) for v, titles in values.items() if 0 < len(titles) < len(everything)),
        key=lambda item: (len(item[1]), item[0]),
    )
    open_search(page, site_url)
    # Every value of the facet is offered, with the number of briefings that have it.
    offered = page.locator(f"#filter-{facet} input[type=checkbox]").evaluate_all(
        "boxes => boxes.map(b => b.value)"
    )
    assert sorted(offered) == sorted(values)
    # Grades in the order of their scale, strongest first; tags alphabetically.
    scale_order = {
        "confidence": ["High confidence", "Moderate confidence", "Low confidence"],
        "reliability": sorted(values),  # "A · …" to "F · …" is the scale's order
        "tag": sorted(values, key=str.casefold),
    }[facet]
    assert offered == [value for value in scale_order if value in values]
    labels = page.locator(f"#filter-{facet} label").all_inner_texts()
    assert sorted(labels) == sorted(f"{v} ({len(titles)})" for v, titles in values.items())
    page.fill("#search-input", COMMON_WORD)
    wait_for_results(page, everything)
    check_filter(page, facet, value)
    wait_for_results(page, narrowed)
    # A second value of the same facet widens again (either one), a value of another facet narrows (both).
    other_facet = "tag" if facet != "tag" else "confidence"
    other_value, other_titles = next(
        (v, {t for t, b in briefings.items() if v in b["filters"][other_facet]})
        for v in sorted({v for b in briefings.values() for v in b["filters"][other_facet]})
        if {t for t, b in briefings.items() if v in b["filters"][other_facet]} & narrowed
    )
    check_filter(page, other_facet, other_value)
    wait_for_results(page, narrowed & other_titles)
    # Unticking restores the wider results.
    page.locator(f'#filter-{other_facet} input[value="{other_value}"]').uncheck()
    page.locator(f'#filter-{facet} input[value="{value}"]').uncheck()
    wait_for_results(page, everything)
    assert page.outside_requests == []
    assert page.errors == []


def test_the_address_keeps_the_ticked_filters(page: Any, site_url: str, example_site: Path) -> None:
    briefings = _briefings(example_site)
    tags: dict[str, set[str]] = defaultdict(set)
    for title, b in briefings.items():
        for tag in b["filters"]["tag"]:
            tags[tag].add(title)
    tag, having = min(((t, titles) for t, titles in tags.items() if len(titles) < len(briefings)), key=str)
    open_search(page, site_url)
    page.fill("#search-input", COMMON_WORD)
    check_filter(page, "tag", tag)
    wait_for_results(page, having)
    assert f"tag={tag}" in page.url and f"q={COMMON_WORD}" in page.url
    page.reload()
    page.locator("#search-filters").wait_for(state="visible")
    wait_for_results(page, having)
    assert page.locator(f'#filter-tag input[value="{tag}"]').is_checked()
    assert page.errors == []


def test_filter_counts_follow_the_search(page: Any, site_url: str, example_site: Path) -> None:
    briefings = _briefings(example_site)
    (title,) = [t for t, b in briefings.items() if RARE_WORD.lower() in b["text"].lower()]
    open_search(page, site_url)
    totals = page.locator("#filter-tag label").all_inner_texts()
    page.fill("#search-input", RARE_WORD)
    wait_for_results(page, {title})
    found_tags = briefings[title]["filters"]["tag"]
    expected = []
    for label in totals:
        name = label.rsplit(" (", 1)[0]
        expected.append(f"{name} ({1 if name in found_tags else 0})")
    page.wait_for_function(
        "expected => [...document.querySelectorAll('#filter-tag label')].map(l => l.innerText).join('|')"
        " === expected.join('|')",
        arg=expected,
        timeout=5000,
    )
    page.fill("#search-input", "")
    page.wait_for_function(
        "expected => [...document.querySelectorAll('#filter-tag label')].map(l => l.innerText).join('|')"
        " === expected.join('|')",
        arg=totals,
        timeout=5000,
    )
    assert page.errors == []


#: The mean brightness (0 to 255) of a screenshot drawn on a canvas (`measure_screenshot`).
BRIGHTNESS = """context => {
    const pixels = context.getImageData(0, 0, context.canvas.width, context.canvas.height).data;
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) sum += (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3;
    return sum / (pixels.length / 4);
}"""


def test_on_a_phone_the_filters_wait_behind_a_heading_that_counts_the_ticks(
    open_page: Any, site_url: str
) -> None:
    # Every tag is a filter option: on a phone they pushed the results off the first screen.
    tab = open_page(width=360, height=740)
    open_search(tab, site_url)
    filters = tab.locator("#search-filters")
    assert not filters.evaluate("box => box.open")
    assert not tab.locator("#filter-tag input[type=checkbox]").first.is_visible()
    tab.fill("#search-input", "India")
    first = tab.locator("#search-results .search-result").first
    first.wait_for()
    assert first.bounding_box()["y"] < 740
    summary = tab.locator("#search-filters > summary")
    assert squash(summary.inner_text()) == "Filters"
    summary.click()
    tab.locator("#filter-confidence input[type=checkbox]").first.check()
    assert squash(summary.inner_text()) == "Filters (1 ticked)"
    # Reloaded with the ticks in its address (once the search has run), the page shows them open.
    tab.wait_for_function("() => location.search.includes('confidence=')")
    tab.reload()
    tab.locator("#search-results .search-result").first.wait_for()
    assert filters.evaluate("box => box.open")
    assert squash(summary.inner_text()) == "Filters (1 ticked)"
    # On a wide screen they are open from the start.
    wide = open_page(width=1280)
    open_search(wide, site_url)
    assert wide.locator("#search-filters").evaluate("box => box.open")
    assert wide.locator("#filter-tag input[type=checkbox]").first.is_visible()
    assert tab.errors == [] and wide.errors == []


def test_the_filters_check_boxes_are_dark_in_dark_mode(open_page: Any, site_url: str) -> None:
    # The browser drew its own controls for a light page: white squares on the dark page.
    tab = open_page(color_scheme="dark")
    open_search(tab, site_url)
    box = tab.locator("#search-filters input[type=checkbox]").first
    assert measure_screenshot(tab, box.screenshot(), BRIGHTNESS) < 128
    assert tab.errors == []
