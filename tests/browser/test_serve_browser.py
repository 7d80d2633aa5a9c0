"""`brief serve` in a browser: open pages reload by themselves when a build is ready."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.server import PreviewServer
from tests.conftest import Site, briefing


@pytest.fixture
def preview(site: Site) -> Iterator[PreviewServer]:
    site.write("briefings/a.md", briefing(title="Old title"))
    server = PreviewServer(site.root, port=0)
    server.rebuild()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_build_finished_before_the_page_first_asks_still_reloads_it(
    preview: PreviewServer, site: Site, tab: Any
) -> None:
    """A save right after a reload (two saves in a row): the next build can be ready before
    the page's script first asks which build is the latest. The page must not take that
    build for its own and stay as it was."""
    asked: list[str] = []

    def build_before_answering(route: Any, _request: Any) -> None:
        if not asked:
            asked.append(route.request.url)
            site.write("briefings/a.md", briefing(title="New title"))
            preview.rebuild()
        route.continue_()

    tab.route("**/__brief__/state", build_before_answering)
    tab.goto(f"http://127.0.0.1:{preview.port}/briefings/a/")  # served "Old title"
    tab.wait_for_function("() => document.title.startsWith('New title')", timeout=5_000)
    assert len(asked) == 1


def test_the_page_shown_while_the_first_build_runs_reloads_when_it_is_done(site: Site, tab: Any) -> None:
    site.write("briefings/a.md", briefing(title="First build"))
    server = PreviewServer(site.root, port=0)
    server.start()
    asked: list[str] = []

    def build_before_answering(route: Any, _request: Any) -> None:
        if not asked:
            asked.append(route.request.url)
            server.rebuild()
        route.continue_()

    try:
        tab.route("**/__brief__/state", build_before_answering)
        tab.goto(f"http://127.0.0.1:{server.port}/briefings/a/")  # served "still running"
        tab.wait_for_function("() => document.title.startsWith('First build')", timeout=5_000)
        assert len(asked) == 1
    finally:
        server.stop()
