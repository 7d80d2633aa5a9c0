"""Incremental builds: after any series of edits, the output is what a clean build gives."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import os
import shutil
import sqlite3
import time
from pathlib import Path

from generator.config import load_config
from generator.content.load import load_corpus
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


def test_a_prose_edit_keeps_a_retraction_taken_from_another_briefing(site: Site) -> None:
    # one.md's source takes two.md's retraction (same URL): a rebuild of one.md alone must
    # plan its page with two.md's source too, as a clean build does.
    site.write(
        "briefings/one.md",
        briefing(
            title="One",
            extra="sources:\n  alpha: {title: Alpha, url: 'https://u3.example/doc'}\n",
            body="Body [@alpha].\n",
        ),
    )
    site.write(
        "briefings/two.md",
        briefing(
            title="Two",
            extra="sources:\n  beta: {title: Beta, url: 'https://u3.example/doc', retracted: Withdrawn}\n",
            body="Body [@beta].\n",
        ),
    )
    _assert_same_as_clean(site)
    edited = (site.root / "briefings/one.md").read_text().replace("Body", "Edited body")
    site.write("briefings/one.md", edited)
    _assert_same_as_clean(site)
    assert "Withdrawn" in site.page("one")


def test_an_edited_template_is_compiled_again_by_the_next_build_in_the_same_process(site: Site) -> None:
    """`brief serve` keeps its compiled templates from one build to the next: only while no
    template file changed."""
    site.write("briefings/a.md", briefing(title="Alpha", extra="claims:\n  c:\n    statement: S.\n"))
    site.write(
        "templates/partials/claim.html", '<li id="{{ claim.anchor }}">First {{ claim.statement }}</li>\n'
    )
    assert site.brief("build").exit_code == 0
    assert "First S." in site.page("a")
    site.write(
        "templates/partials/claim.html", '<li id="{{ claim.anchor }}">Second {{ claim.statement }}</li>\n'
    )
    assert site.brief("build").exit_code == 0
    assert "Second S." in site.page("a") and "First S." not in site.page("a")
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
    database = site.root / ".brief-cache" / "load.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        assert connection.execute("SELECT count(*) FROM entries").fetchone()[0] == 2  # file and body
        connection.execute("UPDATE entries SET value = ?", (b'{"briefing": {"title": 42}}',))
    (site.root / ".brief-cache" / "last-build.json").write_text("not json")
    _assert_same_as_clean(site)
    assert "Alpha" in site.page("a")
    # A cache that is not a database at all.
    database.write_bytes(b"not a database" * 100)
    site.write("briefings/a.md", briefing(title="Alpha, again"))
    _assert_same_as_clean(site)
    assert "Alpha, again" in site.page("a")


def test_a_cache_of_an_earlier_layout_is_made_anew_and_then_used(site: Site, monkeypatch: object) -> None:
    """Earlier versions kept the entries in a table WITHOUT ROWID with 4 KB pages, slow for
    rows this large: such a database, its write-ahead log with it, is replaced by one of the
    current layout, which the next build reads."""
    from generator.content import cache

    site.write("briefings/a.md", briefing(title="Alpha"))
    database = site.root / ".brief-cache" / "load.sqlite3"
    database.parent.mkdir()
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
        connection.execute("INSERT INTO entries VALUES ('old', x'00')")
    assert site.brief("build").exit_code == 0
    with contextlib.closing(sqlite3.connect(database)) as connection:
        (schema,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'").fetchone()
        assert "WITHOUT ROWID" not in schema.upper()
        assert connection.execute("PRAGMA user_version").fetchone()[0] == cache._LAYOUT
        assert connection.execute("PRAGMA page_size").fetchone()[0] == 65536
        assert [key for (key,) in connection.execute("SELECT key FROM entries")] != ["old"]
        assert connection.execute("SELECT count(*) FROM entries").fetchone()[0] == 2  # file and body
    cache._recent.clear()  # as in a new process
    site.write("briefings/b.md", briefing(title="Beta"))  # a full build
    loaded = _record_loads(monkeypatch)
    assert site.brief("build").exit_code == 0
    assert loaded == ["b.md"]
    _assert_same_as_clean(site)


def test_a_full_build_reads_the_cache_in_chunks_and_a_damaged_body_misses_only_its_file(
    site: Site, monkeypatch: object
) -> None:
    from generator.content import cache

    monkeypatch.setattr(cache, "_KEYS_PER_QUERY", 2)  # type: ignore[attr-defined]
    for number in range(5):
        site.write(f"briefings/b{number}.md", briefing(title=f"Briefing {number}", body=f"Word{number}.\n"))
    assert site.brief("build").exit_code == 0
    database = site.root / ".brief-cache" / "load.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as connection, connection:
        damaged = connection.execute(
            "UPDATE entries SET value = ? WHERE key LIKE 'body-%' AND CAST(value AS TEXT) LIKE '%Word1%'",
            (b"{not json",),
        )
        assert damaged.rowcount == 1
    cache._recent.clear()  # as in a new process: what the last build loaded is read from the database
    site.write("briefings/b3.md", briefing(title="Briefing 3, retitled", body="Word3.\n"))  # a full build
    loaded = _record_loads(monkeypatch)
    assert site.brief("build").exit_code == 0
    assert sorted(loaded) == ["b1.md", "b3.md"]  # three of five from the cache, two keys a query
    assert "Word1" in site.page("b1") and "Briefing 3, retitled" in site.page("b3")
    _assert_same_as_clean(site)


def test_a_file_loaded_in_a_worker_is_sent_as_its_cache_entries_and_decoded_whole(site: Site) -> None:
    """Workers send the cache entries they made, not the model; the main process decodes the
    model from them, with its findings, whether the body was made or read from the cache."""
    from generator.content import load
    from generator.content.cache import LoadCache
    from generator.diagnostics import DiagnosticList

    examples = Path(__file__).parent.parent / "briefings"
    shutil.copy(examples / "_sources.yaml", site.root / "briefings" / "_sources.yaml")
    shutil.copy(examples / "india-russia-moscow-talks.md", site.root / "briefings" / "talks.md")
    typo = site.write("briefings/typo.md", briefing(title="Typo", body="Cites [@nowhere].\n"))
    config, _ = load_config(site.root)
    registry = load.load_registry(config, DiagnosticList())
    for read in (False, True):  # a clean build (the body made), then with the bodies cached
        cache = LoadCache.for_site(config, registry, read=read)
        context = load._LoadContext(config, registry, cache, look_up_files=False, entries_only=True)
        writer = cache.writer()
        for path in (site.root / "briefings" / "talks.md", typo):
            whole, _ = load._load_file(dataclasses.replace(context, entries_only=False), path)
            sent, entries = load._load_one(context, path)
            assert sent is None
            assert cache.decode_new(entries) == whole
            writer.add(entries)
        writer.finish()
        if read:
            assert any(key.startswith("body-") for key in entries.used)
    assert whole.diagnostics and "nowhere" in whole.diagnostics[0].message


CLAIM_TEMPLATE = '<li id="{{ claim.anchor }}">WORD {{ claim.statement }}</li>\n'


def test_compiled_templates_are_kept_outside_the_site_and_a_bad_or_missing_folder_only_compiles_again(
    site: Site, tmp_path: Path, monkeypatch: object
) -> None:
    """Jinja2 keeps the compiled templates in its own folder for the user under the system's
    temporary folder: never in the site. A damaged entry, or no usable folder, still builds."""
    import tempfile

    from generator import render

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # type: ignore[attr-defined]
    monkeypatch.setattr(render, "_last_environment", None)  # type: ignore[attr-defined]
    site.write("templates/partials/claim.html", CLAIM_TEMPLATE.replace("WORD", "First"))
    site.write("briefings/a.md", briefing(extra="claims:\n  c:\n    statement: S.\n", body="Text.\n"))
    # What other versions of Brief left: a week and more ago, and yesterday.
    folder = temporary / f"_jinja2-cache-{os.getuid()}"
    folder.mkdir(mode=0o700)
    stale, recent = folder / "__brief_0123456789abcdef_x.cache", folder / "__brief_fedcba9876543210_x.cache"
    for path, age in ((stale, 8 * 24 * 3600), (recent, 24 * 3600)):
        path.write_bytes(b"j2 other")
        os.utime(path, (time.time() - age, time.time() - age))
    assert site.brief("build").exit_code == 0
    assert [path.name for path in temporary.iterdir()] == [folder.name]
    assert oct(folder.stat().st_mode)[-3:] == "700"
    assert not stale.exists() and recent.exists()
    recent.unlink()
    compiled = sorted(folder.iterdir())
    assert compiled and all(path.name.startswith("__brief_") for path in compiled)
    assert not list(site.root.rglob("*.cache"))
    for path in compiled:  # damaged entries: compiled again
        path.write_bytes(b"j2 damaged")
    site.write("templates/partials/claim.html", CLAIM_TEMPLATE.replace("WORD", "Second"))
    monkeypatch.setattr(render, "_last_environment", None)  # type: ignore[attr-defined]
    assert site.brief("build").exit_code == 0
    assert "Second S." in site.page("a")
    # No folder to be had (the temporary folder is a file): the site is built all the same.
    shutil.rmtree(temporary)
    temporary.write_text("not a folder")
    site.write("templates/partials/claim.html", CLAIM_TEMPLATE.replace("WORD", "Third"))
    monkeypatch.setattr(render, "_last_environment", None)  # type: ignore[attr-defined]
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "Third S." in site.page("a")


def test_the_load_cache_keeps_only_what_the_last_full_load_used(site: Site) -> None:
    """Every edit adds entries; a full load drops the ones no file uses any more."""
    site.write("briefings/a.md", briefing(title="Alpha", body="First words.\n"))
    site.write("briefings/b.md", briefing(title="Beta"))
    assert site.brief("build").exit_code == 0
    for words in ("Second words.", "Third words.", "Fourth words."):
        site.write("briefings/a.md", briefing(title="Alpha", body=words + "\n"))
        assert site.brief("build").exit_code == 0
    site.write("briefings/c.md", briefing(title="Gamma", body="Other words.\n"))  # new file: full build
    assert site.brief("build").exit_code == 0
    database = site.root / ".brief-cache" / "load.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT count(*) FROM entries").fetchone()[0] == 6  # 3 files, 3 bodies


def test_cached_models_keep_the_paths_of_the_load_that_asks_for_them(site: Site) -> None:
    """A model cached by a load of the site's absolute path (the command line's) is not what a
    load through a relative path gets: its paths would not be under that load's folder."""
    site.write("briefings/a.md", briefing(title="Alpha"))
    assert site.brief("build").exit_code == 0  # caches /…/site/briefings/a.md
    previous = os.getcwd()
    os.chdir(site.root.parent)
    try:
        config, _ = load_config(Path(site.root.name))
        assert config is not None
        corpus, diagnostics = load_corpus(config)
    finally:
        os.chdir(previous)
    assert not diagnostics.has_errors
    assert [b.path for b in corpus.briefings] == [Path(site.root.name, "briefings", "a.md")]


