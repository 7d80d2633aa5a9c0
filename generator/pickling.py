"""Cheaper pickling for the frozen dataclasses that travel from worker processes.

Loading runs in worker processes, and each briefing's model comes back to the main
process pickled: at 10,000 briefings that is about a million small frozen objects. A frozen
dataclass with slots pickles through the `__getstate__` and `__setstate__` that
`dataclasses` adds, Python functions that look up the class's fields again for every
object. `@compact` pickles an object as its constructor call instead (the class and its
field values): measured on the example corpus, 3× faster to pickle, 1.5× to unpickle.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type)


def compact(cls: T) -> T:
    """Make a frozen dataclass pickle as `cls(*fields)`: every field must be a positional
    `__init__` parameter."""
    fields = dataclasses.fields(cls)
    if not fields or any(not field.init or field.kw_only for field in fields):
        raise TypeError(f"{cls.__name__}: @compact needs every field to be a positional init field")
    names = [field.name for field in fields]
    values: Callable[[Any], Any] = operator.attrgetter(*names)
    if len(names) == 1:
        only = values
        values = lambda instance: (only(instance),)  # noqa: E731

    def reduce(instance: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, values(instance)

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]
    return cls
