"""The build: config → load → analyse → plan → render → write, one named stage each."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

from generator import fastexit
from generator.analysis.confidence import ClaimAssessment, assess_briefing
from generator.analysis.estimative import estimative_findings
from generator.analysis.findings import briefing_findings
from generator.analysis.sameurl import spread_retractions
from generator.config import SiteConfig, load_config
from generator.content.files import not_a_regular_file, symlink_refused, undecodable_name
from generator.content.linking import LinkIndex, LinkTarget, check_links_of_failed_files, resolve_links
from generator.content.load import LoadedFile, load_corpus, load_files
from generator.content.model import Briefing, Corpus
from generator.content.paths import is_undecodable_name
from generator.diagnostics import Diagnostic, DiagnosticList, Position, Severity
from generator.fingerprint import (
    BuildState,
    InputDigest,
    diagnostics_to_records,
    forget_state,
    load_state,
    records_to_diagnostics,
    save_state,
)
from generator.gitinfo import GitError, revisions_by_file
from generator.outcome import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    BuildOptions,
    BuildResult,
    OptionValueError,
    StageClock,
    exit_code_of,
)
from generator.output import MARKER, OutputError, StagedOutput, check_output_dir
from generator.pagecache import PageReuse, load_fingerprints, render_context, save_fingerprints
from generator.parallel import MIN_PARALLEL_ITEMS, map_shared
from generator.partial import (
    FileRecord,
    PartialState,
    forget_partial_state,
    load_partial_state,
    save_partial_state,
)
from generator.planmemo import MEMO, PlanMemo
from generator.render import SCALE_STYLESHEET, Renderer, TemplateRunError, scale_stylesheet, theme_assets
from generator.search import SearchIndexJob, SearchRecords, load_record_digests, save_record_digests
from generator.site import plan_briefing_page, plan_site, site_view
from generator.sitelock import one_build_at_a_time
from generator.uptodate import (
    KnownInputs,
    digest_inputs,
    last_build,
    last_result_if_unchanged,
    result_with_counts_of,
)
from generator.urls import base_url_option_message, base_url_problem, briefing_path
from generator.views import BriefingPage, DeferredPage, Page, SiteView

ProgressCallback = Callable[[int, int], None]

__all__ = ["EXIT_CONTENT", "EXIT_OK", "EXIT_USAGE", "BuildOptions", "BuildResult", "build", "check"]


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
    corpus: Corpus
    link_index: LinkIndex
    #: Briefings whose sources took a retraction or dispute from another briefing's source
    #: with the same URL (`spread_retractions`).
    marked_by_url: frozenset[Path] = frozenset()
    #: Files of static/ (POSIX, inside it) that only briefings this build leaves out, or
    #: publishes only the notice of (withdrawn), use.
    withheld_static: frozenset[str] = frozenset()


def _analyse(
    options: BuildOptions,
    site_config: tuple[SiteConfig | None, list[Diagnostic]],
    everything: bool,
    clock: StageClock,
) -> _Analysed | BuildResult:
    """Load and analyse. `site_config` is what `load_config` gave; `everything` (check)
    validates drafts and gated briefings too."""
    config, problems = site_config
    if config is None:
        return BuildResult(problems, EXIT_USAGE)
    problem = None if options.base_url is None else base_url_problem(options.base_url)
    if options.base_url is not None and problem is not None:
        raise OptionValueError("--base-url", base_url_option_message(options.base_url, problem))
    gate = options.publish_up_to
    if gate is not None and gate not in config.spec.markings:
        markings = ", ".join(config.spec.markings)
        raise OptionValueError("--publish-up-to", f"'{gate}' is not one of the site's markings ({markings})")

    with clock.stage("load"):
        corpus, diagnostics = load_corpus(config, read_cache=not options.clean)
    if (options.base_url or config.spec.base_url) is None and not everything:
        diagnostics.add(
            Diagnostic(
                config.path,
                Position(1, 1),
                Severity.INFO,
                "no base_url: the feed, the sitemap and the canonical links are left out",
                "set base_url: to the address the site is published at, such as https://example.org/briefings/",
                "config",
            )
        )
    # Reported now, with every other problem, not only once the briefings are clean.
    diagnostics.extend(refuse_symlinks(config.templates_dir))
    diagnostics.extend(refuse_symlinks(config.static_dir))
    try:
        with clock.stage("git history"):
            corpus = with_git_history(corpus, config)
    except GitError as error:
        return BuildResult(
            [Diagnostic(config.path, config.position_of("git"), Severity.ERROR, str(error), None, "git")],
            EXIT_USAGE,
        )
    published_as_loaded = [b for b in corpus.briefings if everything or _is_published(b, config, options)]
    published, notes = spread_retractions(
        published_as_loaded,
        config.severity_of("retracted"),
        gives=lambda b: not b.is_withdrawn and _is_published(b, config, options),
    )
    diagnostics.extend(notes)
    marked_by_url = frozenset(
        new.path for new, old in zip(published, published_as_loaded, strict=True) if new is not old
    )
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
            if briefing.path in left_out and (options.drafts or not briefing.is_draft):
                excluded.append(briefing.slug)
                diagnostics.add(_left_out_above_the_gate(briefing.path, briefing.marking))
    # Files that did not load, for links to them: published, their own errors fail the build.
    loaded = {briefing.path for briefing in corpus.briefings}
    did_not_load = {*corpus.declared, *corpus.failed_bodies} - loaded
    failed = {path: path not in left_out for path in sorted(did_not_load)}
    for path, would_publish in failed.items():
        declared = corpus.declared.get(path)
        if declared is not None and not would_publish and (options.drafts or declared.status != "draft"):
            diagnostics.add(_left_out_above_the_gate(path, declared.marking or config.default_marking))
    with clock.stage("analyse"):
        # What a build would publish, also in `brief check`, so that both warn of the same links.
        publishable = [b for b in published if not everything or _is_published(b, config, options)]
        link_index = LinkIndex.of(corpus.briefings, publishable, failed)
        links = resolve_links(published, config, diagnostics, link_index)
        failed_bodies = {path: body for path, body in corpus.failed_bodies.items() if path not in left_out}
        check_links_of_failed_files(failed_bodies, config, diagnostics, link_index)
        MEMO.begin(config, read=not options.clean)
        assessments = {
            briefing.slug: MEMO.assess(briefing, diagnostics, lambda b: _assessment(b, config))
            for briefing in published
        }
        withheld = [b for b in corpus.briefings if b.path in left_out]
        # Their links are not reported (they are not published), only followed.
        withheld_links = resolve_links(withheld, config, DiagnosticList(), link_index)
        withdrawn = {b.slug for b in published if b.is_withdrawn}  # only their notices are
        shown = {slug: targets for slug, targets in links.items() if slug not in withdrawn}
        withheld_static = _static_files({**withheld_links, **links}) - _static_files(shown)
    return _Analysed(
        config,
        published,
        assessments,
        links,
        diagnostics,
        excluded,
        corpus,
        link_index,
        marked_by_url,
        withheld_static,
    )


def _static_files(links: Mapping[str, Mapping[int, LinkTarget]]) -> frozenset[str]:
    """The files of static/ that these links and images lead to."""
    return frozenset(
        target.target for targets in links.values() for target in targets.values() if target.kind == "static"
    )


def _left_out_above_the_gate(path: Path, marking: str) -> Diagnostic:
    return Diagnostic(
        path, Position(1, 1), Severity.INFO, f"left out: marked {marking}, above the gate", None, "excluded"
    )


def _assess(
    briefing: Briefing, config: SiteConfig, diagnostics: DiagnosticList
) -> dict[str, ClaimAssessment]:
    """Assess a published briefing's claims, and report its findings."""
    assessments, findings = _assessment(briefing, config)
    diagnostics.extend(findings)
    return assessments


