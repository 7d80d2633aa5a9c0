"""Screenshots of every page type of the example site, for reviewing the theme by eye.

    python3 -m tests.screenshots OUTDIR

builds the example site into a temporary folder, serves it on 127.0.0.1 under /brief/, and
writes full-page PNGs to OUTDIR named `<page>-<width>-<scheme>.png`: each page type (home, a
briefing, timeline, sources, tags, a tag, search, 404) at desktop (1280 px) and phone (360 px)
width, in light and dark mode. Three more states are shot at both widths and in both modes:
`briefing-preview-*` (a citation preview opened from the keyboard), `search-results-*` (a search
with its filters) and `briefing-print-*` (the print stylesheet, light only).

It needs Playwright and Chromium (Debian's `chromium`, or the binary named by BRIEF_CHROMIUM).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.browser.serving import CHROMIUM_ARGS, PAGE_TYPES, build_example_site, chromium, serve

WIDTHS = {"desktop": 1280, "phone": 360}
SCHEMES = ("light", "dark")


def _shoot_states(tab: Any, url: str, out: Path, suffix: str) -> list[Path]:
    written = []
    # A citation preview, opened the way a keyboard user opens it.
    tab.goto(url + PAGE_TYPES["briefing"])
    badge = tab.locator(".briefing-body button.cite-badge").first
    badge.focus()
    tab.keyboard.press("Enter")
    tab.locator(".preview:popover-open").wait_for()
    path = out / f"briefing-preview-{suffix}.png"
    tab.screenshot(path=str(path))
    written.append(path)
    # Search results with the filters built from the index.
    tab.goto(url + PAGE_TYPES["search"])
    tab.locator("#search-filters").wait_for(state="visible")
    tab.fill("#search-input", "S-400")
    tab.locator(".search-result").first.wait_for()
    path = out / f"search-results-{suffix}.png"
    tab.screenshot(path=str(path), full_page=True)
    written.append(path)
    return written


def shoot(
    browser: Any,
    url: str,
    out: Path,
    pages: dict[str, str] = PAGE_TYPES,
    widths: dict[str, int] = WIDTHS,
    schemes: tuple[str, ...] = SCHEMES,
    states: bool = True,
) -> list[Path]:
    """Screenshots of the site served at `url` with a launched Playwright `browser`; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for width in widths.values():
        for scheme in schemes:
            context = browser.new_context(
                viewport={"width": width, "height": 900 if width > 400 else 740},
                color_scheme=scheme,
                device_scale_factor=1,
            )
            context.set_default_timeout(15_000)
            tab = context.new_page()
            for name, path in pages.items():
                tab.goto(url + path)
                if name == "search":
                    tab.locator("#search-filters").wait_for(state="visible")
                target = out / f"{name}-{width}-{scheme}.png"
                tab.screenshot(path=str(target), full_page=True)
                written.append(target)
            if states:
                written.extend(_shoot_states(tab, url, out, f"{width}-{scheme}"))
                if scheme == "light":
                    tab.emulate_media(media="print")
                    tab.goto(url + PAGE_TYPES["briefing"])
                    target = out / f"briefing-print-{width}.png"
                    tab.screenshot(path=str(target), full_page=True)
                    written.append(target)
            context.close()
    return written


def take(out: Path) -> list[Path]:
    """Build and serve the example site, and write every screenshot into `out`; returns the paths."""
    executable = chromium()
    if executable is None:
        raise SystemExit("no Chromium found (apt-get install chromium, or set BRIEF_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="brief-shots-") as scratch:
        site = build_example_site(Path(scratch) / "site")
        served = Path(scratch) / "served"
        served.mkdir()
        with serve(site, served) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                return shoot(browser, url, out)
            finally:
                browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("outdir", type=Path, help="folder for the PNG files (created if missing)")
    args = parser.parse_args(argv)
    written = take(args.outdir)
    print(f"{len(written)} screenshots in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
