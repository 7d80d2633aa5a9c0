"""The search page with hostile filter values and text, on a site indexed in two shards.

Filter values are whatever analysts write: tags and scale labels that are markup, that
hold quotes or backslashes, or that are the names of a JavaScript object's own
properties (`constructor`, `toString`, `__proto__`). Each is an option with its count,
finds its briefing, and nothing in a title, excerpt or option becomes markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import page_opener
from tests.browser.serving import build_site, serve
from tests.browser.test_search_browser import open_search

BRIEFINGS = 130  # two shards, whose filter counts the browser adds up
MARKUP = "<img src=x onerror=alert('tag')>"
#: Each hostile tag is carried by one briefing only.
HOSTILE_TAGS = [
    "constructor",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "__proto__",
    'say "hi"',
    "back\\slash",
    "50% ~off",
    MARKUP,
]
QUOTED_LABEL = 'Usually "reliable"'
PROTO_LABEL = "__proto__"


def _yaml(text: str) -> str:
    return json.dumps(text)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    files = {
        "site.yaml": "title: Hostile\nbase_url: https://example.org/brief/\nscales:\n  reliability:\n"
        f"    A: {{label: {_yaml(PROTO_LABEL)}, strength: strong}}\n"
        f"    B: {{label: {_yaml(QUOTED_LABEL)}, strength: strong}}\n"
        "    F: {label: Cannot be judged, strength: unknown}\n"
    }
    for number in range(BRIEFINGS):
        tags = [HOSTILE_TAGS[number]] if number < len(HOSTILE_TAGS) else ["plain"]
        grade = "A" if number % 2 else "B"
        files[f"briefings/item-{number:03d}.md"] = (
            f"---\ntitle: {_yaml(f'Item {number:03d} <svg onload=alert(1)>')}\ndate: 2025-08-08\n"
            f"summary: {_yaml('Pipelines <img src=x onerror=alert(2)> &lt;b&gt;')}\n"
            f"tags: [{', '.join(_yaml(tag) for tag in tags)}]\n"
            f"sources:\n  s:\n    title: Wire\n    reliability: {grade}\n---\n"
            "Pipelines and tankers. <img src=x onerror=alert(3)>\n"
        )
    out = build_site(root, files)
    assert len(json.loads((out / "pagefind" / "shards.json").read_text())) == 2
    with serve(out, root / "served") as url:
        yield url


@pytest.fixture
def page(browser: Any, hostile_site: str) -> Iterator[Any]:
    for opener in page_opener(browser, hostile_site):
        yield _recording_dialogs(opener())


def _recording_dialogs(tab: Any) -> Any:
    """The tab, which dismisses any dialog (an `alert` that got to run) and lists it in `tab.dialogs`."""
    tab.dialogs = []

    def dismiss(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", dismiss)
    return tab


def check_filter(tab: Any, name: str, value: str) -> None:
    """Tick the option of this value (found by its value, which no CSS selector need quote)."""
    boxes = tab.locator(f"#filter-{name} input[type=checkbox]")
    values = boxes.evaluate_all("boxes => boxes.map(box => box.value)")
    assert values.count(value) == 1, (name, value, values)
    boxes.nth(values.index(value)).check()


def _options(tab: Any, name: str) -> list[str]:
    return [" ".join(text.split()) for text in tab.locator(f"#filter-{name} label").all_inner_texts()]


def test_every_hostile_value_is_an_option_with_its_count(page: Any, hostile_site: str) -> None:
    open_search(page, hostile_site)
    options = _options(page, "tag")
    for tag in HOSTILE_TAGS:
        assert f"{tag} (1)" in options, options
    assert f"plain ({BRIEFINGS - len(HOSTILE_TAGS)})" in options
    assert sorted(_options(page, "reliability")) == sorted(
        [f"A · {PROTO_LABEL} ({BRIEFINGS // 2})", f"B · {QUOTED_LABEL} ({BRIEFINGS // 2})"]
    )
    assert page.errors == []


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
def test_each_hostile_tag_finds_its_briefing(page: Any, hostile_site: str, tag: str) -> None:
    open_search(page, hostile_site)
    check_filter(page, "tag", tag)
    page.locator("#search-status").filter(has_text="1 briefing found.").wait_for()
    expected = f"Item {HOSTILE_TAGS.index(tag):03d} <svg onload=alert(1)>"
    assert page.locator("#search-results .search-result h2 a").all_inner_texts() == [expected]
    # The address names the tag as written, and opening it ticks the same option again.
    assert parse_qs(urlsplit(page.url).query)["tag"] == [tag]
    page.goto(page.url)
    page.locator("#search-status").filter(has_text="1 briefing found.").wait_for()
    assert page.locator("#filter-tag input:checked").evaluate_all("boxes => boxes.map(b => b.value)") == [tag]
    assert page.errors == []


@pytest.mark.parametrize("label", [PROTO_LABEL, QUOTED_LABEL])
def test_hostile_reliability_labels_filter(page: Any, hostile_site: str, label: str) -> None:
    open_search(page, hostile_site)
    page.fill("#search-input", "tankers")
    check_filter(page, "reliability", f"{'A' if label == PROTO_LABEL else 'B'} · {label}")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS // 2} briefings found.").wait_for()
    assert page.errors == []


def test_titles_and_excerpts_stay_text(page: Any, hostile_site: str) -> None:
    open_search(page, hostile_site)
    page.fill("#search-input", "onerror")
    page.locator("#search-status").filter(has_text=f"{BRIEFINGS} briefings found.").wait_for()
    results = page.locator("#search-results")
    assert results.locator("img, svg, script").count() == 0
    attributes = results.evaluate(
        "list => [...list.querySelectorAll('*')].flatMap(e => e.getAttributeNames())"
    )
    assert set(attributes) <= {"class", "href"}, attributes
    names = results.evaluate(
        "list => [...new Set([...list.querySelectorAll('*')].map(e => e.localName))].sort()"
    )
    assert names == ["a", "h2", "li", "mark", "p"], names
    assert "<img src=x onerror=alert(2)>" in results.inner_text()
    page.locator("#filter-tag input").first.check()
    page.wait_for_timeout(300)
    assert page.locator("#search-filters").locator("img, svg, script").count() == 0
    assert page.dialogs == []
    assert page.errors == []
