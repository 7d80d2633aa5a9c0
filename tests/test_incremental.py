"""Incremental builds: after any series of edits, the output is what a clean build gives."""

from __future__ import annotations

import shutil

from tests.conftest import Site, briefing
from tests.test_output import tree_digest

REGISTRY = "wire:\n  title: Wire report\n  reliability: A\n"


def _assert_same_as_clean(site: Site) -> None:
    assert site.brief("build").exit_code == 0
    clean = site.root.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    result = site.brief("build", "--clean", "--out", str(clean))
    assert result.exit_code == 0, result.output
    assert tree_digest(site.root / "_site", search_index=False) == tree_digest(clean, search_index=False)


def test_a_series_of_edits_gives_the_same_site_as_a_clean_build(site: Site) -> None:
    site.write("briefings/_sources.yaml", REGISTRY)
    site.write(
        "briefings/a.md",
        briefing(
            title="Alpha",
            extra="claims:\n  c:\n    statement: S.\n    sources: [wire]\n",
            body="Cited [@wire].\n",
        ),
    )
    site.write("briefings/b.md", briefing(title="Beta", body="See [alpha](a.md).\n"))
    _assert_same_as_clean(site)
    site.write(
        "briefings/a.md",
        briefing(
            title="Alpha",
            extra="claims:\n  c:\n    statement: S.\n    sources: [wire]\n",
            body="Cited again [@wire].\n",
        ),
    )
    _assert_same_as_clean(site)
    site.write("briefings/_sources.yaml", REGISTRY.replace("reliability: A", "reliability: E"))
    _assert_same_as_clean(site)
    assert "E · Unreliable" in site.page("a")
    site.write("briefings/c.md", briefing(title="Gamma", date="2026-01-01"))
    _assert_same_as_clean(site)
    (site.root / "briefings" / "c.md").unlink()
    _assert_same_as_clean(site)
    assert not (site.root / "_site" / "briefings" / "c").exists()
    site.write(
        "templates/partials/claim.html", '<li id="{{ claim.anchor }}">Custom {{ claim.statement }}</li>\n'
    )
    _assert_same_as_clean(site)
    assert "Custom S." in site.page("a")
    site.write("site.yaml", "title: Renamed site\n")
    _assert_same_as_clean(site)
    site.write("static/x.txt", "a static file")
    _assert_same_as_clean(site)


def test_a_rebuild_with_no_change_writes_nothing(site: Site) -> None:
    site.write("briefings/a.md", briefing(extra="claims:\n  c:\n    statement: Unsourced.\n"))
    assert site.brief("build").exit_code == 0
    index = site.root / "_site" / "index.html"
    inode = index.stat().st_ino
    again = site.brief("build")
    assert again.exit_code == 0
    assert "Up to date: _site" in again.stdout
    # The findings of the last build are reported again, and --strict still fails on them.
    assert "citation needed" in again.stderr
    assert site.brief("build", "--strict").exit_code == 1
    assert index.stat().st_ino == inode


def test_other_options_or_a_clean_build_do_not_count_as_up_to_date(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    assert site.brief("build").exit_code == 0
    assert "Up to date" not in site.brief("build", "--drafts").stdout
    assert "Up to date" not in site.brief("build", "--clean").stdout
    shutil.rmtree(site.root / ".brief-cache")
    assert "Up to date" not in site.brief("build").stdout


def test_a_damaged_cache_is_only_a_miss(site: Site) -> None:
    site.write("briefings/a.md", briefing(title="Alpha"))
    assert site.brief("build").exit_code == 0
    for entry in (site.root / ".brief-cache" / "load").rglob("*.json"):
        entry.write_text('{"briefing": {"title": 42}}')
    (site.root / ".brief-cache" / "last-build.json").write_text("not json")
    _assert_same_as_clean(site)
    assert "Alpha" in site.page("a")


def test_a_clean_build_is_remembered_for_the_next_one(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    assert site.brief("build", "--clean").exit_code == 0
    assert "Up to date" in site.brief("build").stdout


def test_search_is_sharded_and_reindexes_only_changed_shards(site: Site, monkeypatch: object) -> None:
    import json

    import generator.search as search

    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)  # type: ignore[attr-defined]
    for number in range(6):
        site.write(
            f"briefings/b{number}.md", briefing(title=f"Briefing {number}", body=f"Word{number} here.\n")
        )
    assert site.brief("build").exit_code == 0
    bundle = site.root / "_site" / "pagefind"
    shards = json.loads((bundle / "shards.json").read_text())
    assert len(shards) >= 2 and all((bundle / shard / "pagefind.js").is_file() for shard in shards)
    runs: list[list[str]] = []
    original = search._run_pagefind
    monkeypatch.setattr(  # type: ignore[attr-defined]
        search,
        "_run_pagefind",
        lambda site_dir, slugs, out: runs.append(slugs) or original(site_dir, slugs, out),
    )
    site.write("briefings/b3.md", briefing(title="Briefing 3", body="Changed words.\n"))
    assert site.brief("build").exit_code == 0
    assert len(runs) == 1 and "b3" in runs[0]


def test_unchanged_pages_are_reused_not_rendered(site: Site) -> None:
    site.write("briefings/a.md", briefing(title="Alpha"))
    site.write("briefings/b.md", briefing(title="Beta"))
    assert site.brief("build").exit_code == 0
    before = {
        name: (site.root / "_site" / "briefings" / name / "index.html").stat().st_ino for name in ("a", "b")
    }
    site.write("briefings/b.md", briefing(title="Beta, revised"))
    assert site.brief("build").exit_code == 0
    after = {
        name: (site.root / "_site" / "briefings" / name / "index.html").stat().st_ino for name in ("a", "b")
    }
    assert after["a"] == before["a"]  # the same file, linked from the last output
    assert after["b"] != before["b"] and "Beta, revised" in site.page("b")
    _assert_same_as_clean(site)
