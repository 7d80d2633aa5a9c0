"""axe-core finds no WCAG 2.2 A or AA violation, and none of its best practices broken, on
any page type, in light and dark mode.

axe-core comes from the PyPI package axe-playwright-python, which bundles axe.min.js, so the
tests need no network and no npm. Pages are checked as a reader leaves them: the search page
with results and its filters shown, a briefing also with a citation preview open and on a
phone.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.serving import PAGE_TYPES
from tests.browser.test_search_browser import open_search

#: The WCAG levels the product promises, and axe's best practices (landmarks, for one), which
#: a plain `axe.run()` checks too.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _axe_script() -> str:
    try:
        from axe_playwright_python.base import AXE_SCRIPT
    except ImportError:
        pytest.fail("axe-playwright-python is not installed (pip install -e '.[test]')")
    return AXE_SCRIPT


def violations(tab: Any) -> list[str]:
    """axe-core's violations of WCAG A and AA and of its best practices on the page as it is
    now, one line per element."""
    if not tab.evaluate("typeof window.axe !== 'undefined'"):
        tab.evaluate(_axe_script())
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    # WCAG 2.2 rules (wcag22aa) are in axe-core from 4.5 on.
    assert tuple(int(part) for part in result["testEngine"]["version"].split(".")[:2]) >= (4, 5)
    return [
        f"{v['id']} ({v['impact']}): {' '.join(node['target'])}: "
        + " ".join(node.get("failureSummary", "").split())[:300]
        for v in result["violations"]
        for node in v["nodes"]
    ]


STATES = [*PAGE_TYPES, "briefing with a preview open", "briefing on a phone", "search on a phone"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("state", STATES)
def test_no_wcag_violations(open_page: Any, site_url: str, state: str, scheme: str) -> None:
    tab = open_page(color_scheme=scheme, **({"width": 360, "height": 740} if "phone" in state else {}))
    name = state.split()[0] if state.startswith(("briefing", "search")) else state
    tab.goto(site_url + PAGE_TYPES[name])
    if name == "briefing":
        # The example's code block has a line longer than the column: it scrolls sideways, and a
        # keyboard reader must be able to focus it to scroll it (scrollable-region-focusable).
        assert tab.eval_on_selector(".briefing-body pre", "pre => pre.scrollWidth > pre.clientWidth")
    if name == "search":
        open_search(tab, site_url)
        tab.fill("#search-input", "India")
        tab.locator(".search-result").first.wait_for()
    if state == "briefing with a preview open":
        badge = tab.locator(".briefing-body button.cite-badge").first
        badge.click()
        tab.locator("#" + badge.get_attribute("popovertarget")).wait_for(state="visible")
    assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    assert violations(tab) == []


def test_a_cards_judgment_counts_read_as_numbers_and_badges(open_page: Any, site_url: str) -> None:
    # "6 × High confidence" was read out as "6 multiplication sign High confidence".
    tab = open_page()
    tab.goto(site_url)
    summary = tab.locator(".confidence-summary").first
    assert "×" in summary.inner_text()
    spoken = summary.aria_snapshot()
    assert "Key judgments:" in spoken and "×" not in spoken, spoken
