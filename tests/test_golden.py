"""The example site, built and compared with the reviewed copy in tests/golden/.

Regenerate the copy after an intended change, then review the diff before committing:

    python3 -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden"


def _files(root: Path) -> dict[str, bytes]:
    """Every output file but the search index, which Pagefind does not write byte-stably."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith("pagefind/")
    }


def test_example_site_matches_the_golden_copy(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--site", str(REPO), "--out", str(out)])
    assert result.exit_code == 0, result.output
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN, ignore=lambda folder, names: ["pagefind"] if Path(folder) == out else [])
        return
    assert GOLDEN.is_dir(), "no golden copy yet: run pytest tests/test_golden.py --update-golden"
    built, golden = _files(out), _files(GOLDEN)
    assert sorted(built) == sorted(golden), "the set of files changed"
    for name, data in built.items():
        if data != golden[name]:
            diff = "".join(
                difflib.unified_diff(
                    golden[name].decode(errors="replace").splitlines(keepends=True),
                    data.decode(errors="replace").splitlines(keepends=True),
                    f"golden/{name}",
                    f"built/{name}",
                    n=2,
                )
            )
            pytest.fail(f"{name} differs from the golden copy:\n{diff[:4000]}")
