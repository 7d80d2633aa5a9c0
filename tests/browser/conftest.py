"""Browser tests: the example site served on localhost, read by headless Chromium via Playwright.

Chromium comes from Debian (`apt-get install chromium`); set BRIEF_CHROMIUM to use another
binary. Without a browser these tests are skipped, unless BRIEF_REQUIRE_BROWSER=1 (as in
CI), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    candidate = (
        os.environ.get("BRIEF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    return candidate if candidate and Path(candidate).exists() else None


def _missing(reason: str) -> None:
    if os.environ.get("BRIEF_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    result = CliRunner().invoke(main, ["build", "--site", str(REPO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def site_url(example_site: Path) -> Iterator[str]:
    """The example site served over HTTP under a sub-path, as on a project's GitHub Pages."""
    root = example_site.parent / "served"
    root.mkdir(exist_ok=True)
    mounted = root / "brief"
    if not mounted.exists():
        shutil.copytree(example_site, mounted)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/brief/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium()
    if executable is None:
        _missing("no Chromium found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, site_url: str) -> Iterator[object]:
    """A fresh page that records any request leaving the site's own origin."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.outside_requests = []
    origin = site_url.split("/brief/")[0]

    def watch(route: object, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if url.startswith(origin) or url.startswith("data:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            tab.outside_requests.append(url)
            route.abort()  # type: ignore[attr-defined]

    tab.route("**/*", watch)
    yield tab
    context.close()
