"""Publication control: markings and the gate, drafts, internal notes, withdrawal, aliases.

Nothing that is not published may leave a trace: every output byte is scanned, the search
index (decompressed) included.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from pathlib import Path

from tests.conftest import Site
from tests.html_text import parse_html, squash


def _briefing_with_marker(
    word: str, marking: str, status: str = "published", date: str = "2025-08-08", maps: bool = False
) -> str:
    """A briefing whose every field carries `word`, so that any leak can be found; with
    `maps`, it shows `static/maps/<word>.svg` and `static/maps/shared.svg`."""
    images = f"\n![Map {word}alt](/maps/{word}.svg) ![Shared map](/maps/shared.svg)\n" if maps else ""
    return f"""---
title: Briefing {word}title
date: {date}
summary: Summary {word}summary.
authors: [Author {word}author]
tags: [{word}tag]
status: {status}
marking: {marking}
aliases: [{word}alias]
corrections:
  - date: 2025-08-09
    text: Correction {word}correction.
internal:
  note: Internal {word}internal
sources:
  {word}source:
    title: Source {word}sourcetitle
    publisher: Publisher {word}publisher
    url: https://example.org/{word}url
    note: Note {word}sourcenote
    reliability: B
claims:
  {word}claim:
    statement: Claim {word}statement.
    sources: [{word}source]
    note: Claim note {word}claimnote.
timeline:
  - date: 2025-08-06
    title: Event {word}event
    description: Description {word}description.
    sources: [{word}source]
---

Body {word}body cites [@{word}source] and [@{word}claim].
{images}"""


def _every_output_byte(root: Path) -> bytes:
    """All files' bytes; gzip-compressed files (the search index) decompressed too."""
    chunks = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            chunks.append(data)
            with contextlib.suppress(OSError, EOFError):
                chunks.append(gzip.decompress(data))
    return b"\n".join(chunks)


def _write_marked_site(site: Site) -> None:
    site.write("briefings/clear.md", _briefing_with_marker("kiwiclear", "TLP:CLEAR", maps=True))
    site.write("briefings/green.md", _briefing_with_marker("fennelgreen", "TLP:GREEN", maps=True))
    site.write("briefings/amber.md", _briefing_with_marker("quinceamber", "TLP:AMBER", maps=True))
    site.write("briefings/red.md", _briefing_with_marker("zanderred", "TLP:RED", maps=True))
    # Each briefing's own map (its file name and content carry its word), one they share,
    # and a file no briefing uses.
    for name in ("kiwiclear", "fennelgreen", "quinceamber", "zanderred", "shared", "unusedlogo"):
        site.write(
            f"static/maps/{name}.svg",
            f'<svg xmlns="http://www.w3.org/2000/svg"><title>{name}map</title></svg>',
        )


def test_the_gate_leaves_no_byte_of_briefings_above_it(site: Site) -> None:
    _write_marked_site(site)
    result = site.brief("build", "--publish-up-to", "TLP:GREEN")
    assert result.exit_code == 0, result.output
    everything = _every_output_byte(site.root / "_site")
    assert b"kiwiclearbody" in everything and b"fennelgreenbody" in everything
    assert b"kiwiclearbody" in everything.lower()  # the search index was scanned too
    for word in (b"quinceamber", b"zanderred"):
        assert word not in everything.lower()
    names = [path.name for path in (site.root / "_site").rglob("*")]
    assert not [name for name in names if "quinceamber" in name or "zanderred" in name]
    maps = sorted(path.name for path in (site.root / "_site" / "maps").iterdir())
    assert maps == ["fennelgreen.svg", "kiwiclear.svg", "shared.svg", "unusedlogo.svg"]
    assert "left out: marked TLP:AMBER" in result.stderr and "left out: marked TLP:RED" in result.stderr
    assert "zanderred.svg" not in result.stderr  # its briefing's own notice is enough
    verbose = site.brief("build", "--publish-up-to", "TLP:GREEN", "-v")
    assert (
        "static/maps/zanderred.svg:1:1: info: left out: only briefings this build does not publish use it"
        in verbose.stderr
    )
    # Built up to RED, every map is published.
    assert site.brief("build", "--publish-up-to", "TLP:RED").exit_code == 0
    assert len(list((site.root / "_site" / "maps").iterdir())) == 6
    # The search index holds the published briefings.
    assert (site.root / "_site" / "pagefind").is_dir()


