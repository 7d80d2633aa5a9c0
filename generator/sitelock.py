"""One build of a site at a time.

Two builds of one site at once (a save in `brief serve` while CI runs `brief build`, or a
second `brief build` in another terminal) would share the cache's state files and swap
their outputs in either order, so that the build of older input could win. A build holds
an exclusive lock on the site's folder itself (so that taking it writes nothing) from
start to end; another build waits for its turn, and says so. The operating system drops
the lock when a process ends, however it ends. (`brief check` takes no lock: it writes only
the load cache, whose database keeps itself consistent between processes.)
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def one_build_at_a_time(site_root: Path) -> Iterator[None]:
    """Hold the site's build lock for the length of the block, waiting for it if needed."""
    try:
        import fcntl
    except ImportError:  # not on a POSIX system: no lock
        yield
        return
    try:
        folder = os.open(site_root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # no such folder, or one that cannot be opened: the build says what is wrong
        yield
        return
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.stderr.write("brief: another build of this site is running; waiting for it to finish\n")
            sys.stderr.flush()
            fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # which releases the lock