def test_up_to_date_means_the_same_output_folder_too(site: Site) -> None:
    """`brief build` answers "up to date" before reading site.yaml, from the last build's
    records: a build into another folder, or into site.yaml's after one with --out, is not."""
    site.write("briefings/a.md", briefing())
    elsewhere = site.root.parent / "elsewhere"
    assert site.brief("build", "--out", str(elsewhere)).exit_code == 0
    assert "Up to date" in site.brief("build", "--out", str(elsewhere)).stdout
    result = site.brief("build")  # site.yaml's output folder, _site: not built yet
    assert "Up to date" not in result.stdout
    assert (site.root / "_site" / "briefings" / "a" / "index.html").is_file()
    assert "Up to date" in site.brief("build").stdout
    site.write("site.yaml", "output: public\n" + (site.root / "site.yaml").read_text())
    assert "Up to date" not in site.brief("build").stdout
    assert (site.root / "public" / "briefings" / "a" / "index.html").is_file()


def test_a_clean_build_is_remembered_for_the_next_one(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    assert site.brief("build", "--clean").exit_code == 0
    assert "Up to date" in site.brief("build").stdout


def _record_loads(monkeypatch: object) -> list[str]:
    """The names of the briefing files loaded from now on, not taken from the cache (they
    still load)."""
    from generator.content import load

    loaded: list[str] = []
    original = load._BriefingLoader.load
    monkeypatch.setattr(  # type: ignore[attr-defined]
        load._BriefingLoader,
        "load",
        lambda self, data=None: loaded.append(self.path.name) or original(self, data),
    )
    return loaded


def _record_pagefind_runs(monkeypatch: object) -> list[list[str]]:
    """The slugs of each Pagefind run from now on (the runs still happen)."""
    import generator.search as search

    runs: list[list[str]] = []
    original = search._run_pagefind
    monkeypatch.setattr(  # type: ignore[attr-defined]
        search,
        "_run_pagefind",
        lambda executable, site_dir, slugs, out: (
            runs.append(slugs) or original(executable, site_dir, slugs, out)
        ),
    )
    return runs


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
    runs = _record_pagefind_runs(monkeypatch)
    site.write("briefings/b3.md", briefing(title="Briefing 3", body="Changed words.\n"))
    assert site.brief("build").exit_code == 0
    assert len(runs) == 1 and "b3" in runs[0]


def test_an_edit_that_search_does_not_read_reindexes_nothing(site: Site, monkeypatch: object) -> None:
    """Search reads each briefing's search record, not its page: a new link for a source
    changes the page, and the record not at all."""
    import generator.search as search

    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)  # type: ignore[attr-defined]
    source = "sources:\n  s:\n    title: Wire story\n    reliability: B\n    url: https://example.org/{}\n"
    for number in range(6):
        site.write(
            f"briefings/b{number}.md",
            briefing(title=f"Briefing {number}", extra=source.format("old"), body=f"Word{number} [@s].\n"),
        )
    assert site.brief("build").exit_code == 0
    runs = _record_pagefind_runs(monkeypatch)
    site.write(
        "briefings/b3.md", briefing(title="Briefing 3", extra=source.format("new"), body="Word3 [@s].\n")
    )
    assert site.brief("build").exit_code == 0
    assert "https://example.org/new" in site.page("b3")
    assert runs == []
    site.write(
        "briefings/b3.md", briefing(title="Briefing 3", extra=source.format("new"), body="Changed [@s].\n")
    )
    assert site.brief("build").exit_code == 0
    assert len(runs) == 1 and "b3" in runs[0]


