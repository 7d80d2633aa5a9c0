"""The search page's tag filter offers one option per tag page: spellings that share a tag's
address ("Energy policy" and "energy-policy") are one option, as they are one tag page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import page_opener
from tests.browser.serving import build_site, serve
from tests.browser.test_search_browser import check_filter, open_search
from tests.html_text import parse_html, squash


@pytest.fixture(scope="module")
def spelled_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("spelled")
    files = {"site.yaml": "title: Spelled\nbase_url: https://example.org/brief/\n"}
    for slug, tags in (
        ("one", "Energy policy, Côte d'Ivoire"),
        ("two", "energy-policy, Côte d'Ivoire"),
        ("three", "cote-d-ivoire"),
    ):
        files[f"briefings/{slug}.md"] = (
            f"---\ntitle: Briefing {slug}\ndate: 2025-08-08\nsummary: S.\ntags: [{tags}]\n---\n"
            "Pipelines and tankers.\n"
        )
    out = build_site(root, files)
    tags = parse_html((out / "tags" / "index.html").read_text(encoding="utf-8"))
    names = [squash(link.text) for link in tags.by_id("main").find_all("a") if link.attrs.get("href") != "./"]
    assert names == ["Côte d'Ivoire", "Energy policy"], names
    with serve(out, root / "served") as url:
        yield url


@pytest.fixture
def page(browser: Any, spelled_site: str) -> Iterator[Any]:
    for opener in page_opener(browser, spelled_site):
        yield opener()


def test_spellings_of_one_tag_are_one_filter_option(page: Any, spelled_site: str) -> None:
    open_search(page, spelled_site)
    assert page.locator("#filter-tag label").all_inner_texts() == ["Côte d'Ivoire (3)", "Energy policy (2)"]
    page.fill("#search-input", "tankers")
    page.locator("#search-status").filter(has_text="3 briefings found.").wait_for()
    check_filter(page, "tag", "Energy policy")
    page.locator("#search-status").filter(has_text="2 briefings found.").wait_for()
    assert sorted(page.locator("#search-results .search-result h2 a").all_inner_texts()) == [
        "Briefing one",
        "Briefing two",
    ]
    assert page.errors == []
