"""Confidence analysis: independence, origins, the derived level and the flags."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.analysis.confidence import ancestry, assess_claim, group_origins
from generator.config import DEFAULT_FINDINGS, ConfidenceLevelConfig, ScalesConfig, SiteConfig, SiteConfigSpec
from generator.content.model import Claim, ClaimSource, Location, Source
from generator.diagnostics import Position
from tests.conftest import Site, briefing
from tests.html_text import parse_html, squash

HERE = Location(Path("b.md"), Position(1, 1))


def _source(
    source_id: str, reliability: str = "B", derived_from: tuple[str, ...] = (), **extra: object
) -> Source:
    fields: dict[str, object] = {
        "title": source_id,
        "publisher": None,
        "author": None,
        "url": None,
        "published": None,
        "accessed": None,
        "kind": "named",
        "reliability": reliability,
        "derived_from": derived_from,
        "retracted": False,
        "disputed": False,
        "note": None,
        "location": HERE,
        "shared": False,
    }
    fields.update(extra)
    return Source(id=source_id, **fields)  # type: ignore[arg-type]


def _claim(*sources: str | tuple[str, str], confidence: str | None = None) -> Claim:
    refs = tuple(
        ClaimSource(s, None, HERE) if isinstance(s, str) else ClaimSource(s[0], s[1], HERE) for s in sources
    )
    return Claim("c", 1, "S.", refs, None, confidence, None, None, HERE)


def _config(**confidence_needs: int) -> SiteConfig:
    scales = ScalesConfig()
    if confidence_needs:
        levels = dict(scales.confidence)
        for level, needed in confidence_needs.items():
            levels[level] = ConfidenceLevelConfig(label=f"{level} confidence", strong_origins=needed)  # type: ignore[index]
        scales = ScalesConfig(confidence=levels)  # type: ignore[arg-type]
    return SiteConfig(Path("."), Path("site.yaml"), SiteConfigSpec(scales=scales), dict(DEFAULT_FINDINGS))


SOURCES = {
    "wire": _source("wire", "A"),
    "paper": _source("paper", "B", ("wire",)),
    "blog": _source("blog", "C", ("paper",)),
    "other-paper": _source("other-paper", "B", ("wire",)),
    "ministry": _source("ministry", "A"),
    "anon": _source("anon", "F", kind="anonymous"),
    "loop-a": _source("loop-a", "B", ("loop-b",)),
    "loop-b": _source("loop-b", "B", ("loop-a",)),
}


def test_ancestry_follows_chains_and_survives_cycles() -> None:
    assert ancestry("blog", SOURCES) == {"blog", "paper", "wire"}
    assert ancestry("loop-a", SOURCES) == {"loop-a", "loop-b"}


def test_sources_with_a_common_origin_are_one_origin() -> None:
    assert group_origins(["paper", "other-paper", "ministry"], SOURCES) == [
        ["paper", "other-paper"],
        ["ministry"],
    ]
    assert group_origins(["blog", "wire"], SOURCES) == [["blog", "wire"]]
    assert group_origins(["ministry", "anon"], SOURCES) == [["ministry"], ["anon"]]


def test_derived_levels() -> None:
    config = _config()
    assert assess_claim(_claim("ministry", "wire"), SOURCES, config).confidence == "high"
    circular = assess_claim(_claim("paper", "other-paper"), SOURCES, config)
    assert (
        circular.confidence == "moderate"
        and circular.has_flag("circular")
        and circular.has_flag("single-source")
    )
    assert assess_claim(_claim("anon"), SOURCES, config).confidence == "low"
    assert assess_claim(_claim(), SOURCES, config).has_flag("unsourced")


def test_a_weak_credibility_keeps_a_strong_source_from_counting() -> None:
    config = _config()
    assert assess_claim(_claim(("ministry", "5"), "wire"), SOURCES, config).confidence == "moderate"
    assert assess_claim(_claim(("ministry", "2"), "wire"), SOURCES, config).confidence == "high"


def test_a_weak_credibility_of_the_whole_claim_applies_to_each_source_without_its_own() -> None:
    config = _config()
    claim = dataclasses.replace(_claim("ministry", "wire"), credibility="5")
    assert assess_claim(claim, SOURCES, config).confidence == "low"
    # A source's own credibility wins over the claim's.
    claim = dataclasses.replace(_claim(("ministry", "2"), "wire"), credibility="5")
    assert assess_claim(claim, SOURCES, config).confidence == "moderate"


def test_a_retracted_source_does_not_count_as_strong() -> None:
    sources = {**SOURCES, "ministry": _source("ministry", "A", retracted="Withdrawn by its publisher")}
    assessment = assess_claim(_claim("ministry", "wire"), sources, _config())
    assert assessment.confidence == "moderate" and assessment.has_flag("retracted")


def test_overconfidence_is_flagged_against_the_derived_level() -> None:
    assessment = assess_claim(_claim("anon", confidence="high"), SOURCES, _config())
    assert assessment.confidence == "high" and assessment.is_assessed
    assert assessment.derived_confidence == "low" and assessment.has_flag("overconfident")
    assert assessment.has_flag("anonymous-only")


def test_the_rule_is_configurable() -> None:
    strict = _config(high=3)
    assert assess_claim(_claim("ministry", "wire"), SOURCES, strict).confidence == "moderate"


def test_a_retracted_shared_source_flags_every_claim_on_every_briefing(site: Site) -> None:
    site.write(
        "briefings/_sources.yaml", "wire:\n  title: Wire report\n  reliability: A\n  retracted: Fabricated\n"
    )
    for slug in ("one", "two"):
        site.write(
            f"briefings/{slug}.md",
            briefing(
                title=slug,
                extra=f"claims:\n  {slug}-claim:\n    statement: S.\n    sources: [wire]\n",
                body="As reported [@wire].\n",
            ),
        )
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    for slug in ("one", "two"):
        assert (
            f"briefings/{slug}.md:6:3: warning: claim '{slug}-claim': rests on a retracted source"
            in result.stderr
        )
        page = parse_html(site.page(slug))
        assert "Rests on a retracted source" in squash(page.by_id(f"claim-{slug}-claim").visible_text)
        assert "Retracted" in squash(page.by_id("cite-1").visible_text)
    sources = parse_html((site.root / "_site" / "sources" / "index.html").read_text())
    discredited = squash(sources.find_all("section", class_="discredited")[0].visible_text)
    assert "Wire report" in discredited and "2 key judgments in 2 briefings" in discredited


def test_a_source_that_repeats_a_retracted_one_carries_the_retraction(site: Site) -> None:
    site.write(
        "briefings/_sources.yaml",
        "blog:\n  title: Original post\n  reliability: D\n  retracted: Withdrawn by its author\n"
        "wire:\n  title: Wire story\n  reliability: B\n  derived_from: [blog]\n"
        "paper:\n  title: Paper\n  reliability: B\n  disputed: true\n"
        "digest:\n  title: Digest\n  reliability: C\n  derived_from: [wire, paper]\n",
    )
    site.write(
        "briefings/a.md",
        briefing(
            extra="claims:\n  c1:\n    statement: S.\n    sources: [digest]\n",
            body="The port closed [@digest].\n",
        ),
    )
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert (
        "briefings/a.md:6:3: warning: claim 'c1': rests on a retracted source. "
        "Retracted: Original post (repeated by Digest)." in result.stderr
    )
    assert "claim 'c1': rests on a disputed source. Disputed: Paper (repeated by Digest)." in result.stderr
    assert "warning: citation of 'digest', which repeats 'blog', which is retracted" in result.stderr
    assert "warning: citation of 'digest', which repeats 'paper', which is disputed" in result.stderr
    claim = squash(parse_html(site.page("a")).by_id("claim-c1").visible_text)
    assert "Rests on a retracted source" in claim and "Original post (repeated by Digest)" in claim


def _two_briefings_citing_one_url(site: Site, second_status: str = "published") -> None:
    site.write(
        "briefings/one.md",
        briefing(
            title="One",
            extra="sources:\n  alpha: {title: Alpha, url: 'https://u3.example/doc', reliability: C}\n"
            "claims:\n  c1: {statement: Claim one., sources: [alpha]}\n",
            body="Body [@alpha].\n",
        ),
    )
    site.write(
        "briefings/two.md",
        briefing(
            title="Two",
            extra=f"status: {second_status}\n"
            "sources:\n  beta: {title: Beta, url: 'https://U3.example/doc/', retracted: Fabricated quotes}\n",
            body="Body [@beta].\n",
        ),
    )


def test_a_retraction_spreads_to_every_briefing_citing_the_same_url(site: Site) -> None:
    # Sources with one URL are one source of the site (one entry on /sources/): a retraction
    # marked in one briefing shows on the other's page too, and its analyst is told why.
    _two_briefings_citing_one_url(site)
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert (
        "briefings/one.md:6:3: warning: source 'alpha' has the URL of 'beta' in briefings/two.md, "
        "which is marked retracted: it is shown retracted here too" in result.stderr
    )
    assert "briefings/one.md:8:3: warning: claim 'c1': rests on a retracted source" in result.stderr
    page = parse_html(site.page("one"))
    assert "Rests on a retracted source" in squash(page.by_id("claim-c1").visible_text)
    assert "Retracted" in squash(page.by_id("cite-1").visible_text)
    assert "Fabricated quotes" in squash(page.by_id("src-alpha").visible_text)


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_an_unpublished_briefings_retraction_reaches_no_page_and_no_check(site: Site, status: str) -> None:
    # A draft's or a withdrawn briefing's sources are not published, nor the reasons given
    # there; and check spreads only what build would, so that check --strict agrees.
    _two_briefings_citing_one_url(site, second_status=status)
    result = site.brief("build")
    assert result.exit_code == 0, result.output
    assert "retracted" not in result.stderr
    html = site.page("one")
    assert "Fabricated quotes" not in html and "Retracted" not in html
    checked = site.brief("check", "--strict")
    assert "has the URL of 'beta'" not in checked.stderr
    assert "briefings/one.md" not in checked.stderr
