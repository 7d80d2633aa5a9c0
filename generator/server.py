"""`brief serve`: a live preview that rebuilds on save and reloads open pages.

It builds into `.brief-cache/serve/` (never the deployable output), serves only files
inside that folder (no `..`, encoded or not, no backslashes, no symbolic links out, no
directory listings, GET and HEAD only), and watches the site's sources with `watchfiles`.
On a loopback address (the default), it answers only requests addressed to a loopback
name: a web page the analyst visits cannot read the preview (drafts, internal notes,
briefings above the publication gate) by pointing a name of its own at 127.0.0.1 (DNS
rebinding).
Open pages poll a tiny state URL and reload when a build finishes; when a build fails,
every page shows its diagnostics instead of stale content, and recovers by itself.
"""

from __future__ import annotations

import html
import http.server
import ipaddress
import json
import mimetypes
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.build import BuildOptions, BuildResult, build
from generator.diagnostics import Severity, display_path
from generator.fingerprint import CACHE_FOLDER
from generator.outcome import counted

CONTROL_PREFIX = "/__brief__/"
RELOAD_SCRIPT = """// Brief preview: reload this page when a new build is ready.
// The page says which build it was served from: a build that finishes before the first
// poll still reloads it.
(function () {
  "use strict";
  var stamp = document.currentScript ? document.currentScript.getAttribute("data-build") : null;
  var seen = stamp ? Number(stamp) : null;
  function poll() {
    fetch("/__brief__/state", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (seen !== null && state.build !== seen) { location.reload(); return; }
        seen = state.build;
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 400); });
  }
  poll();
})();
"""
_WATCHED = ("briefings", "templates", "static")


@dataclass
class PreviewState:
    """The latest build, shared between the watcher and the request handlers."""

    build_number: int = 0
    result: BuildResult | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, result: BuildResult) -> None:
        with self.lock:
            self.result = result
            self.build_number += 1

    def latest(self) -> tuple[int, BuildResult | None]:
        """The number of the latest build and its result, read together."""
        with self.lock:
            return self.build_number, self.result


class _IPv6Server(http.server.ThreadingHTTPServer):
    """For `--host ::1` and other IPv6 addresses."""

    address_family = socket.AF_INET6


