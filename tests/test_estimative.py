"""The estimative-language linter (ICD 203) and likelihood terms in prose."""

from __future__ import annotations

from generator.analysis.estimative import sentence_bounds
from generator.diagnostics import Position
from generator.markdown.body import render_body
from tests.conftest import Site, briefing
from tests.html_text import parse_html, squash


def test_terms_match_whole_phrases_longest_first() -> None:
    body = render_body(
        "It is highly probable, not merely probable, and unlikely to be likely.\n"
        "A remote region; a remote chance. Code `very likely` is not prose.\n"
    )
    assert [use.key for use in body.likelihood_terms] == [
        "highly probable",
        "probable",
        "unlikely",
        "likely",
        "remote",
    ]
    assert [use.position.line for use in body.likelihood_terms] == [1, 1, 1, 1, 2]
    assert body.likelihood_terms[2].position.col == 49


def test_terms_are_found_however_the_paragraph_spells_them() -> None:
    """Paragraphs without a term are skipped by a quick test; these must not be."""
    body = render_body(
        "Uncertain, and uncertainly so.\n\n"  # no term: "certain" alone is not one
        "It is &#108;ikely, through an entity.\n\n"
        "Le café? ALMOST CERTAIN, and Very Likely.\n\n"  # not ASCII, and upper case
        "Plain text, after all, is nearly certain.\n"
    )
    assert [use.key for use in body.likelihood_terms] == [
        "likely",
        "almost certain",
        "very likely",
        "nearly certain",
    ]
    # (The entity-spelled term is not located on its own line: a known limitation.)
    assert [use.position.line for use in body.likelihood_terms][1:] == [5, 5, 7]


def test_a_term_is_one_term_however_its_words_are_spaced() -> None:
    for spaced in ("very\nlikely", "very  likely", "very\u00a0likely", "very&nbsp;likely", "very\t likely"):
        body = render_body(f"Escalation is {spaced} before winter.\n")
        assert [use.key for use in body.likelihood_terms] == ["very likely"], spaced
        assert body.likelihood_terms[0].position == Position(1, 15), spaced
        assert 'data-range="80–95 %"' in body.html and "55–80" not in body.html, spaced


def test_a_term_with_its_first_words_emphasised_is_the_whole_term() -> None:
    body = render_body(
        "It is **very** likely; *almost* certain; very *unlikely*; __highly__ probable.\n"
        "But ~~very~~ likely, and [very](https://example.org/) likely, are struck or linked.\n"
    )
    assert [(use.key, use.position) for use in body.likelihood_terms] == [
        ("very likely", Position(1, 16)),
        ("almost certain", Position(1, 33)),
        ("very unlikely", Position(1, 48)),
        ("highly probable", Position(1, 70)),
        ("likely", Position(2, 14)),
        ("likely", Position(2, 55)),
    ]
    assert body.html.startswith(
        "<p>It is <strong>very</strong> "
        + _term("likely", "80–95 %")
        + "; <em>almost</em> "
        + _term("certain", "95–99 %")
        + "; very <em>"
        + _term("unlikely", "5–20 %")
        + "</em>; <strong>highly</strong> "
        + _term("probable", "80–95 %")
        + ".\nBut <s>very</s> "
        + _term("likely", "55–80 %")
    )


def test_a_term_after_a_soft_break_is_at_its_line() -> None:
    body = render_body("Intro, then a\nterm that is highly\nprobable; and later\nlikely.\n", line_offset=4)
    assert [(use.key, use.position) for use in body.likelihood_terms] == [
        ("highly probable", Position(6, 14)),
        ("likely", Position(8, 1)),
    ]


def test_text_around_a_soft_break_renders_as_before() -> None:
    # A term that spans a soft break is cut from the text joined around it; the joined
    # text renders the newline a soft break renders, and nothing else changes.
    body = render_body("It is\nvery\nlikely, *and*\nso `on`\nit goes\nnearly certain.  \nEnd.\n")
    assert body.html == (
        "<p>It is\n"
        + _term("very\nlikely", "80–95 %")
        + ", <em>and</em>\nso <code>on</code>\nit goes\n"
        + _term("nearly certain", "95–99 %")
        + ".<br />\nEnd.</p>\n"
    )


