"""The build: config → load → analyse → plan → render → write, one named stage each."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

from generator.analysis.confidence import ClaimAssessment, assess_briefing
from generator.analysis.estimative import estimative_findings
from generator.analysis.findings import briefing_findings
from generator.config import SiteConfig, load_config
from generator.content.load import LinkTarget, load_corpus, resolve_links
from generator.content.model import Briefing, Corpus
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity
from generator.fingerprint import (
    BuildState,
    diagnostics_to_records,
    input_fingerprint,
    load_state,
    records_to_diagnostics,
    save_state,
)
from generator.gitinfo import GitError, revisions_by_file
from generator.output import MARKER, OutputError, StagedOutput, check_output_dir
from generator.pagecache import PageReuse, render_context, save_fingerprints
from generator.parallel import map_shared
from generator.render import SCALE_STYLESHEET, Renderer, scale_stylesheet, theme_assets, theme_dir
from generator.search import build_search_index
from generator.site import plan_site
from generator.views import BriefingPage, Page, RedirectPage

ProgressCallback = Callable[[int, int], None]

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_root: Path
    out: Path | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None
    clean: bool = False
    portable: bool = False
    publish_up_to: str | None = None


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    exit_code: int
    briefings: int = 0
    claims: int = 0
    sources: int = 0
    pages: int = 0
    seconds: float = 0.0
    output: Path | None = None
    written: bool = False
    excluded: list[str] = field(default_factory=list)
    #: Nothing the build reads had changed since the last build into the same folder.
    up_to_date: bool = False

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)


def _exit_code(diagnostics: DiagnosticList, strict: bool) -> int:
    if diagnostics.has_errors or (strict and diagnostics.count(Severity.WARNING)):
        return EXIT_CONTENT
    return EXIT_OK


def _would_publish(status: str, marking: str, config: SiteConfig, options: BuildOptions) -> bool:
    if status == "draft" and not options.drafts:
        return False
    gate = options.publish_up_to or config.spec.publish_up_to
    markings = config.spec.markings
    if gate is not None and marking in markings:
        return markings.index(marking) <= markings.index(gate)
    return True


def _is_published(briefing: Briefing, config: SiteConfig, options: BuildOptions) -> bool:
    return _would_publish(briefing.status, briefing.marking, config, options)


@dataclass
class _Analysed:
    config: SiteConfig
    published: list[Briefing]
    assessments: dict[str, dict[str, ClaimAssessment]]
    links: dict[str, dict[int, LinkTarget]]
    diagnostics: DiagnosticList
    excluded: list[str]


def _analyse(options: BuildOptions, everything: bool) -> _Analysed | BuildResult:
    """Load and analyse. `everything` (check) validates drafts and gated briefings too."""
    config, problems = load_config(options.site_root)
    if config is None:
        return BuildResult(problems, EXIT_USAGE)
    if options.base_url is not None and not options.base_url.startswith(("http://", "https://")):
        message = f"--base-url must be an absolute http(s) URL, not '{options.base_url}'"
        return BuildResult(
            [Diagnostic(config.path, Position(1, 1), Severity.ERROR, message, None, "usage")], EXIT_USAGE
        )
    gate = options.publish_up_to
    if gate is not None and gate not in config.spec.markings:
        message = f"'{gate}' is not one of the site's markings"
        hint = "markings: " + ", ".join(config.spec.markings)
        return BuildResult(
            [Diagnostic(config.path, Position(1, 1), Severity.ERROR, message, hint, "usage")], EXIT_USAGE
        )

    corpus, diagnostics = load_corpus(config, read_cache=not options.clean)
    diagnostics.extend(refuse_symlinks(config.templates_dir))
    try:
        corpus = with_git_history(corpus, config)
    except GitError as error:
        return BuildResult(
            [Diagnostic(config.path, Position(1, 1), Severity.ERROR, str(error), None, "git")], EXIT_USAGE
        )
    published = [b for b in corpus.briefings if everything or _is_published(b, config, options)]
    published_paths = {b.path for b in published}
    left_out = {b.path for b in corpus.briefings if b.path not in published_paths}
    if not everything:
        # Files with errors are left out too when they declare that they are not published.
        left_out |= {
            path
            for path, declared in corpus.declared.items()
            if not _would_publish(
                declared.status, declared.marking or config.default_marking, config, options
            )
        }
    excluded = []
    if left_out:
        diagnostics = DiagnosticList([d for d in diagnostics if d.path not in left_out])
        for briefing in corpus.briefings:
            if briefing.path in left_out and not briefing.is_draft:
                excluded.append(briefing.slug)
                diagnostics.add(
                    Diagnostic(
                        briefing.path,
                        Position(1, 1),
                        Severity.INFO,
                        f"left out: marked {briefing.marking}, above the gate",
                        None,
                        "excluded",
                    )
                )
    links = resolve_links(published, config, diagnostics, list(corpus.briefings))
    assessments = {}
    for briefing in published:
        assessments[briefing.slug] = assess_briefing(briefing, config)
        diagnostics.extend(briefing_findings(briefing, assessments[briefing.slug], config))
        diagnostics.extend(estimative_findings(briefing, config))
    return _Analysed(config, published, assessments, links, diagnostics, excluded)


def with_git_history(corpus: Corpus, config: SiteConfig) -> Corpus:
    """Apply `git: {updated, history}` from site.yaml; with both off, Git is never asked."""
    git = config.spec.git
    if not (git.updated or git.history):
        return corpus
    revisions = revisions_by_file(config.root, config.briefings_dir)
    briefings = []
    for briefing in corpus.briefings:
        found = revisions.get(briefing.path.resolve(), ())
        updated = briefing.updated
        if git.updated and updated is None and found:
            updated = found[0].date
        briefings.append(
            dataclasses.replace(briefing, updated=updated, revisions=found if git.history else ())
        )
    return dataclasses.replace(corpus, briefings=tuple(briefings))


def refuse_symlinks(folder: Path) -> list[Diagnostic]:
    """A symbolic link anywhere under `folder` is an error: a build never reads outside the site."""
    found = []
    if folder.is_symlink():
        return [
            Diagnostic(
                folder,
                Position(1, 1),
                Severity.ERROR,
                "symbolic links are not allowed in a site's folders",
                "copy the files instead",
                "symlink",
            )
        ]
    if not folder.is_dir():
        return []
    for current, subfolders, files in os.walk(folder, followlinks=False):
        for name in sorted(subfolders + files):
            path = Path(current) / name
            if path.is_symlink():
                found.append(
                    Diagnostic(
                        path,
                        Position(1, 1),
                        Severity.ERROR,
                        "symbolic links are not allowed in a site's folders",
                        "copy the file instead",
                        "symlink",
                    )
                )
    return found


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector for the length of a build.

    A build allocates millions of small objects and frees them by reference counting; the
    cycle collector would walk all of them again and again (a third of a cold build's
    time). It runs once at the end instead.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def check(options: BuildOptions) -> BuildResult:
    """Validate every briefing, drafts included, without writing anything."""
    with _no_cyclic_gc():
        return _check(options)


def _check(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    analysed = _analyse(options, everything=True)
    if isinstance(analysed, BuildResult):
        return analysed
    return BuildResult(
        diagnostics=analysed.diagnostics.sorted(),
        exit_code=_exit_code(analysed.diagnostics, options.strict),
        briefings=len(analysed.published),
        claims=sum(len(b.claims) for b in analysed.published),
        sources=_count_sources(analysed.published),
        seconds=time.perf_counter() - started,
    )


def _count_sources(briefings: list[Briefing]) -> int:
    keys = set()
    for briefing in briefings:
        for source in briefing.sources.values():
            keys.add(
                source.url or (f"shared:{source.id}" if source.shared else f"{briefing.slug}:{source.id}")
            )
    return len(keys)


def build(options: BuildOptions, progress: ProgressCallback | None = None) -> BuildResult:
    """Build the site. Writes nothing unless the build succeeds; then swaps the output in."""
    with _no_cyclic_gc():
        return _build(options, progress)


def _fingerprint(options: BuildOptions, output: Path) -> str:
    settings = {
        "out": str(output),
        "drafts": options.drafts,
        "base_url": options.base_url,
        "portable": options.portable,
        "publish_up_to": options.publish_up_to,
    }
    return input_fingerprint(options.site_root, theme_dir(), settings)


def _already_built(options: BuildOptions, started: float) -> tuple[BuildResult | None, str | None]:
    """The last build's result when nothing it read has changed since; and the fingerprint."""
    config, _ = load_config(options.site_root)
    if config is None or config.spec.git.updated or config.spec.git.history:
        return None, None  # Git dates depend on more than the files
    output = Path(os.path.abspath(options.out if options.out is not None else config.output_dir))
    fingerprint = _fingerprint(options, output)
    if options.clean:
        return None, fingerprint  # build in full, and remember it for the next build
    state = load_state(config.cache_dir)
    if state is None or state.fingerprint != fingerprint or state.output != str(output):
        return None, fingerprint
    if not (output / MARKER).is_file():
        return None, fingerprint
    diagnostics = DiagnosticList(records_to_diagnostics(state.diagnostics))
    result = BuildResult(
        diagnostics=diagnostics.sorted(),
        exit_code=_exit_code(diagnostics, options.strict),
        briefings=state.briefings,
        claims=state.claims,
        sources=state.sources,
        pages=state.pages,
        output=output,
        up_to_date=True,
    )
    result.seconds = time.perf_counter() - started
    return result, fingerprint


