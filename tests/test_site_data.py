"""What other tools read from the example site: the Atom feed, the JSON data and the JSON-LD.

The JSON data is checked against BRIEFING_SCHEMA, the machine-readable form of docs/data.md;
a test keeps the two in step (every field of the schema is documented there, and no other).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import pytest

from tests.browser.serving import REPO, build_example_site
from tests.html_text import _Element, briefing_pages, parse_html, squash

BASE_URL = "https://example.org/brief/"

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_PARTIAL_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
_TEXT = {"type": "string", "minLength": 1}
_LEVEL = {"enum": ["low", "moderate", "high"]}
_LIKELIHOOD = [
    "almost no chance",
    "remote",
    "very unlikely",
    "highly improbable",
    "unlikely",
    "improbable",
    "roughly even chance",
    "roughly even odds",
    "likely",
    "probable",
    "very likely",
    "highly probable",
    "almost certain",
    "nearly certain",
]
_FLAGS = [
    "unsourced",
    "single-source",
    "anonymous-only",
    "overconfident",
    "circular",
    "retracted",
    "disputed",
]


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


CLAIM_SCHEMA = _object(
    {
        "id": _ID,
        "number": {"type": "integer", "minimum": 1},
        "statement": _TEXT,
        "confidence": _LEVEL,
        "confidence_basis": {"enum": ["assessed", "derived"]},
        "derived_confidence": _LEVEL,
        "likelihood": _or_null({"enum": _LIKELIHOOD}),
        "likelihood_range": _or_null(
            {
                "type": "array",
                "prefixItems": [
                    {"type": "integer", "minimum": 0, "maximum": 100},
                    {"type": "integer", "minimum": 0, "maximum": 100},
                ],
                "minItems": 2,
                "maxItems": 2,
            }
        ),
        "credibility": _or_null(_TEXT),
        "note": _or_null(_TEXT),
        "sources": {"type": "array", "items": _object({"id": _ID, "credibility": _or_null(_TEXT)})},
        "origins": {"type": "integer", "minimum": 0},
        "strong_origins": {"type": "integer", "minimum": 0},
        "flags": {"type": "array", "items": {"enum": _FLAGS}, "uniqueItems": True},
    }
)

SOURCE_SCHEMA = _object(
    {
        "id": _ID,
        "title": _or_null(_TEXT),
        "publisher": _or_null(_TEXT),
        "author": _or_null(_TEXT),
        "url": _or_null({"type": "string", "pattern": "^https?://"}),
        "published": _or_null(_PARTIAL_DATE),
        "accessed": _or_null(_PARTIAL_DATE),
        "kind": {"enum": ["named", "anonymous", "official", "document", "social", "dataset", "media"]},
        "reliability": _TEXT,
        "reliability_label": _TEXT,
        "reliability_strength": {"enum": ["strong", "weak", "unknown"]},
        "derived_from": {"type": "array", "items": _ID},
        "retracted": {"anyOf": [{"type": "boolean"}, _TEXT]},
        "disputed": {"anyOf": [{"type": "boolean"}, _TEXT]},
        "note": _or_null(_TEXT),
        "shared": {"type": "boolean"},
        "index_anchor": _TEXT,
    }
)

EVENT_SCHEMA = _object(
    {
        "date": _TEXT,
        "date_text": _TEXT,
        "earliest": _or_null(_DATE),
        "latest": _or_null(_DATE),
        "title": _TEXT,
        "description": _or_null(_TEXT),
        "claims": {"type": "array", "items": _ID},
        "sources": {"type": "array", "items": _ID},
    }
)

BRIEFING_SCHEMA = _object(
    {
        "slug": _ID,
        "path": {"type": "string", "pattern": "^briefings/[a-z0-9][a-z0-9-]*/$"},
        "title": _TEXT,
        "date": _DATE,
        "updated": _or_null(_DATE),
        "summary": _or_null(_TEXT),
        "authors": {"type": "array", "items": _TEXT},
        "tags": {"type": "array", "items": _TEXT},
        "status": {"enum": ["published", "draft"]},
        "marking": _TEXT,
        "corrections": {"type": "array", "items": _object({"date": _DATE, "text": _TEXT})},
        "claims": {"type": "array", "items": CLAIM_SCHEMA},
        "sources": {"type": "array", "items": SOURCE_SCHEMA},
        "events": {"type": "array", "items": EVENT_SCHEMA},
    }
)

SITE_DATA_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **_object(
        {
            "site": _object(
                {
                    "title": _TEXT,
                    "base_url": _or_null({"type": "string", "pattern": "^https?://"}),
                    "language": _TEXT,
                }
            ),
            "briefings": {"type": "array", "items": BRIEFING_SCHEMA},
        }
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("data") / "site")


def _statement(judgment: _Element) -> str:
    """A key judgment's statement as shown, less the [citation needed] mark of an unsourced one."""
    return squash(judgment.find_all("p", class_="statement")[0].visible_text).removesuffix(
        "[citation needed]"
    )


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --- the Atom feed ------------------------------------------------------------------------


