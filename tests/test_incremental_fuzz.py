"""Property test: after any series of edits, an incremental build gives what a clean build
of the same files gives: the same pages, the same findings, the same exit code.

The edits are the ones the caches are keyed around: prose alone (a partial build, reusing
the output the last one replaced), a new citation, a re-rated or retitled shared source, a
new or removed shared id, a new or removed briefing, a briefing's new title, a link to
another briefing, a briefing made a draft or published again (which changes the pages that
link to it). The builds run in one process, as `brief serve`'s do, so that what one build
keeps for the next (`planmemo`) is tested too. For a longer run:

    HYPOTHESIS_PROFILE=long python3 -m pytest tests/test_incremental_fuzz.py
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st

import generator.build as build_module
import generator.content.cache as cache_module
from generator.planmemo import PlanMemo
from tests.conftest import Site, briefing, site_property_settings
from tests.test_output import tree_digest

EXAMPLES = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 12


T = TypeVar("T")
GRADES = "ABCDEF"
SLUGS = ("a", "b", "c", "d")


@dataclass
class Corpus:
    """The files of a small site, as the edits leave them."""

    shared: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {"wire": ("Wire report", "A"), "agency": ("Agency statement", "B")}
    )
    #: slug → (cited ids, sentences of prose)
    briefings: dict[str, tuple[list[str], list[str]]] = field(
        default_factory=lambda: {"a": (["wire"], ["Alpha prose."]), "b": (["agency"], ["Beta prose."])}
    )
    #: slug → what its title adds to "Briefing <slug>"; its links to other briefings; drafts.
    titles: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=lambda: {"a": ["b"]})
    drafts: set[str] = field(default_factory=set)

    def write(self, root: Path) -> None:
        folder = root / "briefings"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        registry = "".join(
            f"{source_id}:\n  title: {title}\n  reliability: {grade}\n"
            for source_id, (title, grade) in self.shared.items()
        )
        (folder / "_sources.yaml").write_text(registry or "{}\n", encoding="utf-8")
        for slug, (cited, prose) in self.briefings.items():
            claims = "".join(f"    sources: [{cited[0]}]\n" for _ in cited[:1])
            extra = f"claims:\n  k:\n    statement: A judgment.\n{claims}" if cited else ""
            if slug in self.drafts:
                extra = "status: draft\n" + extra
            body = "## Findings\n\n" + " ".join(prose) + "".join(f" [@{source_id}]" for source_id in cited)
            body += "".join(f" See [{target}]({target}.md)." for target in self.links.get(slug, []))
            title = f"Briefing {slug}{self.titles.get(slug, '')}"
            (folder / f"{slug}.md").write_text(
                briefing(title=title, extra=extra, body=body + "\n"), encoding="utf-8"
            )


edits = st.one_of(
    st.tuples(
        st.just("prose"), st.sampled_from(SLUGS), st.sampled_from(["Words.", "More words.", "A line."])
    ),
    st.tuples(st.just("cite"), st.sampled_from(SLUGS), st.sampled_from(["wire", "agency", "census"])),
    st.tuples(st.just("rate"), st.sampled_from(["wire", "agency", "census"]), st.sampled_from(GRADES)),
    st.tuples(st.just("retitle"), st.sampled_from(["wire", "agency", "census"]), st.sampled_from(["X", "Y"])),
    st.tuples(st.just("declare"), st.sampled_from(["census"]), st.sampled_from(GRADES)),
    st.tuples(st.just("undeclare"), st.sampled_from(["wire", "agency", "census"]), st.just("")),
    st.tuples(st.just("add"), st.sampled_from(SLUGS), st.just("")),
    st.tuples(st.just("remove"), st.sampled_from(SLUGS), st.just("")),
    st.tuples(st.just("title"), st.sampled_from(SLUGS), st.sampled_from(["X", "Y"])),
    st.tuples(st.just("link"), st.sampled_from(SLUGS), st.sampled_from(SLUGS)),
    st.tuples(st.just("draft"), st.sampled_from(SLUGS), st.just("")),
)


def apply(corpus: Corpus, edit: tuple[str, str, str]) -> None:
    kind, target, value = edit
    if kind == "prose" and target in corpus.briefings:
        corpus.briefings[target][1].append(value)
    elif kind == "cite" and target in corpus.briefings:
        corpus.briefings[target][0].append(value)
    elif kind in ("rate", "retitle") and target in corpus.shared:
        title, grade = corpus.shared[target]
        corpus.shared[target] = (title + " " + value, grade) if kind == "retitle" else (title, value)
    elif kind == "declare":
        corpus.shared.setdefault(target, ("Census data", value))
    elif kind == "undeclare":
        corpus.shared.pop(target, None)
    elif kind == "add":
        corpus.briefings.setdefault(target, ([], [f"Prose of {target}."]))
    elif kind == "remove":
        corpus.briefings.pop(target, None)
    elif kind == "title" and target in corpus.briefings:
        corpus.titles[target] = corpus.titles.get(target, "") + " " + value
    elif kind == "link" and target in corpus.briefings and value != target:
        corpus.links.setdefault(target, []).append(value)
    elif kind == "draft" and target in corpus.briefings:
        corpus.drafts ^= {target}


def _in_another_process(action: Callable[[], T]) -> T:
    """Run `action` as if in another process, with a load and a memo of its own: the builds
    of the site under test keep what one leaves the next (the models of unchanged files,
    `planmemo`), as `brief serve`'s do."""
    kept = build_module.MEMO, cache_module._recent
    build_module.MEMO, cache_module._recent = PlanMemo(), {}
    try:
        return action()
    finally:
        build_module.MEMO, cache_module._recent = kept


def _findings(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if ": error: " in line or ": warning: " in line)


@site_property_settings(max_examples=EXAMPLES)
@given(steps=st.lists(edits, min_size=1, max_size=6))
def test_any_series_of_edits_builds_what_a_clean_build_does(
    tmp_path: Path, steps: list[tuple[str, str, str]]
) -> None:
    work = tmp_path / f"run-{os.urandom(4).hex()}"
    site, clean = Site(work / "site"), Site(work / "clean")
    for folder in (site.root, clean.root):
        folder.mkdir(parents=True)
        (folder / "site.yaml").write_text("title: Fuzzed site\n", encoding="utf-8")
    corpus = Corpus()
    corpus.write(site.root)
    assert site.brief("build").exit_code == 0
    try:
        for step in steps:
            apply(corpus, step)
            before = tree_digest(site.root / "_site", search_index=False)
            corpus.write(site.root)
            corpus.write(clean.root)
            result = site.brief("build")
            expected = _in_another_process(lambda: clean.brief("build", "--clean"))
            assert result.exit_code == expected.exit_code, (steps, result.output, expected.output)
            assert _findings(result.output) == _findings(expected.output), steps
            if result.exit_code == 0:
                assert tree_digest(site.root / "_site", search_index=False) == tree_digest(
                    clean.root / "_site", search_index=False
                ), steps
            else:
                assert tree_digest(site.root / "_site", search_index=False) == before, steps
    finally:
        shutil.rmtree(work, ignore_errors=True)
