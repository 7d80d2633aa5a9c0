"""Building the example site and serving it over HTTP, shared by the browser tests and
`python3 -m tests.screenshots`.

The site is mounted under the sub-path /brief/ (as on a project's GitHub Pages address), and,
like such hosts, the server answers a missing page at any depth with the site's 404.html.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent.parent
MOUNT = "brief"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: One page of every HTML page type of the example site, by name, as paths under the site root.
PAGE_TYPES = {
    "home": "",
    "briefing": "briefings/india-russia-moscow-talks/",
    "timeline": "timeline/",
    "sources": "sources/",
    "tags": "tags/",
    "tag": "tags/defence/",
    "search": "search/",
    "404": "404.html",
}


def missing(reason: str) -> None:
    """Skip a test that needs a tool this machine lacks; with BRIEF_REQUIRE_BROWSER=1 (as in CI), fail."""
    if os.environ.get("BRIEF_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


def chromium() -> str | None:
    candidate = (
        os.environ.get("BRIEF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    return candidate if candidate and Path(candidate).exists() else None


def build_example_site(out: Path) -> Path:
    """Build the repository's example site into `out` with `brief build`."""
    result = CliRunner().invoke(main, ["build", "--site", str(REPO), "--out", str(out)])
    if result.exit_code != 0:
        raise RuntimeError(f"brief build failed ({result.exit_code}):\n{result.output}")
    return out


def build_site(root: Path, files: Mapping[str, str]) -> Path:
    """Write `files` (their paths in the site's folder, and their texts) into `root`/site and
    build it with `brief build` into `root`/out, which it returns."""
    site = root / "site"
    for relative, text in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, quietly; a missing file gets the site's own 404 page, as on GitHub Pages."""

    not_found: Path

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404 or not self.not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that leaves a page (a redirect, a test that moves on) may drop a connection.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve(site: Path, scratch: Path) -> Iterator[str]:
    """Serve a built site from a copy under `scratch`/brief/; yields its URL (ending in /brief/)."""
    mounted = scratch / MOUNT
    if not mounted.exists():
        shutil.copytree(site, mounted)
    handler_class = type("SiteHandler", (_Handler,), {"not_found": mounted / "404.html"})
    handler = functools.partial(handler_class, directory=str(scratch))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{MOUNT}/"
    finally:
        server.shutdown()
        server.server_close()
