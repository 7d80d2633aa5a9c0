"""`brief serve`: rebuilds on save, shows failed builds, and never serves outside its folder."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.server import PreviewServer, describe, listening_address, resolve_request_path
from tests.conftest import REPO, Site, briefing


@pytest.fixture
def preview(site: Site) -> Iterator[PreviewServer]:
    site.write(
        "briefings/a.md", briefing(title="First title", extra="sources:\n  s:\n    title: S\n", body="[@s]\n")
    )
    server = PreviewServer(site.root, port=0)
    server.rebuild()
    server.start()
    stop = threading.Event()
    watcher = threading.Thread(target=server.watch, args=(lambda result: None, stop), daemon=True)
    watcher.start()
    time.sleep(0.3)  # let the watcher settle before the test edits files
    yield server
    stop.set()
    watcher.join(timeout=5)
    server.stop()


def _get(server: PreviewServer, path: str, method: str = "GET") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    connection.close()
    return response.status, body


@contextlib.contextmanager
def _rebuilt(site: Site) -> Iterator[PreviewServer]:
    """A preview server of `site`, running, after one build that succeeded and serves
    /briefings/a/."""
    server = PreviewServer(site.root, port=0)
    server.start()
    try:
        result = server.rebuild()
        assert result.exit_code == 0, result.diagnostics
        assert _get(server, "/briefings/a/")[0] == 200
        yield server
    finally:
        server.stop()


def _wait_for_build(server: PreviewServer, after: int, seconds: float = 2.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if json.loads(_get(server, "/__brief__/state")[1])["build"] > after:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"no rebuild within {seconds} s")


def test_serves_the_site_from_its_own_cache_folder(preview: PreviewServer, site: Site) -> None:
    status, body = _get(preview, "/briefings/a/")
    assert status == 200 and "First title" in body
    # The page says which build it is from, for its script to tell when a newer one is ready.
    tag = f'<script src="/__brief__/reload.js" data-build="{preview.state.build_number}" defer></script>'
    assert tag in body
    assert (site.root / ".brief-cache" / "serve" / "index.html").is_file()
    assert not (site.root / "_site").exists()


def test_editing_a_title_changes_the_page_within_two_seconds(preview: PreviewServer, site: Site) -> None:
    before = preview.state.build_number
    site.write(
        "briefings/a.md",
        briefing(title="Second title", extra="sources:\n  s:\n    title: S\n", body="[@s]\n"),
    )
    _wait_for_build(preview, before)
    status, body = _get(preview, "/briefings/a/")
    assert status == 200 and "Second title" in body


def test_a_failed_build_shows_its_errors_then_recovers(preview: PreviewServer, site: Site) -> None:
    before = preview.state.build_number
    site.write("briefings/a.md", briefing(title="First title", body="Now citing [@nowhere].\n"))
    _wait_for_build(preview, before)
    status, body = _get(preview, "/briefings/a/")
    assert status == 500
    assert "citation of unknown id &#x27;nowhere&#x27;" in body and "briefings/a.md:6:13" in body
    assert "/__brief__/reload.js" in body
    fixed = preview.state.build_number
    site.write(
        "briefings/a.md", briefing(title="Fixed title", extra="sources:\n  s:\n    title: S\n", body="[@s]\n")
    )
    _wait_for_build(preview, fixed)
    status, body = _get(preview, "/briefings/a/")
    assert status == 200 and "Fixed title" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/briefings/..%2f..%2f..%2fsite.yaml",
        "/%00index.html",
        "//etc/passwd",
        "/briefings/a/index.html/",  # a file is no folder
    ],
)
def test_traversal_is_refused(preview: PreviewServer, path: str) -> None:
    status, body = _get(preview, path)
    assert status == 404
    assert "root:" not in body and "title: Test site" not in body


def test_only_requests_addressed_to_localhost_are_answered(preview: PreviewServer) -> None:
    """A page on another site cannot read the preview by pointing a name of its own at
    127.0.0.1 (DNS rebinding): the browser then sends that name as the Host."""

    def get_as(host: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=5)
        connection.putrequest("GET", "/briefings/a/", skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        connection.close()
        return response.status, body

    port = preview.port
    refused = ("evil.example", f"evil.example:{port}", f"x.localhost.evil.example:{port}", "10.0.0.1")
    for host in refused:
        status, body = get_as(host)
        assert status == 403, host
        assert "First title" not in body and "answers only to localhost" in body
    answered = (f"localhost:{port}", f"127.0.0.1:{port}", "127.0.0.1", f"[::1]:{port}", f"a.localhost:{port}")
    for host in answered:
        status, body = get_as(host)
        assert status == 200 and "First title" in body, host


def test_no_directory_listing_and_no_other_methods(preview: PreviewServer) -> None:
    status, body = _get(preview, "/assets/")
    assert status == 404 and "Page not found" in body
    assert 'href="brief.css"' not in body and 'href="scales.css"' not in body
    # The 404 page of the preview links from the preview's own root.
    assert 'href="/assets/brief.css"' in body
    for method in ("POST", "PUT", "DELETE"):
        assert _get(preview, "/", method)[0] == 405


def test_symlinks_out_of_the_folder_are_refused(preview: PreviewServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    link = preview.output / "leak.txt"
    os.symlink(secret, link)
    status, body = _get(preview, "/leak.txt")
    assert status == 404 and "top secret" not in body
    assert resolve_request_path(preview.output, "/leak.txt") is None


def test_oversized_request_line_is_refused(preview: PreviewServer) -> None:
    assert _get(preview, "/" + "a" * 70000)[0] == 414


def test_a_folder_asked_for_without_its_slash_is_redirected(preview: PreviewServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=5)
    connection.request("GET", "/briefings/a?x=1")
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 301 and response.getheader("Location") == "/briefings/a/?x=1"
    assert _get(preview, "/briefings/nothing-here")[0] == 404


def test_a_static_folder_made_while_serving_is_served(preview: PreviewServer, site: Site) -> None:
    before = preview.state.build_number
    (site.root / "static").mkdir()
    (site.root / "static" / "hello.txt").write_text("hi\n")
    _wait_for_build(preview, before)
    deadline = time.monotonic() + 3
    while _get(preview, "/hello.txt")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _get(preview, "/hello.txt") == (200, "hi\n")


def test_a_build_with_nothing_to_do_is_said_to_be_up_to_date(preview: PreviewServer) -> None:
    result = preview.rebuild()
    assert result.up_to_date
    assert describe(result).endswith("up to date: nothing the site is built from has changed")


def test_serves_on_an_ipv6_address(site: Site) -> None:
    # --host takes it as a URL writes it too, in brackets.
    assert listening_address("[::1]") == listening_address(" ::1 ") == "::1"
    assert listening_address("127.0.0.1") == "127.0.0.1"
    site.write("briefings/a.md", briefing(title="Over IPv6"))
    try:
        server = PreviewServer(site.root, host=listening_address("[::1]"), port=0)
    except OSError as error:  # no IPv6 on this machine
        pytest.skip(f"no IPv6 loopback here: {error}")
    try:
        server.rebuild()
        server.start()
        connection = http.client.HTTPConnection("::1", server.port, timeout=5)
        connection.request("GET", "/briefings/a/")
        response = connection.getresponse()
        assert response.status == 200 and "Over IPv6" in response.read().decode()
        connection.close()
    finally:
        server.stop()


def _serve(cwd: Path, *args: str, command: str = "serve") -> subprocess.CompletedProcess[str]:
    """`brief serve ARGS` in its own process; one that keeps serving fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "generator", command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_serve_without_a_site_folder_says_so_like_build_and_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "does-not-exist"
    result = _serve(tmp_path, "--site", str(missing), "--port", "0")
    built = _serve(tmp_path, "--site", str(missing), command="build")
    assert result.returncode == 2, result.stderr
    assert f"site.yaml:1:1: error: no site.yaml in {missing}" in result.stderr
    assert "hint: run brief from the site's folder, or pass --site PATH" in result.stderr
    assert "Traceback" not in result.stderr and "Serving" not in result.stderr
    assert built.stderr == result.stderr
    assert not missing.exists()


