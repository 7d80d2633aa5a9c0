"""The front-matter model: every key a briefing and `_sources.yaml` may contain, declared once.

These pydantic models validate the YAML, type the Python that follows, and generate the
JSON Schema printed by `brief schema`, so the three cannot drift apart. Rating grades,
markings and cross-references depend on `site.yaml` and on other files, so they are
checked later, in `content.load`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    RootModel,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from generator.analysis.estimative import LIKELIHOOD_TERMS
from generator.content.values import (
    MAX_SLUG_LENGTH,
    PartialDate,
    ValueProblem,
    parse_calendar_date,
    parse_grade,
    parse_http_url,
    parse_id,
    parse_partial_date,
)
from generator.timeline import EXAMPLE_DATES, EventDate, parse_event_date

T = TypeVar("T")


def _checked(parse: Callable[[Any], T]) -> Callable[[Any], T]:
    """Turn a parser's ValueProblem into a pydantic error that keeps its message and hint."""

    def validate(value: Any) -> T:
        try:
            return parse(value)
        except ValueProblem as problem:
            raise PydanticCustomError(
                "brief_value", "{message}", {"message": problem.message, "hint": problem.hint}
            ) from None

    return validate


def _empty_if_null(value: Any) -> Any:
    """`tags:` with nothing after it means no tags."""
    return [] if value is None else value


def _empty_mapping_if_null(value: Any) -> Any:
    return {} if value is None else value


def _bool_or_reason(value: Any) -> bool | str:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueProblem("expected true, false or the reason as text")


#: Text, with the newline YAML keeps at the end of a block (`summary: >`) taken off.
Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[
    str,
    PlainValidator(_checked(parse_id)),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": MAX_SLUG_LENGTH}),
]
CalendarDate = Annotated[
    datetime.date,
    PlainValidator(_checked(parse_calendar_date)),
    WithJsonSchema({"type": "string", "format": "date"}),
]
PartialDateValue = Annotated[
    PartialDate,
    PlainValidator(_checked(parse_partial_date)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 9999},
                {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
            ]
        }
    ),
]
EventDateValue = Annotated[
    EventDate,
    PlainValidator(_checked(parse_event_date)),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "integer"}],
            "description": f"An EDTF date: {EXAMPLE_DATES}",
        }
    ),
]
HttpUrl = Annotated[
    str,
    PlainValidator(_checked(parse_http_url)),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^[hH][tT][tT][pP][sS]?://"}),
]
Grade = Annotated[
    str,
    PlainValidator(_checked(parse_grade)),
    WithJsonSchema({"type": ["string", "integer"]}),
]
BoolOrReason = Annotated[
    bool | str,
    PlainValidator(_checked(_bool_or_reason)),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"type": "string", "minLength": 1}]}),
]


def _list_of(item: Any) -> Any:
    return Annotated[list[item], BeforeValidator(_empty_if_null)]


def _mapping_of(value: Any) -> Any:
    return Annotated[dict[Id, value], BeforeValidator(_empty_mapping_if_null)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, hide_input_in_errors=True)


class SourceSpec(_Strict):
    """A source: a report, a person, a document or a dataset that evidence comes from."""

    title: Text | None = Field(None, description="Title of the report or a description of the source")
    publisher: Text | None = Field(None, description="Who published it")
    author: Text | None = Field(None, description="Who wrote it")
    url: HttpUrl | None = Field(None, description="An http(s) URL")
    published: PartialDateValue | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    accessed: PartialDateValue | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    kind: Literal["named", "anonymous", "official", "document", "social", "dataset", "media"] = "named"
    reliability: Grade | None = Field(
        None, description="A grade of the reliability scale (default A–F); default F"
    )
    derived_from: _list_of(Id) = Field(  # type: ignore[valid-type]
        default_factory=list, description="Ids of sources this one repeats (circular reporting)"
    )
    retracted: BoolOrReason = Field(False, description="true, or the reason, when the source was retracted")
    disputed: BoolOrReason = Field(False, description="true, or the reason, when the source is disputed")
    note: Text | None = Field(None, description="Shown to readers")

    @model_validator(mode="after")
    def _needs_a_name(self) -> SourceSpec:
        if self.title is None and self.publisher is None:
            raise PydanticCustomError(
                "brief_value",
                "{message}",
                {"message": "a source needs a title or a publisher", "hint": "add title: or publisher:"},
            )
        return self


class ClaimSourceSpec(_Strict):
    """A source of a claim, with the credibility of what it says about this claim."""

    id: Id
    credibility: Grade | None = None


def _source_ref(value: Any) -> Any:
    """`toi` is `{id: toi}`; so is any other single value, so that `yes` (which YAML reads
    as true) is told it is not text, as an id, rather than that it is not a mapping."""
    return value if isinstance(value, dict | list) else {"id": value}


