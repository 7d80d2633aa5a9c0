"""Small value types of the front matter: dates, partial dates, ids, URLs and grades.

Each parser takes what YAML hands over (text, a number or a date) and either returns the
value or raises `ValueProblem`, whose message and hint reach the analyst as they are.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from generator.content.yamldoc import describe_type
from generator.pickling import compact

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
#: The longest id or slug: slugs and tags name folders of the output, and a folder's name
#: has at most 255 bytes.
MAX_SLUG_LENGTH = 200
_CALENDAR_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_URL_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")

#: Names Windows reserves for devices: no file or folder can have them, so no slug either.
RESERVED_SLUGS = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


#: A slug already: what python-slugify makes of one is itself.
_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@functools.lru_cache(maxsize=8192)
def slug_of(text: str) -> str:
    """`text` transliterated to `[a-z0-9-]` (python-slugify), cached: tags and grades repeat.
    A file name that is a slug already (most are, and each is new) is taken as it is:
    python-slugify took about 10 us for one."""
    if _PLAIN_SLUG.fullmatch(text):
        return text
    from slugify import slugify

    return str(slugify(text))


class ValueProblem(ValueError):
    """A value the analyst wrote that Brief cannot accept."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def tag_slug(tag: str) -> str:
    """The name of a tag's page folder (`tags/<slug>/`): a name Windows reserves gets
    `-tag`, since no folder can be called `con`. Empty when the tag has no letters or digits."""
    slug = slug_of(tag)
    return f"{slug}-tag" if slug in RESERVED_SLUGS else slug


def has_invisible_characters(text: str) -> bool:
    """True for bidirectional controls, zero-width and other format (Cf) or control characters."""
    if text.isprintable():  # no Cc or Cf character at all (most texts): no walk over each
        return False
    return any(unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\n\t" for ch in text)


def too_long(text: str) -> str:
    """`'<start of text>…' is N characters long; the limit is 200`, for an id or slug."""
    return f"'{text[:20]}…' is {len(text)} characters long; the limit is {MAX_SLUG_LENGTH}"


def parse_id(value: Any) -> str:
    if not isinstance(value, str):
        hint = None
        if isinstance(value, (bool, int, float)) or value is None:
            hint = "put the id in quotes, for example 'yes': YAML reads yes, no, on and off as true or false"
        raise ValueProblem(f"an id must be text, not {describe_type(value)}", hint)
    if ID_PATTERN.fullmatch(value):
        if len(value) > MAX_SLUG_LENGTH:
            raise ValueProblem(f"the id {too_long(value)}", "shorten it")
        return value
    suggestion = slug_of(value)
    hint = "ids use lowercase letters, digits and hyphens, and start with a letter or digit"
    if suggestion and suggestion != value:
        hint += f", for example '{suggestion}'"
    if has_invisible_characters(value):
        raise ValueProblem(f"the id {value!r} contains invisible or control characters", hint)
    raise ValueProblem(f"'{value}' is not a valid id", hint)


def parse_calendar_date(value: Any) -> datetime.date:
    """A full calendar date, `YYYY-MM-DD`, written plainly or quoted."""
    if isinstance(value, datetime.datetime):
        raise ValueProblem("expected a date without a time", "write it as YYYY-MM-DD, for example 2025-08-06")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = _CALENDAR_DATE.fullmatch(value.strip())
        if match:
            try:
                return datetime.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError as error:
                raise ValueProblem(f"'{value}' is not a real date ({error})") from None
    raise ValueProblem(
        f"expected a date (YYYY-MM-DD), not {shown(value)}",
        "write it as YYYY-MM-DD, for example 2025-08-06",
    )


@compact
@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A year, a month or a day: `2025`, `2025-08`, `2025-08-06`."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text

    @property
    def display(self) -> str:
        """`2025`, `Aug 2025` or `6 Aug 2025`."""
        if self.month is None:
            return str(self.year)
        month = _MONTHS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


def parse_partial_date(value: Any) -> PartialDate:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return PartialDate(value)
    if isinstance(value, str):
        match = _PARTIAL_DATE.fullmatch(value.strip())
        if match:
            year = int(match[1])
            month = int(match[2]) if match[2] else None
            day = int(match[3]) if match[3] else None
            try:
                datetime.date(year, month or 1, day or 1)
            except ValueError as error:
                raise ValueProblem(f"'{value}' is not a real date ({error})") from None
            return PartialDate(year, month, day)
    raise ValueProblem(
        f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), not {shown(value)}",
        "for example 2025, 2025-08 or 2025-08-06",
    )


def parse_http_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueProblem(f"a URL must be text, not {describe_type(value)}")
    url = value.strip()
    if has_invisible_characters(url) or any(ch.isspace() for ch in url):
        raise ValueProblem("the URL contains spaces, invisible or control characters")
    match = _URL_SCHEME.match(url)
    if not match or match[1].lower() not in ("http", "https") or not url[match.end() :].startswith("//"):
        raise ValueProblem(
            f"'{value}' is not an http or https URL",
            "a source URL must start with https:// or http://",
        )
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed port or IPv6 address
        host = None
    if not host:
        raise ValueProblem(
            f"'{value}' names no host", "write the whole address, as https://example.org/report"
        )
    return url


def parse_grade(value: Any) -> str:
    """A grade of a rating scale, as text (`B`, or `2` written as a number)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueProblem(f"expected a grade such as B or 2, not {shown(value)}")
    return str(value).strip()


def shown(value: Any) -> str:
    """A value as a message quotes it: text in quotes, cut short past 60 characters (a grade
    of 5,000 digits is not worth printing whole); other values by their type."""
    if not isinstance(value, str):
        return describe_type(value)
    if len(value) > 60:
        return f"'{value[:40]}…' ({len(value):,} characters)"
    return f"'{value}'"


def id_suggestion(unknown: str, known: Iterable[str]) -> str | None:
    """A hint for an unknown id or name: "did you mean 'x'?" if one of `known` is close to it."""
    close = difflib.get_close_matches(unknown, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if unknown != unknown.lower() and unknown.lower() in set(known):
        return f"ids are lowercase: '{unknown.lower()}'"
    return None
