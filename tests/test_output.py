"""The output folder: atomic replacement, refusal of folders Brief did not make, determinism."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.output import MARKER, StagedOutput, _encoded_in_batches, exchange
from generator.sitelock import one_build_at_a_time
from tests.conftest import Site, briefing


def tree_digest(root: Path, search_index: bool = True) -> dict[str, str]:
    """Every file under root with the SHA-256 of its bytes (optionally without pagefind/)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and (search_index or not path.relative_to(root).as_posix().startswith("pagefind/"))
    }


def _good_site(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            title="Alpha",
            extra=(
                "sources:\n  s1:\n    title: One\n    reliability: B\n"
                "claims:\n  c1:\n    statement: S.\n    sources: [s1]\n"
            ),
            body="Text [@s1].\n",
        ),
    )
    site.write("briefings/b.md", briefing(title="Beta", date="2025-09-01"))
    site.write("static/images/x.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")


def test_failed_build_leaves_previous_output_untouched(site: Site) -> None:
    _good_site(site)
    assert site.brief("build").exit_code == 0
    before = tree_digest(site.root / "_site")
    site.write("briefings/a.md", briefing(title="Alpha changed", body="[@missing]\n"))
    result = site.brief("build")
    assert result.exit_code == 1
    assert tree_digest(site.root / "_site") == before
    assert not [p for p in site.root.iterdir() if "staging" in p.name]


def test_two_builds_are_byte_identical(site: Site) -> None:
    _good_site(site)
    assert site.brief("build", "--out", "one").exit_code == 0
    assert site.brief("build", "--out", "two").exit_code == 0
    # The search index is the one output Pagefind does not write byte-stably.
    one = tree_digest(site.root / "one", search_index=False)
    two = tree_digest(site.root / "two", search_index=False)
    assert one == two
    assert "briefings/a/index.html" in one and "images/x.svg" in one


def test_rebuild_replaces_the_output_and_leaves_no_temporary_folders(site: Site) -> None:
    _good_site(site)
    assert site.brief("build").exit_code == 0
    site.write("briefings/b.md", briefing(title="Beta renamed", date="2025-09-01"))
    (site.root / "_site" / "stale.txt").write_text("from an older build")
    assert site.brief("build").exit_code == 0
    assert "Beta renamed" in site.page("b")
    assert not (site.root / "_site" / "stale.txt").exists()
    assert (site.root / "_site" / MARKER).is_file()
    # Nothing but the build cache, which Brief keeps in the site's folder.
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith(".") and p.name != ".brief-cache"]
    assert leftovers == []


