"""How soon `brief serve` shows an edit: a build, then edits rebuilt in the same process.

    python3 -m bench.serve SITE OUT

`brief serve` builds in its own process again and again, keeping what it can from one
build to the next (the loaded models, the planned pages, the compiled templates). This
runs the same builds as the server does, without the HTTP part: a first build, then a
prose edit and a title edit of one briefing, each rebuilt and timed until the build is
shown (`build(publish=...)`, which the server uses). It prints one JSON line per edit:
the seconds until shown, and the CPU seconds of this process and its workers meanwhile.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from generator.build import build
from generator.outcome import BuildOptions, BuildResult


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed_rebuild(options: BuildOptions) -> dict[str, float]:
    shown: list[float] = []
    cpu, started = _cpu_seconds(), time.perf_counter()

    def publish(result: BuildResult) -> None:
        if result.exit_code != 0:
            raise SystemExit(f"the rebuild failed: {result.diagnostics[:3]}")
        shown.append(time.perf_counter())

    build(options, publish=publish)
    return {"seconds": shown[0] - started, "cpu_seconds": _cpu_seconds() - cpu}


def main() -> None:
    site, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    # `brief serve` builds into a folder of its own, with drafts as asked and its own base URL.
    options = BuildOptions(site_root=site, out=out, base_url="http://127.0.0.1:8000/")
    if build(options).exit_code != 0:
        raise SystemExit("the first build failed")
    edited = sorted((site / "briefings").rglob("briefing-*.md"))
    target = edited[len(edited) // 3]
    text = target.read_text(encoding="utf-8")
    target.write_text(text + "\nA sentence written in the preview.\n", encoding="utf-8")
    print(json.dumps({"edit": "prose", **_timed_rebuild(options)}), flush=True)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("title: ", "title: Previewed ", 1), encoding="utf-8")
    print(json.dumps({"edit": "title", **_timed_rebuild(options)}), flush=True)


if __name__ == "__main__":
    main()
