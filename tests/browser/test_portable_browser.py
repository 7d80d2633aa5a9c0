"""`brief build --portable`: the site read straight from a folder (file://), as on a USB stick."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO


@pytest.fixture(scope="module")
def portable_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("portable") / "site"
    result = CliRunner().invoke(main, ["build", "--site", str(REPO), "--out", str(out), "--portable"])
    assert result.exit_code == 0, result.output
    return out


def test_a_reader_browses_the_portable_site_from_a_folder(browser: Any, portable_site: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((portable_site / "index.html").as_uri())
    # The stylesheet applies (relative links that name their files work from file://).
    header_rule = page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle")
    assert header_rule == "solid"
    page.locator("h2.card-title a").first.click()
    assert page.url.endswith("/index.html") and "/briefings/" in page.url
    page.locator(".cite-badge").first.click()
    assert page.evaluate("document.querySelector(':popover-open') !== null")
    page.locator(":popover-open a.preview-link").click()
    assert page.evaluate("location.hash").startswith("#src-")
    page.locator("nav a", has_text="Timeline").click()
    assert page.url.endswith("timeline/index.html")
    page.locator("nav a", has_text="Search").click()
    assert "served by a web server" in page.locator("#search-portable").inner_text()
    assert errors == []
    context.close()
