"""Turning the content model into JSON and back, for the build cache.

The cache lives in the site's folder, so it is data the build must not trust to run code:
no pickle. Frozen dataclasses are written as JSON objects and read back by their type
hints; only the types the model uses are known (text, numbers, booleans, None, dates,
paths, tuples, frozensets, mappings, unions of these, and dataclasses of them).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import json
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar, Union

T = TypeVar("T")


class CacheFormatError(ValueError):
    """A cache entry does not fit the model (an older version, or a damaged file)."""


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, looked up once per class."""
    return tuple(field.name for field in dataclasses.fields(cls))


_PLAIN = frozenset({str, int, float, bool, type(None)})
_encoders: dict[type, typing.Callable[[Any], Any]] = {}


def _to_json(value: Any) -> Any:
    """`value` as JSON data. Plain values are tested inline and everything else goes through
    an encoder made once per type: this runs on every field of every cached model."""
    return value if type(value) in _PLAIN else _encode_object(value)


def _encode_object(value: Any) -> Any:
    encode = _encoders.get(type(value))
    if encode is None:
        encode = _encoders[type(value)] = _encoder_for(type(value))
    return encode(value)


def _encoder_for(kind: type) -> typing.Callable[[Any], Any]:
    plain = _PLAIN
    if kind is tuple or kind is list:
        return lambda value: [item if type(item) in plain else _encode_object(item) for item in value]
    if dataclasses.is_dataclass(kind):
        names = field_names(kind)

        def encode_dataclass(value: Any) -> dict[str, Any]:
            encoded = {}
            for name in names:
                item = getattr(value, name)
                encoded[name] = item if type(item) in plain else _encode_object(item)
            return encoded

        return encode_dataclass
    if issubclass(kind, enum.Enum):
        return lambda value: value.value
    if issubclass(kind, Path):
        return str
    if issubclass(kind, datetime.date):
        return lambda value: value.isoformat()
    if issubclass(kind, Mapping):
        return lambda value: {str(key): _to_json(item) for key, item in value.items()}
    if issubclass(kind, frozenset):
        return lambda value: sorted(_to_json(item) for item in value)
    raise TypeError(f"cannot cache a {kind.__name__}")


def dumps(value: Any) -> bytes:
    return json.dumps(_to_json(value), ensure_ascii=False, separators=(",", ":")).encode()


Decoder = typing.Callable[[Any], Any]


def _identity(data: Any) -> Any:
    return data


def _checked(expected: type) -> Decoder:
    def decode(data: Any) -> Any:
        if not isinstance(data, expected):
            raise CacheFormatError(f"{data!r} is not {expected.__name__}")
        return data

    return decode


@functools.cache
def _decoder(annotation: Any) -> Decoder:
    """A function that rebuilds a value of type `annotation` from its JSON, made once per type."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return _union_decoder(typing.get_args(annotation))
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(value) for value in data)
        items = [_decoder(arg) for arg in args]
        return lambda data: tuple(decode(value) for decode, value in zip(items, data, strict=True))
    if origin is frozenset:
        item = _decoder(typing.get_args(annotation)[0])
        return lambda data: frozenset(item(value) for value in data)
    if origin in (dict, Mapping):
        value_decoder = _decoder(typing.get_args(annotation)[1])
        return lambda data: {key: value_decoder(value) for key, value in data.items()}
    if annotation is Path:
        return _path
    if annotation is datetime.date:
        return datetime.date.fromisoformat
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    if annotation in (str, int, bool, float):
        return _checked(annotation)
    if annotation is Any or annotation is object:
        return _identity
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _dataclass_decoder(annotation)
    raise CacheFormatError(f"cannot read {annotation!r} from the cache")


#: A briefing's model names its file in every location (about thirty times): one Path each.
_path = functools.lru_cache(maxsize=4096)(Path)


def _union_decoder(options: tuple[Any, ...]) -> Decoder:
    optional = type(None) in options
    primitives = tuple(option for option in options if option in (str, bool, int))
    others = [option for option in options if option not in (type(None), str, bool, int)]
    rest = _decoder(others[0]) if others else None

    def decode(data: Any) -> Any:
        if data is None and optional:
            return None
        if type(data) in primitives:
            return data
        if rest is None:
            raise CacheFormatError(f"{data!r} fits none of {options}")
        return rest(data)

    return decode


def _dataclass_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    fields = [(field.name, _decoder(hints[field.name])) for field in dataclasses.fields(cls)]
    positional = all(field.init and not field.kw_only for field in dataclasses.fields(cls))

    def decode(data: Any) -> Any:
        if not isinstance(data, dict):
            raise CacheFormatError(f"expected an object for {cls.__name__}")
        if positional:
            return cls(*[decode_field(data[name]) for name, decode_field in fields])
        return cls(**{name: decode_field(data[name]) for name, decode_field in fields})

    return decode


def loads(data: bytes, cls: type[T]) -> T:
    try:
        decoder: Any = _decoder
        value = decoder(cls)(json.loads(data))
    except (ValueError, KeyError, TypeError) as error:
        raise CacheFormatError(str(error)) from None
    return typing.cast(T, value)