ClaimSourceValue = Annotated[
    ClaimSourceSpec,
    BeforeValidator(_source_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                        "credibility": {"type": ["string", "integer"]},
                    },
                    "required": ["id"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


def _any_case(values: Sequence[str], description: str, nullable: bool = False) -> dict[str, Any]:
    """The JSON Schema of text that is one of `values` in any case and spacing, as the
    loader reads it ("High", "Very  likely"): the values to offer in an editor, and a
    pattern for the other spellings (JSON Schema's patterns have no flag for case)."""

    def any_case(value: str) -> str:
        return r"\s+".join(
            "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)
            for word in value.split()
        )

    pattern = r"^\s*(?:" + "|".join(any_case(value) for value in values) + r")\s*$"
    spellings: list[dict[str, Any]] = [{"enum": list(values)}, {"type": "string", "pattern": pattern}]
    return {"description": description, "anyOf": [*spellings, *([{"type": "null"}] if nullable else [])]}


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _likelihood(value: Any) -> str:
    term = " ".join(value.lower().split()) if isinstance(value, str) else value
    if term not in LIKELIHOOD_TERMS:
        raise ValueProblem(
            f"{value!r} is not an ICD 203 likelihood term",
            "use one of: " + ", ".join(LIKELIHOOD_TERMS),
        )
    return str(term)


LikelihoodTerm = Annotated[
    str,
    PlainValidator(_checked(_likelihood)),
    WithJsonSchema(_any_case(list(LIKELIHOOD_TERMS), "An ICD 203 likelihood term")),
]


class ClaimSpec(_Strict):
    """A key judgment, with the sources it rests on."""

    statement: Text
    sources: _list_of(ClaimSourceValue) = Field(default_factory=list)  # type: ignore[valid-type]
    credibility: Grade | None = Field(None, description="A grade of the credibility scale (default 1–6)")
    confidence: Annotated[
        Literal["low", "moderate", "high"] | None,
        BeforeValidator(_lower),
        WithJsonSchema(
            _any_case(
                ["low", "moderate", "high"],
                "Assessed analytic confidence; derived from the sources when absent",
                nullable=True,
            )
        ),
    ] = Field(None, description="Assessed analytic confidence; derived from the sources when absent")
    likelihood: LikelihoodTerm | None = Field(None, description="An ICD 203 likelihood term")
    note: Text | None = Field(None, description="Shown to readers")


class EventSpec(_Strict):
    """A dated event of the briefing's timeline."""

    date: EventDateValue
    title: Text
    description: Text | None = Field(None, description="Inline Markdown")
    claims: _list_of(Id) = Field(default_factory=list)  # type: ignore[valid-type]
    sources: _list_of(Id) = Field(default_factory=list)  # type: ignore[valid-type]


class CorrectionSpec(_Strict):
    """A dated correction, shown at the top of the page and in the feed."""

    date: CalendarDate
    text: Text


class FrontMatter(_Strict):
    """The YAML front matter of a briefing."""

    title: Text
    date: CalendarDate = Field(description="Publication date, YYYY-MM-DD")
    updated: CalendarDate | None = None
    summary: Text | None = Field(None, description="The bottom line up front (BLUF)")
    authors: _list_of(Text) = Field(default_factory=list)  # type: ignore[valid-type]
    tags: _list_of(Text) = Field(  # type: ignore[valid-type]
        default_factory=list, description="Up to 100 tags", json_schema_extra={"maxItems": 100}
    )
    status: Literal["draft", "published", "withdrawn"] = "published"
    slug: Id | None = Field(None, description="The URL slug; defaults to the file name")
    marking: Text | None = Field(None, description="A marking of the site's scale, such as TLP:CLEAR")
    aliases: _list_of(Id) = Field(  # type: ignore[valid-type]
        default_factory=list, description="Old slugs that redirect here"
    )
    corrections: _list_of(CorrectionSpec) = Field(default_factory=list)  # type: ignore[valid-type]
    internal: Annotated[dict[str, Any], BeforeValidator(_empty_mapping_if_null)] | None = Field(
        None, description="Notes that are never published"
    )
    sources: _mapping_of(SourceSpec) = Field(default_factory=dict)  # type: ignore[valid-type]
    claims: _mapping_of(ClaimSpec) = Field(default_factory=dict)  # type: ignore[valid-type]
    timeline: _list_of(EventSpec) = Field(default_factory=list)  # type: ignore[valid-type]


class SourceRegistry(RootModel[dict[Id, SourceSpec]]):
    """`briefings/_sources.yaml`: sources shared by several briefings."""

    model_config = ConfigDict(strict=True, hide_input_in_errors=True)
    root: dict[Id, SourceSpec]
