"""The same input gives byte-identical output, whatever the locale, time zone or clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.test_output import tree_digest


def _build(out: Path, **env: str) -> dict[str, str]:
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(REPO), "--out", str(out), "-q"],
        check=True,
        env={**os.environ, **env},
        capture_output=True,
    )
    return tree_digest(out, search_index=False)


def test_output_does_not_depend_on_locale_time_zone_or_clock(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", TZ="UTC", LC_ALL="C", LANG="C", SOURCE_DATE_EPOCH="0")
    second = _build(
        tmp_path / "b",
        TZ="Pacific/Kiritimati",
        LC_ALL="C.UTF-8",
        LANG="tr_TR.UTF-8",
        SOURCE_DATE_EPOCH="1900000000",
    )
    third = _build(tmp_path / "c", TZ="America/St_Johns", PYTHONHASHSEED="12345")
    assert first == second == third


def test_output_does_not_depend_on_the_order_files_are_listed(tmp_path: Path) -> None:
    """The same briefings copied in reverse order (new inodes, another directory order)."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(REPO / "briefings", copy / "briefings", copy_function=shutil.copy)
    files = sorted((copy / "briefings").rglob("*"), reverse=True)
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    shutil.copy(REPO / "site.yaml", copy / "site.yaml")
    shutil.copytree(REPO / "static", copy / "static")
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site", str(copy), "-q"],
        check=True,
        capture_output=True,
    )
    assert tree_digest(copy / "_site", search_index=False) == _build(tmp_path / "original")
