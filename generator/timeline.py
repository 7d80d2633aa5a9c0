"""Timeline dates: EDTF text -> sortable bounds and human wording.

The `edtf` package (an implementation of the Library of Congress specification) decides
what is valid and computes the strict bounds. The wording ("c. 2018", "Aug–Sep 2025",
"by 31 Dec 2025") is ours: no library words EDTF dates for readers.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime
import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from generator.content.values import ValueProblem
from generator.pickling import compact

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: EDTF's sub-year groupings (months 21 to 41): seasons, then the same by hemisphere,
#: quarters, four-month parts and halves of a year. Each as a "{year}" template, and its
#: first and last month as the `edtf` package reads them (a winter is its December).
_SUB_YEARS: dict[int, tuple[str, int, int]] = {
    21: ("Spring {year}", 3, 5),
    22: ("Summer {year}", 6, 8),
    23: ("Autumn {year}", 9, 11),
    24: ("Winter {year}", 12, 12),
    25: ("northern spring {year}", 3, 5),
    26: ("northern summer {year}", 6, 8),
    27: ("northern autumn {year}", 9, 11),
    28: ("northern winter {year}", 12, 12),
    29: ("southern spring {year}", 9, 11),
    30: ("southern summer {year}", 12, 12),
    31: ("southern autumn {year}", 3, 5),
    32: ("southern winter {year}", 6, 8),
    33: ("Q1 {year}", 1, 3),
    34: ("Q2 {year}", 4, 6),
    35: ("Q3 {year}", 7, 9),
    36: ("Q4 {year}", 10, 12),
    37: ("Jan–Apr {year}", 1, 4),
    38: ("May–Aug {year}", 5, 8),
    39: ("Sep–Dec {year}", 9, 12),
    40: ("first half of {year}", 1, 6),
    41: ("second half of {year}", 7, 12),
}
_SIMPLE = re.compile(
    r"(?P<year>-?[0-9X]{4})(?:-(?P<month>[0-9X]{2}))?(?:-(?P<day>[0-9X]{2}))?(?P<qualifier>[?~%])?"
)

DayTuple = tuple[int, int, int]

#: A date whose year is unknown: `XXXX`, `XXXX-XX`, `XXXX-XX-XX`, and `XXXX-08` (some
#: August) or `XXXX-08-15`, which cannot be placed among dates either.
_UNKNOWN = re.compile(r"XXXX(?:-[0-9X]{2}(?:-[0-9X]{2})?)?[?~%]?")

#: How an unknown date reads, and the heading it is listed under on the merged timeline.
UNKNOWN_WORDS = "date unknown"
UNKNOWN_GROUP = "Date unknown"

EXAMPLE_DATES = (
    "2025-08-06, 2025-08, 2025, 2025-07~ (about), 2025? (uncertain), 2025-08/2025-09, ../2025-12-31"
)


@compact
@dataclass(frozen=True, slots=True)
class EventDate:
    """One EDTF date or interval, with the strict bounds it allows."""

    text: str
    #: Earliest possible day, or None for an open or unknown start.
    earliest: DayTuple | None
    #: Latest possible day, or None for an open or unknown end.
    latest: DayTuple | None
    approximate: bool
    uncertain: bool
    is_interval: bool

    @property
    def unknown(self) -> bool:
        """Nothing is known of the date (`XXXX`): it sorts after every date that is known."""
        return self.earliest is None and self.latest is None

    @property
    def sort_key(self) -> tuple[bool, DayTuple, DayTuple]:
        """Earliest possible date (an open start sorts by its end), then latest; an unknown
        date last."""
        start = self.earliest or self.latest or (0, 1, 1)
        end = self.latest or (9999, 12, 31)
        return self.unknown, start, end

    @property
    def earliest_iso(self) -> str | None:
        return _iso(self.earliest) if self.earliest else None

    @property
    def latest_iso(self) -> str | None:
        return _iso(self.latest) if self.latest else None

    @property
    def year(self) -> int:
        """The year an event is grouped under (an unknown date's is meaningless)."""
        return self.sort_key[1][0]

    @property
    def precise(self) -> bool:
        """True for a single exactly known day."""
        return (
            not self.approximate
            and not self.uncertain
            and self.earliest is not None
            and self.earliest == self.latest
        )

    @property
    def display(self) -> str:
        return describe_edtf(self.text)


def _iso(day: DayTuple) -> str:
    year, month, dom = day
    sign = "-" if year < 0 else ""
    return f"{sign}{abs(year):04d}-{month:02d}-{dom:02d}"


def _day_tuple(value: Any) -> DayTuple | None:
    if isinstance(value, float):  # the edtf package uses ±inf for open ends
        return None
    return (value.tm_year, value.tm_mon, value.tm_mday)


def parse_event_date(value: Any) -> EventDate:
    """Parse what YAML hands over (text, an integer year or a date) as an EDTF date."""
    if isinstance(value, bool) or value is None:
        raise ValueProblem("expected an EDTF date", f"for example {EXAMPLE_DATES}")
    if isinstance(value, datetime.datetime):
        raise ValueProblem("timeline dates have no time of day", "write it as YYYY-MM-DD")
    if isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, int):
        text = f"{value:04d}" if value >= 0 else f"-{abs(value):04d}"
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValueProblem("expected an EDTF date", f"for example {EXAMPLE_DATES}")
    bounds = simple_bounds(text)
    if bounds is None:
        bounds = _library_bounds(text)
    lower, upper = bounds
    is_interval = "/" in text
    # The package reads `XXXX` strictly, as any day from 0000 to 9999: sorted by that, an
    # unknown date came first, filed under "1 BCE". Nothing is known of it, so it has no
    # bounds; an interval's unknown end is read like EDTF's empty one (unknown).
    start, _, end = text.partition("/")
    if _UNKNOWN.fullmatch(start):
        lower = None
    if _UNKNOWN.fullmatch(end) or (not is_interval and _UNKNOWN.fullmatch(start)):
        upper = None
    return EventDate(
        text=text,
        earliest=lower,
        latest=upper,
        approximate="~" in text or "%" in text,
        uncertain="?" in text or "%" in text,
        is_interval=is_interval,
    )


