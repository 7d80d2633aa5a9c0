"""The same input gives byte-identical output, whatever the locale, time zone or clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.test_output import tree_digest


def _build(out: Path, **env: str) -> dict[str, str]:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(REPO), "--out", str(out), "-q"],
        check=True,
        env={**os.environ, **env},
        capture_output=True,
    )
    return tree_digest(out, search_index=False)


def _copy_of_example_site(target: Path) -> Path:
    """The example site's own files (briefings, site.yaml, static) copied to `target`."""
    shutil.copytree(REPO / "briefings", target / "briefings", copy_function=shutil.copy)
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    shutil.copytree(REPO / "static", target / "static")
    return target


def test_output_does_not_depend_on_locale_time_zone_or_clock(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", TZ="UTC", LC_ALL="C", LANG="C", SOURCE_DATE_EPOCH="0")
    second = _build(
        tmp_path / "b",
        TZ="Pacific/Kiritimati",
        LC_ALL="C.UTF-8",
        LANG="tr_TR.UTF-8",
        SOURCE_DATE_EPOCH="1900000000",
    )
    third = _build(tmp_path / "c", TZ="America/St_Johns", PYTHONHASHSEED="12345")
    assert first == second == third


def test_output_does_not_depend_on_the_order_files_are_listed(tmp_path: Path) -> None:
    """The same briefings copied in reverse order (new inodes, another directory order)."""
    copy = _copy_of_example_site(tmp_path / "site")
    files = sorted((copy / "briefings").rglob("*"), reverse=True)
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(copy), "-q"],
        check=True,
        capture_output=True,
    )
    assert tree_digest(copy / "_site", search_index=False) == _build(tmp_path / "original")


def test_output_is_the_same_on_one_core_and_on_several(tmp_path: Path) -> None:
    """Loading and rendering are spread over worker processes (the models travel back
    pickled); the site must not show how many there were."""
    from bench.corpus import write_corpus

    site = write_corpus(tmp_path / "corpus", 120).brief_site
    digests = []
    for workers in ("1", "3"):
        subprocess.run(
            [sys.executable, "-m", "generator", "build", "--site", str(site), "-q", "--clean"],
            check=True,
            env={**os.environ, "BRIEF_WORKERS": workers},
            capture_output=True,
        )
        digests.append(tree_digest(site / "_site", search_index=False))
    assert digests[0] == digests[1]
    assert len(digests[0]) > 240  # 120 briefing pages and their JSON, and the site's pages
    # A full build whose other files come from the load cache (read in this process, the new
    # file loaded in a worker) gives the site a clean build gives.
    first = sorted((site / "briefings").rglob("briefing-*.md"))[0]
    (first.parent / "added.md").write_text(first.read_text().replace("title: ", "title: Added ", 1))
    clean = tmp_path / "clean"
    for extra in ((), ("--clean", "--out", str(clean))):
        subprocess.run(
            [sys.executable, "-m", "generator", "build", "--site", str(site), "-q", *extra],
            check=True,
            env={**os.environ, "BRIEF_WORKERS": "3"},
            capture_output=True,
        )
    assert tree_digest(site / "_site", search_index=False) == tree_digest(clean, search_index=False)


def test_the_build_cache_holds_across_processes_whatever_their_string_hashing(tmp_path: Path) -> None:
    """Each build is a new process with its own string hashing (PYTHONHASHSEED). What the
    caches compare (outline digests, page fingerprints) must not depend on it, or every
    prose edit would make a full build and every full build render every page."""
    copy = _copy_of_example_site(tmp_path / "site")

    def build(seed: str) -> str:
        finished = subprocess.run(
            [sys.executable, "-m", "generator", "build", "--site", str(copy)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        return finished.stdout

    def inode(slug: str) -> int:
        return (copy / "_site" / "briefings" / slug / "index.html").stat().st_ino

    build("1")
    edited = copy / "briefings" / "india-russia-moscow-talks.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more closing sentence.\n", encoding="utf-8")
    assert "only the prose of 1 briefing changed" in build("2")

    pages = [page for page in (copy / "_site" / "briefings").glob("*/index.html")]
    others = {
        page.parent.name: page.stat().st_ino
        for page in pages
        if "One more closing sentence." not in page.read_text(encoding="utf-8")
    }
    assert len(others) == len(pages) - 1 >= 2
    front = edited.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Revised ", 1)
    edited.write_text(front, encoding="utf-8")
    assert "only the prose" not in build("3")
    # A full build: the pages of the other briefings were linked from the last output.
    assert {slug: inode(slug) for slug in others} == others
