"""A non-editable `pip install .` into a fresh virtual environment builds a site with no templates."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO, briefing

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed_brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `brief` script of a fresh venv into which the repository was pip-installed."""
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(REPO)],
        check=True,
        timeout=600,
    )
    return bin_dir / "brief"


def test_installed_brief_builds_a_site_without_templates(installed_brief: Path, tmp_path: Path) -> None:
    site = tmp_path / "other-site"
    (site / "briefings").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Another desk\n", encoding="utf-8")
    (site / "briefings" / "note.md").write_text(
        briefing(
            title="A note",
            extra="sources:\n  s:\n    title: A source\n    reliability: C\n",
            body="Cited [@s].\n",
        ),
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(installed_brief), "build", "--site", str(site)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert result.returncode == 0, result.stderr
    page = (site / "_site" / "briefings" / "note" / "index.html").read_text(encoding="utf-8")
    assert "C · Fairly reliable" in page
    assert (site / "_site" / "assets" / "brief.css").is_file()
    assert not (site / "templates").exists()


def test_python_dash_m_generator_works(installed_brief: Path, tmp_path: Path) -> None:
    python = installed_brief.parent / "python"
    result = subprocess.run(
        [str(python), "-m", "generator", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("brief, version")
