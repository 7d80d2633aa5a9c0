"""Browser tests: the example site served on localhost, read by headless Chromium via Playwright.

Chromium comes from Debian (`apt-get install chromium`); set BRIEF_CHROMIUM to use another
binary. Without a browser these tests are skipped, unless BRIEF_REQUIRE_BROWSER=1 (as in
CI), where a missing browser is a failure.

One site is built and one browser launched per session; each test opens its own contexts
(viewport, colour scheme, JavaScript on or off) with `open_page`, or takes the default `page`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.serving import CHROMIUM_ARGS, build_example_site, chromium, missing, serve


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="session")
def site_url(example_site: Path) -> Iterator[str]:
    """The example site served over HTTP under a sub-path, as on a project's GitHub Pages.

    A missing page at any depth is answered with the site's 404.html, as such hosts do.
    """
    root = example_site.parent / "served"
    root.mkdir(exist_ok=True)
    with serve(example_site, root) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium()
    if executable is None:
        missing("no Chromium found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


OpenPage = Callable[..., Any]


@pytest.fixture
def open_page(browser: Any, site_url: str) -> Iterator[OpenPage]:
    """Opens pages of the example site in fresh browser contexts (see `page_opener`)."""
    yield from page_opener(browser, site_url)


def page_opener(browser: Any, site_url: str) -> Iterator[OpenPage]:
    """Yields `open_page(width=360, color_scheme="dark", ...)`, which opens a page in a fresh
    browser context, and closes them all after.

    Keyword arguments go to `browser.new_context`. Every page records the requests that leave
    the site's own origin in `page.outside_requests` (and they are refused), and the errors the
    browser reports (script errors, refused loads, Content-Security-Policy violations) in
    `page.errors`. Waits time out after 10 s, so a broken page fails fast.
    """
    contexts: list[Any] = []
    origin = site_url.split("/brief/")[0] + "/"

    def opener(width: int = 1280, height: int = 900, **options: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        context.set_default_timeout(10_000)
        tab = context.new_page()
        tab.outside_requests = []
        tab.errors = []
        tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))

        def watch(route: Any, request: Any) -> None:
            url = request.url
            if url.startswith(origin) or url.startswith("data:"):
                route.continue_()
            else:
                tab.outside_requests.append(url)
                route.abort()

        tab.route("**/*", watch)
        return tab

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: OpenPage) -> Any:
    """A fresh 1280 px wide page that records any request leaving the site's own origin."""
    return open_page()
