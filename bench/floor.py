"""The pure-Python floor: what any generator with Python inside must at least do per page.

Read the file, split the front matter, load it with PyYAML's C loader, render the body with
markdown-it-py, fill one Jinja2 template and write the page, in one process. Run as
`python3 -m bench.floor SITE_DIR OUT_DIR`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from jinja2 import Environment
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><p>{{ summary }}</p>{{ body }}</main></body></html>
"""


def build_floor(site: Path, out: Path) -> int:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    md = MarkdownIt("commonmark").enable("table")
    template = Environment(autoescape=True).from_string(TEMPLATE)
    count = 0
    for path in sorted((site / "briefings").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=loader)
        body_html = Markup(md.render(body))
        html = template.render(title=meta["title"], summary=meta.get("summary", ""), body=body_html)
        target = out / path.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(build_floor(Path(sys.argv[1]), Path(sys.argv[2])))