def _assessment(
    briefing: Briefing, config: SiteConfig
) -> tuple[dict[str, ClaimAssessment], list[Diagnostic]]:
    """A published briefing's claims assessed, and its findings."""
    assessments = assess_briefing(briefing, config)
    findings = [*briefing_findings(briefing, assessments, config), *estimative_findings(briefing, config)]
    return assessments, findings


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


#: Emacs marks a file being edited with a symbolic link `.#name` beside it, pointing
#: nowhere; the build reads none of them (it skips links), so none is refused.
_EDITOR_LOCK_PREFIX = ".#"


def refuse_symlinks(folder: Path) -> list[Diagnostic]:
    """A symbolic link anywhere under `folder` is an error: a build never reads outside the
    site. So is a name that is not UTF-8, which no page or URL could name, and a named pipe,
    socket or device, which a build would wait on for ever."""
    found = []
    if folder.is_symlink():
        return [symlink_refused(folder, "copy the files instead")]
    if not folder.is_dir():
        return []
    for current, subfolders, files in os.walk(folder, followlinks=False):
        for name in sorted(subfolders + files):
            path = Path(current) / name
            if is_undecodable_name(name):
                found.append(undecodable_name(path))
                if name in subfolders:
                    subfolders.remove(name)  # what it holds has the same name in its path
            elif path.is_symlink():
                if not name.startswith(_EDITOR_LOCK_PREFIX):
                    found.append(symlink_refused(path))
            elif name in files and not path.is_file() and os.path.lexists(path):  # not gone since the walk
                found.append(not_a_regular_file(path))
    return found


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector for the length of a build.

    A build allocates millions of small objects and frees them by reference counting; the
    cycle collector would walk all of them again and again (a third of a cold build's
    time). It runs once at the end instead, unless the command holds its data until the
    process exits (`fastexit`): the collector would then walk all of it for nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not fastexit.holding():
            if enabled:
                gc.enable()
            gc.collect()


