"""JSON as text: compact, and safe to place inside HTML."""

from __future__ import annotations

import msgspec

_JSON = msgspec.json.Encoder()


def compact_json(value: object) -> str:
    """Compact JSON, as `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` writes
    it for the values pages hold (strings, integers, lists, dicts, None), but through
    msgspec: about five times faster, and a site's JSON is written once per briefing page
    (JSON-LD) and once per data file."""
    return _JSON.encode(value).decode("utf-8")


def safe_json(value: object) -> str:
    """Compact JSON with `<`, `>` and `&` written as `\\u` escapes: it cannot close or confuse
    the <script> element of a page's JSON-LD, and no data file carries markup from a
    briefing (a scanner, or a page that inserts it carelessly, sees none)."""
    text = compact_json(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def without_nulls(value: object) -> object:
    """`value` without the None and [] values of its dicts, at any depth. Only dicts and lists
    are visited: a page's JSON-LD holds about a hundred strings."""
    if type(value) is dict:
        return {
            k: without_nulls(v) if type(v) in _NESTED else v
            for k, v in value.items()
            if v is not None and v != []
        }
    if type(value) is list:
        return [without_nulls(v) if type(v) in _NESTED else v for v in value]
    return value


_NESTED = (dict, list)