def test_a_site_can_choose_what_search_reads(site: Site) -> None:
    """`templates/search_record.html` is the theme's like any other template: a site's own
    replaces it, and search then finds what it holds."""
    site.write("briefings/a.md", briefing(title="Alpha", body="Plain words.\n"))
    site.write(
        "templates/search_record.html",
        '<html lang="en"><body><main data-pagefind-body><h1>{{ page.title }}</h1>'
        "<p>Kestrel {{ page.summary.summary }}</p></main></body></html>\n",
    )
    assert site.brief("build").exit_code == 0
    bundle = site.root / "_site" / "pagefind"
    text = b"".join(gzip.decompress(path.read_bytes()) for path in bundle.rglob("*.pf_fragment"))
    assert b"Kestrel The bottom line." in text
    assert b"Plain words" not in text
    assert "Kestrel" not in site.page("a")


def test_a_briefing_that_adds_a_shard_reindexes_few_shards(site: Site, monkeypatch: object) -> None:
    """One more briefing that takes the site from 6 shards to 7 splits one shard in two: the
    new shard, the split one and the new briefing's are indexed, the others kept."""
    import generator.search as search

    monkeypatch.setattr(search, "SMALL_SHARD", 1)  # type: ignore[attr-defined]
    for number in range(6):
        site.write(f"briefings/b{number}.md", briefing(title=f"Briefing {number}", body=f"Word{number}.\n"))
    assert site.brief("build").exit_code == 0
    runs = _record_pagefind_runs(monkeypatch)
    site.write("briefings/b6.md", briefing(title="Briefing 6", body="Word6.\n"))
    assert site.brief("build").exit_code == 0
    assert 1 <= len(runs) <= 3
    assert any("b6" in slugs for slugs in runs)
    bundle = site.root / "_site" / "pagefind"
    assert len(list(bundle.rglob("*.pf_fragment"))) == 7  # every briefing, once


def test_every_shard_count_splits_one_shard() -> None:
    """Linear hashing: going from n shards to n + 1 moves briefings out of one shard only,
    into the new one."""
    import generator.search as search

    slugs = [f"briefing-{number}" for number in range(2000)]
    for count in range(1, 40):
        before = {slug: search.shard_of(slug, count) for slug in slugs}
        after = {slug: search.shard_of(slug, count + 1) for slug in slugs}
        assert set(after.values()) == set(range(count + 1))
        moved = {slug for slug in slugs if before[slug] != after[slug]}
        assert {after[slug] for slug in moved} == {count}
        assert len({before[slug] for slug in moved}) == 1


