"""A build killed with SIGKILL at any moment leaves the previous site complete and unchanged."""

from __future__ import annotations

import os
import random
import re
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
    started = time.monotonic()
    assert _start_build(site).wait(timeout=300) == 0
    duration = time.monotonic() - started
    first = sorted((site / "briefings").rglob("briefing-*.md"))[0]
    edits = 0

    def change_the_input() -> str:
        """Retitle a briefing, so that a build that got as far as the swap would show; return
        a digest of the site as it is before the next build."""
        nonlocal edits
        edits += 1
        text = re.sub(r"(?m)^title: .*$", f"title: Edit {edits} of briefing 0", first.read_text(), count=1)
        first.write_text(text)
        return tree_digest(site / "_site")

    before = change_the_input()
    for percent in random.Random(7).sample(range(5, 80), 10):
        while True:
            build = _start_build(site)
            time.sleep(duration * percent / 100)
            if build.poll() is None:
                os.kill(build.pid, signal.SIGKILL)
            build.wait(timeout=60)
            if build.returncode == -signal.SIGKILL:
                break
            # It finished first: a busy machine ran the first build slower than this one. A
            # finished build must have published the change; then kill the next one sooner.
            assert build.returncode == 0
            assert tree_digest(site / "_site") != before, f"the build at {percent} % published nothing"
            before = change_the_input()
            percent //= 2
        assert tree_digest(site / "_site") == before, f"killed at {percent} % of a build"
    # The next build clears what the killed ones left and publishes the change.
    assert _start_build(site).wait(timeout=300) == 0
    assert tree_digest(site / "_site") != before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith("._site")]
    assert leftovers == []