def _term(written: str, range_text: str) -> str:
    return (
        f'<span class="likelihood-term" tabindex="0" data-range="{range_text}">{written}'
        f'<span class="likelihood-range-note"> ({range_text})</span></span>'
    )


def test_confidence_phrases_are_found() -> None:
    body = render_body("We have High confidence in this, and low-confidence in that.\n")
    assert [use.key for use in body.confidence_phrases] == ["high", "low"]


def test_sentence_bounds() -> None:
    text = "First one. We assess with high confidence that it is very likely. Third."
    start, end = sentence_bounds(text, text.index("high"))
    assert text[start:end].strip() == "We assess with high confidence that it is very likely."


def test_a_period_after_an_initial_or_an_abbreviation_ends_no_sentence() -> None:
    for sentence in (
        "We assess with high confidence that U.S. sanctions are likely to pass.",
        "J. Smith and Mr. Jones say, with high confidence, that it is likely.",
        "With high confidence, e.g. from Gen. Petrov, it is likely (approx. 60 days).",
        "High confidence in Russia vs. Ukraine talks, etc. and cf. above, is likely.",
        "Some spelling, No. 10 and i.e. with moderate confidence, is very likely.",
    ):
        text = f"First one. {sentence} Third? No. It ends."
        start, end = sentence_bounds(text, text.index("confidence"))
        assert text[start:end].strip() == sentence


def test_a_sentence_still_ends_at_a_period_before_a_capital() -> None:
    text = "It was signed in 2024. Paris, etc. We have high confidence. It is likely."
    start, end = sentence_bounds(text, text.index("high"))
    assert text[start:end].strip() == "We have high confidence."