def test_a_site_with_nothing_to_search_builds(site: Site) -> None:
    """No published briefing: no search record, no shard, and no search folder in the cache
    (found by the incremental property test's long run: the build stopped on it)."""
    site.write("briefings/a.md", briefing(title="Alpha", extra="status: draft\n"))
    result = site.brief("build", "--clean")
    assert result.exit_code == 0, result.output
    assert (site.root / "_site" / "pagefind" / "shards.json").read_text(encoding="utf-8") == "[]\n"


def test_shards_kept_from_another_pagefind_are_indexed_again(site: Site, monkeypatch: object) -> None:
    import generator.search as search

    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)  # type: ignore[attr-defined]
    for number in range(6):
        site.write(f"briefings/b{number}.md", briefing(title=f"Briefing {number}", body=f"Word{number}.\n"))
    assert site.brief("build").exit_code == 0
    runs = _record_pagefind_runs(monkeypatch)
    monkeypatch.setattr(search, "_pagefind_version", lambda executable: "pagefind 99.0.0")  # type: ignore[attr-defined]
    site.write("briefings/b3.md", briefing(title="Briefing 3", body="Changed words.\n"))
    assert site.brief("build").exit_code == 0
    assert sorted(slug for slugs in runs for slug in slugs) == [f"b{number}" for number in range(6)]


def test_without_pagefind_the_site_is_built_and_search_is_said_to_be_missing(
    site: Site, monkeypatch: object
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))  # type: ignore[attr-defined]
    site.write("briefings/a.md", briefing(title="Alpha"))
    result = site.brief("build")
    assert result.exit_code == 0
    assert "warning: the search index was not built: Pagefind is not installed" in result.stderr
    assert "pip install 'pagefind[bin]'" in result.stderr
    assert "Alpha" in site.page("a")


def test_once_pagefind_is_installed_the_next_build_adds_search_and_no_longer_says_it_is_missing(
    site: Site, monkeypatch: object
) -> None:
    """The warning's hint says to install Pagefind: the next build must then build the
    search index, not report the site as up to date, and later builds must not repeat the
    warning."""
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))  # type: ignore[attr-defined]
    site.write("briefings/a.md", briefing(title="Alpha", body="First words.\n"))
    assert "search index was not built" in site.brief("build").stderr
    again = site.brief("build")
    assert "Up to date" in again.stdout and "search index was not built" in again.stderr
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")  # type: ignore[attr-defined]
    installed = site.brief("build")
    assert installed.exit_code == 0, installed.output
    assert "Up to date" not in installed.stdout
    assert "search index was not built" not in installed.output and "0 warnings" in installed.stdout
    assert (site.root / "_site" / "pagefind" / "shards.json").is_file()
    assert "Up to date" in site.brief("build").stdout
    site.write("briefings/a.md", briefing(title="Alpha", body="Second words.\n"))
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "only the prose of 1 briefing changed" in result.stdout
    assert "search index was not built" not in result.output
    assert "0 warnings" in result.stdout
    assert (site.root / "_site" / "pagefind" / "shards.json").is_file()


def test_a_ci_runner_with_the_cache_but_no_output_reuses_loads_and_search_shards(
    site: Site, monkeypatch: object
) -> None:
    """CI restores `.brief-cache/` onto a fresh checkout, with no `_site/`: files come from the
    load cache, unchanged search shards from the shard cache, and the site is a clean build's.

    Both builds run in this one process, as `brief serve`'s do: the second must open the
    cache database that the first created."""
    import generator.search as search

    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)  # type: ignore[attr-defined]
    for number in range(6):
        site.write(f"briefings/b{number}.md", briefing(title=f"Briefing {number}", body=f"Word{number}.\n"))
    assert site.brief("build").exit_code == 0
    shutil.rmtree(site.root / "_site")
    site.write("briefings/b3.md", briefing(title="Briefing 3", body="Changed words.\n"))
    indexed = _record_pagefind_runs(monkeypatch)
    loaded = _record_loads(monkeypatch)
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built _site")
    assert loaded == ["b3.md"]  # the five others came from the cache
    assert len(indexed) == 1 and "b3" in indexed[0]
    indexed.clear()
    _assert_same_as_clean(site)


def test_brief_serve_takes_unchanged_files_from_its_last_load_not_the_database(
    site: Site, monkeypatch: object
) -> None:
    """`brief serve` builds again in the same process: a file whose key is unchanged is
    taken from the last load as it is, and only the changed file is read or loaded."""
    from generator.content import cache

    site.write("briefings/_sources.yaml", REGISTRY)
    for name in ("a", "b", "c"):
        site.write(
            f"briefings/{name}.md", briefing(title=name.upper(), extra=_CLAIMS, body="Cited [@wire].\n")
        )
    assert site.brief("build").exit_code == 0
    read: list[str] = []
    original_read = cache.LoadCache._read
    monkeypatch.setattr(  # type: ignore[attr-defined]
        cache.LoadCache, "_read", lambda self, key: read.append(key) or original_read(self, key)
    )
    site.write("briefings/b.md", briefing(title="B, retitled", extra=_CLAIMS, body="Cited [@wire].\n"))
    result = site.brief("build")
    assert result.exit_code == 0 and result.stdout.startswith("Built _site")  # a full build
    # The changed file's key only (looked up by the prose-edit check, then by the full load).
    assert len({key for key in read if key.startswith("file-")}) == 1
    assert "B, retitled" in site.page("b")
    _assert_same_as_clean(site)


