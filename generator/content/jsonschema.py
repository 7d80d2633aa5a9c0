"""`brief schema`: JSON Schema (2020-12) generated from the same models that validate.

The models in `content.schema` are the single declaration; pydantic turns them into JSON
Schema. Grades and markings come from the site's configuration, so they are filled in
here as enumerations, to match exactly what `brief check` accepts.
"""

from __future__ import annotations

import copy
from typing import Any

from generator.config import SiteConfig
from generator.content.schema import FrontMatter, SourceRegistry
from generator.content.values import MAX_SLUG_LENGTH

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_NAMES = {"pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": MAX_SLUG_LENGTH}


def _grades(grades: list[str]) -> dict[str, Any]:
    """Grades as YAML may write them: `B`, or `2` as text or as a number."""
    values: list[Any] = list(grades)
    values.extend(int(grade) for grade in grades if grade.isdigit())
    return {"enum": values}


def _patch(schema: dict[str, Any], config: SiteConfig) -> dict[str, Any]:
    defs = schema.get("$defs", {})
    scales = config.spec.scales
    reliability = _grades(list(scales.reliability))
    reliability["description"] = "A grade of the reliability scale: " + ", ".join(
        f"{grade} ({spec.label})" for grade, spec in scales.reliability.items()
    )
    credibility = _grades(list(scales.credibility))
    credibility["description"] = "A grade of the credibility scale: " + ", ".join(
        f"{grade} ({spec.label})" for grade, spec in scales.credibility.items()
    )
    if "SourceSpec" in defs:
        defs["SourceSpec"]["properties"]["reliability"] = reliability
        defs["SourceSpec"]["anyOf"] = [{"required": ["title"]}, {"required": ["publisher"]}]
    if "ClaimSpec" in defs:
        defs["ClaimSpec"]["properties"]["credibility"] = credibility
        claim_sources = defs["ClaimSpec"]["properties"]["sources"]
        item = claim_sources.get("items", {})
        for option in item.get("anyOf", []):
            if option.get("type") == "object":
                option["properties"]["credibility"] = credibility
    properties = schema.get("properties", {})
    for mapping in ("sources", "claims"):
        if mapping in properties:
            properties[mapping]["propertyNames"] = dict(ID_NAMES)
    if "marking" in properties:
        properties["marking"] = {
            "enum": list(config.spec.markings),
            "description": "A marking of the site's scale, most to least shareable",
        }
    return schema


def front_matter_schema(config: SiteConfig) -> dict[str, Any]:
    """The schema of a briefing's front matter."""
    schema = copy.deepcopy(FrontMatter.model_json_schema())
    schema = _patch(schema, config)
    return {
        "$schema": DIALECT,
        "$id": "https://brief.example/schema/front-matter.json",
        "title": "Brief briefing front matter",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def registry_schema(config: SiteConfig) -> dict[str, Any]:
    """The schema of `briefings/_sources.yaml`: a mapping of id to source."""
    schema = copy.deepcopy(SourceRegistry.model_json_schema())
    schema = _patch(schema, config)
    schema["propertyNames"] = dict(ID_NAMES)
    return {
        "$schema": DIALECT,
        "$id": "https://brief.example/schema/sources.json",
        "title": "Brief shared sources (briefings/_sources.yaml)",
        **{k: v for k, v in schema.items() if k != "title"},
    }