def test_serve_in_a_folder_without_site_yaml_exits_2_instead_of_serving(tmp_path: Path) -> None:
    result = _serve(tmp_path, "--port", "0")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"site.yaml:1:1: error: no site.yaml in {tmp_path}\n")
    assert "Serving" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_with_a_broken_site_yaml_exits_2(site: Site) -> None:
    site.write("site.yaml", "title: X\noutptu: out\n")
    result = _serve(site.root, "--port", "0")
    assert result.returncode == 2
    assert "site.yaml:2:1: error: unknown key 'outptu'" in result.stderr


def test_serve_options_a_user_gets_wrong_are_usage_errors(site: Site) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        in_use = _serve(site.root, "--port", str(port))
    finally:
        taken.close()
    assert in_use.returncode == 2
    assert f"brief: cannot listen on 127.0.0.1:{port}: Address already in use" in in_use.stderr
    for args, expected in [
        (("--port", "99999"), "Invalid value for '--port'"),
        (("--port", "http"), "Invalid value for '--port'"),
        (("--host", ""), "Invalid value for '--host'"),
        (("--host", "no-such-host.invalid", "--port", "0"), "brief: cannot listen on no-such-host.invalid"),
        (("--site", str(site.root / "site.yaml")), "Invalid value for '--site'"),
        (("--site", str(site.root / "site.yaml" / "sub")), "error: no site.yaml in"),
    ]:
        result = _serve(site.root, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr, args
        assert "warning: serving on" not in result.stderr, args  # nothing was served


def test_the_rebuild_lines_count_in_words_a_person_would_write() -> None:
    from pathlib import Path

    from generator.diagnostics import Diagnostic, Position, Severity
    from generator.outcome import BuildResult
    from generator.server import describe

    def found(severity: Severity) -> Diagnostic:
        return Diagnostic(Path("briefings/a.md"), Position(1, 1), severity, "m", None, "x")

    one_warning = BuildResult([found(Severity.WARNING)], 0, written=True, seconds=0.5)
    assert describe(one_warning).endswith("rebuilt in 0.50 s (1 warning)")
    two_errors = BuildResult([found(Severity.ERROR), found(Severity.ERROR)], 1)
    assert describe(two_errors).endswith("build failed: 2 errors; the browser shows them")
    one_error = BuildResult([found(Severity.ERROR)], 1)
    assert describe(one_error).endswith("build failed: 1 error; the browser shows them")


def test_loopback_names() -> None:
    from generator.server import is_loopback_name

    for name in ("localhost", "LOCALHOST.", "a.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"):
        assert is_loopback_name(name), name
    for name in ("0.0.0.0", "10.0.0.1", "example.org", "localhost.example.org", "::", ""):
        assert not is_loopback_name(name), name


def test_an_editors_temporary_file_gone_during_a_build_does_not_stop_it(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editors write a temporary file beside the one they save and remove it a moment
    later; a build running meanwhile lists it and finds it gone. That is no error, and no
    crash that ends the preview: the build goes on with the files that are there."""
    import generator.fingerprint

    site.write("briefings/a.md", briefing(title="Still here"))
    site.write("static/keep.txt", "kept\n")
    temporary = [site.root / "briefings" / "a.md.tmp", site.root / "static" / "keep.txt.tmp"]

    def flickering(listing: Iterator[Any]) -> Iterator[Any]:
        """Each folder is listed with the temporary files, which are gone once it is."""
        while True:
            for path in temporary:
                path.write_text("half")
            item = next(listing, None)
            for path in temporary:
                path.unlink(missing_ok=True)
            if item is None:
                return
            yield item

    files_under, walk = generator.fingerprint._files_under, os.walk
    monkeypatch.setattr(generator.fingerprint, "_files_under", lambda *a: flickering(files_under(*a)))
    monkeypatch.setattr(os, "walk", lambda *a, **k: flickering(walk(*a, **k)))
    with _rebuilt(site) as server:
        assert _get(server, "/keep.txt") == (200, "kept\n")
        assert _get(server, "/keep.txt.tmp")[0] == 404


def test_the_lock_link_emacs_makes_beside_a_template_being_edited_is_no_error(site: Site) -> None:
    """Emacs marks a modified, unsaved buffer with a dangling link `.#name` beside the file;
    the preview rebuilds on it and must not show 'symbolic links are not allowed'."""
    site.write("briefings/a.md", briefing(title="Edited in Emacs"))
    site.write("templates/partials/citation.html", (REPO / "templates/partials/citation.html").read_text())
    site.write("static/map.txt", "map\n")
    for folder in ("templates/partials", "static", "briefings"):
        os.symlink("analyst@desk.4242:1700000000", site.root / folder / ".#citation.html")
    with _rebuilt(site) as server:
        assert _get(server, "/.%23citation.html")[0] == 404
    os.symlink("elsewhere.txt", site.root / "static" / "link.txt")  # any other link still is one
    assert "static/link.txt:1:1: error: symbolic links are not allowed" in site.brief("build").output