def _refused_output(options: BuildOptions) -> BuildResult | None:
    """Check the output folder before any work, so that a refused build writes nothing at all."""
    config, _ = load_config(options.site_root)
    if config is None:
        return None  # reported, with its positions, by the analysis
    output = Path(os.path.abspath(options.out if options.out is not None else config.output_dir))
    try:
        check_output_dir(output, config.root, [config.briefings_dir, config.templates_dir, config.static_dir])
    except OutputError as error:
        problem = Diagnostic(config.path, Position(1, 1), Severity.ERROR, str(error), None, "output")
        return BuildResult([problem], EXIT_USAGE, output=output)
    return None


def _build(options: BuildOptions, progress: ProgressCallback | None) -> BuildResult:
    started = time.perf_counter()
    refused = _refused_output(options)
    if refused is not None:
        return refused
    unchanged, fingerprint = _already_built(options, started)
    if unchanged is not None:
        return unchanged
    analysed = _analyse(options, everything=False)
    if isinstance(analysed, BuildResult):
        return analysed
    config = analysed.config
    diagnostics = analysed.diagnostics
    output = options.out if options.out is not None else config.output_dir
    output = Path(os.path.abspath(output))
    result = BuildResult(
        diagnostics=[],
        exit_code=_exit_code(diagnostics, options.strict),
        briefings=len(analysed.published),
        claims=sum(len(b.claims) for b in analysed.published),
        sources=_count_sources(analysed.published),
        output=output,
        excluded=analysed.excluded,
    )
    try:
        check_output_dir(output, config.root, [config.briefings_dir, config.templates_dir, config.static_dir])
    except OutputError as error:
        diagnostics.add(Diagnostic(config.path, Position(1, 1), Severity.ERROR, str(error), None, "output"))
        result.diagnostics = diagnostics.sorted()
        result.exit_code = EXIT_USAGE
        return result
    if result.exit_code != EXIT_OK:
        result.diagnostics = diagnostics.sorted()
        result.seconds = time.perf_counter() - started
        return result

    plan = plan_site(
        analysed.published,
        analysed.assessments,
        analysed.links,
        config,
        portable=options.portable,
        base_url=options.base_url,
    )
    staged = StagedOutput(output)
    staged.start()
    try:
        renderer = Renderer(plan.site, config.templates_dir)
        reuse = PageReuse.load(
            config.cache_dir,
            output,
            render_context(plan.site, config.templates_dir),
            enabled=not options.clean,
        )
        total = len(plan.pages)
        # Site-wide pages (the sources index, the timeline, the data) are the largest: start
        # them first, so that no core is left alone with one at the end.
        order = sorted(range(total), key=lambda index: isinstance(plan.pages[index], _ONE_BRIEFING_PAGES))
        chunks = [order[start : start + _PAGES_PER_TASK] for start in range(0, total, _PAGES_PER_TASK)]
        fingerprints: dict[str, str] = {}
        shared = (plan.pages, renderer, staged, reuse)
        for written in map_shared(_render_pages, shared, chunks, chunksize=1):
            fingerprints.update(written)
            if progress is not None:
                progress(len(fingerprints), total)
        for relative, path in theme_assets(config.templates_dir):
            staged.copy_file(relative, path)
        staged.write_text(SCALE_STYLESHEET, scale_stylesheet(config))
        _copy_static(config, staged, diagnostics)
        if not diagnostics.has_errors:
            problem = build_search_index(staged.staging, config.cache_dir, read_cache=not options.clean)
            if problem:
                diagnostics.add(
                    Diagnostic(
                        config.path,
                        Position(1, 1),
                        Severity.WARNING,
                        problem,
                        "pip install 'pagefind[bin]'",
                        "search",
                    )
                )
    except (TemplateSyntaxError, TemplateNotFound, TemplateError) as error:
        staged.abort()
        diagnostics.add(_template_diagnostic(error, config))
        result.exit_code = EXIT_CONTENT
    except BaseException:
        staged.abort()
        raise
    else:
        if diagnostics.has_errors:
            staged.abort()
            result.exit_code = EXIT_CONTENT
        else:
            staged.commit()
            result.written = True
            result.pages = len(plan.pages)
            save_fingerprints(config.cache_dir, output, fingerprints)
            if fingerprint is not None:
                save_state(
                    config.cache_dir,
                    BuildState(
                        fingerprint=fingerprint,
                        output=str(output),
                        diagnostics=diagnostics_to_records(diagnostics.sorted()),
                        briefings=result.briefings,
                        claims=result.claims,
                        sources=result.sources,
                        pages=result.pages,
                    ),
                )
    result.diagnostics = diagnostics.sorted()
    result.seconds = time.perf_counter() - started
    return result


