"""The shared source registry, `briefings/_sources.yaml`, and the building of one source from
its validated entry (for the registry and for a briefing's own sources alike)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.config import SiteConfig
from generator.content.files import not_a_regular_file, refuse_symlink
from generator.content.frontmatter import read_text
from generator.content.model import Location, Source
from generator.content.schema import SourceRegistry, SourceSpec
from generator.content.validation import valid_entries, validate_document
from generator.content.values import id_suggestion, shown
from generator.content.yamldoc import YamlDocument, YamlPath, load_yaml
from generator.diagnostics import DiagnosticList, Position

REGISTRY_NAME = "_sources.yaml"


@dataclass(frozen=True)
class SharedRegistry:
    """`briefings/_sources.yaml`: its valid sources, and the ids of the entries with errors
    (reported there; a briefing that uses one is told so, not that the id is unknown)."""

    sources: dict[str, Source] = field(default_factory=dict)
    broken: frozenset[str] = frozenset()
    #: The file is there but could not be read as a registry at all (not text, not YAML, not
    #: a mapping): any id may be one of its, so none is reported as unknown meanwhile.
    unreadable: bool = False


def load_registry(config: SiteConfig, diagnostics: DiagnosticList) -> SharedRegistry:
    """The shared registry; an entry with errors leaves the others usable."""
    path = config.briefings_dir / REGISTRY_NAME
    if path.is_symlink():
        refuse_symlink(path, diagnostics)
        return SharedRegistry()
    if not path.is_file():
        if not path.exists():
            return SharedRegistry()
        diagnostics.add(not_a_regular_file(path))
        return SharedRegistry(unreadable=True)
    try:
        data = path.read_bytes()
    except OSError as error:
        diagnostics.error(path, Position(1, 1), f"cannot read the file: {error.strerror}", code="io")
        return SharedRegistry(unreadable=True)
    text, problem = read_text(path, data)
    if problem:
        diagnostics.add(problem)
        return SharedRegistry(unreadable=True)
    assert text is not None
    document, problem = load_yaml(text, path)
    if problem:
        diagnostics.add(problem)
        return SharedRegistry(unreadable=True)
    assert document is not None
    diagnostics.extend(document.problems)
    if document.value is None:
        return SharedRegistry()
    registry, problems = validate_document(SourceRegistry, document, REGISTRY_NAME)
    diagnostics.extend(problems)
    if registry is None and not isinstance(document.value, dict):
        return SharedRegistry(unreadable=True)
    specs = registry.root if registry is not None else valid_entries(SourceSpec, document.value)
    assert isinstance(document.value, dict)
    broken = frozenset(str(key) for key in document.value) - specs.keys()
    sources = {
        source_id: build_source(source_id, spec, document, (source_id,), config, True, diagnostics)
        for source_id, spec in specs.items()
    }
    for source in sources.values():
        for index, parent in enumerate(source.derived_from):
            if parent not in sources and parent not in broken:
                diagnostics.error(
                    path,
                    document.position_of((source.id, "derived_from", index)),
                    f"source '{source.id}' derives from unknown source '{parent}'",
                    id_suggestion(parent, sources),
                    code="unknown-id",
                )
    for source_id, index in self_derivations(sources):
        where = document.position_of((source_id, "derived_from", index))
        diagnostics.error(path, where, f"source '{source_id}' derives from itself", *DERIVES_FROM_ITSELF)
    return SharedRegistry(sources, broken)


#: The hint and code for a source that names itself in `derived_from`. A loop through other
#: sources (A repeats B, B repeats A) is left alone: that is circular reporting as it
#: happens; they are one origin, and a claim citing both is flagged for it.
DERIVES_FROM_ITSELF = ("a source derives from the sources it repeats; remove this entry", "derived-from")


def self_derivations(sources: Mapping[str, Source]) -> list[tuple[str, int]]:
    """(source, index in its `derived_from`) of each source that names itself there."""
    return [
        (source_id, index)
        for source_id, source in sources.items()
        for index, parent in enumerate(source.derived_from)
        if parent == source_id
    ]


def check_reliability(
    grade: str, document: YamlDocument, yaml_path: YamlPath, config: SiteConfig, diagnostics: DiagnosticList
) -> None:
    """An error at `yaml_path` unless `grade` is one of the site's reliability grades."""
    scale = config.spec.scales.reliability
    if grade not in scale:
        diagnostics.error(
            document.path,
            document.position_of(yaml_path),
            f"{shown(grade)} is not a reliability grade",
            "use one of: " + ", ".join(scale),
            code="schema",
        )


def build_source(
    source_id: str,
    spec: SourceSpec,
    document: YamlDocument,
    yaml_path: YamlPath,
    config: SiteConfig,
    shared: bool,
    diagnostics: DiagnosticList,
) -> Source:
    reliability = spec.reliability if spec.reliability is not None else config.default_reliability
    check_reliability(reliability, document, (*yaml_path, "reliability"), config, diagnostics)
    return Source(
        id=source_id,
        title=spec.title,
        publisher=spec.publisher,
        author=spec.author,
        url=spec.url,
        published=spec.published,
        accessed=spec.accessed,
        kind=spec.kind,
        reliability=reliability,
        derived_from=tuple(spec.derived_from),
        retracted=spec.retracted,
        disputed=spec.disputed,
        note=spec.note,
        location=Location(document.path, document.key_position_of(yaml_path)),
        shared=shared,
    )
