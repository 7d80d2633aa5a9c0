"""Unit tests of `generator/render.py`'s helpers."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from generator.markdown.citations import PLACEHOLDER, PLACEHOLDER_PATTERN
from generator.render import _without_citations

#: What `_without_citations` stands for: each placeholder with every space before it.
_CITATION_AND_SPACE = re.compile("[ \t\n]*" + PLACEHOLDER_PATTERN.pattern)

_PIECES = st.sampled_from(
    [
        " ",
        "\t",
        "\n",
        "word",
        "<p>",
        "\x00",
        "cite:",
        PLACEHOLDER.format(number=1),
        PLACEHOLDER.format(number=23),
    ]
)


def test_a_citation_goes_with_the_space_before_it() -> None:
    html = f"<p>the Times of India {PLACEHOLDER.format(number=0)}.\n{PLACEHOLDER.format(number=1)}</p>"
    assert _without_citations(html) == "<p>the Times of India.</p>"


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_citations_are_removed_as_the_pattern_would(html: str) -> None:
    assert _without_citations(html) == _CITATION_AND_SPACE.sub("", html)