# --- bounds ----------------------------------------------------------------------------
#
# The common forms (levels 0 and 1: days, months, years, `?` `~` `%`, unspecified digits,
# intervals and open ends; and seasons, quarters and the other sub-year groupings) are
# read here with one regular expression: the `edtf` package parses with pyparsing at 5 to
# 13 ms a date, which would dominate the build of a large site. Everything else (sets,
# level 2 qualifiers, long years) goes to the package. tests/test_timeline.py checks that
# both agree on the forms read here.

_SIMPLE_POINT = re.compile(
    r"(?P<year>[0-9]{4}|[0-9]{3}X|[0-9]{2}XX)(?:-(?P<month>[0-9]{2}|XX)(?:-(?P<day>[0-9]{2}|XX))?)?[?~%]?"
)


class _NotSimple(Exception):
    """The text is not one of the forms read by `simple_bounds`."""


def _invalid(text: str) -> ValueProblem:
    return ValueProblem(f"'{text}' is not a valid EDTF date", f"valid forms include {EXAMPLE_DATES}")


def _point_bounds(text: str, whole: str) -> tuple[DayTuple, DayTuple]:
    match = _SIMPLE_POINT.fullmatch(text)
    if not match:
        raise _NotSimple
    year, month, day = match["year"], match["month"], match["day"]
    if "X" in year and (month or day):
        raise _NotSimple
    if month == "XX" and day not in (None, "XX"):
        raise _NotSimple
    low_year, high_year = int(year.replace("X", "0")), int(year.replace("X", "9"))
    if month is None or month == "XX":
        low_month, high_month = 1, 12
    else:
        number = int(month)
        if number in _SUB_YEARS and day is None and "X" not in year and text[-1] not in "?~%":
            _, low_month, high_month = _SUB_YEARS[number]  # a season, a quarter...
        elif number > 12:
            raise _NotSimple if number >= 21 else _invalid(whole)
        elif number == 0:
            raise _invalid(whole)
        else:
            low_month = high_month = number
    last_day = calendar.monthrange(high_year, high_month)[1]
    if day is None or day == "XX":
        return (low_year, low_month, 1), (high_year, high_month, last_day)
    try:
        exact = datetime.date(low_year, low_month, int(day))
    except ValueError:
        raise _invalid(whole) from None
    return (exact.year, exact.month, exact.day), (exact.year, exact.month, exact.day)


