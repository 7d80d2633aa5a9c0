"""EDTF dates: parsing, bounds, order and wording; timelines on pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from generator.content.values import ValueProblem
from generator.timeline import describe_edtf, parse_event_date
from tests.conftest import Site, briefing
from tests.html_text import parse_html, squash


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025-08-06", "2025-08-06", "2025-08-06"),
        ("2025-08", "2025-08-01", "2025-08-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2018", "2018-01-01", "2018-12-31"),
        ("2025-07~", "2025-07-01", "2025-07-31"),
        ("2025?", "2025-01-01", "2025-12-31"),
        ("2025%", "2025-01-01", "2025-12-31"),
        ("202X", "2020-01-01", "2029-12-31"),
        ("2025-XX", "2025-01-01", "2025-12-31"),
        ("2025-08/2025-09", "2025-08-01", "2025-09-30"),
        ("../2025-12-31", None, "2025-12-31"),
        ("2024-03/..", "2024-03-01", None),
        # Nothing is known of `XXXX`: no bounds, rather than 0000 to 9999.
        ("XXXX", None, None),
        ("XXXX-XX-XX", None, None),
        ("XXXX/2025", None, "2025-12-31"),
    ],
)
def test_bounds_are_strict(text: str, earliest: str | None, latest: str | None) -> None:
    date = parse_event_date(text)
    assert (date.earliest_iso, date.latest_iso) == (earliest, latest)


def test_yaml_integers_and_dates_mean_the_same() -> None:
    assert parse_event_date(2018) == parse_event_date("2018")
    assert parse_event_date(datetime.date(2025, 8, 6)) == parse_event_date("2025-08-06")


@pytest.mark.parametrize("bad", ["2025-13-45", "next spring", "2025-02-30", "", True, None, 3.5])
def test_invalid_dates_are_refused_with_examples(bad: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_event_date(bad)
    assert caught.value.hint is not None and "2025-08-06" in caught.value.hint


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025-08-06", "6 Aug 2025"),
        ("2025-08", "Aug 2025"),
        ("2018", "2018"),
        ("2018~", "c. 2018"),
        ("2025-07~", "c. Jul 2025"),
        ("2025?", "2025?"),
        ("2025%", "c. 2025?"),
        ("2025-08/2025-09", "Aug–Sep 2025"),
        ("2025-08-06/2025-08-09", "6–9 Aug 2025"),
        ("2025-11/2026-02", "Nov 2025–Feb 2026"),
        ("2026/2027", "2026–2027"),
        ("../2025-12-31", "by 31 Dec 2025"),
        ("2024-03/..", "from Mar 2024"),
        ("202X", "2020s"),
        ("19XX", "1900s"),
        # A millennium stays as written: "2000–2999" would read "2000–2999–2025" in an interval.
        ("2XXX", "2XXX"),
        ("2XXX/2025", "2XXX–2025"),
        # A known month of an unknown year says what is known, and is listed with unknown dates.
        ("XXXX-08", "Aug, year unknown"),
        ("XXXX-08-15", "15 Aug, year unknown"),
        ("XXXX-XX-15", "date unknown"),
        ("2025-21", "Spring 2025"),
        # EDTF's other sub-year groupings: hemispheres, quarters, four-month and half years.
        ("2025-25", "northern spring 2025"),
        ("2025-28", "northern winter 2025"),
        ("2025-29", "southern spring 2025"),
        ("2025-32", "southern winter 2025"),
        ("2025-33", "Q1 2025"),
        ("2025-36", "Q4 2025"),
        ("2025-37", "Jan–Apr 2025"),
        ("2025-39", "Sep–Dec 2025"),
        ("2025-40", "first half of 2025"),
        ("2025-41", "second half of 2025"),
        ("[2025,2026]", "2025 or 2026"),
        # Astronomical years: year 0 is 1 BCE, -0044 is 45 BCE.
        ("-0044-03-15", "15 Mar 45 BCE"),
        ("0000", "1 BCE"),
        ("-0001", "2 BCE"),
        ("-004X", "50–41 BCE"),
        ("-1XXX", "2000–1001 BCE"),
        ("2025-08-06/2025-08-06", "6 Aug 2025"),
        ("2025/2025", "2025"),
        # Unspecified digits say what is known, and that something is not: `2025-XX` is one
        # month of 2025, which `2025` is not (both read "2025" before).
        ("2025-XX", "some month of 2025"),
        ("2025-XX-15", "day 15 of some month of 2025"),
        ("2025-XX-XX", "some day of 2025"),
        ("2025-08-XX", "some day of Aug 2025"),
        ("2025-XX?", "some month of 2025?"),
        ("XXXX", "date unknown"),
        ("XXXX-XX", "date unknown"),
        ("XXXX/2025", "by 2025"),
        ("2024-03/XXXX", "from Mar 2024"),
    ],
)
def test_wording(text: str, words: str) -> None:
    assert describe_edtf(text) == words


def test_order_earliest_then_latest_then_title() -> None:
    texts = ["2025-08-06", "2025-07~", "../2025-12-31", "2018", "2025-08", "2024-03/..", "2025"]
    ordered = sorted(texts, key=lambda t: parse_event_date(t).sort_key)
    assert ordered == ["2018", "2024-03/..", "2025", "2025-07~", "2025-08", "2025-08-06", "../2025-12-31"]


def test_an_unknown_date_sorts_after_every_known_one() -> None:
    texts = ["XXXX", "9999-12-31", "2025", "../2025-12-31", "0000"]
    ordered = sorted(texts, key=lambda t: parse_event_date(t).sort_key)
    assert ordered == ["0000", "2025", "../2025-12-31", "9999-12-31", "XXXX"]


def test_open_end_sorts_after_a_closed_date_with_the_same_start() -> None:
    closed, open_ended = parse_event_date("2024-03"), parse_event_date("2024-03/..")
    assert closed.sort_key < open_ended.sort_key


def test_events_of_the_same_dates_are_in_order_of_title(site: Site) -> None:
    extra = (
        "timeline:\n  - {date: 2025-08, title: Zulu}\n  - {date: 2025-08, title: Alpha}\n"
        "  - {date: 2025-08, title: Mike}\n"
    )
    site.write("briefings/a.md", briefing(extra=extra))
    site.write("briefings/b.md", briefing(title="B", extra="timeline:\n  - {date: 2025-08, title: Kilo}\n"))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a")).by_id("timeline")
    assert [squash(p.text) for p in page.find_all("p", class_="event-title")] == ["Alpha", "Mike", "Zulu"]
    merged = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    titles = [squash(p.text) for p in merged.find_all("p", class_="event-title")]
    assert titles == ["Alpha", "Kilo", "Mike", "Zulu"]


def test_titles_of_the_same_date_sort_without_case_or_accents(site: Site) -> None:
    # They sorted by code point: capitals first, "Ångström" after "beta" and "zulu".
    titles = ["beta", "Zulu", "alpha two", "Ångström", "Alpha", "Angstrom", "zulu"]
    events = "".join(f"  - {{date: 2025-08-06, title: {title}}}\n" for title in titles)
    site.write("briefings/a.md", briefing(extra="timeline:\n" + events))
    assert site.brief("build").exit_code == 0
    expected = ["Alpha", "alpha two", "Angstrom", "Ångström", "beta", "Zulu", "zulu"]
    page = parse_html(site.page("a")).by_id("timeline")
    assert [squash(p.text) for p in page.find_all("p", class_="event-title")] == expected
    merged = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    assert [squash(p.text) for p in merged.find_all("p", class_="event-title")] == expected


def test_unspecified_dates_say_what_is_known_and_an_unknown_one_comes_last(site: Site) -> None:
    extra = (
        "timeline:\n  - {date: XXXX, title: Unknown}\n  - {date: 2025-XX-15, title: Fifteenth}\n"
        "  - {date: XXXX-08, title: Some August}\n"
        "  - {date: '2023-XX', title: Some month}\n  - {date: 2023, title: The year}\n"
        "  - {date: '0000', title: Year zero}\n"
    )
    site.write("briefings/a.md", briefing(extra=extra))
    assert site.brief("build").exit_code == 0
    expected = [
        ("1 BCE", "Year zero"),
        ("some month of 2023", "Some month"),
        ("2023", "The year"),
        ("day 15 of some month of 2025", "Fifteenth"),
        ("Aug, year unknown", "Some August"),
        ("date unknown", "Unknown"),
    ]
    events = parse_html(site.page("a")).by_id("timeline").find_all("li", class_="event")

    def shown(event: Any) -> tuple[str, str]:
        date, title = (
            event.find_all("p", class_="event-date")[0],
            event.find_all("p", class_="event-title")[0],
        )
        return squash(date.text), squash(title.text)

    assert [shown(e) for e in events] == expected
    assert "is-unspecified" in events[-1].attrs["class"]
    # On the merged timeline the unknown date has a heading of its own, last; it was filed
    # under "1 BCE", first.
    merged = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    groups = merged.find_all("section", class_="timeline-year")
    assert [
        (squash(g.find_all("h2")[0].text), [shown(e)[1] for e in g.find_all("li", class_="event")])
        for g in groups
    ] == [
        ("1 BCE", ["Year zero"]),
        ("2023", ["Some month", "The year"]),
        ("2025", ["Fifteenth"]),
        ("Date unknown", ["Some August", "Unknown"]),
    ]
    assert [g.find_all("h2")[0].attrs["id"] for g in groups] == [
        "year-1-bce",
        "year-2023",
        "year-2025",
        "year-date-unknown",
    ]
    assert [g.attrs["aria-labelledby"] for g in groups] == [g.find_all("h2")[0].attrs["id"] for g in groups]


SHUFFLED = """
timeline:
  - date: ../2025-12-31
    title: End of year
  - date: 2025-08-06
    title: The meeting
  - date: 2018
    title: The contract
  - date: 2025-07~
    title: Around July
