"""What a reader gets on the home page and a briefing page: badges as text, flags, safety."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Site, briefing
from tests.html_text import parse_html, squash

FRONT = """
authors: [R. Mehta, A. Analyst]
tags: [india, russia]
sources:
  toi:
    title: Doval's Moscow visit
    publisher: The Times of India
    published: 2025-08-05
    reliability: B
  afp:
    title: Wire report
    publisher: AFP
    reliability: A
  wire-copy:
    title: Copy of the wire report
    publisher: Local paper
    reliability: B
    derived_from: [afp]
  insiders:
    title: Unnamed insiders
    kind: anonymous
    reliability: F
claims:
  two-origins:
    statement: Corroborated statement.
    sources: [toi, afp]
  one-source:
    statement: Single sourced statement.
    sources: [{id: toi, credibility: 2}]
    likelihood: likely
  anon-only:
    statement: Anonymous statement.
    sources: [insiders]
  overconfident:
    statement: Overconfident statement.
    sources: [insiders]
    confidence: high
  unsourced:
    statement: Unsourced statement.
  circular:
    statement: Circular statement.
    sources: [afp, wire-copy]
"""

BODY = """
Doval met Shoigu [@toi]. Insiders talk [@insiders; see @afp, p. 2].
The judgment [@two-origins] holds.

A literal \\[@x] and `[@code]` stay text.

<script>alert(1)</script> and <img src=x onerror=alert(1)>