def _record_planning(monkeypatch: object) -> tuple[list[str], list[str]]:
    """The slugs of the briefing pages planned from now on, and the paths of the pages whose
    view is hashed for their fingerprint (both still happen)."""
    import generator.pagecache as pagecache
    import generator.site as site_module

    planned: list[str] = []
    hashed: list[str] = []
    plan, fingerprint = site_module.plan_briefing_page, pagecache.page_fingerprint
    monkeypatch.setattr(  # type: ignore[attr-defined]
        site_module,
        "plan_briefing_page",
        lambda briefing, *args: planned.append(briefing.slug) or plan(briefing, *args),
    )
    monkeypatch.setattr(  # type: ignore[attr-defined]
        pagecache,
        "page_fingerprint",
        lambda context, page: hashed.append(page.path) or fingerprint(context, page),
    )
    return planned, hashed


def test_brief_serve_plans_again_only_the_briefings_whose_pages_can_have_changed(
    site: Site, monkeypatch: object
) -> None:
    """`brief serve` builds again in one process, where an unchanged file's model is the same
    object as last time: its claims are not assessed again, nor its page planned or hashed,
    unless something else its page shows changed (here, a link to a briefing that becomes a
    draft)."""
    site.write("briefings/_sources.yaml", REGISTRY)
    site.write(
        "briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body="Cited [@wire]. See [beta](b.md).\n")
    )
    site.write("briefings/b.md", briefing(title="Beta", extra=_CLAIMS, body="Cited [@wire].\n"))
    site.write("briefings/c.md", briefing(title="Gamma", body="Nothing cited.\n"))
    assert site.brief("build").exit_code == 0
    planned, hashed = _record_planning(monkeypatch)
    site.write("briefings/b.md", briefing(title="Beta, retitled", extra=_CLAIMS, body="Cited [@wire].\n"))
    result = site.brief("build")
    assert result.exit_code == 0 and result.stdout.startswith("Built _site")  # a full build
    assert planned == ["b"]
    assert [path for path in hashed if path.startswith("briefings/") and path.endswith(".html")] == [
        "briefings/b/index.html"
    ]
    assert "Beta, retitled" in site.page("b")
    _assert_same_as_clean(site)
    planned.clear()
    site.write(
        "briefings/b.md",
        briefing(title="Beta, retitled", extra="status: draft\n" + _CLAIMS, body="Cited [@wire].\n"),
    )
    assert site.brief("build").exit_code == 0
    assert planned == ["a"]  # its link to the briefing now left out is text only
    assert 'href="../b/' not in site.page("a")
    _assert_same_as_clean(site)


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


def test_nothing_cached_by_other_code_is_used_even_under_the_same_version(
    site: Site, monkeypatch: object
) -> None:
    """A development install, or a build from Git, changes Brief's code without changing its
    version number: every cache is keyed by a digest of the code too."""
    import generator.identity as identity

    site.write("briefings/a.md", briefing(title="Alpha"))
    assert site.brief("build").exit_code == 0
    page = site.root / "_site" / "briefings" / "a" / "index.html"
    inode = page.stat().st_ino
    loads = _count_file_loads(monkeypatch)
    runs = _record_pagefind_runs(monkeypatch)
    monkeypatch.setattr(identity, "code_identity", lambda: "brief 0.1.0 other-code")  # type: ignore[attr-defined]
    again = site.brief("build")
    assert again.exit_code == 0
    assert "Up to date" not in again.stdout
    assert loads == ["a.md"]  # not taken from the load cache
    assert page.stat().st_ino != inode  # rendered again, not linked from the last output
    assert len(runs) == 1  # the search shard indexed again
    assert site.brief("build").stdout.startswith("Up to date")


# --- partial builds: edits to prose only ------------------------------------------------

_CLAIMS = "claims:\n  c:\n    statement: S.\n    sources: [wire]\n"
_PROSE = "## Findings\n\nCited [@wire]. See [beta](b.md#context) and [nowhere](#nowhere).\n"


def _two_linked_briefings(site: Site) -> None:
    site.write("briefings/_sources.yaml", REGISTRY)
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE))
    site.write("briefings/b.md", briefing(title="Beta", body="## Context\n\nBeta's prose.\n"))
    assert site.brief("build").exit_code == 0


def _inode(site: Site, slug: str) -> int:
    return (site.root / "_site" / "briefings" / slug / "index.html").stat().st_ino


def test_a_prose_edit_rerenders_only_its_briefing_and_matches_a_clean_build(site: Site) -> None:
    _two_linked_briefings(site)
    before = _inode(site, "b")
    # A paragraph inserted above everything: every position in the body moves down.
    site.write(
        "briefings/a.md",
        briefing(title="Alpha", extra=_CLAIMS, body="A new opening paragraph.\n\n" + _PROSE),
    )
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "only the prose of 1 briefing changed" in result.output
    assert "A new opening paragraph." in site.page("a")
    assert _inode(site, "b") == before
    # The warning for the broken #nowhere link names its new line (14, not 12).
    clean = site.brief("build", "--clean", "--out", str(site.root.parent / "clean"))
    assert "a.md:14:" in result.output and "a.md:12:" not in result.output
    warnings = sorted(line for line in result.output.splitlines() if "warning:" in line)
    assert warnings == sorted(line for line in clean.output.splitlines() if "warning:" in line)
    assert tree_digest(site.root / "_site", search_index=False) == tree_digest(
        site.root.parent / "clean", search_index=False
    )


