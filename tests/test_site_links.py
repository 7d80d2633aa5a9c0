"""The example site has every page type, and every internal link, anchor and reference resolves.

No browser: the built HTML is read with html.parser (tests/html_text.py). A link is followed the
way a browser on the deployed site would follow it: against the page's own address under the
path of `base_url` (https://example.org/brief/), so relative links and the root-relative links
of 404.html are resolved alike, and a directory URL means its index.html.
"""

from __future__ import annotations

import functools
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.urls import absolute_url, relative_path
from tests.browser.serving import build_example_site
from tests.html_text import _Element, parse_html, squash

BASE_URL = "https://example.org/brief/"
SITE_TITLE = "Brief example briefings"
BRIEFINGS = ("india-russia-moscow-talks", "russian-crude-imports", "s400-deliveries")
#: Attributes whose value is a URL, and the ones that name an element on the same page by id.
URL_ATTRIBUTES = ("href", "src", "action", "poster")
IDREF_ATTRIBUTES = ("popovertarget", "for", "aria-labelledby", "aria-describedby", "aria-controls", "list")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("links") / "site")


@functools.cache
def _document(path: Path) -> _Element:
    return parse_html(path.read_text(encoding="utf-8"))


def _ids(path: Path) -> list[str]:
    return [e.attrs["id"] for e in _document(path).iter() if "id" in e.attrs]


def _page_url(site: Path, page: Path) -> str:
    return BASE_URL + page.relative_to(site).as_posix()


def _target_file(site: Path, url: str) -> Path | None:
    """The output file an absolute URL on the deployed site names, or None if it is outside the site."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(base.path):
        return None
    relative = unquote(parts.path[len(base.path) :])
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return site / relative


def _html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_type_exists_with_its_heading(built: Path) -> None:
    headings = {
        "index.html": SITE_TITLE,
        "timeline/index.html": "Timeline",
        "sources/index.html": "Sources",
        "tags/index.html": "Tags",
        "tags/defence/index.html": "defence",
        "search/index.html": "Search",
        "404.html": "Page not found",
    }
    for slug in BRIEFINGS:
        page = _document(built / "briefings" / slug / "index.html")
        assert page.find_all("h1")[0].attrs.get("id") == "briefing-title"
        data = built / "briefings" / slug / "index.json"
        assert data.is_file() and data.read_text(encoding="utf-8").lstrip().startswith("{")
    for path, heading in headings.items():
        h1s = _document(built / path).find_all("h1")
        assert [squash(h.text) for h in h1s] == [heading], path
    for path in ("feed.xml", "sitemap.xml"):
        ET.fromstring((built / path).read_bytes())
    assert (built / "data" / "briefings.json").is_file()
    # A draft is not published.
    assert not (built / "briefings" / "putin-visit-watch-list").exists()


def test_every_internal_link_and_fragment_resolves(built: Path) -> None:
    broken: list[str] = []
    checked_files = checked_fragments = 0
    for page in _html_pages(built):
        here = _page_url(built, page)
        for element in _document(page).iter():
            for attribute in URL_ATTRIBUTES:
                value = element.attrs.get(attribute)
                if value is None or (attribute == "href" and element.tag == "base"):
                    continue
                where = f"{page.relative_to(built)}: <{element.tag} {attribute}={value!r}>"
                if value.strip() == "":
                    broken.append(f"{where}: empty URL")
                    continue
                scheme = urlsplit(value).scheme
                if scheme in ("http", "https", "mailto") and not value.startswith(BASE_URL):
                    continue
                assert scheme in ("", "http", "https"), f"{where}: unexpected scheme"
                absolute = urljoin(here, value)
                target = _target_file(built, absolute)
                if target is None or not target.is_file():
                    broken.append(f"{where}: no file for {absolute}")
                    continue
                checked_files += 1
                fragment = unquote(urlsplit(absolute).fragment)
                if fragment and target.suffix == ".html":
                    checked_fragments += 1
                    if fragment not in _ids(target):
                        broken.append(f"{where}: no id {fragment!r} in {target.relative_to(built)}")
    assert broken == []
    # The walk really followed links: every page links to others, and briefings link within themselves.
    assert checked_files > 500 and checked_fragments > 200


def test_relative_links_stay_relative_and_404_links_are_root_relative(built: Path) -> None:
    """Internal links work under any sub-path: relative, except on 404.html, which hosts serve at
    any depth, so its links start from the path of `base_url`. The one absolute link is each
    page's canonical address (none on 404.html)."""
    root_relative = 0
    for page in _html_pages(built):
        for element in _document(page).iter():
            if element.tag == "link" and element.attrs.get("rel") == "canonical":
                own = page.relative_to(built).as_posix().removesuffix("index.html")
                assert element.attrs["href"] == BASE_URL + own, page
                assert page.name != "404.html"
                continue
            for attribute in URL_ATTRIBUTES:
                href = element.attrs.get(attribute, "")
                where = f"{page.relative_to(built)}: {href}"
                assert not href.startswith(BASE_URL), f"{where}: absolute internal link"
                if urlsplit(href).scheme or href.startswith("#") or not href:
                    continue
                if page.name == "404.html":
                    assert href.startswith("/brief/"), where
                    root_relative += 1
                else:
                    assert not href.startswith("/"), f"{where}: root-relative link breaks under a sub-path"
    assert root_relative >= 5


