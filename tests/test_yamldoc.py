"""Safe YAML with positions: tags, duplicate keys, alias bombs, positions."""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.content.yamldoc import load_yaml
from generator.diagnostics import Position

PATH = Path("x.yaml")


def test_values_and_positions() -> None:
    document, problem = load_yaml(
        "title: Héllo\nsources:\n  toi:\n    reliability: B\ndate: 2025-08-06\n", PATH, 1
    )
    assert problem is None and document is not None
    assert document.value["date"] == datetime.date(2025, 8, 6)
    assert document.position_of(("sources", "toi", "reliability")) == Position(5, 18)
    assert document.key_position_of(("sources", "toi")) == Position(4, 3)
    assert document.position_of(("title",)) == Position(2, 8)


def test_position_of_a_missing_path_falls_back_to_its_parent() -> None:
    document, _ = load_yaml("sources:\n  toi:\n    title: x\n", PATH)
    assert document is not None
    assert document.position_of(("sources", "toi", "nope", 3)) == Position(3, 5)


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    _, problem = load_yaml("title: a\nsummary: b\ntitle: c\n", PATH, 1)
    assert problem is not None
    assert problem.position == Position(4, 1)
    assert "duplicate key 'title'" in problem.message
    assert "line 2" in problem.message


def test_python_tags_are_refused() -> None:
    _, problem = load_yaml("x: !!python/object/apply:os.system ['echo hi']\n", PATH)
    assert problem is not None
    assert "!!python/object/apply:os.system" in problem.message
    assert problem.position == Position(1, 4)


def test_custom_tags_are_refused() -> None:
    _, problem = load_yaml("x: !secret value\n", PATH)
    assert problem is not None and "not allowed" in problem.message


def test_alias_bomb_is_capped() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        prev, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(
            f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    _, problem = load_yaml("\n".join(lines) + "\n", PATH)
    assert problem is not None
    assert "expands to more than" in problem.message


def test_syntax_error_has_a_position_and_a_hint() -> None:
    _, problem = load_yaml("title: Talks: day one\n", PATH, 1)
    assert problem is not None
    assert problem.position.line == 2
    assert problem.hint is not None and "quoted" in problem.hint


def test_merge_keys_are_refused() -> None:
    _, problem = load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", PATH)
    assert problem is not None and "merge" in problem.message


def test_yaml_11_booleans_stay_booleans_for_the_schema_to_catch() -> None:
    document, _ = load_yaml("country: NO\nversion: 1.10\n", PATH)
    assert document is not None
    assert document.value == {"country": False, "version": 1.1}
