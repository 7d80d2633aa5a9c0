"""The citation plugin, by fixture files: a title, the Markdown, and the expected HTML.

In the expected HTML a citation's placeholder is shown as `{cite N: prefix @id (locator); ...}`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.utils import read_fixture_file

from generator.diagnostics import Position
from generator.markdown import citations
from generator.markdown.body import render_body
from generator.markdown.citations import PLACEHOLDER_PATTERN, Citation, parse_citation_items

FIXTURES = Path(__file__).parent / "fixtures" / "citations.md"


def _shown(citation: Citation) -> str:
    parts = []
    for item in citation.items:
        text = (item.prefix + " " if item.prefix else "") + "@" + item.id
        if item.suffix:
            text += f" ({item.suffix})"
        parts.append(text)
    return f"{{cite {citation.number}: {'; '.join(parts)}}}"


@pytest.mark.parametrize(
    ("line", "title", "markdown", "expected"),
    read_fixture_file(FIXTURES),
    ids=[case[1] for case in read_fixture_file(FIXTURES)],
)
def test_fixture(line: int, title: str, markdown: str, expected: str) -> None:
    body = render_body(markdown)
    by_number = {c.number: c for c in body.citations}
    html = PLACEHOLDER_PATTERN.sub(lambda m: _shown(by_number[int(m[1])]), body.html)
    assert html == expected


def test_positions_are_file_lines_and_character_columns() -> None:
    body = render_body("First line.\nSecond — line [@a] and [@b].\n\n> quote [@c]\n", line_offset=10)
    assert [c.position for c in body.citations] == [Position(12, 15), Position(12, 24), Position(14, 9)]


def test_same_citation_twice_on_a_line_gets_two_columns() -> None:
    body = render_body("[@a] then [@a]\n")
    assert [c.position.col for c in body.citations] == [1, 11]


def test_citation_in_a_list_item_points_at_the_bracket() -> None:
    body = render_body("intro\n\n- item\n  continued [@x]\n")
    assert body.citations[0].position == Position(4, 13)


def test_parse_items_rejects_text_without_keys() -> None:
    assert parse_citation_items("see above") is None
    assert parse_citation_items("mail a@b.org") is None


def test_nul_in_input_cannot_forge_a_placeholder() -> None:
    body = render_body("text \x00cite:1\x00 more")
    assert "\x00" not in body.html
    assert body.citations == ()


_TRICKY = st.text(alphabet="[]@`<>\\*_()^!;:-. \nab1", max_size=40)


@settings(max_examples=400, deadline=None)
@given(before=_TRICKY, label=_TRICKY, after=_TRICKY)
def test_citations_are_found_as_markdown_it_finds_link_labels(before: str, label: str, after: str) -> None:
    """The quick search for a citation's closing bracket agrees with markdown-it's own."""
    markdown = f"{before}[@{label}]{after}"
    quick = render_body(markdown)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(
            citations, "_label_end", lambda state, start: state.md.helpers.parseLinkLabel(state, start, False)
        )
        slow = render_body(markdown)
    assert quick.html == slow.html
    assert quick.citations == slow.citations
