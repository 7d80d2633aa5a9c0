"""The `brief` command line. Thin: it parses options, calls the build, prints what happened."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator import __version__, fastexit
from generator.diagnostics import (
    Severity,
    display_path,
    format_github,
    format_json,
    format_markdown_table,
    format_text,
)
from generator.outcome import EXIT_USAGE, BuildOptions, BuildResult, OptionValueError, counted
from generator.uptodate import quick_check
from generator.urls import base_url_option_message, base_url_problem

if TYPE_CHECKING:
    from generator.config import SiteConfig

# The build's own modules are imported in the commands that use them: `brief build` with
# nothing changed answers before importing them (see `uptodate`).

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INTERNAL = 3


def site_option(function: F) -> F:
    return click.option(
        "--site",
        "site",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The site's folder (where site.yaml is).",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brief")
def main() -> None:
    """Brief turns Markdown briefings into a static site where every claim shows its sources."""


def run() -> None:
    """The `brief` command and `python -m generator`: `main`, with leave for `build` and
    `check` to end without freeing their data object by object (`generator.fastexit`)."""
    fastexit.allow()
    main(prog_name="brief")


def _summary(result: BuildResult, verb: str, checked_everything: bool = False) -> str:
    """The last line of build and check. A build counts what it publishes: the briefings
    with their claims and sources, and apart, the withdrawn ones, whose notice alone is
    published. Check counts every briefing it checked, and says so."""
    parts = [
        counted(result.briefings, "briefing") + (" (drafts included)" if checked_everything else ""),
        *([counted(result.withdrawn, "withdrawal notice")] if result.withdrawn else []),
        counted(result.claims, "claim"),
        counted(result.sources, "source"),
        counted(result.count(Severity.WARNING), "warning"),
        counted(result.count(Severity.ERROR), "error"),
        f"{result.seconds:.2f} s",
    ]
    return f"{verb}: " + ", ".join(parts)


def _print_diagnostics(result: BuildResult, verbose: bool) -> None:
    shown = [d for d in result.diagnostics if verbose or d.severity != Severity.INFO or d.code == "excluded"]
    if shown:
        click.echo(format_text(shown), err=True, nl=False)


def _progress() -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        if total >= 200 and (done % 50 == 0 or done == total):
            click.echo(f"\rRendering pages: {done}/{total}", err=True, nl=done == total)

    return show


def _run(action: Callable[[], BuildResult]) -> BuildResult:
    try:
        return action()
    except OptionValueError as error:
        raise click.BadParameter(error.message, param_hint=f"'{error.option}'") from None
    except KeyboardInterrupt:
        click.echo("brief: interrupted; the output folder was not changed", err=True)
        sys.exit(130)
    except Exception:  # a bug: say so plainly, keep the details for the report
        click.echo(
            "brief: internal error (this is a bug in Brief, not in your briefings). "
            "The output folder was not changed. Details:",
            err=True,
        )
        click.echo(traceback.format_exc(limit=-3), err=True)
        sys.exit(EXIT_INTERNAL)


def _checked_base_url(value: str | None) -> str | None:
    """`--base-url`, refused as a usage error when it cannot prefix the site's URLs."""
    problem = None if value is None else base_url_problem(value)
    if value is not None and problem is not None:
        raise click.BadParameter(base_url_option_message(value, problem))
    return value


