"""Turning the content model into JSON and back, for the build cache.

The cache lives in the site's folder, so it is data the build must not trust to run code:
no pickle. msgspec writes frozen dataclasses as JSON objects and reads them back by their
type hints, checking every value against its field's type; a damaged or outdated entry is a
`CacheFormatError`, never a wrong model. It does both in C: a generated briefing encodes in
about a fifth of the time the hand-written codec this replaced took, and its body decodes
four times faster.

Mappings keep their order (a briefing's claims are numbered in the order written), so the
bytes of a value holding a set depend on the process's string hashing: hash such bytes only
where no set is inside (`outline` sorts what it hashes).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")


class CacheFormatError(ValueError):
    """A cache entry does not fit the model (an older version, or a damaged file)."""


def _encode_other(value: Any) -> Any:
    """What msgspec does not know: paths, and read-only mappings."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise NotImplementedError(f"cannot cache a {type(value).__name__}")


#: A briefing's model names its file in every location (about thirty times): one Path each.
_path = functools.lru_cache(maxsize=4096)(Path)


def _decode_other(kind: type, data: Any) -> Any:
    if kind is Path and isinstance(data, str):
        return _path(data)
    raise NotImplementedError(f"cannot read a {kind.__name__} from the cache")


_encoder = msgspec.json.Encoder(enc_hook=_encode_other)


def dumps(value: Any) -> bytes:
    return _encoder.encode(value)


_decoders: dict[type, msgspec.json.Decoder[Any]] = {}


def loads(data: bytes, cls: type[T]) -> T:
    decoder = _decoders.get(cls)
    if decoder is None:
        decoder = _decoders[cls] = msgspec.json.Decoder(cls, dec_hook=_decode_other)
    try:
        value: T = decoder.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError, NotImplementedError) as error:
        raise CacheFormatError(str(error)) from None
    return value
