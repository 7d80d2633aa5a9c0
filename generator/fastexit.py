"""Ending a one-shot command without freeing its data object by object.

A build holds millions of small objects (the models, the views of every page). Freeing
them one by one as the build returns, then collecting cycles, took 0.1 s at 1,000
briefings and 0.9 s at 10,000, measured: time in which nothing a user needs happens. So
`brief build` and `brief check`, run as a command, keep their data until the process ends
with `os._exit`, after flushing their output, and the operating system takes the memory
back at once. Likewise the previous output a build replaced is removed once the command
has ended, by a process of its own (`remove_after_exit`).

Only the command's entry point (`cli.run`) allows this. Code that calls the command line
in-process (the tests, through Click's runner) and `brief serve`, which builds again and
again, free their data as usual and exit with `sys.exit`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

_allowed = False
_held: list[object] | None = None
#: Folders to remove once the command has ended (`remove_after_exit`).
_to_remove: list[str] = []
#: What the removing process runs: as little Python as can remove folders, started with
#: `-I -S` (no site packages, no environment) in about 20 ms.
_REMOVER = "import shutil, sys\nfor folder in sys.argv[1:]:\n    shutil.rmtree(folder, ignore_errors=True)\n"


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


def remove_after_exit(folder: Path) -> bool:
    """Have `folder` removed by a process of its own once this command has ended, if it is
    a one-shot command (`holding`) on a system that can leave such a process running.
    False otherwise: the caller removes it.

    Removing the previous output of a large site is work the user need not wait for: at
    10,000 briefings (43,000 files, 850 MB) it took 5 to 12 s after a full build, measured,
    the disk busy writing the new output meanwhile. The folder must be one no build will
    use again (a build removes any that is left, `StagedOutput.start`)."""
    if _held is None or os.name != "posix" or not sys.executable:
        return False
    _to_remove.append(os.fspath(folder))
    return True


def _start_removal() -> None:
    if not _to_remove:
        return
    try:
        subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _REMOVER, *_to_remove],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,  # not stopped by the terminal's Ctrl-C meant for the next command
        )
    except OSError:
        for folder in _to_remove:
            shutil.rmtree(folder, ignore_errors=True)


def exit(code: int) -> NoReturn:
    """Exit with `code`: at once, after flushing the output and starting the removal of what
    `remove_after_exit` was given, if data is held; else as usual."""
    if _held is None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away, a closed stream
            stream.flush()
    _start_removal()
    os._exit(code)