def test_internal_notes_are_never_written(site: Site) -> None:
    _write_marked_site(site)
    assert site.brief("build", "--publish-up-to", "TLP:RED").exit_code == 0
    everything = _every_output_byte(site.root / "_site").lower()
    for word in (b"kiwiclearinternal", b"fennelgreeninternal", b"quinceamberinternal", b"zanderredinternal"):
        assert word not in everything


def test_built_up_to_red_every_briefing_has_its_banners(site: Site) -> None:
    _write_marked_site(site)
    assert site.brief("build", "--publish-up-to", "TLP:RED").exit_code == 0
    for slug, marking in (
        ("clear", "TLP:CLEAR"),
        ("green", "TLP:GREEN"),
        ("amber", "TLP:AMBER"),
        ("red", "TLP:RED"),
    ):
        page = parse_html(site.page(slug))
        banners = page.find_all("p", class_="marking-banner")
        assert [squash(b.visible_text) for b in banners] == [marking, marking]
        assert [b.attrs["data-where"] for b in banners] == ["top", "bottom"]


def test_a_marking_with_a_space_gets_one_class_and_tlp_classes_stay(site: Site) -> None:
    # Markings are free text: "OFFICIAL: Sensitive" was written as two classes,
    # `marking-official-` and `sensitive`.
    site.write("site.yaml", "title: T\nmarkings: [PUBLIC, 'OFFICIAL: Sensitive', 'TLP:AMBER+STRICT']\n")
    site.write("briefings/official.md", _briefing_with_marker("official", "'OFFICIAL: Sensitive'"))
    site.write("briefings/strict.md", _briefing_with_marker("strict", "'TLP:AMBER+STRICT'"))
    assert site.brief("build").exit_code == 0
    for slug, marking, css_class in (
        ("official", "OFFICIAL: Sensitive", "marking-official-sensitive"),
        ("strict", "TLP:AMBER+STRICT", "marking-tlp-amber-strict"),
    ):
        for banner in parse_html(site.page(slug)).find_all("p", class_="marking-banner"):
            assert banner.attrs["class"].split() == ["marking-banner", css_class]
            assert squash(banner.visible_text) == marking
    home = parse_html((site.root / "_site" / "index.html").read_text(encoding="utf-8"))
    assert sorted(tag.attrs["class"] for tag in home.find_all("span", class_="marking-tag")) == [
        "marking-tag marking-official-sensitive",
        "marking-tag marking-tlp-amber-strict",
    ]


def test_publish_up_to_in_site_yaml_and_unknown_markings(site: Site) -> None:
    _write_marked_site(site)
    site.write("site.yaml", "title: T\npublish_up_to: TLP:CLEAR\n")
    assert site.brief("build").exit_code == 0
    assert not (site.root / "_site" / "briefings" / "green").exists()
    bad_gate = site.brief("build", "--publish-up-to", "TLP:PURPLE")
    assert bad_gate.exit_code == 2
    # The value came from the command line, not from a file: said as for any bad option.
    assert "Error: Invalid value for '--publish-up-to': 'TLP:PURPLE' is not one of the site's markings" in (
        bad_gate.stderr
    )
    assert "site.yaml" not in bad_gate.stderr
    bad_url = site.brief("build", "--base-url", "ftp://example.org/")
    assert bad_url.exit_code == 2
    assert (
        "Invalid value for '--base-url': 'ftp://example.org/' is not an absolute http(s) URL"
        in bad_url.stderr
    )
    site.write("briefings/odd.md", _briefing_with_marker("oddword", "TLP:PURPLE"))
    result = site.brief("check")
    assert "briefings/odd.md:8:10: error: 'TLP:PURPLE' is not one of the site's markings" in result.stderr


def test_a_draft_leaves_no_trace_and_builds_with_drafts(site: Site) -> None:
    site.write("briefings/live.md", _briefing_with_marker("kiwilive", "TLP:CLEAR"))
    site.write("briefings/draft.md", _briefing_with_marker("draftyword", "TLP:CLEAR", status="draft"))
    assert site.brief("build").exit_code == 0
    assert b"draftyword" not in _every_output_byte(site.root / "_site").lower()
    assert site.brief("build", "--drafts").exit_code == 0
    page = parse_html(site.page("draft"))
    assert "Draft." in squash(page.find_all("p", class_="draft-banner")[0].visible_text)
    # A preview shows its drafts, but announces none to feed readers or search engines.
    for announced in ("feed.xml", "sitemap.xml"):
        text = (site.root / "_site" / announced).read_text()
        assert "briefings/live/" in text and "briefings/draft/" not in text, announced
    assert "draftyword" not in (site.root / "_site" / "feed.xml").read_text()


