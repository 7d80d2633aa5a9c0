"""Safe YAML with positions: tags, duplicate keys, alias bombs, positions."""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.content.yamldoc import load_yaml
from generator.diagnostics import Position, Severity

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


def test_duplicate_keys_are_errors_at_the_second_key_and_the_first_is_kept() -> None:
    # Every duplicate is reported, and the document is still usable, so that the same run
    # reports the file's other errors too.
    document, problem = load_yaml("title: a\nsummary: b\ntitle: c\nsources:\n  x: 1\n  x: 2\n", PATH, 1)
    assert problem is None and document is not None
    assert document.value == {"title": "a", "summary": "b", "sources": {"x": 1}}
    assert [(p.position, p.message) for p in document.problems] == [
        (Position(4, 1), "duplicate key 'title' (first defined at line 2)"),
        (Position(7, 3), "duplicate key 'x' (first defined at line 6)"),
    ]
    assert all(p.severity is Severity.ERROR for p in document.problems)


def test_integers_yaml_1_1_would_misread_are_kept_as_written() -> None:
    # YAML 1.1 reads 0700 as octal 448, 0x7E9 and 2_025 as 2025, 1:30 as 90.
    document, problem = load_yaml("a: 0700\nb: 0x7E9\nc: 2_025\nd: 1:30\ne: 2018\nf: -44\ng: 0\n", PATH)
    assert problem is None and document is not None
    assert document.value == {
        "a": "0700",
        "b": "0x7E9",
        "c": "2_025",
        "d": "1:30",
        "e": 2018,
        "f": -44,
        "g": 0,
    }


def test_control_characters_in_text_are_errors_at_the_value() -> None:
    document, problem = load_yaml('title: "Form\\ffeed"\nsummary: "tab\\tand newline\\n are fine"\n', PATH)
    assert problem is None and document is not None
    assert [(p.position, p.message) for p in document.problems] == [
        (Position(1, 8), "the text holds the control character U+000C")
    ]


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


def test_the_loader_resolves_tags_as_pyyaml_does() -> None:
    """`_Loader` resolves plain scalars with its own lookup: the tags must be PyYAML's."""
    import yaml

    from generator.content.yamldoc import _Loader

    values = [
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "nothing",
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "true",
        "False",
        "0",
        "-12",
        "+3",
        "0o17",
        "017",
        "0x1F",
        "0b101",
        "1_000",
        "1:30",
        "1.5",
        "-.5e3",
        ".inf",
        "-.Inf",
        ".nan",
        "1e3",
        "2025-08-06",
        "2025-08-06 10:00:00",
        "2025-13-45",
        "2025-01",
        "=",
        "<<",
        "<x",
        "!x",
        "&x",
        "*x",
        "Tea",
        "t",
        "o",
        "8 am",
        "-",
        "- x",
        ".",
        "+",
        "0.",
        "12abc",
    ]
    document = "\n".join(f"- {value!r}" if value.strip() != value else f"- {value}" for value in values)
    ours = yaml.compose(document, Loader=_Loader).value
    pyyaml = yaml.compose(document, Loader=yaml.SafeLoader).value
    assert len(ours) == len(values)
    assert [node.tag for node in ours] == [node.tag for node in pyyaml]
    nested = "a: [1, {b: yes}]\n'c': \"2025-01-01\"\n"
    assert repr(yaml.compose(nested, Loader=_Loader)) == repr(yaml.compose(nested, Loader=yaml.SafeLoader))