def simple_bounds(text: str) -> tuple[DayTuple | None, DayTuple | None] | None:
    """Strict bounds of a common EDTF form; None where the text is not one of them."""
    try:
        if "/" not in text:
            return _point_bounds(text, text)
        start, _, end = text.partition("/")
        lower = None if start in ("", "..") else _point_bounds(start, text)[0]
        upper = None if end in ("", "..") else _point_bounds(end, text)[1]
    except _NotSimple:
        return None
    if lower is None and upper is None:
        raise ValueProblem(f"'{text}' has neither a start nor an end", "give at least one end: ../2025-12-31")
    if lower is not None and upper is not None and lower > upper:
        raise ValueProblem(f"the interval '{text}' ends before it starts")
    return lower, upper


def _library_bounds(text: str) -> tuple[DayTuple | None, DayTuple | None]:
    import edtf  # imported here: it takes a tenth of a second, and most sites never need it
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        # The package prints to standard output when a form fails it ("trying to
        # PartialUnspecified.__init__…"): that would break `brief check --format json`.
        with contextlib.redirect_stdout(io.StringIO()):
            parsed = edtf.parse_edtf(text)
            return _bounds(parsed)
    except (EDTFParseException, ValueError, TypeError, AttributeError, OverflowError):
        raise _invalid(text) from None


def _bounds(parsed: Any) -> tuple[DayTuple | None, DayTuple | None]:
    lower_part = getattr(parsed, "lower", None)
    upper_part = getattr(parsed, "upper", None)
    if lower_part is not None and upper_part is not None:
        lower = None if _is_open(lower_part) else _day_tuple(_strict(lower_part, "lower"))
        upper = None if _is_open(upper_part) else _day_tuple(_strict(upper_part, "upper"))
        return lower, upper
    return _day_tuple(parsed.lower_strict()), _day_tuple(parsed.upper_strict())


def _is_open(part: Any) -> bool:
    return bool(getattr(part, "is_open", False) or getattr(part, "is_unknown", False))


def _strict(part: Any, side: str) -> Any:
    return part.lower_strict() if side == "lower" else part.upper_strict()


# --- wording -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Point:
    year: str
    month: int | None
    day: int | None
    qualifier: str
    #: The month is written `XX`: it is one month, not known which.
    some_month: bool = False
    #: The day is written `XX`.
    some_day: bool = False


def _parse_point(text: str) -> _Point | None:
    match = _SIMPLE.fullmatch(text)
    if not match:
        return None
    month = match["month"]
    day = match["day"]
    return _Point(
        year=match["year"],
        month=int(month) if month and "X" not in month else None,
        day=int(day) if day and "X" not in day else None,
        qualifier=match["qualifier"] or "",
        some_month=bool(month) and "X" in month,
        some_day=bool(day) and "X" in day,
    )


def title_key(title: str) -> tuple[str, str]:
    """The order of events of the same dates: by title, without case or accents ("alpha
    two" before "beta", "Ångström" beside "Angstrom"), then as written, so that titles that
    differ only in those still have one order."""
    if title.isascii():  # no accents to take off (most titles): no walk over its characters
        return title.casefold(), title
    decomposed = unicodedata.normalize("NFKD", title)
    if decomposed.isascii():  # no combining marks to drop
        return decomposed.casefold(), title
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.casefold(), title


def _year_words(year: str) -> str:
    if "X" not in year:
        number = int(year)
        return f"{1 - number} BCE" if number <= 0 else str(number)  # astronomical year 0 is 1 BCE
    if year.startswith("-"):
        return _years_bce_words(year)
    digits = year.rstrip("X")
    if year.count("X") == 1 and "X" not in digits:
        return f"{digits}0s"
    if year.count("X") == 2 and "X" not in digits:
        return f"{digits}00s"
    return year