def check(options: BuildOptions) -> BuildResult:
    """Validate every briefing, drafts included. Writes no output, only the load cache."""
    with _no_cyclic_gc():
        return _check(options)


def _check(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    analysed = _analyse(options, load_config(options.site_root), everything=True, clock=StageClock())
    fastexit.hold(analysed)
    if isinstance(analysed, BuildResult):
        return analysed
    return BuildResult(
        diagnostics=analysed.diagnostics.sorted(),
        exit_code=exit_code_of(analysed.diagnostics, options.strict),
        # Every file checked, those with errors too; the claims and sources of those that loaded.
        briefings=analysed.corpus.files,
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


def build(
    options: BuildOptions,
    progress: ProgressCallback | None = None,
    known_inputs: KnownInputs | None = None,
    publish: Callable[[BuildResult], None] | None = None,
) -> BuildResult:
    """Build the site. Writes nothing unless the build succeeds; then swaps the output in.

    `known_inputs`: the input digest `uptodate.quick_check` computed, if it did. `publish`,
    if given, is called with the result before the cycle collector's one pass over the
    build's garbage (a quarter of a second at 1,000 briefings): `brief serve` shows the new
    build meanwhile."""
    with one_build_at_a_time(options.site_root), _no_cyclic_gc():
        result = _build(options, progress, known_inputs)
        if publish is not None:
            publish(result)
        return result


def _output_of(options: BuildOptions, config: SiteConfig) -> Path:
    return Path(os.path.abspath(options.out if options.out is not None else config.output_dir))


def _without_full_build(
    options: BuildOptions,
    config: SiteConfig,
    started: float,
    clock: StageClock,
    known_inputs: KnownInputs | None,
) -> tuple[BuildResult | None, InputDigest | None]:
    """A build's result when it needs no full build (a refused output folder, an up-to-date
    site, a partial build), and the input digest (None where Git dates count too)."""
    output = _output_of(options, config)
    refused = _refused_output(options, config, output)
    if refused is None:
        refused = _unwritable_cache(config, output)
    if refused is not None:
        return refused, None
    with clock.stage("up-to-date check"):
        unchanged, inputs = _already_built(options, config, output, started, known_inputs)
    if unchanged is not None:
        unchanged.stages = clock.stages
        return unchanged, inputs
    if inputs is not None and not options.clean:
        return _partial_build(options, config, output, inputs, started, clock), inputs
    return None, inputs


def _already_built(
    options: BuildOptions,
    config: SiteConfig,
    output: Path,
    started: float,
    known_inputs: KnownInputs | None,
) -> tuple[BuildResult | None, InputDigest | None]:
    """The last build's result when nothing it read has changed since; and the input digest
    (None where the output depends on more than the files: Git dates)."""
    if config.spec.git.updated or config.spec.git.history:
        return None, None  # Git dates depend on more than the files
    if known_inputs is not None and known_inputs.output == output:
        return None, known_inputs.inputs  # `quick_check` compared these with the last build
    inputs = digest_inputs(options, output)
    if options.clean:
        return None, inputs  # build in full, and remember it for the next build
    return last_result_if_unchanged(options, last_build(options), output, inputs, started), inputs


def _refused_output(options: BuildOptions, config: SiteConfig, output: Path) -> BuildResult | None:
    """Check the output folder before any work, so that a refused build writes nothing at all.
    A folder named by `--out` is refused as that option's value, not as a fault of site.yaml."""
    problem = _output_problem(config, output)
    if problem is not None and options.out is not None:
        raise OptionValueError("--out", problem.message)
    return None if problem is None else BuildResult([problem], EXIT_USAGE, output=output)


def _unwritable_cache(config: SiteConfig, output: Path) -> BuildResult | None:
    """A usage error where the cache folder cannot be made or written (a read-only site
    folder): a build needs it for the search index and for what the next build reuses."""
    probe = config.cache_dir / f".probe-{os.getpid()}"
    try:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        message = f"cannot write Brief's cache folder {config.cache_dir}: {error.strerror}"
        hint = "build from a copy of the site in a folder you can write to"
        return BuildResult(
            [Diagnostic(config.path, Position(1, 1), Severity.ERROR, message, hint, "output")],
            EXIT_USAGE,
            output=output,
        )
    return None


def _output_problem(config: SiteConfig, output: Path) -> Diagnostic | None:
    """Why Brief may not write into `output` (see `output.check_output_dir`), if it may not."""
    try:
        check_output_dir(output, config.root, [config.briefings_dir, config.templates_dir, config.static_dir])
    except OutputError as error:
        position = config.position_of("output")
        return Diagnostic(config.path, position, Severity.ERROR, str(error), None, "output")
    return None


def _build(
    options: BuildOptions, progress: ProgressCallback | None, known_inputs: KnownInputs | None
) -> BuildResult:
    started = time.perf_counter()
    clock = StageClock()
    site_config = load_config(options.site_root)
    config = site_config[0]
    inputs = None
    if config is not None:  # otherwise the analysis reports the problems, with their positions
        done, inputs = _without_full_build(options, config, started, clock, known_inputs)
        if done is not None:
            return done
    analysed = _analyse(options, site_config, everything=False, clock=clock)
    fastexit.hold(analysed)
    if isinstance(analysed, BuildResult):
        return analysed
    config = analysed.config
    diagnostics = analysed.diagnostics
    output = _output_of(options, config)
    # A withdrawn briefing publishes its notice, not its claims and sources.
    live = [briefing for briefing in analysed.published if not briefing.is_withdrawn]
    result = BuildResult(
        diagnostics=[],
        exit_code=exit_code_of(diagnostics, options.strict),
        briefings=len(live),
        withdrawn=len(analysed.published) - len(live),
        claims=sum(len(b.claims) for b in live),
        sources=_count_sources(live),
        output=output,
        excluded=analysed.excluded,
        stages=clock.stages,
    )
    # Checked again after the analysis, which takes a while, just before anything is written.
    refusal = _output_problem(config, output)
    if refusal is not None:
        diagnostics.add(refusal)
        result.diagnostics = diagnostics.sorted()
        result.exit_code = EXIT_USAGE
        return result
    if result.exit_code != EXIT_OK:
        result.diagnostics = diagnostics.sorted()
        result.seconds = time.perf_counter() - started
        return result

    with clock.stage("plan"):
        plan = plan_site(
            analysed.published,
            analysed.assessments,
            analysed.links,
            config,
            portable=options.portable,
            base_url=options.base_url,
            memo=MEMO,
        )
    fastexit.hold(plan)
    previous = None if options.clean else load_fingerprints(config.cache_dir, output)
    staged = StagedOutput(output, config.cache_dir)
    # An earlier output left beside this one (by a prose edit, or a build that linked most
    # pages) holds most of the pages to link: it becomes the staging folder.
    staged.start(reuse_earlier_output=previous is not None)
    search: SearchIndexJob | None = None
    known_records = None if options.clean else load_record_digests(config.cache_dir)
    records = SearchRecords(config.cache_dir, known_records)

    def start_search(written: Mapping[str, str]) -> None:
        """Start indexing the briefings, once their records are stored, while the rest of
        the pages are rendered."""
        nonlocal search
        if not diagnostics.has_errors:
            searchable = {
                page.summary.slug: written[page.path] for page in plan.pages if isinstance(page, BriefingPage)
            }
            search = SearchIndexJob(staged.staging, searchable, records, read_cache=not options.clean)
            search.start()

    try:
        with clock.stage("render"):
            in_place = frozenset(staged.keep_from(output, previous) if previous is not None else ())
            rendered = _render_site(
                plan.pages,
                plan.site,
                config,
                staged,
                previous,
                records,
                progress,
                start_search,
                in_place,
                MEMO,
            )
            fingerprints = rendered.fingerprints
            staged.remove(in_place - fingerprints.keys())  # the pages this build no longer has
        for relative, path in theme_assets(config.templates_dir):
            staged.copy_file(relative, path)
        staged.write_text(SCALE_STYLESHEET, scale_stylesheet(config))
        _copy_static(config, staged, diagnostics, analysed.withheld_static)
        extra_files = tuple(sorted(set(staged.written) - fingerprints.keys()))
        if not diagnostics.has_errors:
            with clock.stage("search"):
                if search is None:
                    start_search(rendered.records)
                problem = search.finish() if search is not None else None
            if problem:
                diagnostics.add(
                    Diagnostic(
                        config.path,
                        Position(1, 1),
                        Severity.WARNING,
                        problem,
                        "pip install 'pagefind[bin]'",
                        SEARCH_PROBLEM,
                    )
                )
    except (TemplateSyntaxError, TemplateNotFound, TemplateError) as error:
        _abandon(staged, search)
        diagnostics.add(_template_diagnostic(error, config))
        result.exit_code = EXIT_CONTENT
    except BaseException:
        _abandon(staged, search)
        raise
    else:
        if diagnostics.has_errors:
            _abandon(staged, search)
            result.exit_code = EXIT_CONTENT
        else:
            with clock.stage("commit"):
                staged.commit(keep_previous=_mostly_linked(previous, fingerprints))
            MEMO.end()
            result.written = True
            result.pages = len(plan.pages)
            save_fingerprints(config.cache_dir, output, fingerprints)
            save_record_digests(config.cache_dir, rendered.record_digests())
            if inputs is None:
                # The output depends on Git too: no later build may take it as up to date.
                forget_state(config.cache_dir)
                forget_partial_state(config.cache_dir)
            else:
                save_state(config.cache_dir, _build_state(inputs, output, diagnostics, result))
                save_partial_state(
                    config.cache_dir,
                    _partial_state(analysed, plan.source_anchors, inputs, output, extra_files),
                )
    result.diagnostics = diagnostics.sorted()
    result.seconds = time.perf_counter() - started
    return result


def _build_state(
    inputs: InputDigest, output: Path, diagnostics: DiagnosticList, result: BuildResult
) -> BuildState:
    return BuildState(
        fingerprint=inputs.fingerprint,
        output=str(output),
        diagnostics=diagnostics_to_records(diagnostics.sorted()),
        briefings=result.briefings,
        withdrawn=result.withdrawn,
        claims=result.claims,
        sources=result.sources,
        pages=result.pages,
    )


def _partial_state(
    analysed: _Analysed,
    anchors: Mapping[tuple[str, str], str],
    inputs: InputDigest,
    output: Path,
    extra_files: tuple[str, ...],
) -> PartialState:
    """What a later partial build needs to know of each briefing file of this build."""
    briefings_dir = analysed.config.briefings_dir
    published = analysed.link_index.published
    records = {relative: FileRecord.not_loaded(digest) for relative, digest in inputs.briefings.items()}
    for briefing in analysed.corpus.briefings:
        relative = briefing.path.relative_to(briefings_dir).as_posix()
        if relative not in records:
            continue
        records[relative] = FileRecord(
            digest=inputs.briefings[relative],
            slug=briefing.slug,
            outline=analysed.corpus.outlines.get(briefing.path, ""),
            published=briefing.slug in published,
            searchable=briefing.slug in published and not briefing.is_withdrawn,
            page_ids=analysed.link_index.ids_by_slug[briefing.slug],
            anchors={
                source_id: anchors[(briefing.slug, source_id)]
                for source_id in briefing.sources
                if (briefing.slug, source_id) in anchors
            },
            marked_by_url=briefing.path in analysed.marked_by_url,
        )
    return PartialState(str(output), inputs.context, records, extra_files)


def _partial_build(
    options: BuildOptions,
    config: SiteConfig,
    output: Path,
    inputs: InputDigest,
    started: float,
    clock: StageClock,
) -> BuildResult | None:
    """Rebuild only the pages of briefings whose prose alone changed (see `partial`).

    Returns None, having written nothing, whenever a full build is needed instead.
    """
    state = load_partial_state(config.cache_dir)
    last = load_state(config.cache_dir)
    if state is None or last is None or last.output != str(output) or not (output / MARKER).is_file():
        return None
    changed = state.changed_files(output, inputs.context, inputs.briefings)
    if changed is None:
        return None
    with clock.stage("load"):
        paths = [config.briefings_dir / relative for relative in changed]
        loaded, registry_problems = load_files(config, paths)
    if registry_problems.has_errors:
        return None
    base_url = options.base_url or config.spec.base_url
    with clock.stage("analyse"):
        replanned = _replan_changed(options, config, state, last, changed, loaded, base_url)
    if replanned is None:
        return None
    pages, diagnostics = replanned
    previous_pages = load_fingerprints(config.cache_dir, output)
    if previous_pages is None or len(previous_pages) != last.pages:
        return None  # the list of the last output's pages is missing or from another build
    searchable_slugs = sorted(r.slug for r in state.files.values() if r.searchable and r.slug is not None)
    if any(briefing_path(slug) not in previous_pages for slug in searchable_slugs):
        return None
    known_records = load_record_digests(config.cache_dir)
    if any(previous_pages[briefing_path(slug)] not in known_records for slug in searchable_slugs):
        return None  # the last build's search records are not known
    rendered = {page.path for page in pages}
    staged = StagedOutput(output, config.cache_dir)
    # The output the last partial build replaced, if it is still there, holds links to
    # nearly every file to link now: it becomes the staging folder.
    staged.start(reuse_earlier_output=True)
    search: SearchIndexJob | None = None
    try:
        with clock.stage("render"):
            to_link = {path for path in previous_pages if path not in rendered} | set(state.extra_files)
            to_link -= staged.keep_from(output, to_link)
            site = site_view(config, options.portable, base_url)
            records = SearchRecords(config.cache_dir, known_records)
            rerendered = _render_site(pages, site, config, staged, previous_pages, records)
            fingerprints = {**previous_pages, **rerendered.fingerprints}
            searchable = {
                slug: rerendered.records.get(path) or known_records[previous_pages[path]]
                for slug, path in ((slug, briefing_path(slug)) for slug in searchable_slugs)
            }
            # Pagefind re-indexes the edited briefings' shards while the unchanged files are linked.
            search = SearchIndexJob(staged.staging, searchable, records)
            search.start()
            staged.link_from(output, sorted(to_link))
        with clock.stage("search"):
            problem = search.finish()
        if problem:
            _abandon(staged, search)
            return None
        with clock.stage("commit"):
            staged.commit(keep_previous=True)
    except TemplateError:
        _abandon(staged, search)
        return None
    except BaseException:
        _abandon(staged, search)
        raise
    save_fingerprints(config.cache_dir, output, fingerprints)
    save_record_digests(
        config.cache_dir, {fingerprints[briefing_path(slug)]: record for slug, record in searchable.items()}
    )
    result = result_with_counts_of(last, diagnostics, EXIT_OK, output)
    result.written = True
    result.prose_changed = tuple(changed)
    result.stages = clock.stages
    save_state(config.cache_dir, _build_state(inputs, output, diagnostics, result))
    files = dict(state.files)
    for relative in changed:
        files[relative] = dataclasses.replace(files[relative], digest=inputs.briefings[relative])
    save_partial_state(config.cache_dir, dataclasses.replace(state, files=files))
    result.seconds = time.perf_counter() - started
    return result


#: The codes of findings made across files (`content.names.check_tags`, `check_slugs`).
_ACROSS_FILES = frozenset({"tag", "duplicate-slug"})


def _replan_changed(
    options: BuildOptions,
    config: SiteConfig,
    state: PartialState,
    last: BuildState,
    changed: list[str],
    loaded: list[LoadedFile],
    base_url: str | None,
) -> tuple[list[Page], DiagnosticList] | None:
    """The new pages of the changed files, and the build's findings with theirs replaced;
    None when a file's outline changed, or the findings now fail the build."""
    previous = records_to_diagnostics(last.diagnostics)
    diagnostics = DiagnosticList()
    index = state.link_index(config.briefings_dir)
    pages: list[Page] = []
    replaced: set[Path] = set()
    for relative, file in zip(changed, loaded, strict=True):
        record = state.files[relative]
        briefing = file.briefing
        if briefing is None or briefing.slug != record.slug or file.outline != record.outline:
            return None
        if record.marked_by_url:
            return None  # planned with other briefings' sources: a full build plans it
        if _is_published(briefing, config, options) != record.published:
            return None
        if not record.published:
            continue  # its findings are not reported, and it has no page
        replaced.add(briefing.path)
        diagnostics.extend(file.diagnostics)
        links = resolve_links([briefing], config, diagnostics, index)
        assessments = _assess(briefing, config, diagnostics)
        if not briefing.is_withdrawn:
            anchors = {(briefing.slug, source): anchor for source, anchor in record.anchors.items()}
            pages.append(
                plan_briefing_page(
                    briefing, assessments, links.get(briefing.slug, {}), config, anchors, base_url
                )
            )
    # The last build's own findings, but not why its search index was missing: this build
    # indexes its search anew, or gives way to a full build that says why it cannot. Of the
    # changed files, the findings of checks across files are kept: a prose edit cannot
    # change them, and loading one file does not make them again.
    made = set(diagnostics.items)
    diagnostics.extend(
        d
        for d in previous
        if (d.path not in replaced or (d.code in _ACROSS_FILES and d not in made))
        and d.code != SEARCH_PROBLEM
    )
    if exit_code_of(diagnostics, options.strict) != EXIT_OK:
        return None  # a full build reports it, with everything else
    return pages, diagnostics


def _abandon(staged: StagedOutput, search: SearchIndexJob | None) -> None:
    """Remove the staging folder of a failed build, once search has stopped writing into it."""
    if search is not None:
        search.wait()
    staged.abort()


#: The code of the warning that the search index was not built.
SEARCH_PROBLEM = "search"


def _mostly_linked(previous: dict[str, str] | None, fingerprints: dict[str, str]) -> bool:
    """Whether nine pages in ten were linked from the previous output rather than rendered:
    that output then takes little space, and can be left for the next build to remove."""
    if not previous or not fingerprints:
        return False
    linked = sum(1 for path, fingerprint in fingerprints.items() if previous.get(path) == fingerprint)
    return linked >= 0.9 * len(fingerprints)


_PAGES_PER_TASK = 25


def _render_site(
    pages: Sequence[Page | DeferredPage],
    site: SiteView,
    config: SiteConfig,
    staged: StagedOutput,
    previous: dict[str, str] | None,
    records: SearchRecords,
    progress: ProgressCallback | None = None,
    briefings_written: Callable[[Mapping[str, str]], None] | None = None,
    in_place: frozenset[str] = frozenset(),
    memo: PlanMemo | None = None,
) -> RenderedSite:
    """Render every page into the staging folder, in worker processes, and store each
    briefing's search record in `records`.

    A page whose fingerprint is the one it had in `previous` (the last build's, None for a
    clean build) is linked from the last output instead. `briefings_written`, if given, is
    called with the search records so far as soon as every briefing page is written, while
    the other pages are still being rendered (search indexes them meanwhile). `memo` knows
    the fingerprints of the pages it kept from the last build in this process."""
    renderer = Renderer(site, config.templates_dir)
    if len(pages) >= MIN_PARALLEL_ITEMS:
        renderer.compile_templates()
    context = render_context(site, renderer.templates_digest)
    reuse = PageReuse(
        context,
        staged.output if previous is not None else None,
        previous or {},
        in_place,
        memo.fingerprints(context) if memo is not None else {},
    )
    total = len(pages)
    chunks = _render_tasks(pages)
    briefing_paths = {page.path for page in pages if isinstance(page, BriefingPage)}
    rendered = RenderedSite()
    waiting = briefings_written
    if waiting is not None and not briefing_paths:
        waiting({})
        waiting = None
    shared = (pages, renderer, staged, reuse, records)
    for written in map_shared(_render_pages, shared, chunks, chunksize=1):
        for path, (fingerprint, record) in written.items():
            rendered.fingerprints[path] = fingerprint
            if record is not None:
                rendered.records[path] = record
        if waiting is not None and briefing_paths <= rendered.records.keys():
            waiting(rendered.records)
            waiting = None
        if progress is not None:
            progress(len(rendered.fingerprints), total)
    if memo is not None:
        memo.remember_fingerprints(context, rendered.fingerprints)
    return rendered


@dataclass
class RenderedSite:
    """What rendering the pages gave: each page's fingerprint, and each briefing page's
    search record's digest, by the page's path."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)

    def record_digests(self) -> dict[str, str]:
        """Each briefing page's record digest by the page's fingerprint (`SearchRecords`)."""
        return {self.fingerprints[path]: record for path, record in self.records.items()}


def _render_tasks(pages: Sequence[Page | DeferredPage]) -> list[list[int]]:
    """The pages to render, by index, in tasks for the workers, in the order to start them.

    The briefing pages first: search indexes them while the rest is rendered, and a rebuild
    that renders few pages is done when search is. Then the sources index and the timeline,
    the largest pages, one task each, so that two cores share them and none is left alone
    with one at the end; then the rest (home, tags, data, feed). With the two largest first,
    in one task, a rebuild started search only once one core had rendered both."""
    briefing_pages: list[int] = []
    largest: list[list[int]] = []
    rest: list[int] = []
    for index, page in enumerate(pages):
        if isinstance(page, BriefingPage):
            briefing_pages.append(index)
        elif isinstance(page, DeferredPage):
            largest.append([index])
        else:
            rest.append(index)
    return [*_in_tasks(briefing_pages), *largest, *_in_tasks(rest)]


def _in_tasks(indices: list[int]) -> list[list[int]]:
    return [indices[start : start + _PAGES_PER_TASK] for start in range(0, len(indices), _PAGES_PER_TASK)]


def _render_pages(
    shared: tuple[Sequence[Page | DeferredPage], Renderer, StagedOutput, PageReuse, SearchRecords],
    indices: list[int],
) -> dict[str, tuple[str, str | None]]:
    """Render and write some pages, or reuse unchanged ones; runs in a worker process.

    Pages stream to disk; what comes back is each page's fingerprint, and a briefing page's
    search record's digest.
    """
    pages, renderer, staged, reuse, records = shared
    written: dict[str, tuple[str, str | None]] = {}
    for index in indices:
        page = pages[index]
        try:
            fingerprint = reuse.write(staged, renderer, page)
            record = None
            if isinstance(page, BriefingPage):
                render = functools.partial(renderer.render_search_record, page)
                record = records.record_of(page.summary.slug, fingerprint, render)
        except TemplateError as error:
            raise renderer.located(error) from None
        written[page.path] = (fingerprint, record)
    return written


def _copy_static(
    config: SiteConfig, staged: StagedOutput, diagnostics: DiagnosticList, withheld: frozenset[str]
) -> None:
    """Copy static/ into the output, but the `withheld` files (only briefings the build
    leaves out use them: a draft, or one above the gate, leaves no trace, not even an
    image); symbolic links are skipped (`_analyse` reported them)."""
    static = config.static_dir
    if static.is_symlink() or not static.is_dir():
        return
    for folder, subfolders, files in os.walk(static, followlinks=False):
        base = Path(folder)
        subfolders[:] = sorted(n for n in subfolders if not (base / n).is_symlink())
        for name in sorted(files):
            path = base / name
            if path.is_symlink():
                continue
            relative = path.relative_to(static).as_posix()
            if relative in withheld:
                diagnostics.add(
                    Diagnostic(
                        path,
                        Position(1, 1),
                        Severity.INFO,
                        "left out: only briefings this build does not publish use it",
                        None,
                        "static",  # not "excluded": its briefings are announced, or are drafts
                    )
                )
                continue
            if staged.exists(relative):
                diagnostics.error(
                    path,
                    Position(1, 1),
                    f"static/{relative} would overwrite a page Brief generates",
                    "rename or move the file",
                    "static",
                )
                continue
            try:
                staged.copy_file(relative, path)
            except FileNotFoundError:  # gone since the walk (an editor's temporary file)
                continue


def _template_diagnostic(error: TemplateError, config: SiteConfig) -> Diagnostic:
    path, line, message = config.templates_dir, 1, f"template error: {error}"
    if isinstance(error, TemplateSyntaxError):
        path = Path(error.filename) if error.filename else config.templates_dir / (error.name or "template")
        line, message = error.lineno or 1, f"template error: {error.message}"
    elif isinstance(error, TemplateRunError):
        path, line, message = Path(error.filename), error.lineno, f"template error: {error.message}"
    elif isinstance(error, TemplateNotFound):
        message = f"template not found: {error.name}"
    return Diagnostic(path, Position(line, 1), Severity.ERROR, message, None, "template")
