"""Opt-in Git awareness: `updated` from the last commit, revision lists, shallow clones refused."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import Site, briefing


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+00:00"
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _repository(site: Site) -> None:
    site.write("briefings/a.md", briefing(title="Alpha"))
    site.write("briefings/b.md", briefing(title="Beta", extra="updated: 2025-09-09"))
    _git(site.root, "init", "-q", "-b", "main")
    _git(site.root, "add", ".")
    _git(site.root, "commit", "-q", "-m", "First version", date="2025-08-10")
    site.write("briefings/a.md", briefing(title="Alpha", body="Revised text.\n"))
    _git(site.root, "commit", "-q", "-am", "Revise the alpha briefing", date="2025-08-20")


def _data(site: Site, slug: str) -> dict[str, object]:
    return json.loads((site.root / "_site" / "briefings" / slug / "index.json").read_text())


def test_updated_comes_from_the_last_commit(site: Site) -> None:
    _repository(site)
    site.write("site.yaml", "title: T\ngit: {updated: true}\n")
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert _data(site, "a")["updated"] == "2025-08-20"
    # A date the analyst wrote wins.
    assert _data(site, "b")["updated"] == "2025-09-09"
    assert "20 August 2025" in site.page("a")


def test_with_git_off_output_does_not_depend_on_git(site: Site) -> None:
    _repository(site)
    assert site.brief("build").exit_code == 0
    assert _data(site, "a")["updated"] is None


def test_history_lists_revisions(site: Site) -> None:
    _repository(site)
    site.write("site.yaml", "title: T\ngit: {history: true}\n")
    assert site.brief("build").exit_code == 0
    page = site.page("a")
    assert "Revise the alpha briefing" in page and "First version" in page


def test_a_shallow_clone_is_refused_with_advice(site: Site, tmp_path: Path) -> None:
    _repository(site)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    (clone / "site.yaml").write_text("title: T\ngit: {updated: true}\n")
    result = Site(clone).brief("build")
    assert result.exit_code == 2
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr


def test_git_dates_outside_a_repository_are_a_usage_error(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    site.write("site.yaml", "title: T\ngit: {updated: true}\n")
    result = site.brief("build")
    assert result.exit_code == 2
    assert "not in a Git repository" in result.stderr
    # At the setting that asks for Git, not at the start of site.yaml.
    assert result.stderr.startswith("site.yaml:2:6: error: ")