def test_ids_are_unique_and_id_references_name_elements_on_the_page(built: Path) -> None:
    for page in _html_pages(built):
        ids = _ids(page)
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        assert duplicates == [], f"{page.relative_to(built)}: duplicate ids {duplicates}"
        for element in _document(page).iter():
            for attribute in IDREF_ATTRIBUTES:
                for ref in element.attrs.get(attribute, "").split():
                    assert ref in ids, f"{page.relative_to(built)}: {attribute}={ref!r} names nothing"


def test_every_citation_badge_opens_a_preview_that_leads_to_an_entry_and_back(built: Path) -> None:
    for slug in BRIEFINGS:
        page = _document(built / "briefings" / slug / "index.html")
        badges = page.find_all("button", class_="cite-badge")
        assert badges, slug
        for badge in badges:
            preview = page.by_id(badge.attrs["popovertarget"])
            assert "popover" in preview.attrs
            link = preview.find_all("a", class_="preview-link")[0]
            entry = page.by_id(link.attrs["href"].removeprefix("#"))
            # The entry links back to the citation the badge sits in.
            citation = next(
                e for e in page.iter() if badge in e.iter() and "citation" in e.attrs.get("class", "")
            )
            backs = [a.attrs["href"] for a in entry.find_all("a")]
            assert f"#{citation.attrs['id']}" in backs, (slug, citation.attrs["id"])


def _noindex(page: Path) -> bool:
    return any(
        meta.attrs.get("name") == "robots" and "noindex" in meta.attrs.get("content", "")
        for meta in _document(page).find_all("meta")
    )


def test_the_sitemap_lists_every_indexable_page_and_each_exists(built: Path) -> None:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((built / "sitemap.xml").read_bytes())
    locations = [loc.text or "" for loc in root.findall("s:url/s:loc", namespace)]
    files = {_target_file(built, url) for url in locations}
    assert None not in files
    assert all(f is not None and f.is_file() for f in files)
    # Everything but the 404 page and the redirects left at old addresses (which say noindex).
    expected = {p for p in _html_pages(built) if p.name != "404.html" and not _noindex(p)}
    assert len(expected) >= 8
    assert files == expected


def test_stylesheets_name_only_files_that_exist(built: Path) -> None:
    for css in (built / "assets").glob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert not urlsplit(ref).scheme, f"{css.name}: external {ref}"
            assert (css.parent / ref.split("#")[0]).resolve().is_file(), f"{css.name}: {ref}"


_PATH_PART = st.sampled_from(["briefings", "tags", "a", "b", "index.html", "x.png", "sources", ".", "..", ""])


@given(
    st.lists(_PATH_PART, max_size=4).map("/".join),
    st.lists(_PATH_PART, max_size=4).map("/".join),
)
def test_relative_urls_agree_with_relpath(target: str, start: str) -> None:
    """Every relative link goes through `relative_path`, a faster `posixpath.relpath`."""
    assert relative_path(target, start) == posixpath.relpath(target or ".", start or ".")


@given(
    st.sampled_from(["https://example.org/brief/", "https://example.org/brief", "https://example.org"]),
    st.lists(
        st.sampled_from(["a", ".", "..", "", "x.y", "index.html", "-b", "~c", ".hidden", "..."]), max_size=4
    ).map("/".join),
)
def test_absolute_urls_agree_with_urljoin(base_url: str, path: str) -> None:
    """The feed, sitemap and JSON-LD join paths to `base_url` without `urljoin` where it is safe."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    expected = urljoin(base, path.removesuffix("index.html") if path.endswith("index.html") else path)
    assert absolute_url(base_url, path) == expected