def _years_bce_words(year: str) -> str:
    """`-004X` (astronomical years -40 to -49) is "50–41 BCE"; other forms as written."""
    digits = year[1:].rstrip("X")
    unknown = len(year) - 1 - len(digits)
    if "X" in digits or not digits:
        return year
    span = 10**unknown
    nearest = int(digits) * span  # the astronomical year -nearest is (nearest + 1) BCE
    return f"{nearest + span}–{nearest + 1} BCE"


def _point_words(point: _Point, with_year: bool = True) -> str:
    if point.year == "XXXX":
        if point.month is not None and 1 <= point.month <= 12 and not point.some_month:
            # What is known of it: "Aug, year unknown", "15 Aug, year unknown".
            day = f"{point.day} " if point.day is not None and not point.some_day else ""
            return _qualify(f"{day}{_MONTHS[point.month - 1]}, year unknown", point.qualifier)
        return _qualify(UNKNOWN_WORDS, point.qualifier)
    year = _year_words(point.year)
    if point.some_month:
        # `2025-XX` is one month of 2025, `2025-XX-15` the 15th of one: not the same as `2025`.
        if point.day is not None:
            core = f"day {point.day} of some month of {year}"
        else:
            core = f"some {'day' if point.some_day else 'month'} of {year}"
    elif point.month in _SUB_YEARS:
        core = _SUB_YEARS[point.month][0].format(year=year)
    elif point.month is None or not 1 <= point.month <= 12:
        core = year
    elif point.day is None:
        month = f"{_MONTHS[point.month - 1]} {year}" if with_year else _MONTHS[point.month - 1]
        core = f"some day of {month}" if point.some_day else month  # `2025-08-XX`
    else:
        month = _MONTHS[point.month - 1]
        core = f"{point.day} {month} {year}" if with_year else f"{point.day} {month}"
    return _qualify(core, point.qualifier)


def _qualify(core: str, qualifier: str) -> str:
    if qualifier == "~":
        return f"c. {core}"
    if qualifier == "?":
        return f"{core}?"
    if qualifier == "%":
        return f"c. {core}?"
    return core


def _interval_words(start: _Point, end: _Point) -> str:
    if start == end:  # 2025-08-06/2025-08-06 is one day
        return _point_words(start)
    same_year = start.year == end.year and not start.qualifier
    if same_year and start.month and end.month and start.month <= 12 and end.month <= 12:
        if start.day is None and end.day is None and start.month != end.month:
            return f"{_MONTHS[start.month - 1]}–{_point_words(end)}"
        if start.day is not None and end.day is not None and start.month == end.month:
            return f"{start.day}–{_point_words(end)}"
        if start.day is not None and end.day is not None:
            return f"{_point_words(start, with_year=False)} – {_point_words(end)}"
    if same_year and start.month is None and end.month is None:
        return _point_words(end)
    separator = "–" if start.day is None and end.day is None else " – "
    return f"{_point_words(start)}{separator}{_point_words(end)}"


@functools.lru_cache(maxsize=8192)
def describe_edtf(text: str) -> str:
    """Human wording of an EDTF date; exotic forms fall back to the EDTF text itself.

    Remembered: a site has far fewer distinct dates than events, and each event's date is
    worded twice (its page, its JSON)."""
    if text.startswith(("[", "{")) and text.endswith(("]", "}")):
        joiner = " or " if text.startswith("[") else " and "
        members = [_parse_point(member) for member in text[1:-1].split(",")]
        if all(members) and ".." not in text:
            return joiner.join(_point_words(member) for member in members if member)
        return text
    if "/" not in text:
        point = _parse_point(text)
        return _point_words(point) if point else text
    start_text, end_text = text.split("/", 1)
    start = _parse_point(start_text)
    end = _parse_point(end_text)
    # An unknown end (`XXXX`) reads like an open one.
    open_start = start_text in ("", "..") or bool(_UNKNOWN.fullmatch(start_text))
    open_end = end_text in ("", "..") or bool(_UNKNOWN.fullmatch(end_text))
    if open_start and open_end:
        return UNKNOWN_WORDS
    if open_start and end:
        return f"by {_point_words(end)}"
    if open_end and start:
        return f"from {_point_words(start)}"
    if start and end:
        return _interval_words(start, end)
    return text
