"""A reader looks at the merged timeline in Chromium."""

from __future__ import annotations

from typing import Any


def test_timeline_reads_in_order_and_uncertain_dates_look_different(page: Any, site_url: str) -> None:
    page.goto(site_url + "timeline/")
    events = page.locator("li.event")
    count = events.count()
    assert count >= 10
    # Drawn top to bottom in the same order as the list, along one axis.
    tops = [events.nth(i).bounding_box()["y"] for i in range(count)]
    assert tops == sorted(tops)
    starts = page.eval_on_selector_all(
        "li.event", "els => els.map(e => e.querySelector('time')?.getAttribute('datetime'))"
    )
    dated = [s for s in starts if s]
    assert dated == sorted(dated, key=lambda s: s.ljust(10, "0"))

    def marker_style(selector: str) -> dict[str, str]:
        return page.eval_on_selector(
            selector + " .event-marker",
            "m => { const s = getComputedStyle(m); return {border: s.borderTopStyle, bg: s.backgroundColor,"
            " height: s.height}; }",
        )

    exact = marker_style("li.event.is-exact")
    approximate = marker_style("li.event.is-approximate")
    uncertain = marker_style("li.event.is-uncertain")
    interval = marker_style("li.event.is-interval")
    assert exact["border"] == "solid"
    assert approximate["border"] == "dashed" and approximate["bg"] != exact["bg"]
    assert uncertain["border"] == "dotted"
    assert float(interval["height"].rstrip("px")) > 2 * float(exact["height"].rstrip("px"))
    # The legend explains the drawing.
    legend = page.locator(".timeline-legend").inner_text()
    assert "approximate" in legend and "uncertain" in legend and "open-ended" in legend
    assert page.outside_requests == []


def test_timeline_fits_a_phone_and_reads_in_order(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(site_url + "timeline/")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    first_date = tab.locator("li.event .event-date").first.bounding_box()
    first_title = tab.locator("li.event .event-title").first.bounding_box()
    assert first_date["y"] < first_title["y"]
    context.close()
