"""Validate a YAML document against a pydantic model, turning every error into a Diagnostic.

Pydantic reports each error with a `loc` path; the YAML loader kept the position of every
value and key under the same path, so each message lands on the line of the value.
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from typing import Any, TypeVar, Union

from pydantic import BaseModel, RootModel, TypeAdapter, ValidationError

from generator.content.schema import Id
from generator.content.values import shown
from generator.content.yamldoc import YamlDocument, YamlPath, describe_type
from generator.diagnostics import Diagnostic, Position, Severity

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate_document(
    model: type[ModelT], document: YamlDocument, what: str, code: str = "schema"
) -> tuple[ModelT | None, list[Diagnostic]]:
    """Validate `document.value` as `model`. `what` names the document in messages; `code`
    is the problems' code (`config` for site.yaml)."""
    if not isinstance(document.value, dict):
        found = describe_type(document.value)
        diagnostic = Diagnostic(
            document.path,
            document.position_of(()),
            Severity.ERROR,
            f"{what} must be a mapping of keys to values, not {found}",
            "write one 'key: value' per line",
            code,
        )
        return None, [diagnostic]
    try:
        return model.model_validate(document.value), []
    except ValidationError as error:
        diagnostics: list[Diagnostic] = []
        seen: set[YamlPath] = set()
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            if loc in seen:
                continue
            seen.add(loc)
            diagnostics.append(_diagnostic_for(model, document, loc, detail, code))
        return None, diagnostics


def valid_entries(model: type[ModelT], section: Any) -> dict[str, ModelT]:
    """The entries of a mapping of ids to `model`s that are valid on their own.

    A document with an error anywhere fails validation as a whole; its valid entries can
    still be checked further (their grades, their references), so that one run reports
    all of a file's errors, and a shared registry with one bad entry keeps the others."""
    if not isinstance(section, dict):
        return {}
    adapter: TypeAdapter[dict[str, ModelT]] = _entries_adapter(model)
    valid: dict[str, ModelT] = {}
    for key, value in section.items():
        try:
            valid.update(adapter.validate_python({key: value}))
        except ValidationError:
            continue
    return valid


@functools.cache
def _entries_adapter(model: type[BaseModel]) -> TypeAdapter[dict[str, Any]]:
    """A validator of a mapping of ids to `model`s, made once per model (it costs a few ms)."""
    return TypeAdapter(dict[Id, model])  # type: ignore[valid-type]


