"""Shared test helpers: build a site in a temporary folder and run the CLI on it."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


def site_property_settings(max_examples: int) -> settings:
    """Hypothesis settings for property tests that build sites: no deadline (a build takes
    a while), and a function-scoped `site` fixture shared by the examples allowed."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/ from a fresh build of the example site.",
    )


@dataclass
class Site:
    """A site folder under tmp_path, with helpers to write files and run `brief`."""

    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_bytes(self, relative: str, data: bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def brief(self, *args: str) -> Result:
        """Run `brief ARGS` with the site as the working directory."""
        runner = CliRunner()
        previous = os.getcwd()
        os.chdir(self.root)
        try:
            return runner.invoke(main, list(args), catch_exceptions=False)
        finally:
            os.chdir(previous)

    def page(self, slug: str, out: str = "_site") -> str:
        return (self.root / out / "briefings" / slug / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(
        "title: Test site\nbase_url: https://example.org/test/\n", encoding="utf-8"
    )
    (root / "briefings").mkdir()
    yield Site(root)


def briefing(
    title: str = "A briefing",
    body: str = "Body text.",
    extra: str = "",
    date: str = "2025-08-08",
    summary: str = "The bottom line.",
) -> str:
    """A briefing file: front matter with `extra` YAML lines appended, then `body`."""
    front = f"title: {title}\ndate: {date}\nsummary: {summary}\n" + textwrap.dedent(extra).strip("\n")
    return f"---\n{front.rstrip()}\n---\n{textwrap.dedent(body).lstrip(chr(10))}"


@pytest.fixture
def make_briefing() -> Callable[..., str]:
    return briefing
