"""`brief schema` and `brief new`."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.content.frontmatter import split_front_matter
from tests.conftest import REPO, Site, briefing


def _as_editor_sees(value: Any) -> Any:
    """YAML values as a YAML-aware editor hands them to JSON Schema: dates are text."""
    if isinstance(value, dict):
        return {str(k): _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _front_matter(path: Path) -> Any:
    split, _ = split_front_matter(path, path.read_text(encoding="utf-8"))
    assert split is not None
    return _as_editor_sees(yaml.safe_load(split.front_matter))


def _schema(site: Site, *args: str) -> dict[str, Any]:
    result = site.brief("schema", *args)
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture
def example(tmp_path: Path) -> Site:
    return Site(REPO)


def test_schema_accepts_every_example_briefing(example: Site) -> None:
    schema = _schema(example)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((REPO / "briefings").rglob("*.md"))
    assert len(files) >= 3
    for path in files:
        errors = list(validator.iter_errors(_front_matter(path)))
        assert errors == [], f"{path}: {[e.message for e in errors]}"


def test_schema_rejects_a_bad_grade_and_an_unknown_key(example: Site) -> None:
    validator = jsonschema.Draft202012Validator(_schema(example))
    good = {"title": "T", "date": "2025-08-08", "sources": {"s": {"title": "S", "reliability": "B"}}}
    assert validator.is_valid(good)
    bad_grade = {**good, "sources": {"s": {"title": "S", "reliability": "G"}}}
    assert not validator.is_valid(bad_grade)
    assert not validator.is_valid({**good, "summery": "typo"})
    assert not validator.is_valid({**good, "sources": {"Bad Id": {"title": "S"}}})
    assert not validator.is_valid({**good, "sources": {"s": {"kind": "named"}}})
    assert validator.is_valid(
        {**good, "claims": {"c": {"statement": "S", "sources": [{"id": "s", "credibility": 2}]}}}
    )
    assert not validator.is_valid({**good, "claims": {"c": {"statement": "S", "credibility": 9}}})


def test_schema_refuses_ids_longer_than_the_build_accepts(example: Site) -> None:
    validator = jsonschema.Draft202012Validator(_schema(example))
    good = {"title": "T", "date": "2025-08-08"}
    assert validator.is_valid({**good, "slug": "a" * 200, "sources": {"s" * 200: {"title": "S"}}})
    assert not validator.is_valid({**good, "slug": "a" * 201})
    assert not validator.is_valid({**good, "aliases": ["a" * 201]})
    assert not validator.is_valid({**good, "sources": {"s" * 201: {"title": "S"}}})
    registry = jsonschema.Draft202012Validator(_schema(example, "--for", "sources"))
    assert not registry.is_valid({"s" * 201: {"title": "S"}})


def test_schema_accepts_confidence_and_likelihood_in_any_case_as_the_build_does(example: Site) -> None:
    # The build reads "High" and "Very  likely"; an editor must not flag what builds.
    validator = jsonschema.Draft202012Validator(_schema(example))
    good = {"title": "T", "date": "2025-08-08", "claims": {"c": {"statement": "S"}}}

    def claim(**keys: object) -> dict[str, object]:
        return {**good, "claims": {"c": {"statement": "S", **keys}}}

    for spelling in ("high", "High", "HIGH", " moderate "):
        assert validator.is_valid(claim(confidence=spelling)), spelling
    for spelling in ("very likely", "Very likely", "very  likely", "Almost Certain", "remote"):
        assert validator.is_valid(claim(likelihood=spelling)), spelling
    assert validator.is_valid(claim(confidence=None, likelihood=None))
    for bad in ("highish", "certain", "very likely indeed"):
        assert not validator.is_valid(claim(confidence=bad)) and not validator.is_valid(claim(likelihood=bad))


def test_sources_schema_accepts_the_example_registry(example: Site) -> None:
    schema = _schema(example, "--for", "sources")
    registry = _as_editor_sees(yaml.safe_load((REPO / "briefings" / "_sources.yaml").read_text()))
    jsonschema.Draft202012Validator(schema).validate(registry)
    assert not jsonschema.Draft202012Validator(schema).is_valid({"x": {"title": "t", "reliability": "Z"}})


def test_schema_follows_the_sites_scales(site: Site) -> None:
    site.write("site.yaml", "title: T\nscales:\n  reliability:\n    1: {label: Verified, strength: strong}\n")
    schema = _schema(site)
    assert schema["$defs"]["SourceSpec"]["properties"]["reliability"]["enum"] == ["1", 1]


def test_new_scaffolds_a_draft_that_builds_cleanly(site: Site) -> None:
    result = site.brief("new", "Moscow talks, part 2")
    assert result.exit_code == 0, result.output
    path = site.root / "briefings" / "moscow-talks-part-2.md"
    assert path.is_file()
    text = path.read_text()
    assert 'title: "Moscow talks, part 2"' in text and "status: draft" in text
    for key in (
        "summary:",
        "# updated:",
        "# slug:",
        "# marking:",
        "# aliases:",
        "# corrections:",
        "# internal:",
        "reliability:",
        "# derived_from:",
        "# likelihood:",
        "timeline:",
    ):
        assert key in text
    check = site.brief("check", "--strict")
    assert check.exit_code == 0, check.output
    assert "moscow-talks-part-2" not in check.stderr
    build = site.brief("build", "--drafts", "--strict")
    assert build.exit_code == 0, build.output
    assert "Draft" in site.page("moscow-talks-part-2")


def test_new_refuses_to_overwrite(site: Site) -> None:
    assert site.brief("new", "Moscow talks, part 2").exit_code == 0
    path = site.root / "briefings" / "moscow-talks-part-2.md"
    path.write_text("precious work")
    again = site.brief("new", "Moscow talks, part 2")
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert path.read_text() == "precious work"


def test_new_outside_a_site_exits_2_like_build_and_creates_nothing(site: Site, tmp_path: Path) -> None:
    (site.root / "site.yaml").unlink()
    (site.root / "briefings").rmdir()
    result = site.brief("new", "Moscow talks")
    assert result.exit_code == 2
    assert result.stderr == site.brief("build").stderr
    assert result.stderr.startswith(f"site.yaml:1:1: error: no site.yaml in {site.root}\n")
    assert "hint: run brief from the site's folder, or pass --site PATH" in result.stderr
    assert list(site.root.iterdir()) == []
    mistyped = tmp_path / "sties" / "main"
    result = site.brief("new", "--site", str(mistyped), "Moscow talks")
    assert result.exit_code == 2
    assert f"error: no site.yaml in {mistyped}" in result.stderr
    assert not (tmp_path / "sties").exists()


NEW_HINT = "  hint: give the new briefing another title (you can change its title: in the file afterwards)\n"


def test_new_refuses_a_slug_a_briefing_in_a_subfolder_takes_by_its_file_name(site: Site) -> None:
    site.write("briefings/sub/Ferry Strike Ümlaut.md", briefing(title="Ferry strike"))
    result = site.brief("new", "Ferry Strike Umlaut")
    assert result.exit_code == 2
    assert result.stderr == (
        "brief: cannot create briefings/ferry-strike-umlaut.md: its slug 'ferry-strike-umlaut' "
        "is already taken by briefings/sub/Ferry Strike Ümlaut.md\n" + NEW_HINT
    )
    assert not (site.root / "briefings" / "ferry-strike-umlaut.md").exists()
    assert site.brief("build", "--strict").exit_code == 0


def test_new_refuses_a_slug_another_briefing_sets_or_keeps_as_an_alias(site: Site) -> None:
    site.write("briefings/x.md", briefing(extra="slug: port-closure\naliases: [old-news]\n"))
    by_slug = site.brief("new", "Port closure")
    assert by_slug.exit_code == 2
    assert by_slug.stderr == (
        "brief: cannot create briefings/port-closure.md: its slug 'port-closure' is already taken "
        "by briefings/x.md, whose front matter sets slug: port-closure\n" + NEW_HINT
    )
    by_alias = site.brief("new", "Old news")
    assert by_alias.exit_code == 2
    assert by_alias.stderr == (
        "brief: cannot create briefings/old-news.md: its slug 'old-news' is already taken "
        "by briefings/x.md, as one of its aliases:\n" + NEW_HINT
    )
    assert sorted(p.name for p in (site.root / "briefings").iterdir()) == ["x.md"]


def test_new_refuses_a_slug_taken_by_a_draft_or_a_briefing_with_errors(site: Site) -> None:
    site.write("briefings/a/Draft one.md", briefing(extra="status: draft\n"))
    site.write("briefings/b/Broken one.md", "---\ntitle: [unclosed\n---\nBody.\n")
    site.write("briefings/c/Invalid.md", briefing(extra="slug: kept-slug\nno_such_key: 1\n"))
    for title, taken_by in [
        ("Draft one", "briefings/a/Draft one.md"),
        ("Broken one", "briefings/b/Broken one.md"),
        ("Kept slug", "briefings/c/Invalid.md"),
    ]:
        result = site.brief("new", title)
        assert result.exit_code == 2, title
        assert f"is already taken by {taken_by}" in result.stderr
    assert site.brief("new", "Fresh title").exit_code == 0


def test_new_reads_slugs_and_aliases_however_the_yaml_writes_them(site: Site) -> None:
    site.write("briefings/one.md", briefing(extra='"slug": quoted-key\naliases: [Flow-Alias]\n'))
    site.write("briefings/two.md", briefing(extra="aliases:\n  - block-alias\n  - 7\n"))
    for title in ["Quoted key", "Flow alias", "Block alias"]:
        result = site.brief("new", title)
        assert result.exit_code == 2, title
        assert "is already taken by briefings/" in result.stderr
    assert site.brief("new", "Seven").exit_code == 0


def test_new_handles_titles_that_need_quoting(site: Site) -> None:
    assert site.brief("new", 'Talks: "day one" & #2').exit_code == 0
    assert site.brief("check").exit_code == 0


def test_new_with_a_title_windows_reserves_makes_a_briefing_that_builds(site: Site) -> None:
    result = site.brief("new", "CON")
    assert result.exit_code == 0
    assert (site.root / "briefings" / "con-briefing.md").is_file()
    assert site.brief("build", "--drafts", "--strict").exit_code == 0
    assert (site.root / "_site" / "briefings" / "con-briefing" / "index.html").is_file()


def test_new_with_a_very_long_title_makes_a_file_name_that_builds(site: Site) -> None:
    title = "India and Russia reaffirm defence and energy ties " * 6
    result = site.brief("new", title)
    assert result.exit_code == 0, result.output
    (path,) = (site.root / "briefings").iterdir()
    assert len(path.stem) <= 200 and path.stem.startswith("india-and-russia-reaffirm-defence")
    assert not path.stem.endswith("-")
    assert site.brief("build", "--drafts", "--strict").exit_code == 0


def test_a_published_briefing_that_keeps_the_example_text_of_new_is_warned_of(site: Site) -> None:
    from generator.scaffold import PLACEHOLDERS, SCAFFOLD

    scaffold = SCAFFOLD.read_text(encoding="utf-8")
    assert all(text in scaffold for text in PLACEHOLDERS)
    assert site.brief("new", "Talks").exit_code == 0
    path = site.root / "briefings" / "talks.md"
    assert site.brief("build", "--drafts", "--strict").exit_code == 0  # a draft may keep it
    path.write_text(path.read_text().replace("status: draft ", "status: published "))
    result = site.brief("build", "--strict")
    assert result.exit_code == 1
    assert "briefings/talks.md:7:10: warning: the example text of brief new is still here: 'Replace this" in (
        result.stderr
    )
    assert result.stderr.count("the example text of brief new") == len(PLACEHOLDERS)


def test_new_refuses_a_title_with_a_control_character(site: Site) -> None:
    result = site.brief("new", "Bell\x07 ringing")
    assert result.exit_code == 2
    assert result.stderr == "brief: the title holds the control character U+0007\n"
    assert list((site.root / "briefings").iterdir()) == []