def test_refuses_a_non_empty_folder_it_did_not_make(site: Site) -> None:
    _good_site(site)
    documents = site.root / "documents"
    documents.mkdir()
    (documents / "precious.txt").write_text("keep me")
    result = site.brief("build", "--out", "documents")
    assert result.exit_code == 2
    assert "not empty and was not made by Brief" in result.stderr
    assert (documents / "precious.txt").read_text() == "keep me"
    # The folder came from the command line: its option is named, not site.yaml's first line.
    assert "Invalid value for '--out'" in result.stderr
    assert "site.yaml" not in result.stderr
    # Named by site.yaml's `output`, the folder is that file's problem.
    site.write("site.yaml", "title: T\noutput: documents\n")
    result = site.brief("build")
    assert result.exit_code == 2
    assert "site.yaml:2:9: error: " in result.stderr
    assert "not empty and was not made by Brief" in result.stderr
    assert (documents / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize("out", [".", "..", "briefings", "briefings/out", "static"])
def test_refuses_an_output_that_is_or_contains_the_sources(site: Site, out: str) -> None:
    _good_site(site)
    before = tree_digest(site.root)
    result = site.brief("build", "--out", out)
    assert result.exit_code == 2, result.output
    assert tree_digest(site.root) == before


def test_an_empty_folder_is_accepted(site: Site) -> None:
    _good_site(site)
    (site.root / "empty").mkdir()
    assert site.brief("build", "--out", "empty").exit_code == 0


def test_stale_staging_of_a_killed_build_is_removed(site: Site) -> None:
    _good_site(site)
    stale = site.root / "._site.brief-staging-999999999"
    stale.mkdir()
    (stale / "half-written.html").write_text("<")
    assert site.brief("build").exit_code == 0
    assert not stale.exists()


def _being_removed(site: Site) -> list[str]:
    return sorted(path.name for path in (site.root / ".brief-cache").glob("removing-*"))


def test_the_replaced_output_is_removed_after_the_command_has_ended(site: Site) -> None:
    """`brief build` as a command hands the output it replaced to a process of its own, and
    returns without waiting for it; nothing is left of it once that has run."""
    _good_site(site)

    def build() -> str:
        finished = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--site", str(site.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert finished.returncode == 0, finished.stderr
        return finished.stdout

    build()
    old_page = site.root / "_site" / "briefings" / "a" / "index.html"
    old_inode = old_page.stat().st_ino
    # A new site title changes every page: a full build, which replaces the whole output.
    site.write("site.yaml", "title: Renamed site\n")
    assert build().startswith("Built ")
    assert "Renamed site" in site.page("a")
    assert (site.root / "_site" / "briefings" / "a" / "index.html").stat().st_ino != old_inode
    deadline = time.monotonic() + 60
    while _being_removed(site) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _being_removed(site) == []
    assert not [p for p in site.root.iterdir() if p.name.startswith("._site")]


def test_an_output_whose_removal_was_cut_short_is_removed_by_the_next_build(site: Site) -> None:
    """A removal process killed half-way (or a machine switched off) leaves the replaced
    output in the cache; the next build removes it, and never takes it for anything else."""
    _good_site(site)
    assert site.brief("build").exit_code == 0
    left = site.root / ".brief-cache" / "removing-999999999-0badf00d"
    shutil.copytree(site.root / "_site", left)
    (left / "briefings" / "a" / "index.html").write_text("half removed")
    body = (site.root / "briefings" / "a.md").read_text()
    site.write("briefings/a.md", body.replace("Text [@s1].", "Text [@s1]. More."))
    result = site.brief("build")
    assert result.exit_code == 0, result.stderr
    assert "only the prose of 1 briefing changed" in result.stdout
    assert "More." in site.page("a") and "half removed" not in site.page("a")
    assert not left.exists()
    # In-process, as the tests and `brief serve` build, a replaced output is removed at once.
    site.write("site.yaml", "title: Renamed site\n")
    assert site.brief("build").exit_code == 0
    assert _being_removed(site) == []


def test_no_folder_is_left_beside_the_output_after_any_build(site: Site) -> None:
    """A prose edit keeps the previous output for the next build, in .brief-cache/."""
    _good_site(site)
    body = (site.root / "briefings" / "a.md").read_text()
    assert site.brief("build", "--out", "public").exit_code == 0
    for edit in (" Once.", " Twice."):
        site.write("briefings/a.md", body.replace("Text [@s1].", "Text [@s1]." + edit))
        result = site.brief("build", "--out", "public")
        assert result.exit_code == 0, result.stderr
        assert sorted(path.name for path in site.root.iterdir()) == [
            ".brief-cache",
            "briefings",
            "public",
            "site.yaml",
            "static",
        ]
    assert "only the prose of 1 briefing changed" in result.stdout
    assert edit.strip() in (site.root / "public" / "briefings" / "a" / "index.html").read_text()


def test_a_second_build_of_a_site_waits_for_the_first(site: Site) -> None:
    """Two builds at once would swap their outputs in either order; the second waits."""
    _good_site(site)
    with one_build_at_a_time(site.root):
        waiting = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "--site", str(site.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.wait(timeout=3)
        assert not (site.root / "_site").exists()
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "another build of this site is running; waiting for it to finish" in err
    assert out.startswith("Built ") and "_site: 2 briefings" in out


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("a")
    (b / "f").write_text("b")
    if not exchange(a, b):
        pytest.skip("no atomic exchange on this system")
    assert (a / "f").read_text() == "b" and (b / "f").read_text() == "a"


def test_writes_outside_the_staging_folder_are_refused(tmp_path: Path) -> None:
    staged = StagedOutput(tmp_path / "out", tmp_path / ".brief-cache")
    staged.start()
    for bad in ("../escape.html", "/abs.html", "a/../../x", "a\\b"):
        with pytest.raises(ValueError):
            staged.write_text(bad, "x")
    staged.abort()
    assert list(tmp_path.iterdir()) == []


def test_symlink_mode_flips_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no atomic exchange exists, the output becomes a link to the current build."""
    monkeypatch.setattr("generator.output.exchange", lambda a, b: False)
    output = tmp_path / "out"
    for content in ("first", "second", "third"):
        staged = StagedOutput(output, tmp_path / ".brief-cache")
        staged.start()
        staged.write_text("index.html", content)
        staged.commit()
        assert (output / "index.html").read_text() == content
    assert output.is_symlink()
    builds = list((tmp_path / ".out.builds").iterdir())
    assert len(builds) == 1


def test_a_template_that_fails_while_search_runs_leaves_the_last_site_untouched(site: Site) -> None:
    """Search starts indexing once the briefing pages are written, while the site-wide pages
    are still rendered: a site template that fails then must still stop the build cleanly."""
    site.write("briefings/a.md", briefing(title="Alpha"))
    assert site.brief("build").exit_code == 0
    before = tree_digest(site.root / "_site")
    site.write(
        "templates/sources.html",
        '{% extends "base.html" %}{% block main %}{{ page.no_such_field }}{% endblock %}\n',
    )
    site.write("briefings/a.md", briefing(title="Alpha, revised"))
    result = site.brief("build")
    assert result.exit_code == 1
    assert "error: template error:" in result.stderr and "no_such_field" in result.stderr
    assert tree_digest(site.root / "_site") == before
    assert not list(site.root.glob("._site.brief-staging-*"))


def test_a_template_that_fails_while_rendering_is_reported_at_its_file_and_line(site: Site) -> None:
    """A template that fails as a page is rendered (not a syntax error) is reported at the
    template's file and line, from a worker process too (70 briefings: the pages are
    rendered in workers), and in a partial another template includes."""
    for number in range(70):
        site.write(f"briefings/b{number:02d}.md", briefing(title=f"Briefing {number}"))
    site.write(
        "templates/tags.html",
        '{% extends "base.html" %}{% block main %}\n<p>Tags</p>\n{{ page.no_such_field }}\n{% endblock %}\n',
    )
    result = site.brief("build")
    assert result.exit_code == 1
    assert (
        "templates/tags.html:3:1: error: template error: "
        "'generator.views.TagsPage object' has no attribute 'no_such_field'"
    ) in result.stderr
    (site.root / "templates" / "tags.html").unlink()
    site.write("templates/partials/briefing_card.html", "<li>\n{{ briefing.no_such_field.x }}</li>\n")
    result = site.brief("build")
    assert result.exit_code == 1
    assert "templates/partials/briefing_card.html:2:1: error: template error: " in result.stderr


def test_a_cache_folder_that_cannot_be_written_is_a_usage_error_not_a_crash(site: Site) -> None:
    """As on a read-only site folder: here `.brief-cache` is a file, so it cannot be made."""
    _good_site(site)
    (site.root / ".brief-cache").write_text("not a folder")
    result = site.brief("build")
    assert result.exit_code == 2
    assert "site.yaml:1:1: error: cannot write Brief's cache folder" in result.stderr
    assert "Traceback" not in result.stderr and not (site.root / "_site").exists()
    checked = site.brief("check")  # checking needs no cache: it goes without
    assert checked.exit_code == 0 and "Traceback" not in checked.stderr


def test_the_previous_output_kept_for_a_deleted_output_folder_is_removed(site: Site) -> None:
    _good_site(site)
    body = (site.root / "briefings" / "a.md").read_text()
    cache = site.root / ".brief-cache"
    for out in ("one", "two"):
        assert site.brief("build", "--out", out).exit_code == 0
        site.write("briefings/a.md", body + f"\nEdited for {out}.\n")
        assert "only the prose" in site.brief("build", "--out", out).stdout
    assert len([path for path in cache.glob("previous-output-*") if path.is_dir()]) == 2
    shutil.rmtree(site.root / "one")
    site.write("briefings/a.md", body + "\nEdited again.\n")
    assert site.brief("build", "--out", "two").exit_code == 0
    kept = sorted(path.name for path in cache.glob("previous-output-*"))
    assert len(kept) == 2 and kept[1] == kept[0] + ".for"  # two's, with its note


def test_a_page_in_parts_is_written_whole_and_digested(tmp_path: Path) -> None:
    parts = ["<p>", "", "é" * 3000, *([""] * 500), *(["word "] * 300_000), "</p>"]
    staged = StagedOutput(tmp_path / "out", tmp_path / "cache")
    staged.start()
    digest = hashlib.sha256()
    staged.write_parts("a/index.html", iter(parts), digest)
    written = (staged.staging / "a" / "index.html").read_bytes()
    assert written == "".join(parts).encode("utf-8")
    assert digest.hexdigest() == hashlib.sha256(written).hexdigest()
    staged.abort()


def test_parts_are_encoded_in_batches_of_about_a_megabyte() -> None:
    batches = list(_encoded_in_batches(["x" * 1000] * 5000))
    assert b"".join(batches) == b"x" * 5_000_000
    assert len(batches) > 4
    assert all(len(batch) < 1.1 * 2**20 for batch in batches)
