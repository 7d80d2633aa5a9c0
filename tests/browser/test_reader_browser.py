"""A reader in Chromium: on a phone, without JavaScript, and along a whole journey through the site.

Every page type is read at 360 px without horizontal scrolling; every page but search works
with JavaScript off, citation previews included; a keyboard reader goes from the home page to
a briefing, a citation preview, the source entry and back, the timeline and search; and no
page asks anything of another origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import page_opener
from tests.browser.pixels import measure_screenshot
from tests.browser.serving import PAGE_TYPES, build_site, serve
from tests.browser.test_search_browser import check_filter, open_search, wait_for_results
from tests.html_text import squash

PHONE = 360

#: Elements whose right edge lies beyond the viewport, except those clipped by a scrolling
#: container (a wide table scrolls inside itself) and those not shown (closed popovers).
OVERFLOWING = """width => {
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
        if (el.closest('.visually-hidden, [popover]:not(:popover-open)')) continue;
        let clipped = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.overflowX !== 'visible' && up.getBoundingClientRect().right <= width + 0.5) {
                clipped = true;
                break;
            }
        }
        if (!clipped) {
            found.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`
                       + ` "${(el.textContent || '').trim().slice(0, 40)}"`);
        }
    }
    return found;
}"""


def _is_open(preview: Any) -> bool:
    return bool(preview.evaluate("p => p.matches(':popover-open')"))


def _in_viewport(tab: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    viewport = tab.viewport_size
    return (
        box is not None
        and box["y"] < viewport["height"]
        and box["y"] + box["height"] > 0
        and box["x"] >= -0.5
        and box["x"] + box["width"] <= viewport["width"] + 0.5
    )


def _fits(tab: Any) -> list[str]:
    width = tab.viewport_size["width"]
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    overflowing = tab.evaluate(OVERFLOWING, width)
    return ([f"scrollWidth {scroll_width} > {width}"] if scroll_width > width else []) + overflowing


# --- 360 px ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_fits_a_phone(open_page: Any, site_url: str, scheme: str) -> None:
    tab = open_page(width=PHONE, height=740, color_scheme=scheme)
    problems = {}
    for name, path in PAGE_TYPES.items():
        tab.goto(site_url + path)
        if name == "search":
            open_search(tab, site_url)
            tab.fill("#search-input", "India")
            tab.locator(".search-result").first.wait_for()
        if found := _fits(tab):
            problems[name] = found
    # A citation preview opened on a phone stays on the screen.
    tab.goto(site_url + PAGE_TYPES["briefing"])
    for badge in tab.locator(".briefing-body button.cite-badge").all()[:6]:
        badge.click()
        preview = tab.locator("#" + badge.get_attribute("popovertarget"))
        assert _is_open(preview)
        box = preview.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
        if found := _fits(tab):
            problems["open preview"] = found
        tab.keyboard.press("Escape")
    assert problems == {}
    assert tab.errors == []


#: An unbroken string as analysts paste them: a paste's address, a hash.
LONG = "pastebin.example.com/raw/AbCdEfGhIjKlMnOpQrStUv1234567890"

LONG_TAG = "supercalifragilisticexpialidociousandthensomemore"

LONG_WORDS_BRIEFING = f"""---
title: Keys leaked at {LONG} overnight
date: 2025-08-08
summary: The paste at https://{LONG}?download=1 held the signing keys.
authors: [AbcdefghijklmnopqrstuvwxyzAbcdefghijklmnopqrstuvwxyz, B. Second]
tags: [{LONG_TAG}, leak]
sources:
  paste:
    title: {LONG}
    publisher: PublisherWithAVeryLongUnbrokenNameThatGoesOnAndOn
    url: https://{LONG}?download=1&format=raw&expires=never
    reliability: C
claims:
  keys:
    statement: The paste {LONG} held the signing keys.
    sources: [paste]
timeline:
  - date: 2025-08-06
    title: {LONG}
    description: Posted at {LONG} overnight.
    sources: [paste]
    claims: [keys]
---

The paste [@paste] was found at {LONG}, the hash `{LONG}{LONG}`.

| Date | Place | Actor | Event | Source | Assessment | Notes |
|---|---|---|---|---|---|---|
| 2025-08-06 | Northern port | Ministry | Paste posted | Forum post | Probably true | Seen twice |
"""


@pytest.fixture(scope="module")
def long_words_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site whose title, author, tag, source, claim and event each hold a long unbroken string."""
    root = tmp_path_factory.mktemp("long-words")
    files = {
        "site.yaml": "title: Long words\nbase_url: https://example.org/brief/\n",
        "briefings/leak.md": LONG_WORDS_BRIEFING,
    }
    with serve(build_site(root, files), root / "served") as url:
        yield url


@pytest.fixture
def open_long_words_page(browser: Any, long_words_url: str) -> Iterator[Any]:
    yield from page_opener(browser, long_words_url)


#: How far the edges of a screenshot (on a canvas: `measure_screenshot`) stand out from the
#: page's colour: for the second column of pixels from the left and from the right, over the middle third of
#: the height, the least difference of any pixel from `background` (0 where some pixel of
#: that column is the page's own colour; text cannot darken every pixel, a shadow does).
EDGE_SHADE = """(context, background) => {
    const { width, height } = context.canvas;
    const shade = x => {
        let least = 255;
        for (let y = Math.floor(height / 3); y < (2 * height) / 3; y++) {
            const [r, g, b] = context.getImageData(x, y, 1, 1).data;
            const [r0, g0, b0] = background;
            least = Math.min(least, (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0)) / 3);
        }
        return least;
    };
    return [shade(1), shade(width - 2)];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_table_wider_than_a_phone_shows_a_shadow_where_it_scrolls_on(
    open_long_words_page: Any, long_words_url: str, scheme: str
) -> None:
    # It scrolled sideways with nothing to say there was more to it.
    tab = open_long_words_page(width=PHONE, height=740, color_scheme=scheme)
    tab.goto(long_words_url + "briefings/leak/")
    table = tab.locator(".briefing-body table")
    assert table.evaluate("t => t.scrollWidth - t.clientWidth") > 100
    background = tab.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )

    def edges() -> list[float]:
        shades: list[float] = measure_screenshot(tab, table.screenshot(), EDGE_SHADE, background)
        return shades

    left, right = edges()
    assert left < 2 < 8 < right, (left, right)
    table.evaluate("t => { t.scrollLeft = 40; }")
    left, right = edges()
    assert left > 8 and right > 8, (left, right)
    table.evaluate("t => { t.scrollLeft = t.scrollWidth; }")
    left, right = edges()
    assert right < 2 < 8 < left, (left, right)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_long_unbroken_words_wrap_on_a_phone(
    open_long_words_page: Any, long_words_url: str, scheme: str
) -> None:
    # A long address in an event's title made the briefing and the timeline 640 px wide, and a
    # long author name the briefing's header: grid and flex items did not shrink below it.
    tab = open_long_words_page(width=PHONE, height=740, color_scheme=scheme)
    problems = {}
    for path in ("", "briefings/leak/", "timeline/", "sources/", "tags/", f"tags/{LONG_TAG}/"):
        tab.goto(long_words_url + path)
        assert (LONG_TAG if path == "tags/" else LONG) in tab.locator("main").inner_text()
        if found := _fits(tab):
            problems[path or "home"] = found
    open_search(tab, long_words_url)
    tab.fill("#search-input", "signing")
    tab.locator(".search-result").first.wait_for()
    if found := _fits(tab):
        problems["search"] = found
    assert problems == {}
    # Words that fit their line are not split: the header's labels and the event's date read whole.
    tab.goto(long_words_url + "briefings/leak/")
    heights = tab.evaluate(
        """() => [...document.querySelectorAll('.briefing-meta dt, .event-date')].map(el => [
            el.textContent, el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)
        ])"""
    )
    assert len(heights) >= 4 and [text for text, lines in heights if lines > 1.5] == []
    assert tab.errors == []


@pytest.mark.parametrize("width", [PHONE, 390, 412])
def test_a_judgment_count_stays_with_its_badge_on_a_phone(open_page: Any, site_url: str, width: int) -> None:
    # "2 ×" at the end of a line and its badge on the next read as the previous badge's.
    tab = open_page(width=width, height=800)
    tab.goto(site_url + PAGE_TYPES["home"])
    apart = tab.evaluate(
        """() => [...document.querySelectorAll('.confidence-count')].filter(pair => {
            const count = pair.querySelector('.count').getBoundingClientRect();
            const badge = pair.querySelector('.badge').getBoundingClientRect();
            const apart = count.bottom <= badge.top || badge.bottom <= count.top;
            return apart || count.height > badge.height * 1.6;
        }).map(pair => pair.innerText)"""
    )
    assert tab.evaluate("document.querySelectorAll('.confidence-count').length") >= 4
    assert apart == []


def test_a_dark_screen_prints_dark_ink_on_white_with_the_timelines_drawing(
    open_page: Any, site_url: str
) -> None:
    # Printing from a device in dark mode put its pale text colours on white paper; and the
    # timeline's axis and markers, being backgrounds, were left off the page.
    tab = open_page(color_scheme="dark")
    tab.goto(site_url + PAGE_TYPES["briefing"])
    tab.emulate_media(media="print", color_scheme="dark")
    colours = tab.evaluate(
        """() => ['body', '.bluf h2', '.judgments > li'].map(
            selector => getComputedStyle(document.querySelector(selector)).color)"""
    )
    for colour in colours:
        red, green, blue = (int(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
        assert max(red, green, blue) < 160, colours  # dark ink, not the dark theme's pale colours
    adjust = tab.evaluate(
        """() => [getComputedStyle(document.querySelector('.timeline'), '::before').printColorAdjust,
                  getComputedStyle(document.querySelector('.event-marker')).printColorAdjust]"""
    )
    assert adjust == ["exact", "exact"]


#: For each citation badge of the page's text: whether its words begin on the line where the
#: words before it (in its paragraph or table cell) end, or that line was full anyway.
BADGES_FLOW_ON = """() => [...document.querySelectorAll('.briefing-body .cite-badge')].map(badge => {
    const block = badge.closest('p, li, td, th');
    const shown = range => [...range.getClientRects()].filter(rect => rect.width > 0);
    const own = document.createRange();
    own.selectNodeContents(badge);
    const first = shown(own)[0];
    const before = document.createRange();
    before.setStart(block, 0);
    before.setEndBefore(badge);
    const last = shown(before).pop();
    if (!last) return [badge.textContent, true];
    const sameLine = first.top < last.bottom && first.bottom > last.top;
    const lineWasFull = last.right > block.getBoundingClientRect().right - 80;
    return [badge.textContent, sameLine || lineWasFull];
})"""


def test_citations_print_as_words_in_the_line(open_page: Any, site_url: str) -> None:
    # On paper a badge spells out its source. As a button it was one box: a long source name
    # moved to a line of its own, leaving the line before it half empty, and in a table cell
    # it became a box as wide as the cell.
    tab = open_page(width=800)
    for briefing in ("briefings/s400-deliveries/", PAGE_TYPES["briefing"]):
        tab.goto(site_url + briefing)
        tab.emulate_media(media="print")
        flows = tab.evaluate(BADGES_FLOW_ON)
        assert len(flows) > 5
        assert [text for text, flowing in flows if not flowing] == [], briefing
        badge = tab.locator(".briefing-body .cite-badge").first
        assert badge.evaluate("b => getComputedStyle(b, '::before').content") == '"["'
        assert "Source: " in badge.inner_text() or "Key judgment " in badge.inner_text()


def test_a_code_block_prints_whole(open_page: Any, site_url: str) -> None:
    # On screen its long line scrolls sideways; paper does not scroll, and the end was cut off.
    tab = open_page()
    tab.goto(site_url + PAGE_TYPES["briefing"])
    code = tab.locator(".briefing-body pre").first
    assert code.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    tab.emulate_media(media="print")
    assert code.evaluate("pre => pre.scrollWidth <= pre.clientWidth")
    assert "[@seed-report; @toi]." in code.inner_text()


def test_only_blocks_that_scroll_are_tab_stops(open_page: Any, site_url: str) -> None:
    # A code block or table that fits its column has nothing for a keyboard to scroll, so
    # Tab passes it by; narrowing the window to a phone makes the table scroll, and a stop.
    tab = open_page(width=1280)
    tab.goto(site_url + PAGE_TYPES["briefing"])
    stops = """() => [...document.querySelectorAll('.briefing-body pre, .briefing-body table')].map(
        el => [el.tagName, el.scrollWidth > el.clientWidth, el.tabIndex])"""
    wide = tab.evaluate(stops)
    assert {tag for tag, _, _ in wide} == {"PRE", "TABLE"}
    assert all(index == (0 if scrolls else -1) for _, scrolls, index in wide), wide
    assert ["TABLE", False, -1] in wide and ["PRE", True, 0] in wide
    tab.set_viewport_size({"width": PHONE, "height": 740})
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.briefing-body table')].some(t => t.tabIndex === 0)"
    )
    narrow = tab.evaluate(stops)
    assert all(index == (0 if scrolls else -1) for _, scrolls, index in narrow), narrow
    assert tab.errors == []


# --- without JavaScript ----------------------------------------------------------------------------


def test_every_page_but_search_works_without_javascript(open_page: Any, site_url: str) -> None:
    tab = open_page(width=PHONE, height=740, java_script_enabled=False)
    for name, path in PAGE_TYPES.items():
        assert tab.goto(site_url + path).status == 200
        heading = tab.locator("main h1")
        assert heading.is_visible(), name
        # The stylesheet applies (the site is not an unstyled fallback) and nothing needs a script.
        assert "system-ui" in tab.evaluate("getComputedStyle(document.body).fontFamily")
        assert tab.locator("nav[aria-label=Site] a").count() == 5
        if name == "search":
            # Search is the one feature that needs JavaScript, and the page says so.
            note = tab.locator("main .search-note").first
            assert note.is_visible() and "needs JavaScript" in note.inner_text()
            assert not tab.locator("#search-filters").is_visible()
        elif name in ("home", "tag"):
            assert tab.locator(".briefing-card").first.is_visible()
        elif name == "timeline":
            assert tab.locator("li.event").count() >= 10
        elif name == "sources":
            assert tab.locator("li.site-source").first.is_visible()
    assert tab.errors == []


def test_citation_previews_work_without_javascript(open_page: Any, site_url: str) -> None:
    tab = open_page(width=PHONE, height=740, java_script_enabled=False)
    tab.goto(site_url + PAGE_TYPES["briefing"])
    badges = tab.locator(".briefing-body button.cite-badge")
    assert badges.count() >= 5
    badge = badges.first
    preview = tab.locator("#" + badge.get_attribute("popovertarget"))
    assert not preview.is_visible()
    # A tap opens the preview: the source, its publisher and its rating, as text.
    badge.click()
    assert _is_open(preview) and preview.is_visible()
    text = squash(preview.inner_text())
    rating = badge.evaluate(
        "b => [...b.childNodes].filter(n => !n.classList?.contains('visually-hidden'))"
        ".map(n => n.textContent).join('').trim()"
    )
    assert rating and rating in text
    name = squash(preview.locator(".preview-title").inner_text())
    assert name in text
    # Escape closes it, and so does a second tap.
    tab.keyboard.press("Escape")
    assert not _is_open(preview) and not preview.is_visible()
    badge.click()
    assert preview.is_visible()
    badge.click()
    assert not preview.is_visible()
    # The preview links to the source entry...
    badge.click()
    link = preview.locator("a.preview-link")
    assert link.inner_text() == "Go to the source entry"
    link.click()
    entry_id = link.get_attribute("href").removeprefix("#")
    assert tab.url.endswith("#" + entry_id)
    entry = tab.locator(f"#{entry_id}")
    assert entry.evaluate("e => e.matches(':target') && e.matches('li.source')")
    assert _in_viewport(tab, entry.locator(".reference"))
    # It is the entry of the source the preview named, with the same rating.
    assert name.strip("“”") in squash(entry.locator(".reference").inner_text())
    assert rating in squash(entry.locator(".source-head").inner_text())
    # ...whose back-link returns to the same citation.
    citation_id = badge.evaluate("b => b.closest('.citation').id")
    back = entry.locator(f'a[href="#{citation_id}"]')
    assert back.count() == 1
    back.click()
    assert tab.url.endswith("#" + citation_id)
    assert _in_viewport(tab, badge)
    assert tab.errors == []


# --- a whole journey ----------------------------------------------------------------------------------


def _tab_to(tab: Any, predicate: str, limit: int = 150) -> None:
    """Press Tab until the focused element satisfies the JavaScript `predicate` (given the element)."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate(f"(el => {predicate})(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached an element where {predicate}")


@pytest.mark.parametrize("width", [1280, PHONE])
def test_a_reader_journey_with_the_keyboard(open_page: Any, site_url: str, width: int) -> None:
    tab = open_page(width=width, height=800)
    # The home page lists the briefings; the reader follows one.
    tab.goto(site_url)
    title = squash(tab.locator(".briefing-card .card-title a").nth(2).inner_text())
    tab.locator(".briefing-card .card-title a").nth(2).click()
    assert squash(tab.locator("h1").inner_text()) == title
    # Tab to the first citation badge in the text and open its preview with Enter.
    _tab_to(tab, "el.matches('.briefing-body button.cite-badge')")
    badge_id = tab.evaluate("document.activeElement.getAttribute('popovertarget')")
    citation_id = tab.evaluate("document.activeElement.closest('.citation').id")
    assert tab.evaluate("document.activeElement.matches(':focus-visible')")
    tab.keyboard.press("Enter")
    preview = tab.locator(f"#{badge_id}")
    assert _is_open(preview) and _in_viewport(tab, preview)
    shown, badge = preview.bounding_box(), tab.locator(f'[popovertarget="{badge_id}"]').bounding_box()
    if width == 1280:
        # On a wide screen the preview is a side note: in the margin, level with its citation.
        text_column = tab.locator(".briefing-body").bounding_box()
        assert shown["x"] >= text_column["x"] + text_column["width"]
        assert abs(shown["y"] - badge["y"]) < 2
    else:
        # On a phone it opens under the badge, across the width of the text.
        assert shown["y"] >= badge["y"] + badge["height"] - 1
    # Follow the preview's link with the keyboard too.
    _tab_to(tab, "el.matches('a.preview-link')", limit=5)
    tab.keyboard.press("Enter")
    entry = tab.locator(":target")
    assert entry.evaluate("e => e.matches('li.source')")
    assert _in_viewport(tab, entry.locator(".reference"))
    assert not preview.is_visible()
    # From the entry, the back-link to the same citation.
    _tab_to(tab, f"el.getAttribute('href') === '#{citation_id}'", limit=40)
    tab.keyboard.press("Enter")
    assert tab.url.endswith("#" + citation_id)
    assert _in_viewport(tab, tab.locator(f"#{citation_id}"))
    # The timeline, from the site navigation.
    tab.locator("nav[aria-label=Site] a", has_text="Timeline").click()
    assert squash(tab.locator("h1").inner_text()) == "Timeline"
    assert tab.locator("li.event").first.is_visible()
    # Search for a word, then narrow by a filter.
    tab.locator("nav[aria-label=Site] a", has_text="Search").click()
    open_search(tab, site_url)
    tab.locator("#search-input").focus()
    tab.keyboard.type("Shoigu")
    shown = tab.locator("#search-results .search-result h2 a")
    shown.first.wait_for()
    titles = set(shown.all_inner_texts())
    assert title in titles
    check_filter(tab, "tag", "source-grading")
    wait_for_results(tab, {title})
    if width == PHONE:
        assert _fits(tab) == []
    tab.locator("#search-results .search-result h2 a").first.click()
    assert squash(tab.locator("h1").inner_text()) == title
    assert tab.outside_requests == []
    assert tab.errors == []


def test_no_page_asks_anything_of_another_origin(open_page: Any, site_url: str, example_site: Path) -> None:
    tab = open_page()
    pages = sorted(p.relative_to(example_site).as_posix() for p in example_site.rglob("*.html"))
    assert len(pages) >= 15
    for path in pages:
        tab.goto(site_url + path.removesuffix("index.html"))
        if path == "search/index.html":
            open_search(tab, site_url)
            tab.fill("#search-input", "India")
            tab.locator(".search-result").first.wait_for()
    assert tab.outside_requests == []
    assert tab.errors == []


def test_the_404_page_works_at_any_depth(open_page: Any, site_url: str) -> None:
    tab = open_page(width=PHONE, height=740)
    response = tab.goto(site_url + "no/such/page/here/")
    assert response.status == 404
    assert squash(tab.locator("h1").inner_text()) == "Page not found"
    # Its stylesheet loads from deep down, and its links lead back into the site.
    assert "system-ui" in tab.evaluate("getComputedStyle(document.body).fontFamily")
    tab.locator("main a", has_text="The timeline").click()
    assert squash(tab.locator("h1").inner_text()) == "Timeline"
    # The one error is the page's own status: the stylesheet, icon and script all loaded.
    assert tab.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