class PreviewServer:
    def __init__(
        self, site_root: Path, drafts: bool = False, host: str = "127.0.0.1", port: int = 8000
    ) -> None:
        self.site_root = site_root
        self.output = site_root / CACHE_FOLDER / "serve"
        self.drafts = drafts
        self.state = PreviewState()
        server_class = _IPv6Server if ":" in host else http.server.ThreadingHTTPServer
        self.httpd = server_class((host, port), self._handler_class())
        #: Whether to refuse requests addressed to any other name than a loopback one.
        self.loopback_only = is_loopback_name(host)
        self.httpd.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def rebuild(self) -> BuildResult:
        host, port = str(self.httpd.server_address[0]), self.port
        shown = f"[{host}]" if ":" in host else host
        options = BuildOptions(
            site_root=self.site_root, out=self.output, drafts=self.drafts, base_url=f"http://{shown}:{port}/"
        )
        return build(options, publish=self.state.record)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, name="brief-serve", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def watch(
        self,
        on_build: Callable[[BuildResult], None],
        stop: threading.Event | None = None,
        rebuild: Callable[[], BuildResult] | None = None,
    ) -> None:
        """Rebuild whenever a watched file changes, until `stop` is set (or Ctrl-C).
        `rebuild` replaces `self.rebuild` (the command line's wraps it to report a bug)."""
        from watchfiles import watch

        rebuild = rebuild or self.rebuild

        for _changes in watch(
            self.site_root,
            watch_filter=self.is_watched,
            stop_event=stop,
            debounce=80,
            step=40,
            raise_interrupt=True,
        ):
            on_build(rebuild())

    def is_watched(self, _change: object, path: str) -> bool:
        try:
            relative = Path(path).resolve().relative_to(self.site_root.resolve())
        except ValueError:
            return False
        parts = relative.parts
        # A watched folder itself counts: one made anew (mkdir static && cp ...) may fill
        # before the watcher watches inside it, and the build then finds its files.
        return relative.as_posix() == "site.yaml" or (len(parts) >= 1 and parts[0] in _WATCHED)

    def _handler_class(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(_PreviewHandler):
            preview = server

        return Handler


class _PreviewHandler(http.server.BaseHTTPRequestHandler):
    preview: PreviewServer
    server_version = "BriefPreview"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    # --- methods ------------------------------------------------------------------------

    def do_GET(self) -> None:
        self.respond(include_body=True)

    def do_HEAD(self) -> None:
        self.respond(include_body=False)

    def refuse_method(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = refuse_method

    # --- responses ----------------------------------------------------------------------

    def send_bytes(self, status: int, content_type: str, body: bytes, include_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def redirect(self, location: str) -> None:
        """A folder asked for without its slash: where a static host sends the reader too."""
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def respond(self, include_body: bool) -> None:
        host = self.headers.get("Host")
        if self.preview.loopback_only and host is not None and not is_loopback_name(_host_name(host)):
            message = f"This preview answers only to localhost, not to '{host}'.\n"
            self.send_bytes(403, "text/plain; charset=utf-8", message.encode(), include_body)
            return
        path = urlsplit(self.path).path
        if path == CONTROL_PREFIX + "reload.js":
            self.send_bytes(200, "text/javascript; charset=utf-8", RELOAD_SCRIPT.encode(), include_body)
            return
        if path == CONTROL_PREFIX + "state":
            body = json.dumps({"build": self.preview.state.build_number}).encode()
            self.send_bytes(200, "application/json", body, include_body)
            return
        # Read before the file: a page stamped with an older build than its content is
        # reloaded once more, never left stale.
        build_number, result = self.preview.state.latest()
        if result is None or (not result.written and result.exit_code != 0):
            page = _error_page(result, build_number)
            self.send_bytes(500, "text/html; charset=utf-8", page, include_body)
            return
        target = resolve_request_path(self.preview.output, path)
        status = 200
        folder = None if path.endswith("/") else resolve_request_path(self.preview.output, path + "/")
        if target is None and folder is not None:
            query = urlsplit(self.path).query
            self.redirect(path + "/" + (f"?{query}" if query else ""))
            return
        if target is None:
            status = 404
            target = self.preview.output / "404.html"
            if not target.is_file():
                self.send_bytes(404, "text/plain; charset=utf-8", b"Not found\n", include_body)
                return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        try:
            body = target.read_bytes()
        except OSError:
            self.send_bytes(404, "text/plain; charset=utf-8", b"Not found\n", include_body)
            return
        if content_type == "text/html":
            body = _with_reload_script(body, build_number)
            content_type = "text/html; charset=utf-8"
        self.send_bytes(status, content_type, body, include_body)


def listening_address(host: str) -> str:
    """The address `--host` names: an IPv6 address may be written in brackets, as in a URL
    (`[::1]`)."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host


def is_loopback_name(name: str) -> bool:
    """Whether a host name or address can only be this machine: `localhost` and names under
    it, `127.0.0.1` and the rest of 127/8, `::1`."""
    name = name.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The name in a `Host` header, without its port (`[::1]:8000` is `::1`)."""
    try:
        return urlsplit(f"//{header}").hostname or ""
    except ValueError:  # a port that is not a number, unbalanced brackets
        return ""


def resolve_request_path(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `root`, or None. Never a path outside `root`."""
    decoded = unquote(url_path)
    if "\x00" in decoded or "\\" in decoded or not decoded.startswith("/"):
        return None
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if any(part == ".." for part in parts):
        return None
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, *parts))
    if candidate != real_root and not candidate.startswith(real_root + os.sep):
        return None
    if os.path.isdir(candidate):
        if not decoded.endswith("/") and parts:
            return None
        candidate = os.path.join(candidate, "index.html")
    elif decoded.endswith("/") and parts:  # a file is no folder: `index.html/` is not found
        return None
    if not os.path.isfile(candidate) or os.path.realpath(candidate) != candidate:
        return None
    return Path(candidate)


def _reload_tag(build_number: int) -> str:
    """The script that reloads a page served from build `build_number` when a newer one is ready."""
    return f'<script src="{CONTROL_PREFIX}reload.js" data-build="{build_number}" defer></script>'


def _with_reload_script(page: bytes, build_number: int) -> bytes:
    tag = _reload_tag(build_number).encode()
    if b"</head>" in page:
        return page.replace(b"</head>", tag + b"\n</head>", 1)
    return page + tag


def _error_page(result: BuildResult | None, build_number: int) -> bytes:
    if result is None:
        items = "<li>The first build is still running…</li>"
    else:
        items = "".join(
            f"<li><code>{html.escape(display_path(d.path))}:{d.line}:{d.col}</code> "
            f"<strong>{d.severity.word}</strong>: {html.escape(d.message)}"
            + (f"<br><small>hint: {html.escape(d.hint)}</small>" if d.hint else "")
            + "</li>"
            for d in result.diagnostics
            if d.severity != Severity.INFO
        )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · Brief preview</title>
{_reload_tag(build_number)}
</head>
<body>
<main>
<h1>The build failed</h1>
<p>Fix the problems below and save; this page reloads by itself.</p>
<ul id="brief-diagnostics">{items}</ul>
</main>
</body>
</html>
"""
    return page.encode()


def describe(result: BuildResult) -> str:
    warnings = result.count(Severity.WARNING)
    errors = result.count(Severity.ERROR)
    stamp = time.strftime("%H:%M:%S")
    if result.up_to_date:
        return f"[{stamp}] up to date: nothing the site is built from has changed"
    if result.written:
        return f"[{stamp}] rebuilt in {result.seconds:.2f} s ({counted(warnings, 'warning')})"
    return f"[{stamp}] build failed: {counted(errors, 'error')}; the browser shows them"