[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](java&#115;cript:alert(1)) <javascript:alert(1)>
[d](data:text/html,hi) [e](vbscript:x) [f](file:///etc/passwd) [ok](https://example.org/)
"""


def _built(site: Site) -> str:
    site.write("briefings/talks.md", briefing(title="Talks", extra=FRONT, body=BODY))
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    return site.page("talks")


def _judgment(page: str, claim_id: str) -> str:
    return squash(parse_html(page).by_id(f"claim-{claim_id}").visible_text)


def test_citation_badges_carry_the_rating_as_text(site: Site) -> None:
    page = parse_html(_built(site))
    badges = page.find_all("button", class_="cite-badge")
    texts = [squash(b.visible_text) for b in badges]
    assert texts == [
        "B · Usually reliable",
        "F · Reliability cannot be judged",
        "A · Completely reliable",
        "High confidence",
    ]
    # The accessible name names the source too.
    assert squash(badges[0].text) == "Source: Doval's Moscow visit, rated B · Usually reliable"
    # The preview shows title, publisher and date, and links to the entry.
    preview = page.by_id(badges[0].attrs["popovertarget"])
    assert "popover" in preview.attrs
    assert "The Times of India, 5 Aug 2025" in squash(preview.text)
    assert preview.find_all("a")[0].attrs["href"] == "#src-toi"
    # Locators and prefixes are shown as written.
    citation = squash(page.by_id("cite-2").visible_text)
    assert "see A · Completely reliable p. 2" in citation


def test_a_citation_inside_an_inline_footnote_gets_its_badge(site: Site) -> None:
    """`^[...]` footnotes are parsed apart from the body; a citation there used to crash the
    build with a traceback. It is numbered after the body's, and checked like them."""
    front = "sources:\n  toi:\n    title: Doval's Moscow visit\n    reliability: B\n"
    body = "Talks were held [@toi].^[As first reported [@toi, p. 2].]\n\nAn aside.^[See [@nope].]\n"
    site.write("briefings/a.md", briefing(title="Footnoted", extra=front, body=body))
    result = site.brief("build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    # Line 12 is the aside (the body starts on line 10); column 16 is the bracket in the note.
    assert "briefings/a.md:12:17: error: citation of unknown id 'nope'" in result.output
    site.write("briefings/a.md", briefing(title="Footnoted", extra=front, body=body.replace("nope", "toi")))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    footnote = page.find_all("li", class_="footnote-item")[0]
    badge = footnote.find_all("button", class_="cite-badge")[0]
    assert squash(badge.visible_text) == "B · Usually reliable"
    assert page.by_id("cite-2") is not None and "p. 2" in squash(page.by_id("cite-2").visible_text)


def test_source_entries_carry_rating_and_backlinks(site: Site) -> None:
    page = parse_html(_built(site))
    entry = page.by_id("src-toi")
    text = squash(entry.visible_text)
    assert text.startswith("B · Usually reliable Named source")
    assert "Doval's Moscow visit. The Times of India, 5 Aug 2025." in text
    backlinks = [a.attrs["href"] for a in entry.find_all("a")]
    assert backlinks == ["#cite-1", "#kj-two-origins-toi", "#kj-one-source-toi", "../../sources/#talks--toi"]
    # Every back-link target exists on the page.
    for href in backlinks[:-1]:
        page.by_id(href[1:])


def test_claims_show_confidence_and_its_basis(site: Site) -> None:
    page = _built(site)
    assert _judgment(page, "two-origins").startswith("High confidence Derived")
    assert _judgment(page, "one-source").startswith(
        "Moderate confidence Derived Likely (55–80 %) Single source"
    )
    assert "Credibility of this information: " not in _judgment(page, "one-source")
    assert "2 · Probably true" in _judgment(page, "one-source")
    overconfident = _judgment(page, "overconfident")
    assert overconfident.startswith("High confidence Assessed")
    assert "Confidence above the evidence" in overconfident
    assert "supports low" in overconfident


def test_flags_are_shown(site: Site) -> None:
    page = _built(site)
    assert "Single source" in _judgment(page, "one-source")
    assert "Anonymous or unrated sources only" in _judgment(page, "anon-only")
    unsourced = _judgment(page, "unsourced")
    assert "Citation needed" in unsourced and "[citation needed]" in unsourced
    circular = _judgment(page, "circular")
    assert "Circular reporting" in circular and "2 sources, but only 1 independent origin" in circular
    assert circular.startswith("Moderate confidence")
    assert "Single source" in circular


def test_escapes_and_code_stay_literal(site: Site) -> None:
    page = _built(site)
    body = squash(parse_html(page).by_id("body").visible_text)
    assert "A literal [@x] and [@code] stay text." in body


def test_raw_html_and_unsafe_links_are_neutralised(site: Site) -> None:
    page = _built(site)
    body_html = page[page.index('id="body"') : page.index('id="sources"')]
    assert "<script" not in body_html and "&lt;script&gt;alert(1)&lt;/script&gt;" in body_html
    assert "<img src=x" not in body_html
    assert not re.search(r"href=\"\s*(javascript|data|vbscript|file):", page, re.IGNORECASE)
    assert 'href="https://example.org/"' in body_html
    assert "java&amp;#115;cript" not in body_html


def test_briefing_text_is_never_a_template(site: Site) -> None:
    site.write(
        "briefings/t.md",
        briefing(
            title='"{{ 7*7 }}"', summary="\"{% include 'base.html' %}\"", body="Body {{ 7*7 }} {% raw %}\n"
        ),
    )
    assert site.brief("build").exit_code == 0
    page = site.page("t")
    assert "{{ 7*7 }}" in page and "49" not in page
    assert "{% include &#39;base.html&#39; %}" in page


def test_home_page_lists_newest_first_with_bluf_tags_and_confidence(site: Site) -> None:
    _built(site)
    site.write("briefings/older.md", briefing(title="Older", date="2024-01-02", summary="Old news."))
    assert site.brief("build").exit_code == 0
    home = parse_html((site.root / "_site" / "index.html").read_text())
    cards = home.find_all("li", class_="briefing-card")
    assert [squash(c.find_all("h2")[0].text) for c in cards] == ["Talks", "Older"]
    first = squash(cards[0].visible_text)
    assert "8 August 2025" in first and "The bottom line." in first
    assert "Key judgments: 2 × High confidence 2 × Moderate confidence 2 × Low confidence" in first
    assert "india" in first and "russia" in first
    assert cards[0].find_all("a")[0].attrs["href"] == "briefings/talks/"


def test_links_are_relative(site: Site) -> None:
    page = _built(site)
    assert 'href="../../assets/brief.css"' in page
    assert 'href="../../"' in page
    # Absolute URLs from base_url appear only where they must: here, in the JSON-LD and the
    # canonical link.
    without_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)
    without_canonical = re.sub(r'<link rel="canonical" href="[^"]*">', "", without_json_ld)
    assert "https://example.org/test/" in page
    assert "https://example.org/test/" not in without_canonical


def test_portable_links_name_their_files(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    assert site.brief("build", "--portable").exit_code == 0
    home = (site.root / "_site" / "index.html").read_text()
    assert 'href="briefings/a/index.html"' in home
    assert 'href="../../index.html"' in site.page("a")


def test_sanitise_mode_keeps_safe_html_and_drops_the_rest(site: Site) -> None:
    site.write("site.yaml", "title: T\nhtml: sanitise\n")
    site.write(
        "briefings/h.md",
        briefing(
            extra="sources:\n  s:\n    title: S\n",
            body=(
                "Keep <b>bold</b> and <abbr title='North Atlantic'>NATO</abbr> [@s].\n\n"
                "<script>alert(1)</script><img src='https://tracker.example/p.png' onerror='x'>\n"
                "<a href='javascript:alert(1)'>j</a> <span class='badge is-strong'>A · fake</span>\n"
            ),
        ),
    )
    assert site.brief("build").exit_code == 0
    body = site.page("h").split('id="body"')[1].split('id="sources"')[0]
    assert "<b>bold</b>" in body and "<abbr" in body
    assert "<script" not in body and "tracker.example" not in body and "onerror" not in body
    assert "javascript:" not in body
    assert 'class="badge is-strong">A · fake' not in body
    assert "B · Usually reliable" not in body and "F · Reliability cannot be judged" in body


def test_sanitise_mode_warns_of_raw_links_and_images_that_escape_the_checks(site: Site) -> None:
    # Raw <a> and <img> get none of the checks Markdown links and images get: the analyst
    # is told at each tag, and an image left without its address is not published bare.
    site.write("site.yaml", "title: T\nhtml: sanitise\n")
    site.write("briefings/b.md", briefing(title="B"))
    site.write(
        "briefings/h.md",
        briefing(
            body=(
                'See <a href="b.md">b</a>, <a href="https://ok.example">ok</a>.\n\n'
                "<div>\n<img src='https://tracker.example/p.png'> "
                "<a href='javascript:alert(1)'>j</a>\n</div>\n"
            ),
        ),
    )
    result = site.brief("build")
    assert result.exit_code == 0
    err = result.stderr
    assert "briefings/h.md:6:5: warning: the raw HTML link 'b.md' is kept as written, unchecked" in err, err
    assert "briefings/h.md:9:1: warning: a raw HTML image is removed" in err
    assert "briefings/h.md:9:43: warning: the raw HTML link 'javascript:alert(1)' is removed" in err
    assert err.count(": warning: ") == 3, err
    body = site.page("h").split('id="body"')[1].split('id="sources"')[0]
    assert "<img" not in body and "https://ok.example" in body


def test_table_alignment_uses_classes_not_inline_styles(site: Site) -> None:
    site.write("briefings/t.md", briefing(body="| a | b |\n|:-|-:|\n| x | y |\n"))
    assert site.brief("build").exit_code == 0
    page = site.page("t")
    assert 'class="align-right"' in page and "style=" not in page


@pytest.mark.parametrize("html", ["escape", "sanitise"])
def test_code_blocks_and_tables_take_keyboard_focus(site: Site, html: str) -> None:
    # Both scroll sideways in their own box when wider than the column; a keyboard reader
    # scrolls them only once they have focus (axe: scrollable-region-focusable).
    site.write("site.yaml", f"title: T\nhtml: {html}\n")
    body = "```\nfenced\n```\n\n    indented\n\n| a | b |\n|---|---|\n| x | y |\n"
    if html == "sanitise":
        body += '\n<pre tabindex="3">raw</pre>\n'
    site.write("briefings/t.md", briefing(body=body))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("t")).by_id("body")
    assert [(e.tag, e.attrs.get("tabindex")) for e in page.iter() if e.tag in ("pre", "table")] == [
        ("pre", "0"),
        ("pre", "0"),
        ("table", "0"),
    ] + ([("pre", None)] if html == "sanitise" else [])


def test_scale_labels_and_colours_come_from_site_yaml(site: Site) -> None:
    site.write(
        "site.yaml",
        """
        title: T
        scales:
          reliability:
            1: {label: Verified, strength: strong, colour: "#1a7f37"}
            2: {label: Unverified, strength: unknown}
        """,
    )
    site.write("briefings/a.md", briefing(extra="sources:\n  s:\n    title: S\n", body="[@s]\n"))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    # No reliability given: the last grade of a scale without F.
    assert squash(page.by_id("cite-1").visible_text).startswith("2 · Unverified")
    css = (site.root / "_site" / "assets" / "scales.css").read_text()
    assert ".badge-reliability-1 { border-color: #1a7f37;" in css


def test_long_lists_are_split_into_pages(site: Site) -> None:
    for number in range(65):
        site.write(
            f"briefings/b{number:02d}.md",
            briefing(
                title=f"Briefing {number:02d}", date=f"2025-01-{1 + number % 28:02d}", extra="tags: [common]"
            ),
        )
    assert site.brief("build").exit_code == 0
    out = site.root / "_site"
    assert (out / "page" / "2" / "index.html").is_file() and (out / "page" / "3" / "index.html").is_file()
    assert not (out / "page" / "4").exists()
    first = parse_html((out / "index.html").read_text())
    assert len(first.find_all("li", class_="briefing-card")) == 30
    pager = [squash(a.text) for a in first.find_all("nav", class_="pager")[0].find_all("a")]
    assert pager == ["1", "2", "3", "Older →"]
    last = parse_html((out / "page" / "3" / "index.html").read_text())
    assert len(last.find_all("li", class_="briefing-card")) == 5
    assert [a.attrs["href"] for a in last.find_all("a", rel="prev")] == ["../2/"]
    tag = parse_html((out / "tags" / "common" / "page" / "3" / "index.html").read_text())
    assert "65 briefings, newest first; page 3 of 3." in squash(tag.visible_text)
    seen = set()
    for path in [out / "index.html", out / "page/2/index.html", out / "page/3/index.html"]:
        seen |= {squash(h.text) for h in parse_html(path.read_text()).find_all("h2", class_="card-title")}
    assert len(seen) == 65


def test_tags_that_make_one_page_are_one_tag_and_are_warned_of(site: Site) -> None:
    site.write(
        "briefings/one.md", briefing(title="One", date="2025-01-01", extra="tags: [energy, ENERGY, C]\n")
    )
    site.write("briefings/two.md", briefing(title="Two", date="2025-01-02", extra="tags: [Energy, C++]\n"))
    result = site.brief("build")
    assert result.exit_code == 0
    err = result.stderr
    assert "briefings/one.md:5:16: warning: the tag 'ENERGY' repeats the tag 'energy'" in err
    assert "  hint: both are the tag of tags/energy/; delete one" in err
    assert (
        "briefings/two.md:5:16: warning: the tag 'C++' shares the page tags/c/ with the tag 'C' of "
        "briefings/one.md: the site shows them as one tag"
    ) in err
    # Case alone does not make another tag: no warning for "Energy" against "energy".
    assert err.count("warning:") == 2, err
    for slug in ("energy", "c"):
        page = parse_html((site.root / "_site" / "tags" / slug / "index.html").read_text())
        cards = page.find_all("li", class_="briefing-card")
        assert sorted(squash(card.find_all("h2")[0].text) for card in cards) == ["One", "Two"]
    one = parse_html(site.page("one"))
    assert [squash(a.text) for a in one.find_all("a", class_="tag")] == ["energy", "C"]
    # A tag is named as most briefings write it, and of equals, first in code point order:
    # as the search page names its filter option.
    counts = squash(parse_html((site.root / "_site" / "tags" / "index.html").read_text()).visible_text)
    assert "Energy 2 briefings" in counts and "C 2 briefings" in counts
    site.write("briefings/three.md", briefing(title="Three", date="2025-01-03", extra="tags: [energy]\n"))
    assert site.brief("build").exit_code == 0
    counts = squash(parse_html((site.root / "_site" / "tags" / "index.html").read_text()).visible_text)
    assert "energy 3 briefings" in counts
    tag_page = parse_html((site.root / "_site" / "tags" / "energy" / "index.html").read_text())
    assert squash(tag_page.find_all("h1")[0].text) == "energy"


def test_pages_name_their_canonical_address_and_the_feed(site: Site) -> None:
    site.write("briefings/a.md", briefing(title="Alpha"))
    assert site.brief("build").exit_code == 0
    out = site.root / "_site"
    page = site.page("a")
    assert '<link rel="canonical" href="https://example.org/test/briefings/a/">' in page
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Test site" href="../../feed.xml">' in page
    )
    home = (out / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.org/test/">' in home
    assert 'href="feed.xml"' in home and (out / "feed.xml").is_file()
    assert 'rel="canonical"' not in (out / "404.html").read_text()
    # Without base_url there is no feed, and no absolute address to name.
    site.write("site.yaml", "title: Test site\n")
    assert site.brief("build").exit_code == 0
    assert 'rel="canonical"' not in site.page("a") and "feed.xml" not in site.page("a")


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("en", "ltr"),
        ("ar", "rtl"),
        ("he-IL", "rtl"),
        ("fa", "rtl"),
        ("syr", "rtl"),
        ("ku-Arab", "rtl"),
        ("az-Latn", "ltr"),
        ("en-u-nu-arab", "ltr"),  # English with Arabic digits: an extension, not a script
    ],
)
def test_the_site_language_sets_the_text_direction(site: Site, language: str, direction: str) -> None:
    site.write("site.yaml", f"title: Test site\nlanguage: {language}\n")
    site.write(
        "briefings/a.md", briefing(title="عنوان التقرير", summary="ملخص التقرير.", extra="tags: [عربي]\n")
    )
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    assert f'<html lang="{language}" dir="{direction}">' in site.page("a")
    # Text of either direction in a site of the other is laid out by its own first letters.
    assert page.by_id("briefing-title").attrs["dir"] == "auto"
    assert page.by_id("bluf").find_all("p")[0].attrs["dir"] == "auto"
    assert page.by_id("body").attrs["dir"] == "auto"
    assert [a.attrs.get("dir") for a in page.find_all("a", class_="tag")] == ["auto"]


