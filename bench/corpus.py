"""A deterministic corpus of briefings that look like real ones, for benchmarks.

Each briefing has about 1,200 words, 6 sources, 5 claims, 4 timeline events, 15
citations, a table and lists, and shares tags and registry sources with the others.
The same bodies are written for the peers (Pelican, MkDocs, Hugo) with their own front
matter, so every tool renders the same Markdown.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

_VOCABULARY = """
analysts assess the delegation reported officials ministry defence energy contract deliveries
squadron pipeline tanker refinery sanctions payment rupee settlement summit statement agency
imagery satellite border exercise negotiation treaty corridor shipment port insurance cargo
volume quarter estimate forecast policy cabinet parliament minister envoy visit talks capital
region security council adviser briefing assessment source claim evidence timeline uncertain
"""
WORDS = tuple(_VOCABULARY.split())
TAGS = (
    "india",
    "russia",
    "china",
    "energy",
    "defence",
    "sanctions",
    "trade",
    "diplomacy",
    "maritime",
    "cyber",
)
KINDS = ("named", "official", "document", "dataset", "media", "anonymous", "social")
GRADES = "ABCDEF"
TERMS = ("likely", "unlikely", "very likely", "almost certain", "roughly even chance")
SHARED_SOURCES = 40


@dataclass(frozen=True)
class CorpusFiles:
    brief_site: Path
    markdown_dir: Path
    count: int


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(9, 18)) for _ in range(sentences))


def _body(rng: random.Random, ids: list[str], cite: bool) -> str:
    """About 1,200 words: headings, paragraphs with 15 citations, a list and a table."""
    parts: list[str] = []
    citations = 0
    for section in range(4):
        parts.append(f"## Section {section + 1}: {_sentence(rng, 4)[:-1]}")
        for _ in range(4):
            text = _paragraph(rng, 4)
            if cite and citations < 15:
                picked = rng.sample(ids, 2 if citations % 4 == 0 else 1)
                marker = "[" + "; ".join(f"@{i}" for i in picked) + "]"
                if citations % 5 == 0:
                    marker = f"[see @{picked[0]}, p. {rng.randint(1, 40)}]"
                text = text[:-1] + " " + marker + "."
                citations += 1
            parts.append(text)
        if section == 1:
            parts.append("\n".join(f"- {_sentence(rng, 8)}" for _ in range(5)))
        if section == 2:
            rows = ["| Item | Quarter | Volume |", "|---|---|---:|"]
            rows += [
                f"| {rng.choice(WORDS)} | Q{rng.randint(1, 4)} | {rng.randint(10, 999)} |" for _ in range(6)
            ]
            parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def _front_matter(rng: random.Random, number: int, slug: str) -> tuple[str, list[str]]:
    local = [f"s{k}" for k in range(4)]
    shared = [f"shared-{rng.randrange(SHARED_SOURCES)}" for _ in range(2)]
    shared = list(dict.fromkeys(shared))
    lines = [
        "---",
        f"title: Briefing {number} on {_sentence(rng, 6)[:-1].lower()}",
        f"date: {2020 + number % 6}-{1 + number % 12:02d}-{1 + number % 28:02d}",
        f"summary: {_sentence(rng, 30)}",
        f"authors: [Analyst {number % 17}]",
        f"tags: [{', '.join(rng.sample(TAGS, 3))}]",
        "sources:",
    ]
    for index, source_id in enumerate(local):
        lines += [
            f"  {source_id}:",
            f"    title: {_sentence(rng, 7)[:-1]}",
            f"    publisher: Publisher {rng.randint(1, 60)}",
            f"    published: 2025-{1 + index:02d}",
            f"    kind: {rng.choice(KINDS)}",
            f"    reliability: {rng.choice(GRADES)}",
        ]
        if index == 3:
            lines.append("    derived_from: [s0]")
    lines.append("claims:")
    ids = local + shared
    for claim in range(5):
        lines += [
            f"  c{claim}:",
            f"    statement: {_sentence(rng, 14)}",
            f"    sources: [{', '.join(rng.sample(ids, rng.randint(1, 3)))}]",
        ]
        if claim == 2:
            lines.append(f"    likelihood: {rng.choice(TERMS)}")
    lines.append("timeline:")
    for event, date in enumerate(("2018-10", f"2025-0{1 + number % 9}~", "2025-08-06", "../2025-12-31")):
        lines += [f"  - date: {date}", f"    title: {_sentence(rng, 6)[:-1]}", f"    claims: [c{event}]"]
    lines.append("---")
    return "\n".join(lines) + "\n", ids + [f"c{k}" for k in range(5)]


def write_corpus(root: Path, count: int, seed: int = 20251125) -> CorpusFiles:
    """Write a Brief site and a plain Markdown folder (for the peers) of `count` briefings."""
    rng = random.Random(seed)
    site = root / "brief-site"
    markdown = root / "markdown"
    (site / "briefings").mkdir(parents=True, exist_ok=True)
    markdown.mkdir(parents=True, exist_ok=True)
    (site / "site.yaml").write_text(
        "title: Benchmark\nbase_url: https://example.org/bench/\nfindings:\n"
        "  unused-source: off\n  single-source: off\n  anonymous-only: off\n  circular: off\n"
        "  unsourced: off\n  overconfident: off\n  estimative-mixed-sets: off\n",
        encoding="utf-8",
    )
    registry = [
        f"shared-{k}:\n  title: Shared report {k}\n  publisher: Wire {k % 7}\n"
        f"  reliability: {GRADES[k % 6]}\n"
        for k in range(SHARED_SOURCES)
    ]
    (site / "briefings" / "_sources.yaml").write_text("".join(registry), encoding="utf-8")
    for number in range(count):
        slug = f"briefing-{number:05d}"
        front, ids = _front_matter(rng, number, slug)
        body = _body(rng, ids, cite=True)
        folder = site / "briefings" / f"group-{number // 500:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{slug}.md").write_text(front + "\n" + body, encoding="utf-8")
        plain = body.replace("[see @", "[see ").replace("[@", "[")
        title = f"Briefing {number}"
        peer_front = f'---\ntitle: "{title}"\ndate: 2025-08-06\n---\n\n'
        (markdown / f"{slug}.md").write_text(peer_front + plain, encoding="utf-8")
    return CorpusFiles(site, markdown, count)