"""


def test_briefing_timeline_is_in_order_with_wording(site: Site) -> None:
    site.write("briefings/a.md", briefing(extra=SHUFFLED))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    section = page.by_id("timeline")
    events = section.find_all("li", class_="event")
    assert [squash(e.find_all("p", class_="event-title")[0].text) for e in events] == [
        "The contract",
        "Around July",
        "The meeting",
        "End of year",
    ]
    dates = [squash(e.find_all("p", class_="event-date")[0].text) for e in events]
    assert dates == ["2018", "c. Jul 2025", "6 Aug 2025", "by 31 Dec 2025"]
    assert "is-approximate" in events[1].attrs["class"] and "is-exact" in events[2].attrs["class"]
    assert "is-open-start" in events[3].attrs["class"]


def test_merged_timeline_orders_both_briefings_and_links_back(site: Site) -> None:
    site.write("briefings/a.md", briefing(title="Alpha", extra=SHUFFLED))
    site.write(
        "briefings/b.md",
        briefing(
            title="Beta",
            extra="timeline:\n  - date: 2025-08\n    title: Beta in August\n"
            "  - date: 2018\n    title: The contract\n  - date: 2019\n    title: Beta 2019\n",
        ),
    )
    assert site.brief("build").exit_code == 0
    page = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    events = page.find_all("li", class_="event")
    titles = [squash(e.find_all("p", class_="event-title")[0].text) for e in events]
    assert titles == [
        "The contract",
        "Beta 2019",
        "Around July",
        "Beta in August",
        "The meeting",
        "End of year",
    ]
    shared = squash(events[0].find_all("p", class_="event-briefings")[0].text)
    assert shared == "Briefings: Alpha; Beta"
    assert [a.attrs["href"] for a in events[1].find_all("a")] == ["../briefings/b/"]
    assert [squash(h.text) for h in page.find_all("h2")] == ["2018", "2019", "2025"]


def test_an_event_many_briefings_share_is_shown_once_with_all_of_them(site: Site) -> None:
    """Same date and title: one event, with every briefing (by title), each one's badges in
    the order the briefings are listed on the home page, and the first description given."""
    for slug, title, date, description in [
        ("g", "Gamma", "2025-09-03", ""),
        ("a", "Alpha", "2025-09-02", "    description: As Alpha tells it.\n"),
        ("b", "Beta", "2025-09-01", "    description: As Beta tells it.\n"),
    ]:
        extra = (
            f"claims:\n  {slug}: {{statement: Claim of {title}.}}\n"
            f"timeline:\n  - date: 2025-08-06\n    title: The summit\n{description}    claims: [{slug}]\n"
        )
        site.write(f"briefings/{slug}.md", briefing(title=title, date=date, extra=extra))
    assert site.brief("build").exit_code == 0
    page = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    events = page.find_all("li", class_="event")
    assert len(events) == 1
    assert (
        squash(events[0].find_all("p", class_="event-briefings")[0].text) == "Briefings: Alpha; Beta; Gamma"
    )
    assert squash(events[0].find_all("p", class_="event-description")[0].text) == "As Alpha tells it."
    links = [a.attrs["href"] for a in events[0].find_all("a", class_="event-link")]
    assert links == ["../briefings/g/#claim-g", "../briefings/a/#claim-a", "../briefings/b/#claim-b"]


def test_a_part_of_a_year_is_not_shown_or_merged_as_the_whole_year(site: Site) -> None:
    # `2025-40` (the first half of 2025) read "2025", so it was merged with a `2025` event
    # of the same title, and the merged event took the bounds of whichever came first.
    site.write(
        "briefings/a.md", briefing(title="Alpha", extra="timeline:\n  - {date: 2025, title: Review}\n")
    )
    site.write(
        "briefings/b.md", briefing(title="Beta", extra="timeline:\n  - {date: 2025-40, title: Review}\n")
    )
    assert site.brief("build").exit_code == 0
    page = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    events = page.find_all("li", class_="event")
    dates = [squash(e.find_all("p", class_="event-date")[0].text) for e in events]
    assert dates == ["first half of 2025", "2025"]  # the same start; the half ends first


def test_the_briefings_of_a_shared_event_are_in_order_of_title_without_case_or_accents(
    site: Site,
) -> None:
    # They sorted by code point, as events' titles did before: "Zed" before "alpha".
    for slug, title in [("z", "Zed"), ("a", "alpha"), ("e", "Émile"), ("b", "beta")]:
        extra = "timeline:\n  - {date: 2025-08-06, title: The summit}\n"
        site.write(f"briefings/{slug}.md", briefing(title=title, extra=extra))
    assert site.brief("build").exit_code == 0
    page = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    shared = page.find_all("li", class_="event")[0].find_all("p", class_="event-briefings")[0]
    assert squash(shared.text) == "Briefings: alpha; beta; Émile; Zed"


def test_an_event_listed_twice_by_one_briefing_is_a_warning_and_names_it_once(site: Site) -> None:
    extra = (
        "timeline:\n  - date: 2025-08-06\n    title: Dup\n  - date: 2025-08-06\n    title: Dup\n"
        "  - date: 2025-08-06\n    title: Other\n"
    )
    site.write("briefings/a.md", briefing(title="Alpha", extra=extra))
    result = site.brief("build")
    assert result.exit_code == 0
    assert (
        "briefings/a.md:8:5: warning: the event 'Dup' of 2025-08-06 is listed twice\n"
        "  hint: merge it with the one at line 6"
    ) in result.stderr
    assert site.brief("build", "--strict", "--clean").exit_code == 1
    page = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    dup = [e for e in page.find_all("li", class_="event") if "Dup" in e.text]
    assert len(dup) == 1
    assert squash(dup[0].find_all("p", class_="event-briefings")[0].text) == "Briefing: Alpha"


@pytest.mark.parametrize(
    ("date", "datetime"),
    [
        ("2025-08-06", "2025-08-06"),
        ("2025-08", "2025-08"),
        ("2025", "2025"),
        ("2025-21", None),
        ("0000", None),
    ],
)
def test_time_elements_carry_only_valid_html_dates(site: Site, date: str, datetime: str | None) -> None:
    site.write("briefings/a.md", briefing(extra=f"timeline:\n  - date: '{date}'\n    title: E\n"))
    assert site.brief("build").exit_code == 0
    event = parse_html(site.page("a")).by_id("timeline").find_all("li", class_="event")[0]
    times = event.find_all("time")
    assert [t.attrs["datetime"] for t in times] == ([datetime] if datetime else [])


def test_what_an_event_description_shows_as_text_is_warned_of(site: Site) -> None:
    """A description is inline Markdown with web links only: a citation, a link to a file
    and an image become text, and the analyst is told so at the description."""
    extra = (
        "sources:\n  s1: {title: S, reliability: B}\n"
        "timeline:\n  - date: 2025\n    title: E\n"
        "    description: Some *emphasis* [@s1], [x](nope.md), ![m](m.png) and [ok](https://example.org).\n"
    )
    site.write("briefings/a.md", briefing(extra=extra, body="Body [@s1].\n"))
    result = site.brief("build")
    assert result.exit_code == 0
    err = result.stderr
    where = "briefings/a.md:10:18: warning:"
    assert f"{where} the citation '[@s1]' is shown as text in the description of event 'E'" in err
    assert f"{where} the link 'nope.md' is shown as text in the description of event 'E'" in err
    assert f"{where} the image 'm.png' is shown as text in the description of event 'E'" in err
    description = parse_html(site.page("a")).by_id("timeline").find_all("p", class_="event-description")[0]
    assert [a.attrs["href"] for a in description.find_all("a")] == ["https://example.org"]
    assert site.brief("build", "--strict").exit_code == 1


def test_event_badges_link_to_the_same_entries(site: Site) -> None:
    extra = """
    sources:
      s: {title: The source, reliability: B}
    claims:
      c: {statement: A claim., sources: [s]}
    timeline:
      - date: 2025-08-06
        title: Event
        description: Said *quietly*, see [more](https://example.org/) and [a file](x.md).
        claims: [c]
        sources: [s]
    """
    site.write("briefings/a.md", briefing(extra=extra, body="[@s]\n"))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    event = page.by_id("event-1")
    assert [a.attrs["href"] for a in event.find_all("a")] == ["https://example.org/", "#claim-c", "#src-s"]
    assert "<em>quietly</em>" in site.page("a")
    assert "Moderate confidence Key judgment 1" in squash(event.visible_text)
    merged = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    hrefs = [a.attrs["href"] for a in merged.by_id("event-1").find_all("a")]
    assert hrefs == [
        "https://example.org/",
        "../briefings/a/#claim-c",
        "../briefings/a/#src-s",
        "../briefings/a/",
    ]
    # The source entry links back to the event.
    assert "#event-1" in [a.attrs["href"] for a in page.by_id("src-s").find_all("a")]


def test_bad_dates_are_errors_at_their_lines(site: Site) -> None:
    extra = "timeline:\n  - date: 2025-13-45\n    title: A\n  - date: next spring\n    title: B\n"
    extra += "  - date: 2018\n    title: C\n  - date: 2025-08-06\n    title: D\n"
    site.write("briefings/a.md", briefing(extra=extra))
    result = site.brief("check")
    assert "briefings/a.md:6:11: error: '2025-13-45' is not a valid EDTF date" in result.stderr
    assert "briefings/a.md:8:11: error: 'next spring' is not a valid EDTF date" in result.stderr
    assert result.stderr.count("error:") == 2


# --- the fast path agrees with the edtf package -----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.timeline import _library_bounds, simple_bounds  # noqa: E402

_points = st.one_of(
    st.integers(1000, 2999).map(str),
    st.tuples(st.integers(1000, 2999), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(2999, 12, 31)).map(str),
    st.integers(100, 299).map(lambda d: f"{d}X"),
    st.integers(10, 29).map(lambda d: f"{d}XX"),
    st.integers(1000, 2999).map(lambda y: f"{y}-XX"),
)
_qualified = st.tuples(_points, st.sampled_from(["", "?", "~", "%"])).map(lambda t: t[0] + t[1])


@settings(max_examples=150, deadline=None)
@given(_qualified)
def test_fast_path_matches_the_library_for_points(text: str) -> None:
    assert simple_bounds(text) == _library_bounds(text)


@settings(max_examples=100, deadline=None)
@given(_qualified, _qualified)
def test_fast_path_matches_the_library_for_intervals(start: str, end: str) -> None:
    _assert_interval_as_the_library_reads_it(f"{start}/{end}")


def _assert_interval_as_the_library_reads_it(text: str) -> None:
    """The fast path gives the package's bounds for the interval `text`, or refuses it as
    ending before it starts where the package's bounds do. Intervals the package refuses
    (some with unspecified digits or level 2 groupings, which Brief reads) are not compared."""
    try:
        library = _library_bounds(text)
    except ValueProblem:
        return
    lower, upper = library
    if lower is not None and upper is not None and lower > upper:
        with pytest.raises(ValueProblem, match="ends before it starts"):
            simple_bounds(text)
    else:
        assert simple_bounds(text) == library


@settings(max_examples=100, deadline=None)
@given(st.integers(1000, 2999), st.integers(21, 41), st.integers(1000, 2999), st.integers(21, 41))
def test_fast_path_matches_the_library_for_seasons_and_quarters(
    year: int, grouping: int, end_year: int, end_grouping: int
) -> None:
    point = f"{year}-{grouping}"
    assert simple_bounds(point) == _library_bounds(point)
    _assert_interval_as_the_library_reads_it(f"{point}/{end_year}-{end_grouping}")


@pytest.mark.parametrize("text", ["2019-02-29", "2025-00", "2025-13", "2025/2020", "../..", "2025-02-30"])
def test_fast_path_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_event_date(text)


@pytest.mark.parametrize("text", ["[2025,2026]", "2025-XX-15", "-0100", "Y170000002", "2004-?06-11"])
def test_other_forms_go_to_the_library(text: str) -> None:
    assert simple_bounds(text) is None
    assert parse_event_date(text).earliest is not None
