"""Site configuration (`site.yaml`): typed, with defaults, rating scales and finding severities."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictStr, field_validator

from generator.content.validation import validate_document
from generator.content.yamldoc import YamlDocument, load_yaml
from generator.diagnostics import Diagnostic, Position, Severity
from generator.fingerprint import CACHE_FOLDER
from generator.urls import base_url_problem

Strength = Literal["strong", "weak", "unknown"]
ConfidenceLevel = Literal["low", "moderate", "high"]
FindingLevel = Literal["error", "warning", "info", "off"]

#: Every kind of finding the analysis reports, with its default severity.
DEFAULT_FINDINGS: dict[str, FindingLevel] = {
    "unsourced": "warning",
    "overconfident": "warning",
    "circular": "warning",
    "retracted": "warning",
    "disputed": "warning",
    "single-source": "info",
    "anonymous-only": "info",
    "unused-source": "warning",
    "missing-summary": "warning",
    "estimative-mixed-sets": "warning",
    "estimative-confidence-and-likelihood": "warning",
}

TLP_MARKINGS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")


def _text_key(value: object) -> object:
    """Grades may be written as numbers in YAML (`1:`); they are text to Brief."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


def _off_is_off(value: object) -> object:
    """YAML 1.1 reads an unquoted `off` as false; in `findings:` it means the level `off`."""
    return "off" if value is False else value


