"""Measuring a screenshot's pixels in the browser, on a canvas."""

from __future__ import annotations

import base64
from typing import Any

#: Draws a PNG (base64) on a canvas of its size, and gives the canvas's 2D context.
_DRAWN = """async png => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + png;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return context;
}"""


def measure_screenshot(tab: Any, png: bytes, measure: str, *args: object) -> Any:
    """What `measure` (a JavaScript function of a canvas's 2D context, then of `args`) gives
    for the screenshot `png` drawn on a canvas. It runs in a blank page of `tab`'s browser
    context: the site's Content-Security-Policy refuses data: images."""
    blank = tab.context.new_page()
    try:
        return blank.evaluate(
            f"async ([png, args]) => ({measure})(await ({_DRAWN})(png), ...args)",
            [base64.b64encode(png).decode("ascii"), list(args)],
        )
    finally:
        blank.close()
