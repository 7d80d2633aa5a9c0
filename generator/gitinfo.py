"""Git awareness (opt-in in site.yaml): `updated` from the last commit, and revision lists.

Both are off by default, since commit subjects may not be fit to publish, and with both
off the output never depends on Git. Both need the full history: on a shallow clone the
dates would be wrong, so Brief stops instead (a usage error, exit code 2).
"""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """Git information was asked for but cannot be had; a usage error."""


@dataclass(frozen=True, slots=True)
class Revision:
    date: datetime.date
    subject: str


def _git(root: Path, *args: str) -> str:
    try:
        finished = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"cannot run git: {error}") from None
    if finished.returncode != 0:
        raise GitError(finished.stderr.strip() or f"git {' '.join(args)} failed")
    return finished.stdout


def revisions_by_file(site_root: Path, folder: Path) -> dict[Path, tuple[Revision, ...]]:
    """Every commit that touched each file under `folder`, newest first, in one `git log`."""
    try:
        _git(site_root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError(
            "site.yaml asks for Git dates (git: updated or history), but the site is not in a Git "
            "repository; commit it, or set git: {updated: false, history: false}"
        ) from None
    if _git(site_root, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise GitError(
            "this is a shallow clone, so Git dates would be wrong; fetch the full history with "
            "'git fetch --unshallow' (in GitHub Actions: actions/checkout with fetch-depth: 0)"
        )
    top = Path(_git(site_root, "rev-parse", "--show-toplevel").strip()).resolve()
    folder = folder.resolve()
    scope = str(folder.relative_to(top)) if folder.is_relative_to(top) else "."
    log = _git(
        site_root,
        "-c",
        "core.quotepath=off",
        "log",
        "--format=%x00%cs%x00%s",
        "--name-only",
        "--no-renames",
        "--",
        scope,
    )
    found: dict[Path, list[Revision]] = {}
    # The log reads: NUL date NUL subject NEWLINE (blank line) file NEWLINE file ... for each commit.
    fields = log.split("\x00")
    for index in range(1, len(fields) - 1, 2):
        subject, _, names = fields[index + 1].partition("\n")
        revision = Revision(datetime.date.fromisoformat(fields[index]), subject.strip())
        for name in names.split("\n"):
            if name.strip():
                found.setdefault((top / name.strip()).resolve(), []).append(revision)
    return {path: tuple(revisions) for path, revisions in found.items()}
