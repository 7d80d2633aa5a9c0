"""`brief new`: the text of a new briefing, with every front-matter key shown and explained."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from slugify import slugify

from generator.content.values import MAX_SLUG_LENGTH, RESERVED_SLUGS

SCAFFOLD = Path(__file__).resolve().parent / "scaffold.md"

#: The example text of scaffold.md: a published briefing still holding one is warned of.
PLACEHOLDERS = frozenset(
    {
        "Replace this with the one thing a reader should take away.",
        "Title of the report, or a description of the source",
        "Who published it",
        "One sentence a reader can check against its sources.",
        "What happened",
    }
)


def slug_from_title(title: str) -> str:
    """The file name of a new briefing; a name Windows reserves (`CON`) gets `-briefing`,
    and a long title is cut at a word to the longest slug a build accepts."""
    slug = slugify(title, max_length=MAX_SLUG_LENGTH, word_boundary=True)
    return f"{slug}-briefing" if slug in RESERVED_SLUGS else slug


def today() -> datetime.date:
    """Today, or the day of SOURCE_DATE_EPOCH where it is set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


def scaffold_text(title: str, slug: str, day: datetime.date) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever the title holds.
    quoted_title = json.dumps(title, ensure_ascii=False)
    return SCAFFOLD.read_text(encoding="utf-8").format(title=quoted_title, slug=slug, date=day.isoformat())
