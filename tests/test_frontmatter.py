"""Reading files and splitting front matter: BOM, CRLF, bad UTF-8, unclosed fences."""

from __future__ import annotations

from pathlib import Path

from generator.content.frontmatter import MAX_FILE_BYTES, read_text, split_front_matter
from generator.diagnostics import Position

PATH = Path("b.md")


def test_bom_and_crlf_are_accepted() -> None:
    text, problem = read_text(PATH, "\ufeff---\r\ntitle: x\r\n---\r\nBody\r\n".encode())
    assert problem is None
    assert text == "---\ntitle: x\n---\nBody\n"


def test_invalid_utf8_points_at_the_byte() -> None:
    _, problem = read_text(PATH, b"---\ntitle: caf\xe9 ok\n---\n")
    assert problem is not None
    assert problem.position == Position(2, 11)
    assert "UTF-8" in problem.message


def test_oversized_file_is_refused() -> None:
    _, problem = read_text(PATH, b"x" * (MAX_FILE_BYTES + 1))
    assert problem is not None and "limit" in problem.message


def test_split_gives_file_lines() -> None:
    split, problem = split_front_matter(PATH, "---\ntitle: x\ndate: 2025-01-01\n---\nBody\n")
    assert problem is None and split is not None
    assert split.front_matter == "title: x\ndate: 2025-01-01\n"
    assert split.body == "Body\n"
    assert split.body_first_line == 5


def test_unclosed_front_matter() -> None:
    _, problem = split_front_matter(PATH, "---\ntitle: x\n\nBody\n")
    assert problem is not None
    assert problem.position == Position(1, 1)
    assert "not closed" in problem.message


def test_missing_front_matter() -> None:
    _, problem = split_front_matter(PATH, "# Just a heading\n")
    assert problem is not None and "must start with YAML front matter" in problem.message
