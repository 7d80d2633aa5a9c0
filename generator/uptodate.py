"""Is the output up to date? Answered before the build's modules are even imported.

A rebuild with nothing changed is the commonest build of all (CI on a merge that touched
no briefing, an editor saving twice). Importing the whole build (pydantic, Jinja2,
markdown-it and Brief's own pipeline) takes about half a second, more than hashing the
inputs of a thousand briefings; so the command line asks this module first, and only
imports `generator.build` when something changed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import DiagnosticList
from generator.fingerprint import (
    CACHE_FOLDER,
    BuildState,
    InputDigest,
    input_digest,
    load_state,
    records_to_diagnostics,
)
from generator.outcome import BuildOptions, BuildResult, exit_code_of
from generator.output import MARKER
from generator.pagefindbin import pagefind_executable
from generator.theme import theme_dir


@dataclass(frozen=True, slots=True)
class KnownInputs:
    """The input digest of a build into `output`, which `quick_check` computed and found
    not to match the last build's record."""

    output: Path
    inputs: InputDigest


def digest_inputs(options: BuildOptions, output: Path) -> InputDigest:
    """The digest of everything a build with these options into `output` reads."""
    settings: dict[str, object] = {
        "out": str(output),
        #: Whether the output was named on the command line or came from site.yaml.
        "out_option": None if options.out is None else str(options.out),
        "drafts": options.drafts,
        "base_url": options.base_url,
        "portable": options.portable,
        "publish_up_to": options.publish_up_to,
        #: A site built without its search index, Pagefind missing, is built again once it is there.
        "search": pagefind_executable() is not None,
    }
    return input_digest(options.site_root, theme_dir(), settings)


def last_build(options: BuildOptions) -> BuildState | None:
    """The record of the last successful build of this site, if there is one."""
    return load_state(options.site_root / CACHE_FOLDER)


def last_result_if_unchanged(
    options: BuildOptions, state: BuildState | None, output: Path, inputs: InputDigest, started: float
) -> BuildResult | None:
    """The last build's result (`state`), reported again, when it read exactly `inputs`,
    wrote into `output` and that output is still there."""
    if state is None or state.fingerprint != inputs.fingerprint or state.output != str(output):
        return None
    if not (output / MARKER).is_file():
        return None
    diagnostics = DiagnosticList(records_to_diagnostics(state.diagnostics))
    result = result_with_counts_of(state, diagnostics, exit_code_of(diagnostics, options.strict), output)
    result.up_to_date = True
    result.seconds = time.perf_counter() - started
    return result


def quick_check(options: BuildOptions, started: float) -> tuple[BuildResult | None, KnownInputs | None]:
    """The last build's result if nothing changed since, found without reading site.yaml.

    Without `--out`, the output is where the last build wrote: site.yaml (part of the
    digest) and the options being unchanged, it is this build's output too. Otherwise, the
    digest computed, for the build to reuse.
    """
    if options.clean:
        return None, None
    state = last_build(options)
    if state is None:
        return None, None
    output = Path(os.path.abspath(options.out)) if options.out is not None else Path(state.output)
    inputs = digest_inputs(options, output)
    unchanged = last_result_if_unchanged(options, state, output, inputs, started)
    if unchanged is not None:
        unchanged.stages = [("up-to-date check", time.perf_counter() - started)]
    return unchanged, KnownInputs(output, inputs)


def result_with_counts_of(
    state: BuildState, diagnostics: DiagnosticList, exit_code: int, output: Path
) -> BuildResult:
    """A result with the counts of briefings, claims, sources and pages of the last build."""
    return BuildResult(
        diagnostics=diagnostics.sorted(),
        exit_code=exit_code,
        briefings=state.briefings,
        withdrawn=state.withdrawn,
        claims=state.claims,
        sources=state.sources,
        pages=state.pages,
        output=output,
    )