@main.command("build")
@site_option
@click.option("--strict", is_flag=True, help="Fail on warnings as well as errors.")
@click.option("--drafts", is_flag=True, help="Build drafts too, with a Draft banner.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site.yaml's output, _site).",
)
@click.option(
    "--base-url",
    callback=lambda _context, _param, value: _checked_base_url(value),
    help="Absolute URL the site is published at (overrides site.yaml).",
)
@click.option("--clean", is_flag=True, help="Ignore the build cache: a cold build.")
@click.option(
    "--portable", is_flag=True, help="Links name their files (…/index.html), for reading from a folder."
)
@click.option(
    "--publish-up-to", "publish_up_to", metavar="MARKING", help="Leave out briefings marked above MARKING."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("-v", "--verbose", is_flag=True, help="Print info findings too.")
@click.option("--timings", is_flag=True, help="Print how long each stage of the build took.")
def build_command(
    site: Path,
    strict: bool,
    drafts: bool,
    out: Path | None,
    base_url: str | None,
    clean: bool,
    portable: bool,
    publish_up_to: str | None,
    quiet: bool,
    verbose: bool,
    timings: bool,
) -> None:
    """Build the site into the output folder (atomically)."""
    options = BuildOptions(
        site_root=site.resolve(),
        out=out,
        drafts=drafts,
        strict=strict,
        base_url=base_url,
        clean=clean,
        portable=portable,
        publish_up_to=publish_up_to,
    )
    fastexit.hold_until_exit()
    result = _run(lambda: _build_unless_up_to_date(options))
    _print_diagnostics(result, verbose)
    if result.exit_code == EXIT_USAGE:
        fastexit.exit(EXIT_USAGE)
    failed_on_warnings = result.exit_code != 0 and result.count(Severity.ERROR) == 0
    if not quiet:
        if failed_on_warnings:
            # Under --strict: the output is unchanged, whether or not anything changed since
            # the last build, and the warnings listed above are the reason.
            since = "nothing changed since the last build; " if result.up_to_date else ""
            unchanged = f"({since}the output folder was not changed)"
            verb = f"Build failed under --strict, on the warnings above {unchanged}"
        elif result.up_to_date and result.output is not None:
            verb = f"Up to date: {display_path(result.output)} (nothing changed since the last build)"
        elif result.written and result.output is not None and result.prose_changed:
            count = len(result.prose_changed)
            verb = (
                f"Updated {display_path(result.output)} "
                f"(only the prose of {counted(count, 'briefing')} changed)"
            )
        elif result.written and result.output is not None:
            verb = f"Built {display_path(result.output)}"
        else:
            verb = "Build failed; the output folder was not changed"
        succeeded = (result.written or result.up_to_date) and not failed_on_warnings
        click.echo(_summary(result, verb), err=not succeeded)
    if timings:
        for stage, seconds in result.stages:
            click.echo(f"  {stage:<18} {seconds:8.2f} s")
    fastexit.exit(result.exit_code)


def _build_unless_up_to_date(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    unchanged, known_inputs = quick_check(options, started)
    if unchanged is not None:
        return unchanged
    from generator.build import build

    return build(options, _progress(), known_inputs)


@main.command("check")
@site_option
@click.option("--strict", is_flag=True, help="Fail on warnings as well as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("-v", "--verbose", is_flag=True, help="Print info findings too (text format).")
def check_command(site: Path, strict: bool, output_format: str, quiet: bool, verbose: bool) -> None:
    """Check every briefing, drafts included; writes no output, only its cache."""
    from generator.build import check

    options = BuildOptions(site_root=site.resolve(), strict=strict)
    fastexit.hold_until_exit()
    result = _run(lambda: check(options))
    if output_format == "json":
        click.echo(format_json(result.diagnostics), nl=False)
    elif output_format == "github":
        click.echo(format_github(result.diagnostics), nl=False)
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(format_markdown_table(result.diagnostics))
    else:
        _print_diagnostics(result, verbose)
        if not quiet and result.exit_code != EXIT_USAGE:
            failed_on_warnings = result.exit_code != 0 and result.count(Severity.ERROR) == 0
            verb = "Check failed under --strict, on the warnings above" if failed_on_warnings else "Checked"
            click.echo(_summary(result, verb, checked_everything=True), err=True)
    fastexit.exit(result.exit_code)


def _site_config_or_exit(site: Path) -> SiteConfig:
    """The site's configuration; exits 2 with the diagnostic `build` gives when `site.yaml`
    is missing (or the folder is) or broken."""
    from generator.config import load_config

    config, problems = load_config(site)
    if config is None:
        click.echo(format_text(problems), err=True, nl=False)
        sys.exit(EXIT_USAGE)
    return config


def _site_config_or_defaults(site: Path) -> SiteConfig:
    """The site's configuration, or the defaults outside a site; exits 2 on a broken site.yaml."""
    from generator.config import DEFAULT_FINDINGS, SiteConfig, SiteConfigSpec

    if not (site / "site.yaml").is_file():
        return SiteConfig(
            root=site, path=site / "site.yaml", spec=SiteConfigSpec(), findings=dict(DEFAULT_FINDINGS)
        )
    return _site_config_or_exit(site)


@main.command("schema")
@site_option
@click.option(
    "--for",
    "target",
    type=click.Choice(["front-matter", "sources"]),
    default="front-matter",
    show_default=True,
    help="The briefings' front matter, or briefings/_sources.yaml.",
)
def schema_command(site: Path, target: str) -> None:
    """Print the JSON Schema (2020-12) of the front matter or of _sources.yaml."""
    from generator.content.jsonschema import front_matter_schema, registry_schema

    config = _site_config_or_defaults(site.resolve())
    schema = front_matter_schema(config) if target == "front-matter" else registry_schema(config)
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))


@main.command("new")
@site_option
@click.argument("title")
def new_command(site: Path, title: str) -> None:
    """Start a new briefing, as a draft, in briefings/<slug>.md."""
    from generator.content.yamldoc import CONTROL_CHARACTER
    from generator.scaffold import scaffold_text, slug_from_title, today

    root = site.resolve()
    config = _site_config_or_exit(root)
    control = CONTROL_CHARACTER.search(title)
    if control is not None:  # the build would refuse the file
        click.echo(f"brief: the title holds the control character U+{ord(control[0]):04X}", err=True)
        sys.exit(EXIT_USAGE)
    slug = slug_from_title(title)
    if not slug:
        click.echo(f"brief: cannot make a file name from the title {title!r}", err=True)
        sys.exit(EXIT_USAGE)
    path = config.briefings_dir / f"{slug}.md"
    if path.exists() or path.is_symlink():
        click.echo(f"brief: {display_path(path)} already exists; not overwriting it", err=True)
        sys.exit(EXIT_USAGE)
    _refuse_a_slug_in_use(config, slug, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = scaffold_text(title, slug, today())
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    click.echo(f"Created {display_path(path)} (a draft: build it with brief build --drafts)")


def _refuse_a_slug_in_use(config: SiteConfig, slug: str, path: Path) -> None:
    """Exit 2 when a briefing, in any subfolder, takes `slug` already: as its file name's
    slug, its `slug:` or an alias, the new one would fail the next build."""
    from generator.content.names import slug_from_path, slugs_in_use

    use = slugs_in_use(config).get(slug.casefold())
    if use is None:
        return
    taken = f"is already taken by {display_path(use.path)}"
    if use.how == "alias":
        taken += ", as one of its aliases:"
    elif slug_from_path(use.path) != slug:
        taken += f", whose front matter sets slug: {slug}"
    click.echo(
        f"brief: cannot create {display_path(path)}: its slug '{slug}' {taken}\n"
        "  hint: give the new briefing another title (you can change its title: in the file afterwards)",
        err=True,
    )
    sys.exit(EXIT_USAGE)


@main.command("serve")
@site_option
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--drafts", is_flag=True, help="Show drafts too.")
def serve_command(site: Path, port: int, host: str, drafts: bool) -> None:
    """Preview the site: rebuild on every save and reload open pages."""
    from generator.server import PreviewServer, describe, listening_address

    root = site.resolve()
    _site_config_or_exit(root)
    host = listening_address(host)
    if not host:
        raise click.BadParameter("give an address to listen on, such as 127.0.0.1", param_hint="'--host'")
    try:
        preview = PreviewServer(root, drafts=drafts, host=host, port=port)
    except OSError as error:
        click.echo(f"brief: cannot listen on {host}:{port}: {error.strerror}", err=True)
        sys.exit(EXIT_USAGE)
    if not preview.loopback_only:
        click.echo(
            f"brief: warning: serving on {host}; anyone who can reach this machine can read drafts", err=True
        )

    def report(result: BuildResult) -> None:
        _print_diagnostics(result, verbose=False)
        click.echo(describe(result), err=True)

    report(_run(preview.rebuild))
    preview.start()
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(
        f"Serving {display_path(root)} at http://{shown_host}:{preview.port}/ (Ctrl-C to stop)", err=True
    )
    try:
        preview.watch(report, rebuild=lambda: _run(preview.rebuild))
    except KeyboardInterrupt:
        pass
    except OSError as error:  # the folder went away, or the system's limit of watches
        reason = error.strerror or str(error).split(" (Error {")[0]  # watchfiles adds Rust's details
        click.echo(f"brief: cannot watch {display_path(root)} for changes: {reason}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        preview.stop()
    click.echo("Stopped.", err=True)