def test_a_ci_runner_that_restores_the_cache_and_the_output_rebuilds_one_page(site: Site) -> None:
    """The example workflow keeps `.brief-cache/` and `_site/` in one `actions/cache` entry
    (a tar archive). Restored onto a fresh checkout, a prose edit is a partial build, as on
    the machine that made them, and the site is a clean build's."""
    import tarfile

    site.write("briefings/_sources.yaml", REGISTRY)
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE))
    site.write("briefings/b.md", briefing(title="Beta", body="## Context\n\nBeta's prose.\n"))
    assert site.brief("build").exit_code == 0
    archive = site.root.parent / "cache.tar"
    with tarfile.open(archive, "w") as saved:
        for folder in (".brief-cache", "_site"):
            saved.add(site.root / folder, arcname=folder)
    for leftover in site.root.iterdir():  # a fresh checkout: the site's own files only
        if leftover.is_dir() and leftover.name != "briefings":
            shutil.rmtree(leftover)
        elif leftover.is_file() and leftover.name != "site.yaml":
            leftover.unlink()
    with tarfile.open(archive) as restored:
        # Extraction filters exist from Python 3.11.4 on; older releases extract as "tar" does.
        restored.extractall(site.root, **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))
    unchanged = _inode(site, "b")
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body="An added line.\n\n" + _PROSE))
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "only the prose of 1 briefing changed" in result.output
    assert _inode(site, "b") == unchanged
    _assert_same_as_clean(site)


def test_a_prose_edit_whose_search_indexing_fails_falls_back_to_a_full_build(
    site: Site, monkeypatch: object
) -> None:
    """Pagefind runs while a prose edit's unchanged files are linked; when it fails, the
    partial build is dropped whole and a full build reports why search is missing."""
    import generator.search as search

    _two_linked_briefings(site)
    monkeypatch.setattr(  # type: ignore[attr-defined]
        search,
        "_run_pagefind",
        lambda executable, site_dir, slugs, out: "the search index was not built: boom",
    )
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body="Other words.\n\n" + _PROSE))
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "only the prose" not in result.output
    assert "warning: the search index was not built: boom" in result.output
    assert "Other words." in site.page("a")


def test_the_previous_output_of_a_prose_edit_is_removed_by_the_next_build(site: Site) -> None:
    """A partial build keeps the previous output (hard links, no extra space) in the cache
    instead of waiting for its removal; the next build removes it meanwhile."""
    _two_linked_briefings(site)

    def beside() -> list[Path]:
        return _beside(site)

    assert beside() == []
    for words in ("First edit.", "Second edit."):
        site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + words + "\n"))
        assert "only the prose" in site.brief("build").output
        assert len(beside()) == 1  # this build's previous output; the one before is gone
        assert words in site.page("a")
    assert site.brief("build", "--clean").exit_code == 0
    assert beside() == []


def test_a_full_build_that_links_most_pages_leaves_its_previous_output_too(site: Site) -> None:
    """A new static file makes a full build in which every page is linked from the last
    output: that output is kept, like a prose edit's, and removed by the next build."""
    _two_linked_briefings(site)

    def beside() -> list[Path]:
        return _beside(site)

    for name in ("one.txt", "two.txt"):
        site.write(f"static/{name}", "A static file.\n")
        result = site.brief("build")
        assert result.exit_code == 0 and "Built _site" in result.output
        assert (site.root / "_site" / name).is_file()
        assert len(beside()) == 1
    site.write("briefings/a.md", briefing(title="Renamed", extra=_CLAIMS, body=_PROSE))
    assert site.brief("build").exit_code == 0  # a new title: pages change, nothing kept
    assert beside() == []


def test_a_search_record_written_by_a_failed_build_is_not_indexed(site: Site) -> None:
    """A build that fails after writing some search records leaves them behind; the next
    builds notice that a record is not the one its page had, and index the right one."""
    _two_linked_briefings(site)
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\nMarzipan.\n"))
    site.write("templates/tags.html", "{% broken %}\n")  # the briefing pages come first
    assert site.brief("build").exit_code == 1
    (site.root / "templates" / "tags.html").unlink()
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE))
    # Back to the last build's pages, with a prose edit that re-indexes the shard of both.
    site.write("briefings/b.md", briefing(title="Beta", body="## Context\n\nBeta's new prose.\n"))
    assert site.brief("build").exit_code == 0
    bundle = site.root / "_site" / "pagefind"
    text = b"".join(gzip.decompress(path.read_bytes()) for path in bundle.rglob("*.pf_fragment"))
    assert b"new prose" in text
    assert b"Marzipan" not in text
    _assert_same_as_clean(site)


def test_the_search_index_of_a_prose_edit_finds_the_new_words(site: Site) -> None:
    _two_linked_briefings(site)
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\nZanzibar.\n"))
    assert "only the prose" in site.brief("build").output
    bundle = site.root / "_site" / "pagefind"
    assert (bundle / "shards.json").is_file()
    text = b"".join(gzip.decompress(path.read_bytes()) for path in bundle.rglob("*.pf_fragment"))
    assert b"Zanzibar" in text


def test_edits_other_pages_can_see_make_a_full_build(site: Site) -> None:
    _two_linked_briefings(site)
    edits = {
        "a citation": _PROSE + "\nAgain [@wire].\n",
        "a heading": _PROSE.replace("## Findings", "## Judgements"),
        "a link": _PROSE.replace("b.md#context", "b.md"),
    }
    for what, body in edits.items():
        site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=body))
        result = site.brief("build")
        assert result.exit_code == 0, (what, result.output)
        assert "only the prose" not in result.output, what
        _assert_same_as_clean(site)
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE))
    assert site.brief("build").exit_code == 0
    # A heading of b.md that a.md links to: a.md's warnings change too.
    site.write("briefings/b.md", briefing(title="Beta", body="## Background\n\nBeta's prose.\n"))
    result = site.brief("build")
    assert "only the prose" not in result.output
    assert "that briefing has no such anchor" in result.output  # a.md's link to b.md#context


