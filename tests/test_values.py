"""Values the analyst writes: slugs and invisible characters."""

from __future__ import annotations

from slugify import slugify

from generator.content.values import has_invisible_characters, slug_of


def test_a_slug_is_its_own_slug_as_python_slugify_makes_it() -> None:
    # slug_of takes a text that is a slug already as it is, without python-slugify.
    for text in ("a", "briefing-00001", "2025-08-06", "x-1-y", "0", "abc123-def"):
        assert slug_of(text) == slugify(text) == text
    for text in ("Briefing 1", "-lead", "trail-", "a--b", "café", "a_b", "  x  ", ""):
        assert slug_of(text) == slugify(text)


def test_invisible_characters() -> None:
    assert not has_invisible_characters("plain name.md")
    assert not has_invisible_characters("tab\tand\nnewline")
    assert not has_invisible_characters("café ünïcode")
    for text in ("zero\u200bwidth", "bidi\u202eoverride", "bell\x07", "soft\u00adhyphen"):
        assert has_invisible_characters(text)