def test_an_abbreviation_does_not_hide_confidence_and_likelihood(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(body="We assess with high confidence that U.S. sanctions are likely to pass.\n"),
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:6:16: warning: 'high confidence' and 'likely' in one sentence" in err, err


def test_mixed_sets_are_warned_at_the_line(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(body="The visit is likely.\n\nA delay is highly probable.\n"),
    )
    result = site.brief("check")
    assert (
        "briefings/a.md:8:12: warning: likelihood terms from both ICD 203 sets in one briefing: "
        "'likely' (line 6) and 'highly probable'" in result.stderr
    )


def test_a_term_before_a_confidence_phrase_is_at_its_own_line(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(body="Probable, says one with high confidence.\n\nIt is likely, and probable.\n"),
    )
    result = site.brief("check")
    assert (
        "briefings/a.md:8:7: warning: likelihood terms from both ICD 203 sets in one briefing: "
        "'probable' (line 6) and 'likely'" in result.stderr
    ), result.stderr


def test_a_phrase_is_found_where_its_words_are_written(site: Site) -> None:
    # "high" is also in "highly", and "very" in "the very idea": a phrase is found as a
    # whole, at the start of its own words.
    site.write(
        "briefings/a.md",
        briefing(body="It is highly probable, with high confidence.\n\nThe very idea is very\nlikely.\n"),
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:6:29: warning: 'high confidence' and 'highly probable' in one sentence" in err, err
    assert (
        "briefings/a.md:8:18: warning: likelihood terms from both ICD 203 sets in one briefing: "
        "'highly probable' (line 6) and 'very likely'" in err
    ), err


def test_claims_likelihood_counts_towards_the_sets(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            extra="claims:\n  c:\n    statement: S.\n    likelihood: probable\n", body="It is likely.\n"
        ),
    )
    result = site.brief("check", "--format", "json")
    assert '"code": "estimative-mixed-sets"' in result.stdout


def test_a_claim_s_likelihood_is_warned_at_its_own_line(site: Site) -> None:
    # The analyst fixes the `likelihood:` value, not the claim's first line.
    site.write(
        "briefings/a.md",
        briefing(
            extra=(
                "claims:\n  one:\n    statement: S.\n    likelihood: likely\n"
                "  two:\n    statement: T.\n    note: N.\n    likelihood: highly probable\n"
            ),
        ),
    )
    err = site.brief("check").stderr
    assert (
        "briefings/a.md:12:17: warning: likelihood terms from both ICD 203 sets in one briefing: "
        "'likely' (line 8) and 'highly probable'" in err
    ), err


def test_one_set_only_is_fine(site: Site) -> None:
    site.write("briefings/a.md", briefing(body="Likely. Very likely. Almost certain. Unlikely.\n"))
    assert "ICD 203" not in site.brief("check").stderr


def test_confidence_and_likelihood_in_one_sentence(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            body="Intro line.\nWe assess with high confidence that it is very likely to happen.\n\n"
            "We have high confidence. It is very likely.\n"
        ),
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:7:16: warning: 'high confidence' and 'very likely' in one sentence" in err, err
    assert err.count("in one sentence") == 1


def test_a_term_broken_over_lines_shows_its_own_range(site: Site) -> None:
    site.write("briefings/a.md", briefing(body="Escalation is very\nlikely before winter.\n"))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    (term,) = page.find_all("span", class_="likelihood-term")
    assert term.attrs["data-range"] == "80–95 %"
    assert squash(term.text) == "very likely (80–95 %)"


def test_terms_broken_over_lines_are_checked(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(
            body="There is almost no\nchance of it.\n\nA deal is probable.\n\n"
            "We assess with high\nconfidence that it is unlikely.\n"
        ),
    )
    err = site.brief("check").stderr
    assert (
        "briefings/a.md:9:11: warning: likelihood terms from both ICD 203 sets in one briefing: "
        "'almost no chance' (line 6) and 'probable'" in err
    ), err
    assert "briefings/a.md:11:16: warning: 'high confidence' and 'unlikely' in one sentence" in err, err


def test_links_after_a_term_broken_over_lines_keep_their_place(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(body="It is very\nlikely, says javascript:x.\nSee [this](javascript:x).\n"),
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:8:12: warning: 'javascript:' links are not allowed" in err, err


def test_prose_terms_show_their_range(site: Site) -> None:
    site.write("briefings/a.md", briefing(body="The visit is very likely.\n"))
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    term = page.find_all("span", class_="likelihood-term")[0]
    assert term.attrs["tabindex"] == "0"
    assert squash(term.text) == "very likely (80–95 %)"


def test_findings_can_be_turned_off(site: Site) -> None:
    site.write("site.yaml", "title: T\nfindings:\n  estimative-mixed-sets: off\n")
    site.write("briefings/a.md", briefing(body="Likely and probable.\n"))
    assert "ICD 203" not in site.brief("check").stderr


def _front_matter_prose() -> str:
    return (
        "---\ntitle: T\ndate: 2025-01-02\n"
        "summary: We assess with high confidence that talks are likely to resume.\n"
        "sources:\n  s1: {title: One, reliability: B}\n"
        "claims:\n  c1:\n    statement: A deal is probable before June.\n    sources: [s1]\n"
        "    note: >\n      Officials called it\n      a remote chance at first.\n"
        "timeline:\n  - {date: 2025-01, title: Talks very likely resumed, sources: [s1],"
        " description: A deal is *almost certain*.}\n"
        "---\nBody without estimative terms [@s1].\n"
    )


def test_front_matter_prose_is_checked_like_the_body(site: Site) -> None:
    # The summary, a claim's statement and note, and an event's title are prose too: their
    # terms count towards the sets and a confidence phrase beside a term is warned, each at
    # the line and column where it is written.
    site.write("briefings/a.md", _front_matter_prose())
    err = site.brief("check").stderr
    assert "briefings/a.md:4:25: warning: 'high confidence' and 'likely' in one sentence" in err, err
    assert (
        "briefings/a.md:9:26: warning: likelihood terms from both ICD 203 sets in one briefing: "
        "'likely' (line 4) and 'probable'" in err
    ), err
    assert err.count("ICD 203 sets") == 1 and err.count("in one sentence") == 1


def test_front_matter_terms_show_their_range(site: Site) -> None:
    site.write("briefings/a.md", _front_matter_prose())
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    bluf = page.by_id("bluf")
    (statement,) = page.find_all("p", class_="statement")
    (note,) = page.find_all("p", class_="claim-note")
    assert [squash(t.text) for t in bluf.find_all("span", class_="likelihood-term")] == ["likely (55–80 %)"]
    assert [squash(t.text) for t in statement.find_all("span", class_="likelihood-term")] == [
        "probable (55–80 %)"
    ]
    assert [t.attrs["data-range"] for t in note.find_all("span", class_="likelihood-term")] == ["1–5 %"]
    assert squash(bluf.text).endswith(
        "We assess with high confidence that talks are likely (55–80 %) to resume."
    )
    # An event's title and description too, on the briefing's timeline and the merged one.
    merged = parse_html((site.root / "_site" / "timeline" / "index.html").read_text())
    for timeline in (page.by_id("timeline"), merged):
        (title,) = timeline.find_all("p", class_="event-title")
        (description,) = timeline.find_all("p", class_="event-description")
        terms = [*title.find_all("span", class_="likelihood-term")]
        terms += description.find_all("span", class_="likelihood-term")
        assert [squash(t.text) for t in terms] == [
            "very likely (80–95 %)",
            "almost certain (95–99 %)",
        ]


def test_front_matter_terms_may_be_spaced_or_broken_over_lines(site: Site) -> None:
    site.write(
        "briefings/a.md",
        '---\ntitle: T\ndate: 2025-01-02\nsummary: "Talks are very\\u00a0likely to resume."\n'
        "claims:\n  c1:\n    statement: |\n      A deal is nearly\n      certain, with high\n"
        "      confidence.\n---\nBody.\n",
    )
    err = site.brief("check").stderr
    assert "briefings/a.md:9:21: warning: 'high confidence' and 'nearly certain' in one sentence" in err, err
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("a"))
    (bluf_term,) = page.by_id("bluf").find_all("span", class_="likelihood-term")
    (statement_term,) = page.find_all("p", class_="statement")[0].find_all("span", class_="likelihood-term")
    assert squash(bluf_term.text) == "very likely (80–95 %)"
    assert squash(statement_term.text) == "nearly certain (95–99 %)"


def test_front_matter_text_is_escaped_around_marked_terms(site: Site) -> None:
    site.write(
        "briefings/a.md",
        briefing(summary="'<script>alert(1)</script> is likely & <b>odd</b>'"),
    )
    assert site.brief("build").exit_code == 0
    html = site.page("a")
    assert "<script>alert(1)" not in html and "<b>odd" not in html
    assert '&lt;script&gt;alert(1)&lt;/script&gt; is <span class="likelihood-term"' in html


def test_the_quick_test_skips_texts_that_only_share_a_word_with_a_term() -> None:
    # "uncertain" holds "certain", the last word of "almost certain": a quick test on last
    # words alone sent nearly every body through the full scan (0.5 ms a body more).
    from generator.markdown.estimative import _holds_no_phrase

    assert _holds_no_phrase("An uncertain outlook; by no means a certain one, nor the odds.")
    assert not _holds_no_phrase("It is almost\ncertain.")
    assert not _holds_no_phrase("Roughly  even odds.")
    assert not _holds_no_phrase("With HIGH confidence.")


def test_a_term_in_a_links_text_takes_no_focus_of_its_own() -> None:
    # HTML allows no focusable element inside a link: the term is marked, not a tab stop.
    html = render_body("See [very likely](https://example.org/) and likely.\n").html
    page = parse_html(html)
    (link,) = page.find_all("a")
    (inside,) = link.find_all("span", class_="likelihood-term")
    assert "tabindex" not in inside.attrs and squash(inside.text) == "very likely (80–95 %)"
    outside = [t for t in page.find_all("span", class_="likelihood-term") if t is not inside]
    assert [t.attrs.get("tabindex") for t in outside] == ["0"]


def test_a_phrase_is_placed_at_its_prose_not_at_code_or_an_address_before_it(site: Site) -> None:
    # The same word earlier on the line, in a code span, a link's address, an image's
    # description or an autolink, is not where the phrase is.
    body = (
        "It is probable.\n\n"
        "`likely` and then likely again.\n\n"
        "See [here](https://example.org/likely) for likely cause.\n\n"
        "Flag `high confidence` here. We have high confidence it is likely.\n"
    )
    site.write("briefings/a.md", briefing(body=body))
    err = site.brief("check").stderr
    assert "briefings/a.md:8:19: warning: likelihood terms from both ICD 203 sets" in err, err
    assert "briefings/a.md:12:38: warning: 'high confidence' and 'likely' in one sentence" in err, err