def test_a_prose_edit_that_adds_a_problem_is_reported_like_a_full_build(site: Site) -> None:
    _two_linked_briefings(site)
    before = tree_digest(site.root / "_site", search_index=False)
    site.write(
        "briefings/a.md",
        briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\n![map](/maps/none.png)\n"),
    )
    result = site.brief("build")
    assert result.exit_code == 1
    assert "names no file in static/" in result.output
    assert tree_digest(site.root / "_site", search_index=False) == before


def test_a_prose_edit_leaves_no_stray_file_of_the_output(site: Site) -> None:
    _two_linked_briefings(site)
    (site.root / "_site" / "stray.txt").write_text("not Brief's")
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\nMore.\n"))
    assert "only the prose" in site.brief("build").output
    assert not (site.root / "_site" / "stray.txt").exists()
    _assert_same_as_clean(site)


def test_a_prose_edit_to_a_draft_changes_nothing_published(site: Site) -> None:
    _two_linked_briefings(site)
    site.write("briefings/d.md", briefing(title="Draft", extra="status: draft", body="Secret one.\n"))
    assert site.brief("build").exit_code == 0
    before = tree_digest(site.root / "_site", search_index=False)
    site.write("briefings/d.md", briefing(title="Draft", extra="status: draft", body="Secret two.\n"))
    assert "only the prose" in site.brief("build").output
    assert tree_digest(site.root / "_site", search_index=False) == before
    assert not any(b"Secret" in p.read_bytes() for p in (site.root / "_site").rglob("*") if p.is_file())


def _beside(site: Site) -> list[Path]:
    """The previous output a build kept for the next one: in the cache, never beside the
    output (where nothing may be left)."""
    assert not [p for p in site.root.iterdir() if p.name.startswith("._site")]
    return sorted(path for path in (site.root / ".brief-cache").glob("previous-output-*") if path.is_dir())


def _assert_same_as_a_clean_build_elsewhere(site: Site) -> None:
    """Like `_assert_same_as_clean`, from a copy of the site, so that this site's cache
    still records its own output (a prose edit can follow)."""
    copy = Site(site.root.parent / "copy")
    shutil.rmtree(copy.root, ignore_errors=True)
    shutil.copytree(site.root, copy.root, ignore=shutil.ignore_patterns("_site", "._site*", ".brief-cache"))
    assert copy.brief("build", "--clean").exit_code == 0
    assert tree_digest(site.root / "_site", search_index=False) == tree_digest(
        copy.root / "_site", search_index=False
    )


def test_prose_edits_in_a_row_reuse_the_earlier_output_and_never_write_into_it(site: Site) -> None:
    """From the second prose edit on, the output the last one replaced (kept beside, its
    unchanged files hard links to the current output's) becomes the next staging folder.
    Nothing is written through those links: the output a build replaces is left as it was,
    and every result is a clean build's."""
    _two_linked_briefings(site)
    for number, slug in enumerate(("a", "b", "a", "b"), start=1):
        before = tree_digest(site.root / "_site")
        body = (
            f"## Context\n\nEdit number {number}.\n" if slug == "b" else _PROSE + f"\nEdit number {number}.\n"
        )
        site.write(
            f"briefings/{slug}.md",
            briefing(
                title="Beta" if slug == "b" else "Alpha", extra="" if slug == "b" else _CLAIMS, body=body
            ),
        )
        result = site.brief("build")
        assert "only the prose of 1 briefing changed" in result.output, result.output
        assert f"Edit number {number}." in site.page(slug)
        (replaced,) = _beside(site)
        assert tree_digest(replaced) == {**before, ".brief-output": before[".brief-output"]}
        _assert_same_as_a_clean_build_elsewhere(site)


def test_a_prose_edit_repairs_whatever_was_changed_in_the_earlier_output(site: Site) -> None:
    """The earlier output a prose edit reuses may have been changed by hand or by a killed
    build: a stray file, a page replaced by another file, a folder where a file was, a file
    where a folder was, a missing page. None of it reaches the new output."""
    _two_linked_briefings(site)
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\nFirst.\n"))
    assert "only the prose" in site.brief("build").output
    (earlier,) = _beside(site)
    (earlier / "stray.txt").write_text("not Brief's")
    page_b = earlier / "briefings" / "b" / "index.html"
    page_b.unlink()
    page_b.write_text("<p>an impostor</p>")
    (earlier / "briefings" / "b" / "index.json").unlink()
    (earlier / "briefings" / "b" / "index.json").mkdir()
    shutil.rmtree(earlier / "tags")
    (earlier / "tags").write_text("a file where a folder was")
    (earlier / "sitemap.xml").unlink(missing_ok=True)
    (earlier / "feed.xml").unlink(missing_ok=True)
    (earlier / "404.html").unlink()
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\nSecond.\n"))
    assert "only the prose" in site.brief("build").output
    assert not (site.root / "_site" / "stray.txt").exists()
    assert "an impostor" not in site.page("b")
    _assert_same_as_clean(site)


def test_prose_edits_where_the_file_system_has_no_hard_links(site: Site, monkeypatch: object) -> None:
    """Where hard links fail (a file system without them), unchanged files are copied, and
    prose edits in a row still give a clean build's site."""
    import errno

    def no_links(source: object, target: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    _two_linked_briefings(site)
    monkeypatch.setattr(os, "link", no_links)  # type: ignore[attr-defined]
    for words in ("First.", "Second.", "Third."):
        site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + f"\n{words}\n"))
        result = site.brief("build")
        assert "only the prose" in result.output, result.output
        assert words in site.page("a")
        assert (site.root / "_site" / "briefings" / "b" / "index.html").stat().st_nlink == 1
    _assert_same_as_clean(site)


