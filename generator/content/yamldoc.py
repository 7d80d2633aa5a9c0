"""Safe YAML loading that keeps the position of every key and value.

PyYAML's node tree (composed with the C parser where available) carries the line and
column of every node; we build plain Python values from it ourselves so that we can:

* reject every tag outside the YAML core schema (no `!!python/object`),
* reject duplicate keys (PyYAML silently keeps the last one),
* cap the expansion of aliases (a "billion laughs" document stops early),
* and remember where each value came from, for diagnostics.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark
from yaml.reader import Reader, ReaderError

from generator.diagnostics import Diagnostic, Position, Severity

try:  # the C parser is much faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _PyYamlLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _PyYamlLoader  # type: ignore[assignment]

YamlPath = tuple[str | int, ...]

#: The most nodes one document may expand to (aliases included); guards against alias bombs.
MAX_NODES = 250_000

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_INT_TAG = "tag:yaml.org,2002:int"
#: An integer as people write one, of at most 100 digits. What YAML 1.1 reads otherwise
#: (octal, hex, `_`, base 60) is kept as text, and so is a longer one, for the schema to
#: judge (Python refuses to read one of over 4,300 digits, in words of its own).
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,99})")
#: C0 and C1 control characters but tab, line feed and carriage return: XML (the feed) and
#: HTML forbid them.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: What YAML counts as a line break, for a position found in its text.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass
class YamlDocument:
    """A loaded YAML value with the position of every value and of every mapping key."""

    value: Any
    path: Path
    #: The file line the YAML text starts after.
    line_offset: int = 0
    #: Where each value and each mapping key starts, as PyYAML marks it (0-based, within
    #: the YAML text). A `Position` is made only for the few that are asked for: making one
    #: for each of a front matter's few hundred values took a fifth of loading its YAML.
    value_marks: dict[YamlPath, Mark] = field(default_factory=dict)
    key_marks: dict[YamlPath, Mark] = field(default_factory=dict)
    #: Errors that leave the value usable, so that the rest is still checked in the same
    #: run: duplicate keys (the first is kept), control characters in text.
    problems: list[Diagnostic] = field(default_factory=list)

    def position_of(self, yaml_path: YamlPath) -> Position:
        """The position of the value at `yaml_path`, or of its closest enclosing value."""
        mark = self.value_marks.get(yaml_path)  # nearly always there: no prefix to make
        if mark is not None:
            return self.position_at(mark)
        for length in range(len(yaml_path) - 1, -1, -1):
            prefix = yaml_path[:length]
            if prefix in self.value_marks:
                return self.position_at(self.value_marks[prefix])
        return Position(1, 1)

    def key_position_of(self, yaml_path: YamlPath) -> Position:
        """The position of the key that names `yaml_path`, else of the value."""
        mark = self.key_marks.get(yaml_path)
        return self.position_at(mark) if mark is not None else self.position_of(yaml_path)

    def position_at(self, mark: Mark) -> Position:
        """The file position of a mark in the YAML text."""
        return Position(mark.line + 1 + self.line_offset, mark.column + 1)


#: The safe loader's implicit resolvers of plain scalars, (tag, pattern) pairs: those for
#: any first character, and by first character ("" for an empty scalar) with those added.
_Resolvers = tuple[tuple[str, re.Pattern[str]], ...]
_ANYWHERE: _Resolvers = tuple(_PyYamlLoader.yaml_implicit_resolvers.get(None, ()))
_BY_FIRST_CHARACTER: dict[str, _Resolvers] = {
    first: (*resolvers, *_ANYWHERE)
    for first, resolvers in _PyYamlLoader.yaml_implicit_resolvers.items()
    if first is not None
}


class _Loader(_PyYamlLoader):
    """PyYAML's safe loader with a quicker resolver: the same tags, from the same implicit
    resolvers, looked up in tuples made once, where PyYAML's concatenates two lists for each
    of a front matter's ~150 scalars (compose took 184 us instead of 160 us). The safe
    loader has no path resolvers, so their hooks have nothing to do."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _BY_FIRST_CHARACTER.get(value[:1], _ANYWHERE):
                    if pattern.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class _YamlError(Exception):
    def __init__(self, position: Position, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.position = position
        self.message = message
        self.hint = hint


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


class _Builder:
    def __init__(self, document: YamlDocument, text: str) -> None:
        self.document = document
        self.nodes_seen = 0
        self.constructor = SafeConstructor()
        #: A text can hold a control character only where the YAML does, as written or as
        #: an escape (`\x1b`): one search of the whole YAML instead of one for each text.
        self.may_hold_control_characters = "\\" in text or CONTROL_CHARACTER.search(text) is not None

    def position(self, node: yaml.Node) -> Position:
        return self.document.position_at(node.start_mark)

    def build(self, node: yaml.Node, yaml_path: YamlPath) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _YamlError(
                self.position(node),
                f"the YAML expands to more than {MAX_NODES:,} values",
                "remove anchors and aliases (&name, *name) that repeat large parts",
            )
        self.document.value_marks[yaml_path] = node.start_mark
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                raise self.bad_tag(node)
            return self.build_mapping(node, yaml_path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise self.bad_tag(node)
            return [self.build(item, (*yaml_path, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR_TAG:
            if self.may_hold_control_characters and CONTROL_CHARACTER.search(node.value):
                self.control_character(node)
            return node.value  # what SafeConstructor makes of it, without its bookkeeping
        if node.tag not in _SCALAR_TAGS:
            raise self.bad_tag(node)
        if node.tag == _INT_TAG and not _DECIMAL.fullmatch(node.value):
            # YAML 1.1 reads 0700 as octal (448), 0x7E9 and 2_025 as 2025, 1:30 as 90: keep
            # the text as written, so that a year 0700 stays 0700 and the schema judges it.
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError) as error:
            if node.tag == "tag:yaml.org,2002:timestamp":
                # `2025-13-45` looks like a date to YAML; let the schema say what is wrong.
                return node.value
            problem = getattr(error, "problem", None) or str(error)
            raise _YamlError(self.position(node), f"invalid {_tag_name(node.tag)} value: {problem}") from None

    def control_character(self, node: yaml.Node) -> None:
        found = CONTROL_CHARACTER.search(node.value)
        assert found is not None
        self.document.problems.append(
            Diagnostic(
                self.document.path,
                self.position(node),
                Severity.ERROR,
                f"the text holds the control character U+{ord(found[0]):04X}",
                "remove it (a YAML escape such as \\f or \\x1b writes one); no page or feed can show it",
                "yaml",
            )
        )

    def bad_tag(self, node: yaml.Node) -> _YamlError:
        return _YamlError(
            self.position(node),
            f"the YAML tag '{_tag_name(node.tag)}' is not allowed",
            "Brief reads plain YAML only: text, numbers, dates, lists and mappings",
        )

    def build_mapping(self, node: yaml.MappingNode, yaml_path: YamlPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlError(
                    self.position(key_node),
                    "YAML merge keys ('<<') are not supported",
                    "write the keys out in full",
                )
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                raise _YamlError(self.position(key_node), "a key must be plain text")
            key = key_node.value if key_node.tag != "tag:yaml.org,2002:null" else ""
            if key in first_seen:
                first_line = self.position(first_seen[key]).line
                self.document.problems.append(
                    Diagnostic(
                        self.document.path,
                        self.position(key_node),
                        Severity.ERROR,
                        f"duplicate key '{key}' (first defined at line {first_line})",
                        "remove one of them; YAML would silently keep only the last",
                        "yaml",
                    )
                )
                continue  # the first is kept, so that the rest of the file is still checked
            first_seen[key] = key_node
            child_path = (*yaml_path, key)
            self.document.key_marks[child_path] = key_node.start_mark
            result[key] = self.build(value_node, child_path)
        return result


def load_yaml(text: str, path: Path, line_offset: int = 0) -> tuple[YamlDocument | None, Diagnostic | None]:
    """Load one YAML document. `line_offset` is the file line the text starts after.

    Returns the document, or None and the diagnostic that stopped it.
    """
    document = YamlDocument(value=None, path=path, line_offset=line_offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
        if node is not None:
            document.value = _Builder(document, text).build(node, ())
    except _YamlError as error:
        return None, Diagnostic(path, error.position, Severity.ERROR, error.message, error.hint, "yaml")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = (
            Position(mark.line + 1 + line_offset, mark.column + 1) if mark else Position(1 + line_offset, 1)
        )
        message = f"invalid YAML: {error.problem or error.context or 'syntax error'}"
        line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
        hint = _yaml_hint(error, line, mark.column if mark else 0) or _unclosed_hint(error, line_offset)
        return None, Diagnostic(path, position, Severity.ERROR, message, hint, "yaml")
    except ReaderError:
        return None, _unreadable_character(text, path, line_offset)
    except yaml.YAMLError as error:
        return None, Diagnostic(
            path, Position(1 + line_offset, 1), Severity.ERROR, f"invalid YAML: {error}", None, "yaml"
        )
    except RecursionError:
        return None, Diagnostic(
            path, Position(1 + line_offset, 1), Severity.ERROR, "the YAML is nested too deeply", None, "yaml"
        )
    return document, None


def _unreadable_character(text: str, path: Path, line_offset: int) -> Diagnostic:
    """A control character written as is, which YAML refuses before it parses anything.
    Found again here, because libyaml gives its offset in UTF-8 bytes, not a line."""
    found = Reader.NON_PRINTABLE.search(text)
    if found is None:  # pragma: no cover - the reader refuses only what this finds
        return Diagnostic(path, Position(1 + line_offset, 1), Severity.ERROR, "invalid YAML", None, "yaml")
    breaks = list(_LINE_BREAK.finditer(text, 0, found.start()))
    line = len(breaks) + 1 + line_offset
    column = found.start() - (breaks[-1].end() if breaks else 0) + 1
    what = "control character" if CONTROL_CHARACTER.match(found[0]) else "character"
    return Diagnostic(
        path,
        Position(line, column),
        Severity.ERROR,
        f"the text holds the {what} U+{ord(found[0]):04X}",
        "remove it: YAML does not allow it, and no page or feed could show it",
        "yaml",
    )


def _yaml_hint(error: yaml.MarkedYAMLError, line: str, column: int) -> str | None:
    """A hint for a YAML error, from its message and the line it is on (`column` is where)."""
    problem = (error.problem or "") + " " + (error.context or "")
    if "\t" in line[: column + 1] and ("found character" in problem or "cannot start any token" in problem):
        # PyYAML says "found character '\t'"; its C loader, "found character that cannot start any token".
        return "YAML does not allow tabs for indentation; use spaces"
    if any(mark in line for mark in "\u201c\u201d\u2018\u2019"):
        return 'curly quotes are not YAML quotes: use straight ones, as title: "Talks: day one"'
    if "mapping values are not allowed" in problem:
        return "text containing ': ' must be quoted, for example title: \"Talks: day one\""
    if "could not find expected ':'" in problem:
        return "check the indentation and that every key ends with ':'"
    return None


#: What PyYAML was reading when the text ended before its closing mark.
_UNCLOSED = {
    "while scanning a quoted scalar": "quote",
    "while parsing a flow sequence": "'['",
    "while parsing a flow mapping": "'{'",
}


def _unclosed_hint(error: yaml.MarkedYAMLError, line_offset: int) -> str | None:
    """Where a quote or bracket that is never closed opens: YAML notices only further down."""
    opened = error.context_mark
    what = _UNCLOSED.get(error.context or "")
    if opened is None or what is None:
        return None
    return f"the {what} at line {opened.line + 1 + line_offset}, column {opened.column + 1} is not closed"


def describe_type(value: Any) -> str:
    """How a YAML value's type reads in a message."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