class GradeConfig(BaseModel):
    """One grade of a rating scale."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    label: StrictStr = Field(min_length=1)
    strength: Strength = "unknown"
    colour: StrictStr | None = Field(None, pattern=r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")


class ConfidenceLevelConfig(BaseModel):
    """One level of analytic confidence, and how many strong independent origins derive it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    label: StrictStr = Field(min_length=1)
    colour: StrictStr | None = Field(None, pattern=r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")
    strong_origins: int | None = Field(None, ge=0)


Scale = Annotated[dict[str, GradeConfig], BeforeValidator(_text_key)]


def _default_reliability() -> dict[str, GradeConfig]:
    return {
        "A": GradeConfig(label="Completely reliable", strength="strong"),
        "B": GradeConfig(label="Usually reliable", strength="strong"),
        "C": GradeConfig(label="Fairly reliable", strength="strong"),
        "D": GradeConfig(label="Not usually reliable", strength="weak"),
        "E": GradeConfig(label="Unreliable", strength="weak"),
        "F": GradeConfig(label="Reliability cannot be judged", strength="unknown"),
    }


def _default_credibility() -> dict[str, GradeConfig]:
    return {
        "1": GradeConfig(label="Confirmed by other sources", strength="strong"),
        "2": GradeConfig(label="Probably true", strength="strong"),
        "3": GradeConfig(label="Possibly true", strength="strong"),
        "4": GradeConfig(label="Doubtful", strength="weak"),
        "5": GradeConfig(label="Improbable", strength="weak"),
        "6": GradeConfig(label="Truth cannot be judged", strength="unknown"),
    }


def _default_confidence() -> dict[ConfidenceLevel, ConfidenceLevelConfig]:
    return {
        "low": ConfidenceLevelConfig(label="Low confidence", strong_origins=0),
        "moderate": ConfidenceLevelConfig(label="Moderate confidence", strong_origins=1),
        "high": ConfidenceLevelConfig(label="High confidence", strong_origins=2),
    }


class ScalesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    reliability: Scale = Field(default_factory=_default_reliability)
    credibility: Scale = Field(default_factory=_default_credibility)
    confidence: dict[ConfidenceLevel, ConfidenceLevelConfig] = Field(default_factory=_default_confidence)

    @field_validator("reliability", "credibility")
    @classmethod
    def _not_empty(cls, scale: dict[str, GradeConfig]) -> dict[str, GradeConfig]:
        if not scale:
            raise ValueError("a scale needs at least one grade")
        return scale


class GitConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    updated: StrictBool = False
    history: StrictBool = False


class SiteConfigSpec(BaseModel):
    """The keys of `site.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, hide_input_in_errors=True)

    title: StrictStr = Field("Briefings", min_length=1)
    base_url: StrictStr | None = Field(None, description="Absolute URL of the published site")
    language: StrictStr = "en"
    description: StrictStr | None = None
    output: StrictStr = "_site"
    scales: ScalesConfig = Field(default_factory=ScalesConfig)
    findings: dict[str, Annotated[FindingLevel, BeforeValidator(_off_is_off)]] = Field(default_factory=dict)
    markings: list[Annotated[StrictStr, Field(min_length=1)]] = Field(
        default_factory=lambda: list(TLP_MARKINGS), min_length=1
    )
    default_marking: StrictStr | None = None
    publish_up_to: StrictStr | None = None
    git: GitConfig = Field(default_factory=GitConfig)
    html: Literal["escape", "sanitise"] = "escape"


_FILE_START = Position(1, 1)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The resolved configuration of a site, with its folders."""

    root: Path
    path: Path
    spec: SiteConfigSpec
    findings: dict[str, FindingLevel]
    #: Where site.yaml sets each of its top-level keys, for a message about that setting.
    key_positions: Mapping[str, Position] = field(default_factory=dict)

    def position_of(self, key: str) -> Position:
        """Where site.yaml sets `key`, or its start where it leaves `key` to the default."""
        return self.key_positions.get(key, _FILE_START)

    @property
    def briefings_dir(self) -> Path:
        return self.root / "briefings"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_FOLDER

    @property
    def output_dir(self) -> Path:
        return (
            (self.root / self.spec.output).resolve()
            if not Path(self.spec.output).is_absolute()
            else Path(self.spec.output)
        )

    @property
    def default_reliability(self) -> str:
        """`F` in the default scale; otherwise the last grade of the scale."""
        scale = self.spec.scales.reliability
        return "F" if "F" in scale else list(scale)[-1]

    @property
    def default_marking(self) -> str:
        return self.spec.default_marking or self.spec.markings[0]

    def severity_of(self, finding: str) -> Severity | None:
        level = self.findings.get(finding, "warning")
        return None if level == "off" else Severity[level.upper()]


def load_config(site_root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read `site.yaml`. Problems here are configuration errors (exit code 2)."""
    path = site_root / "site.yaml"
    if not path.is_file():
        return None, [
            Diagnostic(
                path,
                Position(1, 1),
                Severity.ERROR,
                f"no site.yaml in {site_root}",
                "run brief from the site's folder, or pass --site PATH",
                "config",
            )
        ]
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return None, [
            Diagnostic(
                path, Position(1, 1), Severity.ERROR, f"cannot read site.yaml: {error}", None, "config"
            )
        ]
    document, problem = load_yaml(text, path)
    if problem:
        return None, [problem]
    assert document is not None
    if document.value is None:
        document.value = {}
    # A key or value of site.yaml is a configuration problem ("config"), not one of a
    # briefing's front matter ("schema"); YAML that cannot be read stays "yaml".
    spec, diagnostics = validate_document(SiteConfigSpec, document, "site.yaml", code="config")
    diagnostics.extend(document.problems)
    # Checked on the YAML as written, so that one run reports them with the schema's errors.
    diagnostics.extend(_check_written_values(document))
    diagnostics.extend(_duplicate_markings(document))
    if spec is not None:
        diagnostics.extend(_check_consistency(spec, document))
    if spec is None or diagnostics:
        return None, sorted(diagnostics, key=Diagnostic.sort_key)
    findings = {**DEFAULT_FINDINGS, **spec.findings}
    written = document.value if isinstance(document.value, dict) else {}
    positions = {key: document.position_of((key,)) for key in written if isinstance(key, str)}
    return SiteConfig(site_root, path, spec, findings, positions), []


def _check_written_values(document: YamlDocument) -> list[Diagnostic]:
    """Unknown findings and a base_url that cannot prefix the site's URLs (`base_url_problem`)."""
    diagnostics = []
    raw = document.value if isinstance(document.value, dict) else {}
    findings = raw.get("findings")
    for kind in findings if isinstance(findings, dict) else ():
        if kind not in DEFAULT_FINDINGS:
            close = difflib.get_close_matches(str(kind), list(DEFAULT_FINDINGS), n=1, cutoff=0.6)
            diagnostics.append(
                Diagnostic(
                    document.path,
                    document.key_position_of(("findings", kind)),
                    Severity.ERROR,
                    f"unknown finding '{kind}'",
                    f"did you mean '{close[0]}'?"
                    if close
                    else "known findings: " + ", ".join(DEFAULT_FINDINGS),
                    "config",
                )
            )
    base_url = raw.get("base_url")
    problem = base_url_problem(base_url) if isinstance(base_url, str) else None
    if problem is not None:
        reason, hint = problem
        diagnostics.append(
            Diagnostic(
                document.path,
                document.position_of(("base_url",)),
                Severity.ERROR,
                f"base_url {reason}",
                hint,
                "config",
            )
        )
    return diagnostics


def _duplicate_markings(document: YamlDocument) -> list[Diagnostic]:
    """A marking listed twice, whose place in the order would be unclear (checked on the YAML
    as written, so that it is reported with the schema's errors)."""
    diagnostics = []
    raw = document.value if isinstance(document.value, dict) else {}
    markings = raw.get("markings")
    first_at: dict[str, int] = {}
    for index, marking in enumerate(markings if isinstance(markings, list) else ()):
        if not isinstance(marking, str):
            continue
        if marking in first_at:
            diagnostics.append(
                Diagnostic(
                    document.path,
                    document.position_of(("markings", index)),
                    Severity.ERROR,
                    f"the marking '{marking}' is listed twice",
                    "list each marking once, from most to least shareable "
                    f"(first at item {first_at[marking] + 1})",
                    "config",
                )
            )
        first_at.setdefault(marking, index)
    return diagnostics


def _check_consistency(spec: SiteConfigSpec, document: YamlDocument) -> list[Diagnostic]:
    diagnostics = []
    for key in ("default_marking", "publish_up_to"):
        marking = getattr(spec, key)
        if marking is not None and marking not in spec.markings:
            diagnostics.append(
                Diagnostic(
                    document.path,
                    document.position_of((key,)),
                    Severity.ERROR,
                    f"'{marking}' is not one of the site's markings",
                    "markings: " + ", ".join(spec.markings),
                    "config",
                )
            )
    return diagnostics