_PAGES_PER_TASK = 25
_ONE_BRIEFING_PAGES = (BriefingPage, RedirectPage)


def _render_pages(
    shared: tuple[list[Page], Renderer, StagedOutput, PageReuse], indices: list[int]
) -> dict[str, str]:
    """Render and write some pages, or reuse unchanged ones; runs in a worker process.

    Pages stream to disk; what comes back is each page's fingerprint.
    """
    pages, renderer, staged, reuse = shared
    return {pages[index].path: reuse.write(staged, renderer, pages[index]) for index in indices}


def _copy_static(config: SiteConfig, staged: StagedOutput, diagnostics: DiagnosticList) -> None:
    static = config.static_dir
    if static.is_symlink():
        diagnostics.error(
            static, Position(1, 1), "symbolic links are not allowed in a site's folders", None, "symlink"
        )
        return
    if not static.is_dir():
        return
    for folder, subfolders, files in os.walk(static, followlinks=False):
        base = Path(folder)
        for name in sorted(subfolders):
            if (base / name).is_symlink():
                diagnostics.error(
                    base / name,
                    Position(1, 1),
                    "symbolic links are not allowed in a site's folders",
                    "copy the files instead",
                    "symlink",
                )
        subfolders[:] = sorted(n for n in subfolders if not (base / n).is_symlink())
        for name in sorted(files):
            path = base / name
            if path.is_symlink():
                diagnostics.error(
                    path,
                    Position(1, 1),
                    "symbolic links are not allowed in a site's folders",
                    "copy the file instead",
                    "symlink",
                )
                continue
            relative = path.relative_to(static).as_posix()
            if staged.exists(relative):
                diagnostics.error(
                    path,
                    Position(1, 1),
                    f"static/{relative} would overwrite a page Brief generates",
                    "rename or move the file",
                    "static",
                )
                continue
            staged.copy_file(relative, path)


def _template_diagnostic(error: TemplateError, config: SiteConfig) -> Diagnostic:
    if isinstance(error, TemplateSyntaxError):
        path = Path(error.filename) if error.filename else config.templates_dir / (error.name or "template")
        return Diagnostic(
            path,
            Position(error.lineno or 1, 1),
            Severity.ERROR,
            f"template error: {error.message}",
            None,
            "template",
        )
    if isinstance(error, TemplateNotFound):
        return Diagnostic(
            config.templates_dir,
            Position(1, 1),
            Severity.ERROR,
            f"template not found: {error.name}",
            None,
            "template",
        )
    return Diagnostic(
        config.templates_dir, Position(1, 1), Severity.ERROR, f"template error: {error}", None, "template"
    )