def test_a_withdrawn_briefing_leaves_only_its_notice(site: Site) -> None:
    site.write("briefings/live.md", _briefing_with_marker("kiwilive", "TLP:CLEAR", maps=True))
    for name in ("kiwilive", "gonebye", "shared"):
        site.write(
            f"static/maps/{name}.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><title>{name}</title></svg>'
        )
    site.write(
        "briefings/gone.md",
        _briefing_with_marker("gonebye", "TLP:CLEAR", status="withdrawn", maps=True).replace(
            "summary: Summary gonebyesummary.",
            "summary: Withdrawn because its only source gonebyereason recanted.",
        ),
    )
    assert site.brief("build").exit_code == 0
    out = site.root / "_site"
    notice = parse_html(site.page("gone"))
    text = squash(notice.by_id("main").visible_text)
    assert "Withdrawn." in text and "Briefing gonebyetitle" in text and "8 August 2025" in text
    assert "gonebyereason recanted" in text
    # Its old address (an alias) leads to the notice, as its own address does.
    alias = out / "briefings" / "gonebyealias" / "index.html"
    assert 'content="0; url=../gone/"' in alias.read_text()
    for path in sorted(out.rglob("*")):
        if path.is_file() and path not in (out / "briefings" / "gone" / "index.html", alias):
            data = path.read_bytes().lower()
            assert b"gonebye" not in data, path
    assert sorted(path.name for path in (out / "maps").iterdir()) == ["kiwilive.svg", "shared.svg"]
    notice_html = site.page("gone").lower()
    for word in ("gonebyebody", "gonebyestatement", "gonebyeevent", "gonebyesourcetitle", "gonebyeinternal"):
        assert word not in notice_html


def test_links_to_unpublished_briefings_become_text(site: Site) -> None:
    site.write("briefings/draft.md", _briefing_with_marker("draftyword", "TLP:CLEAR", status="draft"))
    site.write(
        "briefings/live.md",
        "---\ntitle: Live\ndate: 2025-08-08\nsummary: S.\n---\nSee [the draft](draft.md) for more.\n",
    )
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "link to 'draft.md', which is not published in this build" in result.stderr
    # brief check warns of it too, so that check --strict fails where build --strict does.
    assert "briefings/live.md:6:17: warning: link to 'draft.md', which is not published" in (
        site.brief("check").stderr
    )
    page = site.page("live")
    assert "See the draft for more." in squash(parse_html(page).by_id("body").visible_text)
    assert "briefings/draft" not in page and "../draft/" not in page


def test_an_event_description_names_no_unpublished_briefing_in_the_data(site: Site) -> None:
    """The page shows a description's link to a file as its text; the JSON does the same, so
    that the file and heading of a briefing that is not published appear in no output."""
    site.write(
        "briefings/secret/draftyplans.md", _briefing_with_marker("draftyword", "TLP:CLEAR", status="draft")
    )
    site.write(
        "briefings/live.md",
        "---\ntitle: Live\ndate: 2025-08-08\nsummary: S.\ntimeline:\n  - date: 2025-08-06\n"
        "    title: Talks\n    description: See *the* [plans](secret/draftyplans.md#draftyheading),"
        " ![a map](/maps/draftymap.png) and [the wire](https://example.org/wire).\n---\nBody.\n",
    )
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    everything = _every_output_byte(site.root / "_site").lower()
    assert b"the wire" in everything
    for word in (b"draftyplans", b"draftyheading", b"draftymap"):
        assert word not in everything
    data = json.loads((site.root / "_site/briefings/live/index.json").read_text(encoding="utf-8"))
    assert data["events"][0]["description"] == (
        "See *the* plans, a map and [the wire](https://example.org/wire)."
    )


def test_each_link_to_an_unpublished_briefing_is_reported_at_its_own_place(site: Site) -> None:
    """Two links to one file on a line, and a reference link, are three warnings: none is
    lost for sharing a position with another."""
    site.write("briefings/draft.md", _briefing_with_marker("draftyword", "TLP:CLEAR", status="draft"))
    site.write(
        "briefings/live.md",
        "---\ntitle: Live\ndate: 2025-08-08\nsummary: S.\n---\n"
        "See [one](draft.md), [two](draft.md) and [three][d].\n\n[d]: draft.md\n",
    )
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    warned = [line.split(": warning:")[0] for line in result.stderr.splitlines() if "'draft.md'" in line]
    assert warned == ["briefings/live.md:6:11", "briefings/live.md:6:28", "briefings/live.md:8:6"]
    assert "See one, two and three." in squash(parse_html(site.page("live")).by_id("body").visible_text)