def test_a_citation_inside_a_link_or_an_image_description_is_warned_of(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            extra="sources:\n  s: {title: S, reliability: B}\n",
            body="See [the report [@s]](https://example.org/r) here.\n\n![A map [@s]](/map.png)\n\n[@s]\n",
        ),
    )
    site.write_bytes("static/map.png", b"\x89PNG\r\n\x1a\n")
    result = site.brief("build")
    assert result.exit_code == 0, result.stderr
    assert (
        "briefings/a.md:8:17: warning: a citation inside a link's text breaks the link: it is shown as text"
    ) in result.stderr
    assert "hint: put the citation after the link: [text](address) [@id]" in result.stderr
    assert (
        "briefings/a.md:10:15: warning: a citation in an image's description is left out of it"
        in result.stderr
    )
    # The same, with a reference for the address; a citation just before a link is fine.
    site.write(
        "briefings/a.md",
        briefing(
            extra="sources:\n  s: {title: S, reliability: B}\n",
            body="See [the report [@s]][r] and [@s][r].\n\n[r]: https://example.org/r\n",
        ),
    )
    result = site.brief("build")
    assert "briefings/a.md:8:5: warning: a citation inside a link's text breaks the link" in result.stderr
    assert result.stderr.count("a citation inside a link's text") == 1


