"""`python3 -m tests.screenshots OUTDIR` writes a screenshot of each page type at desktop and phone
width, in light and dark mode (here for two page types, on the session's site and browser)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from tests import screenshots
from tests.browser.serving import PAGE_TYPES


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_screenshot_command_covers_every_page_type_width_and_scheme() -> None:
    assert set(screenshots.WIDTHS.values()) == {1280, 360}
    assert set(screenshots.SCHEMES) == {"light", "dark"}
    assert {"home", "briefing", "timeline", "sources", "tags", "tag", "search", "404"} <= set(PAGE_TYPES)
    assert "python3 -m tests.screenshots" in (screenshots.__doc__ or "")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "python3 -m tests.screenshots" in readme.split("## Developing Brief", 1)[1]


def test_screenshots_are_written_at_each_width_and_scheme(
    browser: Any, site_url: str, tmp_path: Path
) -> None:
    pages = {name: PAGE_TYPES[name] for name in ("home", "404")}
    written = screenshots.shoot(browser, site_url, tmp_path, pages=pages, states=False)
    assert sorted(p.name for p in written) == sorted(
        f"{name}-{width}-{scheme}.png"
        for name in pages
        for width in (1280, 360)
        for scheme in ("light", "dark")
    )
    for path in written:
        width, height = _png_size(path)
        assert width == int(path.name.split("-")[1])
        assert height >= (900 if width == 1280 else 740)
    # Dark mode is not the light page again.
    assert (tmp_path / "home-360-dark.png").read_bytes() != (tmp_path / "home-360-light.png").read_bytes()