def test_a_briefing_above_the_gate_with_errors_is_left_out_like_any_other(site: Site) -> None:
    """Its errors are not this build's, a link to it is a link to an unpublished briefing
    (in a full build and in a prose-only rebuild), and the build says it left it out."""
    site.write("site.yaml", "title: T\npublish_up_to: TLP:GREEN\n")
    site.write(
        "briefings/red.md",
        "---\ntitle: Red\ndate: 2025-08-08\nmarking: TLP:RED\naliases: [Old_Slug]\n---\nRed.\n",
    )
    live = "---\ntitle: Live\ndate: 2025-08-08\nsummary: S.\n---\nSee [the red one](red.md){}.\n"
    site.write("briefings/live.md", live.format(""))
    for prose in ("", " again"):
        site.write("briefings/live.md", live.format(prose))
        result = site.brief("build", "-v")
        assert result.exit_code == 0, result.stderr
        assert "briefings/live.md:6:19: warning: link to 'red.md', which is not published in this build" in (
            result.stderr
        )
        assert "briefings/red.md:1:1: info: left out: marked TLP:RED, above the gate" in result.stderr
        assert "Old_Slug" not in result.stderr
        assert f"See the red one{prose}." in squash(parse_html(site.page("live")).by_id("body").visible_text)
    assert "only the prose of 1 briefing changed" in result.stdout
    # A draft above the gate, built with --drafts, is left out for its marking, and says so.
    site.write("briefings/red.md", _briefing_with_marker("redword", "TLP:RED", status="draft"))
    result = site.brief("build", "-v", "--drafts")
    assert result.exit_code == 0, result.stderr
    assert "briefings/red.md:1:1: info: left out: marked TLP:RED, above the gate" in result.stderr
    assert b"redword" not in _every_output_byte(site.root / "_site")


def test_corrections_on_the_page_and_in_the_feed(site: Site) -> None:
    site.write("briefings/c.md", _briefing_with_marker("corr", "TLP:CLEAR"))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("c"))
    assert "9 August 2025: Correction corrcorrection." in squash(page.by_id("corrections").visible_text)
    feed = (site.root / "_site" / "feed.xml").read_text()
    assert "Correction corrcorrection." in feed
    assert "<updated>2025-08-09T00:00:00Z</updated>" in feed


def test_aliases_redirect_and_are_listed_nowhere_else(site: Site) -> None:
    site.write("briefings/new-home.md", _briefing_with_marker("movedword", "TLP:CLEAR"))
    assert site.brief("build").exit_code == 0
    redirect = (site.root / "_site" / "briefings" / "movedwordalias" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../new-home/">' in redirect
    assert 'href="../new-home/"' in redirect
    for path in (site.root / "_site").rglob("*.html"):
        if "movedwordalias" not in str(path):
            assert "movedwordalias" not in path.read_text(), path
    assert "movedwordalias" not in (site.root / "_site" / "sitemap.xml").read_text()


def test_an_alias_that_collides_with_a_live_slug_is_an_error(site: Site) -> None:
    site.write("briefings/one.md", _briefing_with_marker("one", "TLP:CLEAR").replace("[onealias]", "[two]"))
    site.write("briefings/two.md", _briefing_with_marker("two", "TLP:CLEAR"))
    result = site.brief("check")
    assert result.exit_code == 1
    assert "briefings/one.md:9:11: error: the alias 'two' is the slug of briefings/two.md" in result.stderr


def test_an_alias_listed_twice_and_a_correction_older_than_the_briefing_are_warned_of(site: Site) -> None:
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-10\nsummary: S.\naliases: [old-one, old-one]\n"
        "corrections:\n  - date: 2025-01-02\n    text: Fixed.\n---\nBody.\n",
    )
    result = site.brief("build")
    assert result.exit_code == 0
    assert "briefings/a.md:5:20: warning: the alias 'old-one' is listed twice" in result.stderr
    assert (
        "briefings/a.md:7:11: warning: the correction of 2025-01-02 is dated before the briefing (2025-01-10)"
    ) in result.stderr
    assert (site.root / "_site" / "briefings" / "old-one" / "index.html").is_file()