def test_two_sources_of_one_briefing_that_are_one_source_of_the_site_are_counted_once(site: Site) -> None:
    site.write(
        "briefings/_sources.yaml", "wire: {title: Wire, url: 'https://wire.example/a', reliability: A}\n"
    )
    site.write(
        "briefings/a.md",
        briefing(
            extra=(
                "sources:\n  mirror: {title: Mirror, url: 'https://wire.example/a/', reliability: D}\n"
                "claims:\n  c: {statement: It happened., sources: [wire, mirror]}\n"
            ),
            body="As reported [@wire] and [@mirror].\n",
        ),
    )
    assert site.brief("build").exit_code == 0
    page = parse_html((site.root / "_site" / "sources" / "index.html").read_text())
    text = squash(page.visible_text)
    assert "Rests under 1 key judgment in 1 briefing." in text
    entry = page.by_id("shared-wire")
    assert squash(entry.visible_text).count("It happened.") == 1
    assert "cited 2 times" in squash(entry.visible_text)


def test_the_sources_index_puts_source_2_before_source_10(site: Site) -> None:
    sources = "".join(f"  s{n}: {{title: Source {n}, reliability: B}}\n" for n in (10, 2, 1))
    site.write("briefings/a.md", briefing(extra="sources:\n" + sources, body="[@s1] [@s2] [@s10]\n"))
    assert site.brief("build").exit_code == 0
    text = squash(parse_html((site.root / "_site" / "sources" / "index.html").read_text()).visible_text)
    assert text.index("Source 1 ") < text.index("Source 2 ") < text.index("Source 10 ")