def _count_file_loads(monkeypatch: object) -> list[str]:
    """Record the name of every briefing file loaded (not taken from the load cache)."""
    from generator.content import load as load_module

    loaded: list[str] = []
    original = load_module._BriefingLoader.load

    def counting(self: load_module._BriefingLoader, data: bytes | None = None) -> object:
        loaded.append(self.path.name)
        return original(self, data)

    monkeypatch.setattr(load_module._BriefingLoader, "load", counting)  # type: ignore[attr-defined]
    return loaded


def test_re_rating_a_shared_source_loads_again_only_the_briefings_that_use_it(
    site: Site, monkeypatch: object
) -> None:
    site.write("briefings/_sources.yaml", REGISTRY + "agency:\n  title: Agency statement\n  reliability: B\n")
    site.write(
        "briefings/a.md",
        briefing(
            title="Alpha", extra="claims:\n  c:\n    statement: S.\n    sources: [wire]\n", body="[@wire]\n"
        ),
    )
    site.write("briefings/b.md", briefing(title="Beta", body="Cites the agency [@agency].\n"))
    site.write("briefings/c.md", briefing(title="Gamma", body="Cites nothing.\n"))
    assert site.brief("build").exit_code == 0
    loads = _count_file_loads(monkeypatch)
    site.write("briefings/_sources.yaml", REGISTRY + "agency:\n  title: Agency statement\n  reliability: E\n")
    assert site.brief("build").exit_code == 0
    assert loads == ["b.md"]
    assert "E · Unreliable" in site.page("b")
    _assert_same_as_clean(site)
    loads.clear()
    # Anything else said of a shared source counts too: a title.
    site.write("briefings/_sources.yaml", REGISTRY + "agency:\n  title: Agency release\n  reliability: E\n")
    assert site.brief("build").exit_code == 0
    assert loads == ["b.md"]
    assert "Agency release" in site.page("b")


def test_a_new_shared_id_loads_every_briefing_again(site: Site) -> None:
    """Which ids the registry declares decides how every briefing's references resolve: a
    briefing that cited an unknown id is an error until the registry declares it."""
    site.write("briefings/_sources.yaml", REGISTRY)
    site.write("briefings/a.md", briefing(title="Alpha", body="Cites a new source [@agency].\n"))
    site.write("briefings/b.md", briefing(title="Beta", body="Cites the wire [@wire].\n"))
    result = site.brief("build")
    assert result.exit_code == 1 and "unknown" in result.output and "agency" in result.output
    site.write("briefings/_sources.yaml", REGISTRY + "agency:\n  title: Agency statement\n  reliability: B\n")
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "Agency statement" in site.page("a")
    _assert_same_as_clean(site)


def test_a_full_build_after_a_prose_edit_reuses_its_earlier_output_and_drops_removed_pages(
    site: Site,
) -> None:
    """A full build also makes the earlier output a prose edit left beside its staging folder:
    the pages it still has stay, those of a removed briefing go, folders and all."""
    _two_linked_briefings(site)
    site.write("briefings/c.md", briefing(title="Gamma", date="2025-01-01", body="Gamma prose.\n"))
    assert site.brief("build").exit_code == 0
    site.write("briefings/a.md", briefing(title="Alpha", extra=_CLAIMS, body=_PROSE + "\nEdited.\n"))
    assert "only the prose" in site.brief("build").output
    assert len(_beside(site)) == 1
    (site.root / "briefings" / "c.md").unlink()
    result = site.brief("build")
    assert result.exit_code == 0 and "Built _site" in result.output
    assert not (site.root / "_site" / "briefings" / "c").exists()
    assert "Edited." in site.page("a")
    _assert_same_as_a_clean_build_elsewhere(site)
    empty = [p for p in (site.root / "_site").rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert empty == []


def test_a_prose_edit_keeps_the_warnings_of_checks_across_files(site: Site) -> None:
    """The tag warning of b.md comes from comparing it with a.md; a prose edit of b.md
    loads b.md alone, and must still report it (and fail under --strict)."""
    site.write("briefings/a.md", briefing(title="A", extra="tags: [C]\n"))
    b = briefing(title="B", date="2025-09-01", extra="tags: [C++]\n")
    site.write("briefings/b.md", b)
    warning = "the tag 'C++' shares the page tags/c/ with the tag 'C' of briefings/a.md"
    assert warning in site.brief("build").stderr
    site.write("briefings/b.md", b + "More prose.\n")
    result = site.brief("build")
    assert "only the prose of 1 briefing changed" in result.stdout
    assert warning in result.stderr and "1 warning" in result.stdout
    site.write("briefings/b.md", b + "More prose, again.\n")
    assert site.brief("build", "--strict").exit_code == 1


def test_a_change_anywhere_under_the_site_folders_is_seen_and_nothing_else(site: Site) -> None:
    """The up-to-date check hashes every file under briefings/, static/ and templates/, at
    any depth, and nothing else of the site's folder."""
    site.write("briefings/topic/deep/a.md", briefing(title="Alpha"))
    site.write("static/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert site.brief("build").exit_code == 0
    assert "Up to date" in site.brief("build").stdout
    site.write("notes/todo.txt", "not read by a build")
    assert "Up to date" in site.brief("build").stdout
    site.write("static/img/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'><g/></svg>")
    assert "Up to date" not in site.brief("build").stdout
    assert (site.root / "_site" / "img" / "logo.svg").read_text().endswith("<g/></svg>")
    assert "Up to date" in site.brief("build").stdout
    site.write("briefings/topic/deep/a.md", briefing(title="Alpha, renamed"))
    assert "Up to date" not in site.brief("build").stdout
    assert "Alpha, renamed" in site.page("a")
