"""A site's own `templates/search.html`, copied from Brief before the search filters became a
disclosure (a plain `<div id="search-filters">`), still searches and filters with the
`search.js` of today's theme."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.theme import theme_dir
from tests.browser.conftest import page_opener
from tests.browser.serving import build_site, serve


def _search_page_of_before() -> str:
    """Today's search.html with its filters written as they were before the disclosure."""
    template = (theme_dir() / "search.html").read_text(encoding="utf-8")
    start = template.index('<details class="search-filters"')
    groups = template.index('<div class="filter-groups">')
    template = (
        template[:start]
        + '<div class="search-filters" id="search-filters" hidden>\n'
        + template[groups + len('<div class="filter-groups">\n') :]
    )
    return template.replace("</div>\n</details>", "</div>", 1)


@pytest.fixture(scope="module")
def older_theme_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("older-theme")
    search_page = _search_page_of_before()
    assert "<details" not in search_page and 'id="search-filters-ticked"' not in search_page
    files = {
        "site.yaml": "title: Older theme\nbase_url: https://example.org/brief/\n",
        "templates/search.html": search_page,
    }
    for slug, tag in (("one", "energy"), ("two", "shipping")):
        files[f"briefings/{slug}.md"] = (
            f"---\ntitle: Briefing {slug}\ndate: 2025-08-08\nsummary: S.\ntags: [{tag}]\n---\nTankers.\n"
        )
    with serve(build_site(root, files), root / "served") as url:
        yield url


def test_an_older_search_page_still_searches_and_filters(browser: Any, older_theme_site: str) -> None:
    for opener in page_opener(browser, older_theme_site):
        tab = opener(width=360, height=740)
        tab.goto(older_theme_site + "search/")
        tab.locator("#filter-tag input[type=checkbox]").first.wait_for()
        tab.fill("#search-input", "tankers")
        tab.locator("#search-status").filter(has_text="2 briefings found.").wait_for()
        tab.locator('#filter-tag input[type=checkbox][value="energy"]').check()
        tab.locator("#search-status").filter(has_text="1 briefing found.").wait_for()
        assert tab.locator("#search-results .search-result h2 a").all_inner_texts() == ["Briefing one"]
        assert tab.errors == []