def test_a_site_without_base_url_is_told_what_it_goes_without(site: Site) -> None:
    site.write("site.yaml", "title: Test site\n")
    site.write("briefings/a.md", briefing())
    result = site.brief("build", "-v")
    assert result.exit_code == 0
    assert "site.yaml:1:1: info: no base_url: the feed, the sitemap and the canonical links are left out" in (
        result.stderr
    )
    assert "no base_url" not in site.brief("build", "--clean").stderr  # info: shown with -v only
    assert not (site.root / "_site" / "feed.xml").exists()


def test_raw_html_shown_as_text_keeps_its_straight_quotes(site: Site) -> None:
    body = 'He said "hi" and <a href="javascript:x" title=\'y\'>this</a>.\n'
    site.write("briefings/a.md", briefing(body=body))
    assert site.brief("build").exit_code == 0
    text = squash(parse_html(site.page("a")).by_id("body").visible_text)
    assert "He said \u201chi\u201d and <a href=\"javascript:x\" title='y'>this</a>." in text


def test_a_tag_windows_reserves_gets_a_page_folder_windows_allows(site: Site) -> None:
    site.write("briefings/a.md", briefing(extra="tags: [CON, nul, energy]\n"))
    assert site.brief("build").exit_code == 0
    tags = site.root / "_site" / "tags"
    assert sorted(path.name for path in tags.iterdir() if path.is_dir()) == ["con-tag", "energy", "nul-tag"]
    page = parse_html(site.page("a"))
    assert [a.attrs["href"] for a in page.find_all("a", class_="tag")] == [
        "../../tags/con-tag/",
        "../../tags/nul-tag/",
        "../../tags/energy/",
    ]


