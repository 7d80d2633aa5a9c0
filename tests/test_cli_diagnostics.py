"""What an analyst and CI see when briefings are wrong: messages, positions, exit codes."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Site, briefing
from tests.html_text import parse_html

GOOD = briefing(
    title="Good",
    extra="""
    sources:
      toi:
        title: A report
        reliability: B
    claims:
      c1:
        statement: Something happened.
        sources: [toi]
    """,
    body="It happened [@toi].\n",
)


def _bad_citation_on_body_line_12() -> str:
    # Front matter takes lines 1-7; the body starts on line 8; the citation is on line 12.
    return briefing(
        title="Bad citation",
        extra="""
        sources:
          toi: {title: A report, reliability: B}
        """,
        body="Line 8 [@toi].\n\nLine 10.\n\nLine 12 cites [@no-such-source] here.\n",
    )


def _write_broken_site(site: Site) -> None:
    site.write("briefings/good.md", GOOD)
    site.write("briefings/bad-citation.md", _bad_citation_on_body_line_12())
    site.write(
        "briefings/bad-grade.md",
        briefing(title="Grade", extra="sources:\n  x:\n    title: X\n    reliability: G\n", body="[@x]\n"),
    )
    site.write("briefings/duplicate-key.md", "---\ntitle: One\ndate: 2025-01-01\ntitle: Two\n---\nBody\n")
    site.write("briefings/unknown-key.md", "---\ntitle: One\ndate: 2025-01-01\nsummery: typo\n---\nBody\n")
    site.write("briefings/unclosed.md", "---\ntitle: One\ndate: 2025-01-01\n\nBody\n")
    site.write_bytes("briefings/not-utf8.md", b"---\ntitle: Caf\xe9\ndate: 2025-01-01\n---\nBody\n")


def test_all_errors_are_reported_in_one_run_each_at_its_line(site: Site) -> None:
    _write_broken_site(site)
    result = site.brief("build")
    assert result.exit_code == 1
    err = result.stderr
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert any(
        line.startswith("briefings/bad-citation.md:12:16: error:") and "no-such-source" in line
        for line in lines
    ), err
    assert any(
        line.startswith("briefings/bad-grade.md:8:18: error: 'G' is not a reliability grade")
        for line in lines
    ), err
    assert any(
        line.startswith("briefings/duplicate-key.md:4:1: error: duplicate key 'title'") for line in lines
    ), err
    assert any(
        line.startswith("briefings/unknown-key.md:4:1: error: unknown key 'summery'") for line in lines
    ), err
    assert "  hint: did you mean 'summary'?" in err
    assert any(
        line.startswith("briefings/unclosed.md:1:1: error: the front matter is not closed") for line in lines
    ), err
    assert any(
        line.startswith("briefings/not-utf8.md:2:11: error: the file is not valid UTF-8") for line in lines
    ), err
    assert "good.md" not in err
    assert not (site.root / "_site").exists()


def test_diagnostics_are_sorted_by_path_and_line(site: Site) -> None:
    _write_broken_site(site)
    result = site.brief("check")
    located = [line.split(": ")[0] for line in result.stderr.splitlines() if line.startswith("briefings/")]
    keys = [(loc.split(":")[0], int(loc.split(":")[1])) for loc in located]
    assert keys == sorted(keys)


def test_check_json_is_a_stable_list(site: Site) -> None:
    _write_broken_site(site)
    result = site.brief("check", "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    assert {"path", "line", "col", "severity", "code", "message", "hint"} <= set(findings[0])
    assert any(f["path"] == "briefings/bad-citation.md" and f["line"] == 12 for f in findings)


def test_check_json_stays_json_when_a_date_library_talks(site: Site) -> None:
    # The EDTF package prints "trying to PartialUnspecified.__init__(...)" for some forms;
    # in its own process (as CI runs it), stdout must hold the JSON alone.
    site.write("briefings/a.md", briefing(extra="timeline:\n  - {date: 2025-1X, title: t}\n"))
    result = _run_brief(site, "check", "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert [f["message"] for f in findings] == ["'2025-1X' is not a valid EDTF date"]


def test_check_github_annotations(site: Site) -> None:
    _write_broken_site(site)
    result = site.brief("check", "--format", "github")
    assert result.exit_code == 1
    assert "::error file=briefings/bad-citation.md,line=12,col=16," in result.stdout


def _run_brief(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in its own process, its output read through pipes."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_the_command_in_its_own_process_says_everything_and_exits_with_its_code(site: Site) -> None:
    """`brief build` and `brief check` end without freeing their data (`generator.fastexit`):
    what they print through a pipe must still arrive whole, with the right exit code."""
    site.write("briefings/good.md", GOOD)
    built = _run_brief(site, "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built _site: 1 briefing, 1 claim, 1 source, 0 warnings, 0 errors")
    assert _run_brief(site, "build").stdout.startswith("Up to date: _site")
    _write_broken_site(site)
    failed = _run_brief(site, "build")
    assert failed.returncode == 1
    assert "briefings/bad-citation.md:12:16: error:" in failed.stderr
    last_line = failed.stderr.rstrip().splitlines()[-1]
    assert last_line.startswith("Build failed; the output folder was not changed")
    checked = _run_brief(site, "check", "--format", "json")
    assert checked.returncode == 1
    assert len(json.loads(checked.stdout)) >= 6
    assert _run_brief(site, "build", "--publish-up-to", "NO-SUCH-MARKING").returncode == 2


def test_good_site_builds_with_exit_0(site: Site) -> None:
    site.write("briefings/good.md", GOOD)
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "Built _site: 1 briefing, 1 claim, 1 source" in result.stdout
    assert (site.root / "_site" / "briefings" / "good" / "index.html").is_file()


def test_missing_site_yaml_is_a_usage_error(site: Site) -> None:
    (site.root / "site.yaml").unlink()
    result = site.brief("build")
    assert result.exit_code == 2
    assert "no site.yaml" in result.stderr


def test_bad_site_yaml_is_a_usage_error(site: Site) -> None:
    site.write("site.yaml", "title: X\noutptu: out\n")
    result = site.brief("build")
    assert result.exit_code == 2
    assert "site.yaml:2:1: error: unknown key 'outptu'" in result.stderr
    assert "did you mean 'output'?" in result.stderr


def test_every_problem_of_site_yaml_has_the_code_config(site: Site) -> None:
    # docs/diagnostics.md: `config` is site.yaml's unknown keys and bad values, `schema` the
    # front matter's; CI that sorts findings by code must not take one for the other.
    site.write("site.yaml", "title: X\noutptu: out\nhtml: raw\nfindings: {single-sorce: off}\n")
    result = site.brief("check", "--format", "json")
    assert result.exit_code == 2
    found = [(f["line"], f["code"], f["message"]) for f in json.loads(result.stdout)]
    assert found == [
        (2, "config", "unknown key 'outptu'"),
        (3, "config", "'raw' is not a valid 'html'"),
        (4, "config", "unknown finding 'single-sorce'"),
    ]


def test_unknown_option_is_a_usage_error(site: Site) -> None:
    assert site.brief("build", "--no-such-option").exit_code == 2


def test_warnings_fail_only_under_strict(site: Site) -> None:
    site.write("briefings/a.md", briefing(summary="x", extra="claims:\n  c:\n    statement: Unsourced.\n"))
    assert site.brief("build").exit_code == 0
    strict = site.brief("build", "--strict", "--out", "strict-out")
    assert strict.exit_code == 1
    assert "citation needed" in strict.stderr
    assert not (site.root / "strict-out").exists()


def test_a_strict_build_failing_on_warnings_says_so_also_when_up_to_date(site: Site) -> None:
    site.write("briefings/a.md", briefing(summary="x", extra="claims:\n  c:\n    statement: Unsourced.\n"))
    assert site.brief("build").exit_code == 0
    warning = "briefings/a.md:6:3: warning: claim 'c': citation needed. No source supports this claim."
    for up_to_date in (True, False):
        if not up_to_date:
            site.write("briefings/a.md", (site.root / "briefings/a.md").read_text() + "More.\n")
        strict = site.brief("build", "--strict")
        assert strict.exit_code == 1
        assert strict.stdout == ""
        assert warning in strict.stderr
        since = "nothing changed since the last build; " if up_to_date else ""
        assert strict.stderr.splitlines()[-1].startswith(
            f"Build failed under --strict, on the warnings above ({since}the output folder was not changed): "
            "1 briefing, 1 claim, 0 sources, 1 warning, 0 errors, "
        )
        assert "Up to date" not in strict.output
    checked = site.brief("check", "--strict")
    assert checked.exit_code == 1
    assert warning in checked.stderr
    assert "Check failed under --strict, on the warnings above: " in checked.stderr.splitlines()[-1]


def test_the_summary_counts_what_a_build_publishes_and_what_check_checked(site: Site) -> None:
    site.write("briefings/live.md", GOOD)
    withdrawn = """
    status: withdrawn
    sources:
      s2: {title: Two, reliability: B}
      s3: {title: Three, reliability: C}
    claims:
      c2: {statement: Wrong., sources: [s2, s3]}
    """
    site.write("briefings/gone.md", briefing(title="Gone", summary="Wrong.", extra=withdrawn))
    site.write("briefings/draft.md", briefing(title="Draft", extra="status: draft\n"))
    built = site.brief("build")
    assert built.exit_code == 0, built.output
    counts = "1 briefing, 1 withdrawal notice, 1 claim, 1 source, 0 warnings, 0 errors, "
    assert built.stdout.startswith(f"Built _site: {counts}")
    assert site.brief("build").stdout.startswith(
        f"Up to date: _site (nothing changed since the last build): {counts}"
    )
    checked = site.brief("check")
    assert checked.exit_code == 0
    assert checked.stderr.startswith(
        "Checked: 3 briefings (drafts included), 2 claims, 3 sources, 0 warnings, 0 errors, "
    )
    # A file with errors was checked too, and is counted.
    site.write("briefings/broken.md", briefing(title="Broken", body="Cites [@nowhere].\n"))
    checked = site.brief("check")
    assert checked.exit_code == 1
    assert (
        "Checked: 4 briefings (drafts included), 2 claims, 3 sources, 0 warnings, 1 error, " in checked.stderr
    )


def test_unknown_id_messages_suggest_the_near_miss(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(extra="sources:\n  reuters:\n    title: R\n", body="As reported [@reuter].\n"),
    )
    result = site.brief("check")
    assert "citation of unknown id 'reuter'" in result.stderr
    assert "did you mean 'reuters'?" in result.stderr


def test_an_id_with_letters_outside_a_z_is_reported_whole_not_cut_at_the_first(site: Site) -> None:
    # `[@tói]` was read as a citation of `t` followed by the text `ói`, and `[@ключ]` as no
    # citation at all, shown as text with no message.
    site.write(
        "briefings/a.md",
        briefing(extra="sources:\n  toi: {title: T}\n", body="Cited [@tói] and [see @ключ, p. 2; @toi].\n"),
    )
    result = site.brief("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:4] == [
        "briefings/a.md:8:8: error: citation of unknown id 'tói'",
        "  hint: did you mean 'toi'?",
        "briefings/a.md:8:23: error: citation of unknown id 'ключ'",
        "  hint: ids use lowercase letters a-z, digits and hyphens: cite the id as it is declared",
    ]


def test_an_id_ending_in_a_hyphen_can_be_cited(site: Site) -> None:
    # Ids are `[a-z0-9][a-z0-9-]*`: `x-` is one, and `[@x-]` cites it, not `x`.
    site.write(
        "briefings/a.md",
        briefing(extra="sources:\n  x-:\n    title: X\n", body="As reported [@x-].\n"),
    )
    result = site.brief("check")
    assert result.exit_code == 0, result.stderr
    assert "unknown id" not in result.stderr
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    assert [a.attrs["href"] for a in page.find_all("a", class_="preview-link")] == ["#src-x-"]


def test_schema_errors_are_at_the_value(site: Site) -> None:
    site.write(
        "briefings/a.md",
        "---\ntitle: 1984\ndate: next spring\ntags: india\nstatus: live\n"
        "sources:\n  Bad Id:\n    title: x\n  ok:\n    url: javascript:alert(1)\n"
        "claims:\n  c:\n    statement: s\n    confidence: huge\n---\nBody\n",
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:2:8: error: 'title' must be text, not a number (1984)" in err
    assert "briefings/a.md:3:7: error: expected a date (YYYY-MM-DD), not 'next spring'" in err
    assert "briefings/a.md:4:7: error: 'tags' must be a list, not text" in err
    assert "briefings/a.md:5:9: error: 'live' is not a valid 'status'" in err
    assert "briefings/a.md:7:3: error: 'Bad Id' is not a valid id" in err
    assert "for example 'bad-id'" in err
    assert "briefings/a.md:10:10: error: 'javascript:alert(1)' is not an http or https URL" in err
    assert "briefings/a.md:14:17: error: 'huge' is not a valid 'confidence' of claim 'c'" in err


def test_a_citation_in_a_plain_text_field_is_warned_where_it_is_written(site: Site) -> None:
    # The summary, statements, notes and corrections are plain text: a [@id] there is shown
    # as written, so the analyst is told where it is instead of finding it on the page: at
    # its bracket (it was the start of the value).
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-02\nsummary: Talks resumed [@s1].\n"
        "sources:\n  s1: {title: One, note: 'Repeats [@s2]'}\n  s2: {title: Two}\n"
        "claims:\n  c1: {statement: 'Talks resumed [@s1; @s2].', sources: [s1]}\n"
        "corrections:\n  - {date: 2025-01-03, text: 'Fixed per [see @s2]'}\n"
        "---\nText [@s1] [@s2].\n",
    )
    result = site.brief("check")
    assert result.exit_code == 0
    err = result.stderr
    assert "briefings/a.md:4:24: warning: the citation '[@s1]' is shown as text here, not as a badge" in err
    assert "briefings/a.md:6:35: warning: the citation '[@s2]' is shown as text here" in err
    assert "briefings/a.md:9:34: warning: the citation '[@s1; @s2]' is shown as text here" in err
    assert "briefings/a.md:11:41: warning: the citation '[see @s2]' is shown as text here" in err
    assert err.count(": warning: ") == 4, err


def test_a_citation_in_an_event_title_is_warned_where_it_is_written(site: Site) -> None:
    # An event's title is plain text too (its description is inline Markdown, warned of by
    # its own check): the citation is shown as written, never as a badge.
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-02\nsources:\n  s1: {title: One}\ntimeline:\n"
        "  - date: 2025-01-01\n    title: Talks resumed [@s1]\n    sources: [s1]\n"
        "---\nText [@s1].\n",
    )
    result = site.brief("build")
    assert result.exit_code == 0
    assert result.stderr.count(": warning: the citation") == 1, result.stderr
    assert (
        "briefings/a.md:8:26: warning: the citation '[@s1]' is shown as text here, not as a badge\n"
        "  hint: list the event's sources under its sources:"
    ) in result.stderr
    assert "Talks resumed [@s1]" in site.page("a")


def test_citations_in_a_long_plain_text_field_are_warned_each_where_it_is(site: Site) -> None:
    # Each at its own line and column in a value of several lines, the same citation twice
    # at its two places, an id in another script too; one split across two lines of a folded
    # value (its text is not on one line of the file) at the start of the value.
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-02\nsummary: >\n  Talks resumed [@s1], then\n"
        "  stalled [@s1] and [@ключ].\nsources:\n  s1: {title: One}\nclaims:\n  c1:\n"
        "    statement: Talks resumed [@s1;\n      @s1].\n    sources: [s1]\n"
        "---\nText [@s1].\n",
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:5:17: warning: the citation '[@s1]' is shown as text here" in err
    assert "briefings/a.md:6:11: warning: the citation '[@s1]' is shown as text here" in err
    assert "briefings/a.md:6:21: warning: the citation '[@ключ]' is shown as text here" in err
    assert "briefings/a.md:11:16: warning: the citation '[@s1; @s1]' is shown as text here" in err
    assert err.count(": warning: ") == 4, err


def test_a_markdown_file_not_named_md_is_warned_of_not_ignored(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    site.write("briefings/Foo.MD", briefing())
    site.write("briefings/sub/bar.markdown", briefing())
    site.write("briefings/notes.txt", "not a briefing")
    result = site.brief("build")
    assert result.exit_code == 0
    err = result.stderr
    assert (
        "briefings/Foo.MD:1:1: warning: this file is not read: briefings are the files whose names end in .md"
        in err
    )
    assert "hint: rename it to Foo.md" in err
    assert "briefings/sub/bar.markdown:1:1: warning: this file is not read" in err
    assert "notes.txt" not in err


def test_a_source_url_must_name_a_host(site: Site) -> None:
    site.write("briefings/a.md", briefing(extra="sources:\n  s:\n    title: S\n    url: https://\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:8:10: error: 'https://' names no host" in err, err


def test_claim_source_must_exist_and_be_a_source(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            extra="claims:\n  c1:\n    statement: s\n    sources: [c2, nope]\n  c2:\n    statement: t\n"
        ),
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:8:15: error: claim 'c1' cites 'c2', which is a claim, not a source" in err
    assert "briefings/a.md:8:19: error: claim 'c1' cites unknown source 'nope'" in err


def test_references_are_checked_even_when_the_front_matter_has_schema_errors(site: Site) -> None:
    # One run reports everything: a bad date in one event must not hide the unknown ids of
    # the others, nor those of claims and sources.
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-01\n"
        "sources:\n  s1: {title: S, derived_from: [s0]}\n"
        "claims:\n  c1: {statement: C, sources: [s1, {id: s9}, c2]}\n  c2: {statement: D}\n"
        "timeline:\n  - {date: 2025, title: Refs, claims: [nope], sources: [nada]}\n"
        "  - {date: next spring, title: Bad}\n"
        "---\nBody [@c1] [@s1] [@ghost].\n",
    )
    result = site.brief("build")
    assert result.exit_code == 1
    err = result.stderr
    assert "briefings/a.md:11:12: error: 'next spring' is not a valid EDTF date" in err
    assert "briefings/a.md:5:33: error: source 's1' derives from unknown source 's0'" in err
    assert "briefings/a.md:7:36: error: claim 'c1' cites unknown source 's9'" in err
    assert "briefings/a.md:7:46: error: claim 'c1' cites 'c2', which is a claim, not a source" in err
    assert "briefings/a.md:10:40: error: event 'Refs' refers to unknown claim 'nope'" in err
    assert "briefings/a.md:10:57: error: event 'Refs' cites unknown source 'nada'" in err
    assert "briefings/a.md:13:19: error: citation of unknown id 'ghost'" in err
    assert err.count(": error: ") == 7, err


def test_a_source_that_derives_from_itself_is_an_error_but_a_loop_of_two_is_circular(site: Site) -> None:
    site.write(
        "briefings/_sources.yaml",
        "r1: {title: R1, reliability: B, derived_from: [r1]}\n"
        "r2: {title: R2, reliability: B, derived_from: [r3]}\n"
        "r3: {title: R3, reliability: B, derived_from: [r2]}\n",
    )
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-01\nsummary: S.\n"
        "sources:\n  s1: {title: S, reliability: B, derived_from: [r2, s1]}\n---\nBody [@s1].\n",
    )
    site.write(
        "briefings/b.md",
        "---\ntitle: B\ndate: 2025-01-01\nsummary: S.\n"
        "claims:\n  c1: {statement: C, sources: [r2, r3]}\n---\nBody [@c1].\n",
    )
    result = site.brief("check")
    assert result.exit_code == 1
    assert result.stderr.count(": error: ") == 2, result.stderr
    assert "briefings/_sources.yaml:1:48: error: source 'r1' derives from itself" in result.stderr
    assert "briefings/a.md:6:53: error: source 's1' derives from itself" in result.stderr
    # R2 and R3 repeat each other: one origin, as in circular reporting, and not an error.
    assert "briefings/b.md:6:3: warning: claim 'c1'" in result.stderr
    assert "circular" in result.stderr


def test_an_unknown_id_among_several_in_one_bracket_is_reported_at_that_id(site: Site) -> None:
    # `[@s1; @nope]`: the analyst is pointed at `@nope`, not at the bracket, also when the
    # bracket is broken over lines of an indented list item or of a quote.
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-01\nsources:\n  s1: {title: S}\n---\n"
        "Text [@s1; @nope; @s1, p. 3] and [see @zz].\n\n"
        "- An item citing [@s1;\n  @ww] over two lines.\n\n"
        "> Quoted [see\n> @vv, p. 2]\n",
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:7:12: error: citation of unknown id 'nope'" in err
    assert "briefings/a.md:7:39: error: citation of unknown id 'zz'" in err
    assert "briefings/a.md:10:3: error: citation of unknown id 'ww'" in err
    assert "briefings/a.md:13:3: error: citation of unknown id 'vv'" in err
    assert err.count(": error: ") == 4, err


def test_duplicate_keys_and_control_characters_are_reported_with_the_other_errors(site: Site) -> None:
    # One run, not one per duplicate: the first of each key is kept and the file checked on.
    site.write(
        "briefings/a.md",
        '---\ntitle: A\ndate: 2025-01-01\nsummary: "Form\\ffeed"\n'
        "sources:\n  b: {title: B}\n  b: {title: B again}\n"
        "claims:\n  k: {statement: K, sources: [b]}\n  k: {statement: K2}\n"
        "---\nText [@zz] [@b].\n",
    )
    result = site.brief("build")
    assert result.exit_code == 1
    err = result.stderr
    assert "briefings/a.md:4:10: error: the text holds the control character U+000C" in err
    assert "briefings/a.md:7:3: error: duplicate key 'b' (first defined at line 6)" in err
    assert "briefings/a.md:10:3: error: duplicate key 'k' (first defined at line 9)" in err
    assert "briefings/a.md:12:7: error: citation of unknown id 'zz'" in err
    assert err.count(": error: ") == 4, err


def test_a_control_character_written_as_is_is_reported_at_its_line_and_column(site: Site) -> None:
    # YAML refuses it before parsing, and libyaml counts its offset in UTF-8 bytes: the
    # column is still in characters, after the accents and Cyrillic before it.
    site.write_bytes(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-01\nsummary: Café Ж \x07 bell\n---\nText.\n".encode(),
    )
    site.write_bytes("site.yaml", b"title: Test \x1b site\n")
    result = site.brief("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("site.yaml:1:13: error: the text holds the control character U+001B\n")
    site.write("site.yaml", "title: Test site\n")
    result = site.brief("check")
    assert result.exit_code == 1
    first_line = result.stderr.splitlines()[0]
    assert first_line == "briefings/a.md:4:17: error: the text holds the control character U+0007"
    assert "unicode string" not in result.stderr


def test_a_year_with_a_leading_zero_is_that_year_not_octal(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            extra="sources:\n  y: {title: Y, published: 0700}\ntimeline:\n  - {date: 0700, title: Old}\n"
        ),
    )
    assert site.brief("build").exit_code == 0
    html = site.page("a")
    assert html.count('<time datetime="0700">700</time>') == 2 and "448" not in html


def test_every_diagnostic_has_a_documented_code(site: Site) -> None:
    # docs/diagnostics.md lists the codes of `--format json`; a bad tag or a file name that
    # makes no slug must say which kind of problem it is, not the catch-all "error".
    site.write("briefings/a.md", briefing(extra="tags: ['+++', \"a\\u200bb\"]\n"))
    site.write("briefings/+++.md", briefing())
    findings = json.loads(site.brief("check", "--format", "json").stdout)
    codes = sorted((f["path"], f["code"]) for f in findings)
    assert codes == [("briefings/+++.md", "slug"), ("briefings/a.md", "tag"), ("briefings/a.md", "tag")], (
        findings
    )
    documented = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert all(f"`{f['code']}`" in documented for f in findings)


def _codes_given_in_the_generator() -> set[str]:
    """The codes the generator's source gives its diagnostics: the last argument (or `code=`)
    of each `Diagnostic(...)`, `.error(...)` and `.warning(...)`, written as a literal, an
    `a if … else b` of literals, or a module constant (a text, or a tuple that ends in one)."""
    codes: set[str] = set()
    for path in (REPO / "generator").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in ("Diagnostic", "error", "warning"):
                continue
            given = [k.value for k in node.keywords if k.arg == "code"] or node.args[-1:]
            values = list(given)
            while values:
                value = values.pop()
                if isinstance(value, ast.Starred | ast.Name):
                    name_node = value.value if isinstance(value, ast.Starred) else value
                    if isinstance(name_node, ast.Name) and name_node.id in constants:
                        values.append(constants[name_node.id])
                elif isinstance(value, ast.Tuple) and value.elts:
                    values.append(value.elts[-1])
                elif isinstance(value, ast.IfExp):
                    values += [value.body, value.orelse]
                elif isinstance(value, ast.Constant) and re.fullmatch(r"[a-z]+(-[a-z]+)*", str(value.value)):
                    codes.add(str(value.value))  # a code, not a message or a hint
    return codes


def test_docs_list_every_diagnostic_code_of_the_generator_and_no_other() -> None:
    # A code added to the generator must be documented, and one taken out must go from the docs.
    from generator.config import DEFAULT_FINDINGS

    in_code = _codes_given_in_the_generator()
    assert {"config", "yaml", "derived-from", "search", "citation", "excluded"} <= in_code, in_code
    doc = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    table = doc.split("\nCodes:\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE))
    findings_row = next(line for line in table.splitlines() if line.startswith("| a finding name |"))
    assert set(re.findall(r"`([a-z-]+)`", findings_row)) == set(DEFAULT_FINDINGS)
    assert in_code - set(DEFAULT_FINDINGS) == documented


def test_marking_tags_and_grades_are_checked_even_when_the_front_matter_has_schema_errors(site: Site) -> None:
    # A bad 'kind' must not hide the same entry's bad grade, nor the marking or the tags.
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-01-01\nmarking: TLP:BLUE\ntags: [x, '+++']\n"
        "sources:\n  a: {title: A, reliability: G, kind: rumour}\n"
        "claims:\n  c: {statement: S, credibility: 9, confidence: sure, sources: [{id: a, credibility: 0}]}\n"
        "---\nText [@a].\n",
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:4:10: error: 'TLP:BLUE' is not one of the site's markings" in err
    assert "briefings/a.md:5:11: error: the tag '+++' has no letters or digits to make a URL from" in err
    assert "briefings/a.md:7:30: error: 'G' is not a reliability grade" in err
    assert "briefings/a.md:7:39: error: 'rumour' is not a valid 'kind' of source 'a'" in err
    assert "briefings/a.md:9:34: error: '9' is not a credibility grade" in err
    assert "briefings/a.md:9:49: error: 'sure' is not a valid 'confidence' of claim 'c'" in err
    assert "briefings/a.md:9:86: error: '0' is not a credibility grade" in err
    assert err.count(": error: ") == 7, err


def test_duplicate_slugs(site: Site) -> None:
    site.write("briefings/a.md", briefing())
    site.write("briefings/sub/a.md", briefing())
    err = site.brief("check").stderr
    assert "briefings/sub/a.md:1:1: error: the slug 'a' is already used by" in err


def test_a_file_with_errors_still_has_its_slug_checked_in_the_same_run(site: Site) -> None:
    # A slug clash came only once the file's other errors were fixed: one more run.
    site.write("briefings/a.md", briefing())
    site.write("briefings/b.md", briefing(extra="slug: a\nkind: bogus\n", body="Cites [@nope].\n"))
    site.write("briefings/sub/a.md", briefing(date="bad"))
    err = site.brief("check").stderr
    assert "briefings/b.md:5:7: error: the slug 'a' is already used by briefings/a.md" in err, err
    assert "briefings/b.md:6:1: error: unknown key 'kind'" in err
    assert "briefings/sub/a.md:1:1: error: the slug 'a' is already used by briefings/a.md" in err
    assert "briefings/sub/a.md:3:7: error: expected a date (YYYY-MM-DD), not 'bad'" in err


def test_a_slug_set_in_the_front_matter_is_the_one_reported_at_its_line(site: Site) -> None:
    # a.md sets slug: b, which b.md has from its file name: a.md is told, at its slug: line.
    site.write("briefings/a.md", briefing(extra="slug: b\n"))
    site.write("briefings/b.md", briefing())
    err = site.brief("check").stderr
    assert "briefings/a.md:5:7: error: the slug 'b' is already used by briefings/b.md" in err, err
    assert err.count(": error: ") == 1


def test_registry_collision_says_which_to_rename(site: Site) -> None:
    site.write("briefings/_sources.yaml", "toi:\n  title: Shared\n  reliability: B\n")
    site.write("briefings/a.md", briefing(extra="sources:\n  toi:\n    title: Local\n", body="[@toi]\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:6:3: error: source 'toi' is also declared in briefings/_sources.yaml" in err


def test_errors_in_the_registry_have_positions(site: Site) -> None:
    site.write("briefings/_sources.yaml", "toi:\n  title: Shared\n  reliabilty: B\n")
    err = site.brief("check").stderr
    assert "briefings/_sources.yaml:3:3: error: unknown key 'reliabilty'" in err
    assert "did you mean 'reliability'?" in err


def test_yaml_tags_are_refused_with_a_diagnostic(site: Site) -> None:
    site.write(
        "briefings/a.md",
        "---\ntitle: !!python/object/apply:os.system ['touch pwned']\ndate: 2025-01-01\n---\n",
    )
    result = site.brief("check")
    assert result.exit_code == 1
    assert "briefings/a.md:2:8: error: the YAML tag" in result.stderr
    assert not (site.root / "pwned").exists()


def test_front_matter_that_is_not_a_mapping(site: Site) -> None:
    site.write("briefings/a.md", "---\n- just\n- a list\n---\n")
    err = site.brief("check").stderr
    assert "briefings/a.md:2:1: error: the front matter must be a mapping" in err


def test_drafts_are_checked_but_not_built(site: Site) -> None:
    site.write("briefings/d.md", briefing(extra="status: draft", body="[@missing]\n"))
    site.write("briefings/ok.md", briefing())
    assert site.brief("check").exit_code == 1
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert not (site.root / "_site" / "briefings" / "d").exists()
    assert site.brief("build", "--drafts").exit_code == 1


def test_missing_required_keys_point_at_the_opening_fence(site: Site) -> None:
    site.write("briefings/a.md", "---\nsummary: s\n---\nBody\n")
    err = site.brief("check").stderr
    assert "briefings/a.md:1:1: error: missing required key 'title'" in err
    assert "briefings/a.md:1:1: error: missing required key 'date'" in err


def test_missing_key_of_a_source_points_at_the_source(site: Site) -> None:
    site.write("briefings/a.md", briefing(extra="sources:\n  s:\n    kind: named\n", body="[@s]\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:6:3: error: a source needs a title or a publisher" in err


def test_an_unquoted_off_turns_a_finding_off(site: Site) -> None:
    site.write("site.yaml", "title: T\nfindings:\n  unsourced: off\n")
    site.write("briefings/a.md", briefing(extra="claims:\n  c:\n    statement: Unsourced.\n"))
    result = site.brief("check", "--strict")
    assert result.exit_code == 0, result.output


def test_an_entry_with_errors_in_the_registry_leaves_the_others_usable(site: Site) -> None:
    site.write(
        "briefings/_sources.yaml",
        "reuters: {title: Reuters wire, reliability: A}\nafp:\n  title: AFP wire\n  reliabilty: B\n",
    )
    site.write(
        "briefings/good.md",
        briefing(extra="claims:\n  c: {statement: S, sources: [reuters]}\n", body="As [@reuters] said.\n"),
    )
    site.write(
        "briefings/uses-afp.md",
        briefing(extra="claims:\n  c: {statement: S, sources: [afp]}\n", body="As [@afp] said.\n"),
    )
    err = site.brief("build").stderr
    assert "briefings/_sources.yaml:4:3: error: unknown key 'reliabilty' in 'afp'" in err
    # Nothing is said of the briefing that uses only the valid entry.
    assert "good.md" not in err
    whose = "whose entry in briefings/_sources.yaml has errors"
    assert f"briefings/uses-afp.md:6:31: error: claim 'c' cites 'afp', {whose}" in err
    assert f"briefings/uses-afp.md:8:5: error: citation of 'afp', {whose}" in err
    assert err.count(": error: ") == 3, err


def test_a_front_matter_with_schema_errors_still_has_its_grades_and_ids_checked(site: Site) -> None:
    site.write("briefings/_sources.yaml", "reuters: {title: Reuters wire, reliability: A}\n")
    site.write(
        "briefings/bad.md",
        "---\ntitle: Bad\ndate: 2025-01-01\nsummery: s\nsources:\n  x: {title: X, reliability: G}\n"
        "  reuters: {title: R}\nclaims:\n"
        "  c: {statement: S, sources: [{id: x, credibility: 7}], credibility: 9}\n"
        "---\nAs [@x] said.\n",
    )
    err = site.brief("build").stderr
    assert "briefings/bad.md:4:1: error: unknown key 'summery'" in err
    assert "briefings/bad.md:6:30: error: 'G' is not a reliability grade" in err
    assert "briefings/bad.md:7:3: error: source 'reuters' is also declared in briefings/_sources.yaml" in err
    assert "briefings/bad.md:9:52: error: '7' is not a credibility grade" in err
    assert "briefings/bad.md:9:70: error: '9' is not a credibility grade" in err
    assert err.count(": error: ") == 5, err


def test_every_error_of_site_yaml_is_reported_at_once_in_order_of_lines(site: Site) -> None:
    site.write(
        "site.yaml",
        "title: 5\nbase_url: ftp://x\nfindings:\n  no-such: off\n  single-source: maybe\nscales: 3\n",
    )
    result = site.brief("build")
    assert result.exit_code == 2
    located = [line.split(": error: ")[0] for line in result.stderr.splitlines() if ": error: " in line]
    assert located == ["site.yaml:1:8", "site.yaml:2:11", "site.yaml:4:3", "site.yaml:5:18", "site.yaml:6:9"]
    assert "site.yaml:4:3: error: unknown finding 'no-such'" in result.stderr


def test_bad_scales_and_markings_in_site_yaml_read_as_brief_messages(site: Site) -> None:
    # Not pydantic's words ("Input should be greater than or equal to 0", "String should
    # match pattern '^#[0-9a-fA-F]{3}...'"): what is wrong, in the terms of site.yaml.
    site.write(
        "site.yaml",
        "title: T\nmarkings: []\nscales:\n  reliability:\n    A: {label: A, colour: red}\n"
        "  credibility: {}\n  confidence:\n    high: {label: H, strong_origins: -1}\n"
        "    moderate: {label: M, strong_origins: one}\n    extreme: {label: X}\n",
    )
    result = site.brief("build")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "site.yaml:2:11: error: 'markings' must not be empty",
        "site.yaml:5:27: error: 'red' is not a colour",
        "  hint: write it as #rrggbb or #rgb, for example #1f6feb",
        "site.yaml:6:3: error: 'credibility': a scale needs at least one grade",
        "site.yaml:8:38: error: 'strong_origins' must be 0 or more, not -1",
        "site.yaml:9:42: error: 'strong_origins' must be a whole number, not text",
        "site.yaml:10:5: error: unknown key 'extreme' in 'confidence'",
        "  hint: use one of: low, moderate or high",
    ]


def test_an_empty_title_and_a_marking_listed_twice_are_errors_of_site_yaml(site: Site) -> None:
    # Accepted before: every page's title and header were empty, and a marking listed twice
    # left its place in the order from most to least shareable unclear.
    site.write("site.yaml", 'title: ""\nmarkings: [OPEN, "", INTERNAL, OPEN]\n')
    result = site.brief("build")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "site.yaml:1:8: error: 'title' must not be empty",
        "site.yaml:2:18: error: item 2 of 'markings' must not be empty",
        "site.yaml:2:32: error: the marking 'OPEN' is listed twice",
        "  hint: list each marking once, from most to least shareable (first at item 1)",
    ]


def test_a_misspelt_finding_in_site_yaml_gets_a_did_you_mean(site: Site) -> None:
    site.write("site.yaml", "title: T\nfindings:\n  singel-source: warning\n")
    result = site.brief("build")
    assert result.exit_code == 2
    assert (
        "site.yaml:3:3: error: unknown finding 'singel-source'\n  hint: did you mean 'single-source'?\n"
    ) in result.stderr


def test_an_id_that_yaml_reads_as_yes_is_told_to_be_quoted(site: Site) -> None:
    site.write("briefings/a.md", briefing(extra="claims:\n  c: {statement: S, sources: [{id: yes}]}\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:6:36: error: an id must be text, not a yes/no value (true)" in err
    assert "hint: put the id in quotes, for example 'yes'" in err


def test_an_id_read_as_yes_in_a_claims_short_list_is_told_to_be_quoted(site: Site) -> None:
    # `sources: [yes]` is a list of ids like `[toi]`: the analyst is told of the id, not
    # that a mapping was expected.
    site.write("briefings/a.md", briefing(extra="claims:\n  c: {statement: S, sources: [yes, 12]}\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:6:31: error: an id must be text, not a yes/no value (true)" in err, err
    assert "briefings/a.md:6:36: error: an id must be text, not a number (12)" in err
    assert "mapping" not in err


def test_the_links_of_a_briefing_with_errors_are_checked_in_the_same_run(site: Site) -> None:
    body = "![x](javascript:alert(1))\n\n![y](../../secret)\n\n[z](nope.md)\n"
    site.write("briefings/a.md", briefing(body=body))
    site.write("briefings/b.md", "---\ntitle: B\ndate: 2025-01-01\nsummery: typo\n---\n[z](gone.md)\n")
    site.write("briefings/c.md", "---\ntitle: C\ndate: [unclosed\n---\n[j](javascript:x) [b](b.md)\n")
    site.write("briefings/d.md", briefing(title="D", body="See [c](c.md).\n"))
    for _ in range(2):  # loaded, then from the cache
        err = site.brief("check").stderr
        assert "briefings/c.md:4:1: error: invalid YAML" in err
        assert "briefings/c.md:5:5: warning: 'javascript:' links are not allowed" in err
        # A link to a file with errors of its own adds no error: its own are reported.
        assert "d.md" not in err and "'b.md'" not in err
        assert "briefings/a.md:6:6: error: images must be files in static/" in err
        assert "briefings/a.md:8:6: error: the image '../../secret' points outside static/" in err
        assert "briefings/a.md:10:5: error: link to 'nope.md', which is not a briefing of this site" in err
        assert "briefings/b.md:4:1: error: unknown key 'summery'" in err
        assert "briefings/b.md:6:5: error: link to 'gone.md', which is not a briefing of this site" in err


# Written as YAML escapes in a double-quoted string: a zero-width space, a right-to-left
# override, a bell, and a plain space.
@pytest.mark.parametrize("hidden", ["\\u200b", "\\u202e", "\\a", " "])
def test_a_source_url_with_a_hidden_or_space_character_is_refused(site: Site, hidden: str) -> None:
    """A bidirectional override or a zero-width space can make one address look like another."""
    url = f"https://example.org/re{hidden}port"
    extra = f'sources:\n  s: {{title: S, url: "{url}"}}\n'
    site.write("briefings/a.md", briefing(extra=extra, body="[@s]\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:6:22: error: the URL contains spaces, invisible or control characters" in err


def test_a_javascript_link_written_with_entities_is_reported_at_its_address(site: Site) -> None:
    site.write("briefings/a.md", briefing(body="A [d](&#106;avascript:alert(4)) here.\n"))
    err = site.brief("check").stderr
    assert "briefings/a.md:6:7: warning: 'javascript:' links are not allowed" in err


def test_a_refused_reference_link_is_reported_at_its_definition_wherever_it_is(site: Site) -> None:
    # A definition more than two lines below its use was reported at column 1 of the
    # paragraph, a place with nothing to fix.
    body = "Intro.\nSee [the note][note] here.\n\nMore.\n\nAnd more.\n\n[note]: data:text/html,x\n"
    site.write("briefings/a.md", briefing(body=body))
    err = site.brief("check").stderr
    assert "briefings/a.md:13:9: warning: 'data:' links are not allowed" in err, err


def test_yaml_errors_of_tabs_and_curly_quotes_get_their_hints(site: Site) -> None:
    tab = "---\ntitle: A\ndate: 2025-01-01\nclaims:\n  c:\n\tstatement: x\n---\nB.\n"
    curly = "---\ntitle: \u201cOutlook: a Putin visit\u201d\ndate: 2025-01-01\n---\nB.\n"
    site.write("briefings/tab.md", tab)
    site.write("briefings/curly.md", curly)
    err = site.brief("check").stderr
    assert "briefings/tab.md:6:1: error: invalid YAML" in err
    assert "hint: YAML does not allow tabs for indentation; use spaces" in err
    assert "briefings/curly.md:2:16: error: invalid YAML: mapping values are not allowed" in err
    assert 'hint: curly quotes are not YAML quotes: use straight ones, as title: "Talks: day one"' in err


def test_an_unclosed_quote_or_bracket_is_named_where_it_opens(site: Site) -> None:
    # YAML notices only at the end of the front matter; the analyst must fix the line above.
    site.write("briefings/q.md", '---\ntitle: Q\ndate: 2025-01-01\nsummary: "never closed\n---\nB.\n')
    site.write("briefings/b.md", "---\ntitle: B\ntags: [india, russia\ndate: 2025-01-01\n---\nB.\n")
    err = site.brief("check").stderr
    assert "briefings/q.md:5:1: error: invalid YAML: found unexpected end of stream" in err
    assert "  hint: the quote at line 4, column 10 is not closed" in err
    assert "briefings/b.md:4:5: error: invalid YAML" in err
    assert "  hint: the '[' at line 3, column 7 is not closed" in err


def test_a_registry_that_cannot_be_read_is_one_error_not_one_per_use(site: Site) -> None:
    site.write("briefings/_sources.yaml", "reuters: [unclosed\n")
    body = "As [@reuters] and [@reuters] said.\n"
    claims = "claims:\n  c: {statement: S, sources: [reuters]}\n"
    site.write("briefings/a.md", briefing(extra=claims, body=body))
    for _ in range(2):  # loaded, then from the cache
        result = site.brief("check")
        assert result.exit_code == 1
        assert "briefings/_sources.yaml:2:1: error: invalid YAML" in result.stderr
        assert result.stderr.count(": error: ") == 1, result.stderr
    site.write("briefings/_sources.yaml", "reuters: {title: Reuters, reliability: A}\n")
    assert site.brief("check").exit_code == 0


def test_credibility_on_a_source_and_an_update_before_the_date_are_explained(site: Site) -> None:
    site.write(
        "briefings/a.md",
        "---\ntitle: A\ndate: 2025-08-12\nupdated: 2025-08-01\nsummary: S.\n"
        "sources:\n  s: {title: S, credibility: 2}\n---\n[@s]\n",
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:7:17: error: unknown key 'credibility' in source 's'" in err
    assert "hint: a source has a reliability; a claim gives credibility" in err
    site.write("briefings/a.md", "---\ntitle: A\ndate: 2025-08-12\nupdated: 2025-08-01\nsummary: S.\n---\n")
    err = site.brief("check").stderr
    assert "briefings/a.md:4:10: warning: updated: 2025-08-01 is before the briefing's date (2025-08-12)" in (
        err
    )


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        (
            '"https://q.example/docs?lang=en"',
            "base_url must not have a query (?…): the path of each page is appended to it",
            "give the address the site's pages are under, such as https://q.example/docs",
        ),
        (
            "https://q.example/docs/#top",
            "base_url must not have a fragment (#…): the path of each page is appended to it",
            "give the address the site's pages are under, such as https://q.example/docs/",
        ),
        (
            '"https://q.example/our docs/"',
            "base_url must not contain spaces",
            "write it as https://q.example/our%20docs/",
        ),
        (
            "https://q.example/böcker/",
            "base_url has a path that must be percent-encoded",
            "write it as https://q.example/b%C3%B6cker/",
        ),
        (
            "https://user:secret@q.example/docs/",
            "base_url must not contain a user name or password",
            "give the public address: https://q.example/docs/",
        ),
        (
            "https:///docs/",
            "base_url has no valid host name ('')",
            "for example https://example.org/briefings/",
        ),
    ],
)
def test_a_base_url_that_cannot_prefix_the_sites_urls_is_a_configuration_error(
    site: Site, written: str, message: str, hint: str
) -> None:
    site.write("site.yaml", f"title: T\nbase_url: {written}\n")
    site.write("briefings/good.md", GOOD)
    for command in ("build", "check"):
        result = site.brief(command)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"site.yaml:2:11: error: {message}\n  hint: {hint}\n"
    assert not (site.root / "_site").exists()


def test_a_base_url_option_that_cannot_prefix_the_sites_urls_is_a_usage_error(site: Site) -> None:
    site.write("briefings/good.md", GOOD)
    result = site.brief("build", "--base-url", "https://other.example/a b/?q=1#x")
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for '--base-url': 'https://other.example/a b/?q=1#x' must not have a query (?…)"
        in result.stderr
    )
    assert "  hint: give the address the site's pages are under, such as https://other.example/a%20b/" in (
        result.stderr
    )
    assert not (site.root / "_site").exists()


def test_a_percent_encoded_base_url_is_used_as_written(site: Site) -> None:
    site.write("briefings/good.md", GOOD)
    result = site.brief("build", "--base-url", "https://q.example/b%C3%B6cker/")
    assert result.exit_code == 0, result.output
    sitemap = (site.root / "_site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://q.example/b%C3%B6cker/briefings/good/</loc>" in sitemap
    feed = (site.root / "_site" / "feed.xml").read_text(encoding="utf-8")
    assert 'href="https://q.example/b%C3%B6cker/briefings/good/"' in feed
    assert '<link rel="canonical" href="https://q.example/b%C3%B6cker/briefings/good/">' in site.page("good")


def test_a_site_without_a_briefings_folder_is_warned_of(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    site = Site(tmp_path)
    for command in ("check", "build"):
        result = site.brief(command)
        assert result.exit_code == 0, command
        assert "site.yaml:1:1: warning: there is no briefings/ folder beside site.yaml" in result.stderr
    assert site.brief("build", "--strict").exit_code == 1
    assert site.brief("new", "First one").exit_code == 0
    assert "warning" not in site.brief("build", "--drafts").stderr


def test_a_huge_number_or_long_text_is_quoted_short_in_its_message(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            extra=f"sources:\n  a: {{title: A, reliability: {'9' * 5000}}}\n"
            f"  b: {{title: B, reliability: {'x' * 300}}}\n",
            body="[@a] [@b]\n",
        ),
    )
    result = site.brief("check")
    assert result.exit_code == 1
    assert "set_int_max_str_digits" not in result.stderr
    assert f"error: '{'9' * 40}…' (5,000 characters) is not a reliability grade" in result.stderr
    assert f"error: '{'x' * 40}…' (300 characters) is not a reliability grade" in result.stderr


def test_a_nul_byte_is_reported_where_it_is(site: Site) -> None:
    site.write("briefings/a.md", briefing(body="Some text\nand \x00 here.\n"))
    result = site.brief("check")
    assert result.exit_code == 1
    assert "briefings/a.md:7:5: error: the file contains a NUL byte; is it a binary file?" in result.stderr


def test_check_github_appends_a_table_of_every_finding_to_the_step_summary(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("Earlier step output.\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    site.write("briefings/a.md", briefing(body="Cites [@nope] and [@gone].\n"))
    result = site.brief("check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.count("::error ") == 2
    text = summary.read_text(encoding="utf-8")
    assert text.startswith(
        "Earlier step output.\n### Brief findings\n\n| Severity | Location | Finding | Message |\n"
    )
    assert "| error | `briefings/a.md:6:8` | unknown-id | citation of unknown id 'nope'" in text
    assert text.count("| error |") == 2


def test_the_step_summary_stays_within_githubs_limit_errors_first() -> None:
    from generator.diagnostics import Diagnostic, Position, Severity, format_markdown_table

    path = Path("briefings/a.md")
    rows = [
        Diagnostic(path, Position(line, 1), Severity.WARNING, "w" * 80, None, "link")
        for line in range(1, 501)
    ]
    rows.insert(250, Diagnostic(path, Position(999, 1), Severity.ERROR, "the one | error", None, "schema"))
    whole = format_markdown_table(rows)
    assert whole.count("\n| warning |") + whole.count("\n| error |") == 501 and "left out" not in whole
    cut = format_markdown_table(rows, limit=10_000)
    assert len(cut.encode()) <= 10_000
    table_rows = [line for line in cut.splitlines() if line.startswith("| ") and "Severity" not in line]
    assert table_rows[0] == "| error | `briefings/a.md:999:1` | schema | the one \\| error |"
    left_out = 501 - len(table_rows)
    assert left_out > 0 and cut.endswith(
        f"\n{left_out:,} more findings are left out here, to stay within GitHub's size limit for a summary; "
        "the log lists them all.\n"
    )
