"""The Jinja2 environment and the rendering of page views into HTML strings."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from generator.content.load import LinkTarget
from generator.markdown.citations import PLACEHOLDER_PATTERN
from generator.markdown.links import LINK_PLACEHOLDER_PATTERN
from generator.site import BriefingPage, Page, SiteView
from generator.urls import UrlMaker, briefing_path

THEME_ASSETS = "assets"


@functools.cache
def theme_dir() -> Path:
    """The default theme: packaged inside `generator/` when installed, else the checkout's templates/."""
    packaged = Path(__file__).resolve().parent / "theme"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"


def template_dirs(site_templates: Path) -> list[Path]:
    """Where templates are looked up: the site's own folder first, then the default theme."""
    dirs = []
    if site_templates.is_dir() and not site_templates.is_symlink():
        dirs.append(site_templates)
    dirs.append(theme_dir())
    return dirs


def theme_assets(site_templates: Path) -> Iterator[tuple[str, Path]]:
    """Every file of the theme's `assets/` folder as (output path, file), the site's overriding."""
    chosen: dict[str, Path] = {}
    for folder in reversed(template_dirs(site_templates)):
        assets = folder / THEME_ASSETS
        if not assets.is_dir():
            continue
        for path in sorted(assets.rglob("*")):
            if path.is_file() and not path.is_symlink():
                chosen[f"{THEME_ASSETS}/{path.relative_to(assets).as_posix()}"] = path
    yield from sorted(chosen.items())


class Renderer:
    """Renders page views with the site's templates. Briefing text is data, never a template."""

    def __init__(self, site: SiteView, site_templates: Path) -> None:
        self.site = site
        self.env = Environment(
            loader=FileSystemLoader([str(d) for d in template_dirs(site_templates)]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.citation_template = self.env.get_template("partials/citation.html")

    def render(self, page: Page) -> str:
        url = UrlMaker(page.path, self.site.portable)
        body = Markup("")
        if isinstance(page, BriefingPage):
            body = self.render_body(page, url)
        template = self.env.get_template(page.template)
        return template.render(page=page, site=self.site, url=url, body=body)

    def render_body(self, page: BriefingPage, url: UrlMaker) -> Markup:
        """The body's HTML with its citation badges and relative links filled in."""

        def citation(match: object) -> str:
            number = int(match[1])  # type: ignore[index]
            return self.citation_template.render(citation=page.citations[number], url=url).strip()

        def link(match: object) -> str:
            target = page.links.get(int(match[1]))  # type: ignore[index]
            return str(escape(_link_url(target, url))) if target else "#"

        html = PLACEHOLDER_PATTERN.sub(citation, page.body_html)
        html = LINK_PLACEHOLDER_PATTERN.sub(link, html)
        return Markup(html)


def _link_url(target: LinkTarget, url: UrlMaker) -> str:
    if target.kind == "briefing":
        return url(briefing_path(target.target), target.fragment)
    return url(target.target, target.fragment)
