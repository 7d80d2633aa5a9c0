"""The Jinja2 environment and the rendering of page views into HTML strings."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
import traceback
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape

from generator import identity
from generator.config import SiteConfig
from generator.content.linking import LinkTarget
from generator.content.values import slug_of
from generator.markdown.citations import PLACEHOLDER_PATTERN
from generator.markdown.estimative import mark_likelihood_terms
from generator.markdown.links import LINK_PLACEHOLDER_PATTERN
from generator.theme import theme_dir
from generator.urls import RootUrlMaker, UrlMaker, absolute_url, briefing_path
from generator.views import BriefingPage, JsonPage, NotFoundPage, Page, SiteView

THEME_ASSETS = "assets"
#: The template of a briefing's search record (`Renderer.render_search_record`).
SEARCH_RECORD_TEMPLATE = "search_record.html"
#: The spaces before a citation's placeholder, which a search record leaves out with it.
_SPACE_BEFORE_CITATION = " \t\n"
#: A whole link element, so that a link to an unpublished briefing can become its text.
_UNPUBLISHED_LINK = re.compile('<a href="\x00link:([0-9]+)\x00"[^>]*>(.*?)</a>', re.DOTALL)


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


def templates_digest(site_templates: Path) -> str:
    """A digest of every file of the template folders, by its path inside its folder."""
    digest = hashlib.sha256()
    for folder in template_dirs(site_templates):
        digest.update(b"\0folder\0")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _CompiledTemplates(FileSystemBytecodeCache):
    """Templates compiled by an earlier run of `brief`, kept by Jinja2 (its bytecode cache):
    compiling them took about 0.1 s of every build, a fifth of a prose edit's rebuild.

    They are kept in Jinja2's own folder for this user in the system's temporary folder,
    which Jinja2 makes and checks is the user's alone; never in the site's folder, whose
    files a build must not trust to run code. Entries are named by Brief's code identity
    (the environment's settings, autoescaping among them, are part of that code), and
    Jinja2 takes one only for the template source it was compiled from. A folder that
    cannot be read or written only means compiling again.

    Each code identity has its own entries (about 220 KB for the default theme). When this
    one compiles a template, the entries of other identities that no run has written for a
    week are removed: an older Brief still in use only compiles its templates again."""

    #: Entries of other code identities older than this (seconds) are removed.
    STALE_AFTER = 7 * 24 * 3600

    def __init__(self) -> None:
        key = hashlib.sha256(identity.code_identity().encode()).hexdigest()[:16]
        self.own_prefix = f"__brief_{key}_"
        self.pruned = False
        super().__init__(pattern=self.own_prefix + "%s.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)
        if not self.pruned:
            self.pruned = True
            with contextlib.suppress(OSError):
                self._remove_stale_entries()

    def _remove_stale_entries(self) -> None:
        oldest = time.time() - self.STALE_AFTER
        with os.scandir(self.directory) as entries:
            for entry in entries:
                if (
                    entry.name.startswith("__brief_")
                    and not entry.name.startswith(self.own_prefix)
                    and entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < oldest
                ):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _compiled_templates() -> BytecodeCache | None:
    """The cache of compiled templates, or None where no safe folder can be had for it."""
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):  # Jinja2 found the folder unsafe, or could not make it
        return None


def _what_jinja_passes(kind: type) -> str | None:
    """What Jinja2's `Context.call` passes first to a call of an object of this kind
    ("context", "eval_context", "environment", or None), as it decides for each call: from
    the mark (`pass_context` and the like) on its `__call__`, or else on its class."""
    mark = getattr(kind.__call__, "jinja_pass_arg", None) or getattr(kind, "jinja_pass_arg", None)
    return None if mark is None else str(mark.name)


#: What templates call most, the URL maker (`url(...)`) and macros (`badge(...)`), with
#: what a call of each is passed first: Brief's URL makers nothing, a macro its evaluation
#: context (whether to escape). A kind that takes the context is left to Jinja2.
_PASSED_FIRST = {
    kind: passed
    for kind in (UrlMaker, RootUrlMaker, Macro)
    if (passed := _what_jinja_passes(kind)) != "context"
}


class _Context(Context):
    """Jinja2's template context, deciding once per kind what a call in a template passes
    the URL maker and macros.

    For each call, Jinja2 looks twice for a mark that the callable wants the context, its
    evaluation context or the environment (`pass_context` and the like), and a failed look
    raises and catches an exception: about a fifth of rendering the sources index, and a
    twentieth of a briefing's page. Anything else is called as Jinja2 calls it.

    It makes a call as Jinja2 3.1's `Context.call` does; with another Jinja2, whose calls
    may differ, templates get Jinja2's own context (`_CONTEXT_CLASS`)."""

    def call(
        __self,  # as Jinja2 names it, so that a call may pass `self=`
        __obj: Callable[..., Any],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        kind = type(__obj)
        if kind not in _PASSED_FIRST:
            return super().call(__obj, *args, **kwargs)
        __traceback_hide__ = True  # Jinja2 leaves this frame out of a template's traceback
        passed = _PASSED_FIRST[kind]
        if passed == "eval_context":
            args = (__self.eval_ctx, *args)
        elif passed == "environment":
            args = (__self.environment, *args)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


#: The template context: `_Context` with the Jinja2 whose calls it repeats, else Jinja2's own.
_CONTEXT_CLASS: type[Context] = _Context if getattr(jinja2, "__version__", "").startswith("3.1.") else Context


#: markupsafe's escaping of a plain string (in C, with its speedups; None if it is renamed).
_escape_text: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)


def _escape(value: Any) -> Markup:
    """`markupsafe.escape`, which templates call on everything they output, for a plain
    string without `Markup.__new__`, whose look for an `__html__` method on a string raises
    and catches an AttributeError: that and `escape` were a fifth of rendering a briefing's
    page. Anything else (Markup, numbers) goes through `markupsafe.escape` itself."""
    if type(value) is str and _escape_text is not None:
        return str.__new__(Markup, _escape_text(value))
    return escape(value)


class _Template(Template):
    """Jinja2's template, whose compiled code escapes through `_escape`."""

    @classmethod
    def _from_namespace(
        cls, environment: Environment, namespace: MutableMapping[str, Any], globals: MutableMapping[str, Any]
    ) -> Template:
        # The compiled module's own globals: its root, blocks and macros look `escape` up here.
        if namespace.get("escape") is escape:
            namespace["escape"] = _escape
        return super()._from_namespace(environment, namespace, globals)


class _Environment(Environment):
    """Jinja2's environment, with each template's globals in a plain dict.

    Jinja2 gives a template a `ChainMap` over the environment's globals, so that globals
    set later still reach it. Every render and `include` copies those globals, and the
    `{% from %}` imports compare their names, and a `ChainMap` iterates in Python: that was
    about a tenth of rendering a briefing's page. Brief sets the environment's globals
    once, before any template is loaded."""

    context_class = _CONTEXT_CLASS
    template_class = _Template

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


#: The last environment made: its template folders, a digest of their files, and it.
_last_environment: tuple[tuple[str, ...], str, Environment] | None = None


def _environment(site_templates: Path, digest: str) -> Environment:
    """The Jinja2 environment of these template folders, whose files hash to `digest`
    (`templates_digest`). The templates it compiles are kept for later builds in this
    process while no file of those folders changes: `brief serve` builds again on every
    save, and compiling the templates took about 0.1 s of each."""
    global _last_environment
    folders = tuple(str(folder) for folder in template_dirs(site_templates))
    if _last_environment is not None and _last_environment[:2] == (folders, digest):
        return _last_environment[2]
    environment = _Environment(
        loader=FileSystemLoader(list(folders)),
        # Every template is escaped; True rather than a function of the template's name,
        # which Jinja2 would call for every render and include.
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The files are checked by their digest, once a build: no check per `include`.
        auto_reload=False,
        # A plain dict of the loaded templates, not a locked LRU cache of 400: every
        # `include` and `{% from %}` looks its template up, and a theme has a few dozen.
        cache_size=-1,
        bytecode_cache=_compiled_templates(),
    )
    environment.filters["absolute_url"] = _absolute_url
    environment.filters["likelihood_terms"] = mark_likelihood_terms
    # `{{ marking | slug }}`: a class name from any text ("OFFICIAL: Sensitive" is
    # `official-sensitive`, "TLP:AMBER+STRICT" `tlp-amber-strict`).
    environment.filters["slug"] = slug_of
    environment.filters["search_filter"] = search_filter_value
    _last_environment = (folders, digest, environment)
    return environment


def search_filter_value(text: str) -> str:
    """A search filter's value (a tag, a scale's label) as a search record gives it to Pagefind:
    `~`, then the text with `%`, `"` and `\\` percent-escaped; search.js reads it back.

    Pagefind finds no page by a filter value with a quote or a backslash in it, and it adds
    up the counts of its shards in a plain object, where a tag named `constructor` counted
    "0function Object() { [native code] }1" and one named `__proto__` was lost."""
    return "~" + text.replace("%", "%25").replace('"', "%22").replace("\\", "%5C")


def _absolute_url(path: str, base_url: str) -> str:
    """`{{ page.path | absolute_url(site.base_url) }}`: for the canonical link."""
    return absolute_url(base_url, path)


class TemplateRunError(TemplateError):
    """A template that failed while a page was rendered (an attribute a view does not have,
    a filter given the wrong value), with the template file and line where it failed. Jinja2
    gives those only in the traceback, which a worker process does not send back."""

    def __init__(self, message: str, filename: str, lineno: int) -> None:
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno

    def __reduce__(self) -> tuple[type[TemplateRunError], tuple[str, str, int]]:
        return (TemplateRunError, (str(self.message), self.filename, self.lineno))


class Renderer:
    """Renders page views with the site's templates. Briefing text is data, never a template."""

    def __init__(self, site: SiteView, site_templates: Path) -> None:
        self.site = site
        self.template_folders = tuple(os.path.join(folder, "") for folder in template_dirs(site_templates))
        #: What the templates are, for the pages' fingerprints (`pagecache.render_context`).
        self.templates_digest = templates_digest(site_templates)
        self.env = _environment(site_templates, self.templates_digest)
        self.citation_template = self.env.get_template("partials/citation.html")

    def located(self, error: TemplateError) -> TemplateError:
        """`error`, raised while rendering, at the innermost line of a template file its
        traceback passes through; as it is where it has none (or is a syntax error, which
        says where it is, or a missing template)."""
        if isinstance(error, TemplateSyntaxError | TemplateNotFound | TemplateRunError):
            return error
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.lineno and frame.filename.startswith(self.template_folders):
                return TemplateRunError(str(error.message or error), frame.filename, frame.lineno)
        return error

    def compile_templates(self) -> None:
        """Compile every page template and partial now, before the workers fork: they then
        share the compiled code instead of each compiling its own. A template that fails
        here is left for the page that uses it to report."""
        for name in self.env.list_templates(extensions=["html", "xml"]):
            if not name.startswith(f"{THEME_ASSETS}/"):
                with contextlib.suppress(TemplateError):
                    self.env.get_template(name)

    def render_parts(self, page: Page) -> Iterator[str]:
        """The page's text in parts, as the template makes them: the largest pages (the
        sources index, the timeline) need never be held whole."""
        if isinstance(page, JsonPage):
            return iter(page.make_parts())
        url: UrlMaker | RootUrlMaker = UrlMaker(page.path, self.site.portable)
        if isinstance(page, NotFoundPage):
            url = RootUrlMaker(page.root_path)
        body = Markup("")
        if isinstance(page, BriefingPage):
            body = self.render_body(page, url)
        template = self.env.get_template(page.template)
        return template.generate(page=page, site=self.site, url=url, body=body)

    def render_search_record(self, page: BriefingPage) -> str:
        """What search indexes of a briefing's page: its words, without the badges,
        previews and navigation around them (`templates/search_record.html`)."""
        body = self.render_body(page, UrlMaker(page.path, self.site.portable), citations=False)
        template = self.env.get_template(SEARCH_RECORD_TEMPLATE)
        return template.render(page=page, site=self.site, body=body)

    def render_body(self, page: BriefingPage, url: UrlMaker | RootUrlMaker, citations: bool = True) -> Markup:
        """The body's HTML with its citation badges (unless `citations` is false) and
        relative links filled in."""

        def citation(match: re.Match[str]) -> str:
            number = int(match[1])
            return self.citation_template.render(citation=page.citations[number], url=url).strip()

        def link(match: re.Match[str]) -> str:
            target = page.links.get(int(match[1]))
            return str(escape(_link_url(target, url))) if target else "#"

        def unlinked(match: re.Match[str]) -> str:
            target = page.links.get(int(match[1]))
            return match[0] if target is None or target.kind != "unpublished" else match[2]

        if citations:
            html = PLACEHOLDER_PATTERN.sub(citation, page.body_html)
        else:
            html = _without_citations(page.body_html)
        # Most bodies link to no unpublished briefing: no pass over them for that.
        if any(target.kind == "unpublished" for target in page.links.values()):
            html = _UNPUBLISHED_LINK.sub(unlinked, html)
        html = LINK_PLACEHOLDER_PATTERN.sub(link, html)
        return Markup(html)


def _without_citations(html: str) -> str:
    """The HTML without its citations' placeholders and the spaces before each: "the Times
    of India [@toi]." reads "the Times of India." in search results.

    Split on the placeholders rather than matched with a pattern that starts with the
    spaces, which the regex engine tries at every space of the body (0.1 ms a briefing)."""
    texts = PLACEHOLDER_PATTERN.split(html)[::2]  # the numbers are at the odd places
    kept = [text.rstrip(_SPACE_BEFORE_CITATION) for text in texts[:-1]]
    kept.append(texts[-1])
    return "".join(kept)


SCALE_STYLESHEET = "assets/scales.css"


def scale_stylesheet(config: SiteConfig) -> str:
    """CSS for the colours `site.yaml` gives grades: a stripe on the badge, never the only cue."""
    rules = ["/* Generated by Brief from the colours of site.yaml's scales. */\n"]
    scales = config.spec.scales
    graded: list[tuple[str, str, str | None]] = [
        *(("reliability", grade, spec.colour) for grade, spec in scales.reliability.items()),
        *(("credibility", grade, spec.colour) for grade, spec in scales.credibility.items()),
        *(("confidence", level, spec.colour) for level, spec in scales.confidence.items()),
    ]
    for scale, grade, colour in graded:
        if colour:
            selector = f".badge-{scale}-{slug_of(grade) or 'none'}"
            rules.append(f"{selector} {{ border-color: {colour}; box-shadow: inset 0.35em 0 0 {colour}; }}\n")
    return "".join(rules)


def _link_url(target: LinkTarget, url: UrlMaker | RootUrlMaker) -> str:
    if target.kind == "briefing":
        return url(briefing_path(target.target), target.fragment)
    return url(target.target, target.fragment)