def test_the_feed_is_atom_with_one_entry_per_published_briefing(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Brief example briefings"
    assert feed.feed.link == BASE_URL
    pages = briefing_pages(built)
    assert len(pages) >= 3
    by_link = {entry.link: entry for entry in feed.entries}
    assert len(feed.entries) == len(by_link) == len(pages)
    for slug, page in pages.items():
        entry = by_link[f"{BASE_URL}briefings/{slug}/"]
        assert entry.title == squash(page.by_id("briefing-title").text)
        assert entry.id == entry.link
        published = page.find_all("time")[0].attrs["datetime"]
        assert entry.published.startswith(published)
        # The bottom line as written: the page adds the range of each likelihood term.
        bluf = re.sub(r" \([0-9]+–[0-9]+ %\)", "", page.by_id("bluf").find_all("p")[0].text)
        assert squash(entry.summary) == squash(bluf)
        assert {tag.term for tag in entry.tags} == {
            squash(a.text)
            for a in page.find_all("header", class_="briefing-header")[0].find_all("a", class_="tag")
        }
    # Newest first, as on the home page.
    dates = [entry.published for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)


# --- the JSON data --------------------------------------------------------------------------


def test_the_site_data_has_the_documented_shape(built: Path) -> None:
    data = _json(built / "data" / "briefings.json")
    jsonschema.Draft202012Validator.check_schema(SITE_DATA_SCHEMA)
    errors = sorted(
        jsonschema.Draft202012Validator(SITE_DATA_SCHEMA).iter_errors(data), key=lambda e: list(e.path)
    )
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []
    assert data["site"] == {"title": "Brief example briefings", "base_url": BASE_URL, "language": "en"}


def test_the_schema_rejects_what_the_documentation_rules_out(built: Path) -> None:
    validator = jsonschema.Draft202012Validator(SITE_DATA_SCHEMA)
    data = _json(built / "data" / "briefings.json")
    claim = data["briefings"][0]["claims"][0]
    for field, wrong in (("confidence", "certain"), ("number", 0), ("flags", ["made-up"])):
        broken = json.loads(json.dumps(data))
        broken["briefings"][0]["claims"][0] = {**claim, field: wrong}
        assert not validator.is_valid(broken), field
    broken = json.loads(json.dumps(data))
    broken["briefings"][0]["extra"] = 1
    assert not validator.is_valid(broken)


def test_the_data_says_what_the_pages_say(built: Path) -> None:
    data = _json(built / "data" / "briefings.json")
    pages = briefing_pages(built)
    home = parse_html((built / "index.html").read_text(encoding="utf-8"))
    sources_page = parse_html((built / "sources" / "index.html").read_text(encoding="utf-8"))
    # The briefings of the home page, in its order (newest first).
    cards = [h.attrs["id"].removeprefix("card-") for h in home.find_all("h2", class_="card-title")]
    assert [b["slug"] for b in data["briefings"]] == cards
    assert sorted(cards) == sorted(pages)
    for briefing in data["briefings"]:
        slug = briefing["slug"]
        page = pages[slug]
        # The per-briefing file is the same record.
        assert _json(built / "briefings" / slug / "index.json") == briefing
        assert (built / briefing["path"] / "index.html").is_file()
        assert briefing["title"] == squash(page.by_id("briefing-title").text)
        judgments = page.find_all("li", class_="judgment")
        assert [c["number"] for c in briefing["claims"]] == list(range(1, len(judgments) + 1))
        for claim, judgment in zip(briefing["claims"], judgments, strict=True):
            assert judgment.attrs["id"] == f"claim-{claim['id']}"
            assert squash(claim["statement"]) == _statement(judgment)
            badge = squash(judgment.find_all("p", class_="judgment-head")[0].text)
            assert badge.lower().startswith(f"{claim['confidence']} confidence"), badge
        entries = page.by_id("sources").find_all("li", class_="source")
        assert [f"src-{s['id']}" for s in briefing["sources"]] == [e.attrs["id"] for e in entries]
        for source, entry in zip(briefing["sources"], entries, strict=True):
            assert squash(entry.find_all("p", class_="source-head")[0].text).startswith(
                f"{source['reliability']} · {source['reliability_label']}"
            )
            assert sources_page.by_id(source["index_anchor"]).tag == "li"
        events = page.find_all("li", class_="event")
        assert [squash(e.find_all("p", class_="event-title")[0].text) for e in events] == [
            squash(e["title"]) for e in briefing["events"]
        ]


def test_text_in_the_data_has_no_stray_whitespace(built: Path) -> None:
    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    texts = strings(_json(built / "data" / "briefings.json"))
    for page in briefing_pages(built).values():
        texts += strings(_json_ld(page))
    assert [t for t in texts if t != t.strip()] == []


def test_the_data_keeps_the_notes_readers_see(built: Path) -> None:
    data = _json(built / "data" / "briefings.json")
    pages = briefing_pages(built)
    noted = 0
    for briefing in data["briefings"]:
        for claim in briefing["claims"]:
            judgment = pages[briefing["slug"]].by_id(f"claim-{claim['id']}")
            shown = judgment.find_all("p", class_="claim-note")
            if shown:
                noted += 1
                assert squash(claim.get("note") or "") == squash(shown[0].text)
    assert noted > 0


# --- JSON-LD ------------------------------------------------------------------------------------


def _json_ld(page: _Element) -> Any:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def test_each_briefing_page_embeds_a_report_with_its_claims(built: Path) -> None:
    for slug, page in briefing_pages(built).items():
        report = _json_ld(page)
        assert report["@context"] == "https://schema.org"
        assert report["@type"] == "Report"
        assert report["headline"] == squash(page.by_id("briefing-title").text)
        assert report["url"] == f"{BASE_URL}briefings/{slug}/"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", report["datePublished"])
        judgments = page.find_all("li", class_="judgment")
        parts = report["hasPart"]
        assert len(parts) == len(judgments) > 0
        for part, judgment in zip(parts, judgments, strict=True):
            assert part["@type"] == "Claim"
            assert part["@id"] == f"{report['url']}#{judgment.attrs['id']}"
            assert squash(part["text"]) == _statement(judgment)
            for cited in part.get("citation", []):
                assert cited["@type"] == "CreativeWork" and cited["name"]


# --- docs/data.md ----------------------------------------------------------------------------------


def _fields(schema: dict[str, Any]) -> set[str]:
    found = set()
    for name, sub in schema.get("properties", {}).items():
        found.add(name)
        for branch in [sub, sub.get("items", {}), *sub.get("anyOf", [])]:
            if isinstance(branch, dict):
                found |= _fields(branch)
                found |= _fields(branch.get("items", {}))
    return found


def test_docs_describe_every_field_of_the_data() -> None:
    doc = (REPO / "docs" / "data.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.MULTILINE))
    assert _fields(SITE_DATA_SCHEMA) == documented