def test_a_card_names_a_dozen_tags_and_a_briefing_has_at_most_a_hundred(site: Site) -> None:
    tags = ", ".join(f"tag{n}" for n in range(20))
    site.write("briefings/a.md", briefing(extra=f"tags: [{tags}]\n"))
    assert site.brief("build").exit_code == 0
    home = parse_html((site.root / "_site" / "index.html").read_text())
    card = home.find_all("li", class_="briefing-card")[0]
    assert len(card.find_all("a", class_="tag")) == 12
    assert "and 8 more" in squash(card.visible_text)
    assert len(parse_html(site.page("a")).find_all("a", class_="tag")) == 20  # the page names them all
    many = ", ".join(f"tag{n}" for n in range(101))
    site.write("briefings/a.md", briefing(extra=f"tags: [{many}]\n"))
    result = site.brief("build")
    assert result.exit_code == 1
    assert "briefings/a.md:5:7: error: a briefing has at most 100 tags; this one has 101" in result.stderr


def test_footnotes_are_a_region_named_notes_with_named_back_links(site: Site) -> None:
    site.write("briefings/a.md", briefing(body="Text[^a].\n\n[^a]: A note.\n"))
    assert site.brief("build").exit_code == 0
    notes = parse_html(site.page("a")).find_all("section", class_="footnotes")[0]
    assert notes.attrs["aria-label"] == "Notes"
    back_links = notes.find_all("a", class_="footnote-backref")
    assert [a.attrs["aria-label"] for a in back_links] == ["Back to the text"]
