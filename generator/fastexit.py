"""Ending a one-shot command without freeing its data object by object.

A build holds millions of small objects (the models, the views of every page). Freeing
them one by one as the build returns, then collecting cycles, took 0.1 s at 1,000
briefings and 0.9 s at 10,000, measured: time in which nothing a user needs happens. So
`brief build` and `brief check`, run as a command, keep their data until the process ends
with `os._exit`, after flushing their output, and the operating system takes the memory
back at once.

Only the command's entry point (`cli.run`) allows this. Code that calls the command line
in-process (the tests, through Click's runner) and `brief serve`, which builds again and
again, free their data as usual and exit with `sys.exit`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

_allowed = False
_held: list[object] | None = None


def allow() -> None:
    """Called by the process's entry point: a command may then hold its data until exit."""
    global _allowed
    _allowed = True


def hold_until_exit() -> None:
    """From now on, `hold` keeps what it is given, and `exit` ends the process at once
    (if the entry point allowed it). For commands that run once."""
    global _held
    if _allowed and _held is None:
        _held = []


def holding() -> bool:
    """Whether data is held until the process exits."""
    return _held is not None


def hold(*data: object) -> None:
    """Keep `data` alive until the process exits, if a one-shot command asked for it."""
    if _held is not None:
        _held.append(data)


def exit(code: int) -> NoReturn:
    """Exit with `code`: at once, after flushing the output, if data is held; else as usual."""
    if _held is None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, a closed stream
            stream.flush()
    os._exit(code)