def _diagnostic_for(
    model: type[BaseModel], document: YamlDocument, loc: YamlPath, detail: Any, code: str
) -> Diagnostic:
    kind: str = detail["type"]
    ctx: dict[str, Any] = detail.get("ctx") or {}
    value = detail.get("input")
    is_key = bool(loc) and loc[-1] == "[key]"
    yaml_path = loc[:-1] if is_key else loc
    name = _name(yaml_path)
    hint: str | None = None

    if is_key:
        position = document.key_position_of(yaml_path)
    elif kind == "missing":
        # A missing top-level key has no better place than the opening `---` (line 1).
        position = document.key_position_of(yaml_path[:-1]) if yaml_path[:-1] else Position(1, 1)
    elif kind == "extra_forbidden":
        position = document.key_position_of(yaml_path)
    else:
        position = document.position_of(yaml_path)
    value = _value_at(document, yaml_path, value)
    if isinstance(value, dict) and yaml_path and kind != "missing":
        # A problem with a whole mapping (a source without a name) is shown at its key.
        position = document.key_position_of(yaml_path)

    if kind == "brief_value":
        message = ctx["message"]
        hint = ctx.get("hint")
    elif kind == "extra_forbidden":
        key = str(yaml_path[-1])
        allowed = _allowed_keys(model, yaml_path[:-1])
        where = _name(yaml_path[:-1])
        message = f"unknown key '{key}'" + (f" in {where}" if where else "")
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if key == "credibility" and "reliability" in allowed:
            # A source is rated for reliability; credibility rates what it says for a claim.
            hint = "a source has a reliability; a claim gives credibility: sources: [{id: x, credibility: 2}]"
        elif close:
            hint = f"did you mean '{close[0]}'?"
        elif allowed:
            hint = "allowed keys: " + ", ".join(allowed)
    elif kind == "missing":
        message = f"missing required key '{yaml_path[-1]}'" + (
            f" in {_name(yaml_path[:-1])}" if yaml_path[:-1] else ""
        )
    elif kind in ("string_type", "str_type"):
        message = f"{name} must be text, not {describe_type(value)}"
        if isinstance(value, (bool, int, float)) or value is None:
            hint = 'put the value in quotes, for example "NO" or "1.10"'
    elif kind in ("string_too_short", "too_short"):
        message = f"{name} must not be empty"
    elif kind == "value_error":
        message = f"{name}: {ctx['error']}"
    elif kind == "literal_error" and is_key:
        # A mapping whose keys are a fixed set (the confidence levels of a scale).
        where = _name(yaml_path[:-1])
        message = f"unknown key '{yaml_path[-1]}'" + (f" in {where}" if where else "")
        hint = f"use one of: {ctx.get('expected', '')}".replace("'", "")
    elif kind == "literal_error":
        message = f"{shown(value)} is not a valid {name}"
        hint = f"use one of: {ctx.get('expected', '')}".replace("'", "")
    elif kind == "string_pattern_mismatch" and yaml_path and yaml_path[-1] == "colour":
        message = f"{shown(value)} is not a colour"
        hint = "write it as #rrggbb or #rgb, for example #1f6feb"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = f"{name} must be a whole number, not {describe_type(value)}"
    elif kind == "greater_than_equal":
        message = f"{name} must be {ctx['ge']} or more, not {value}"
    elif kind in ("list_type", "tuple_type"):
        message = f"{name} must be a list, not {describe_type(value)}"
        hint = f"write it as [a, b] or as lines starting with '- ' under {yaml_path[-1]}:"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"{name} must be a mapping, not {describe_type(value)}"
        hint = "write 'key: value' lines indented under it"
    elif kind in ("bool_type", "bool_parsing"):
        message = f"{name} must be true or false, not {describe_type(value)}"
    else:
        message = f"{name}: {detail['msg']}"
    return Diagnostic(document.path, position, Severity.ERROR, message, hint, code)


def _value_at(document: YamlDocument, yaml_path: YamlPath, fallback: Any) -> Any:
    current: Any = document.value
    for part in yaml_path:
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and part < len(current)
        if in_mapping or in_list:
            current = current[part]
        else:
            return fallback
    return current


def _name(yaml_path: YamlPath) -> str:
    """How a location reads in a message: `'reliability' of source 'toi'`."""
    if not yaml_path:
        return ""
    parts = [str(p) for p in yaml_path]
    labels = {"sources": "source", "claims": "claim", "timeline": "event", "corrections": "correction"}
    text = f"'{parts[-1]}'"
    if isinstance(yaml_path[-1], int):
        text = f"item {yaml_path[-1] + 1}"
    if len(yaml_path) >= 3 and yaml_path[0] in labels:
        owner = labels[str(yaml_path[0])]
        ident = yaml_path[1]
        owner_name = f"{owner} {ident + 1}" if isinstance(ident, int) else f"{owner} '{ident}'"
        return f"{text} of {owner_name}"
    if len(yaml_path) == 2 and yaml_path[0] in labels:
        ident = yaml_path[1]
        return (
            f"{labels[str(yaml_path[0])]} {ident + 1}"
            if isinstance(ident, int)
            else f"{labels[str(yaml_path[0])]} '{ident}'"
        )
    if len(yaml_path) == 2 and isinstance(yaml_path[1], int):
        return f"item {yaml_path[1] + 1} of '{yaml_path[0]}'"
    return text


# --- which keys a model allows at a path, for "did you mean" --------------------------


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else options[0]
        else:
            return annotation


def _step(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        annotation = _unwrap(annotation.model_fields["root"].annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return _unwrap(field.annotation) if field else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is dict and len(args) == 2:
        return _unwrap(args[1])
    if origin is list and args:
        return _unwrap(args[0])
    return None


def _allowed_keys(model: type[BaseModel], yaml_path: YamlPath) -> list[str]:
    annotation: Any = model
    for part in yaml_path:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and not issubclass(annotation, RootModel)
    ):
        return list(annotation.model_fields)
    return []
