"""A build killed with SIGKILL at any moment leaves the previous site complete and unchanged."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from tests.test_output import tree_digest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _start_build(site: Path) -> subprocess.Popen[bytes]:
    # --clean: every build is a cold one, as long as the first, whatever the caches hold.
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--site", str(site), "-q", "--clean"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_builds_killed_at_ten_random_moments_leave_the_previous_site(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, 150)
    site = corpus.brief_site
    # The shorter of two builds: on a busy machine the first one can take far longer than
    # those that follow, which then finish before the moment they were to be killed at.
    durations = []
    for _ in range(2):
        started = time.monotonic()
        assert _start_build(site).wait(timeout=300) == 0
        durations.append(time.monotonic() - started)
    duration = min(durations)
    before = tree_digest(site / "_site")
    # Change the input, so that a build that got as far as the swap would show.
    first = sorted((site / "briefings").rglob("briefing-*.md"))[0]
    first.write_text(first.read_text().replace("title: Briefing 0 ", "title: Changed briefing 0 ", 1))
    moments = random.Random(7).sample(range(5, 80), 10)
    for percent in moments:
        build = _start_build(site)
        time.sleep(duration * percent / 100)
        if build.poll() is None:
            os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=60)
        assert build.returncode == -signal.SIGKILL, f"the build at {percent} % finished before it was killed"
        assert tree_digest(site / "_site") == before, f"killed at {percent} % of a build"
    # The next build clears what the killed ones left and publishes the change.
    assert _start_build(site).wait(timeout=300) == 0
    assert tree_digest(site / "_site") != before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith("._site")]
    assert leftovers == []
