"""Unit tests of `generator/render.py`'s helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, StrictUndefined, UndefinedError, pass_context, pass_environment
from jinja2.runtime import Context
from markupsafe import Markup, escape

from generator.markdown.citations import PLACEHOLDER, PLACEHOLDER_PATTERN
from generator.render import _environment, _escape, _without_citations
from generator.urls import RootUrlMaker, UrlMaker

#: What `_without_citations` stands for: each placeholder with every space before it.
_CITATION_AND_SPACE = re.compile("[ \t\n]*" + PLACEHOLDER_PATTERN.pattern)

_PIECES = st.sampled_from(
    [
        " ",
        "\t",
        "\n",
        "word",
        "<p>",
        "\x00",
        "cite:",
        PLACEHOLDER.format(number=1),
        PLACEHOLDER.format(number=23),
    ]
)


def test_a_citation_goes_with_the_space_before_it() -> None:
    html = f"<p>the Times of India {PLACEHOLDER.format(number=0)}.\n{PLACEHOLDER.format(number=1)}</p>"
    assert _without_citations(html) == "<p>the Times of India.</p>"


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_citations_are_removed_as_the_pattern_would(html: str) -> None:
    assert _without_citations(html) == _CITATION_AND_SPACE.sub("", html)


#: Calls of every kind: the URL makers, macros (escaping or not, with keyword arguments,
#: `caller`, inside loops), and functions that take the context or the environment.
_CALLS = """\
{% macro badge(b, extra='') -%}<span class="{{ b }}">{{ extra }}</span>{%- endmacro %}
{% macro boxed(b) -%}<b class="{{ b }}">{{ caller() }}</b>{%- endmacro %}
{{ url('tags/a&b/index.html', 'x') }} {{ root('sources/index.html') }}
{% for b in ['<i>', 'two'] %}{{ badge(b) }}{{ badge(b, extra=loop.index) }}
{% call boxed(b) %}<i>{{ b }}</i>{% endcall %}{% endfor %}
{% autoescape false %}{{ badge('<raw>') }}{% endautoescape %}
{% for n in [1, 2] %}{% set inner = n * 10 %}{{ seen(n) }} {{ which(n) }}{% endfor %}
"""


@pass_context
def _seen(context: Context, n: int) -> str:
    return f"{n}:{context.resolve_or_missing('inner')}:{context.resolve_or_missing('page')}"


@pass_environment
def _which(environment: Environment, n: int) -> str:
    return f"{n}:{environment.autoescape}"


def test_templates_call_as_jinja_calls() -> None:
    """Brief's context decides once per kind what a call passes first: the output is what
    Jinja2's own context makes."""
    brief = _environment(Path("/nonexistent"), "test")
    plain = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    assert brief.context_class is not Context
    values = {
        "url": UrlMaker("briefings/a/index.html"),
        "root": RootUrlMaker("/base/"),
        "seen": _seen,
        "which": _which,
        "page": "p",
    }
    expected = plain.from_string(_CALLS).render(values)
    assert "&lt;i&gt;" in expected and "1:10:p" in expected and "2:True" in expected
    assert brief.from_string(_CALLS).render(values) == expected


def test_a_macro_that_stops_is_undefined_as_in_jinja() -> None:
    source = "{% macro stop() %}{{ next(empty) }}{% endmacro %}{{ stop() }}"
    brief = _environment(Path("/nonexistent"), "test").from_string(source)
    plain = Environment(autoescape=True, undefined=StrictUndefined).from_string(source)
    with pytest.raises(UndefinedError) as raised:
        brief.render(next=next, empty=iter(()))
    with pytest.raises(UndefinedError) as expected:
        plain.render(next=next, empty=iter(()))
    assert str(raised.value) == str(expected.value)


class _Html:
    def __html__(self) -> str:
        return "<b>as is</b>"


class _Text(str):
    """A string of another kind, which `_escape` leaves to markupsafe."""


@given(st.text())
def test_escaping_is_markupsafes(text: str) -> None:
    for value in (text, Markup(text), _Text(text)):
        escaped = _escape(value)
        assert type(escaped) is Markup
        assert escaped == escape(value)


def test_escaping_what_is_not_a_string_is_markupsafes() -> None:
    for value in (0, 2.5, None, _Html(), ("<", 1)):
        assert _escape(value) == escape(value)
        assert type(_escape(value)) is Markup


def test_templates_escape_through_brief() -> None:
    template = _environment(Path("/nonexistent"), "test").from_string("{{ x }}{{ y }}")
    assert template.root_render_func.__globals__["escape"] is _escape
    assert template.render(x="<a & 'b'>", y=Markup("<i>")) == "&lt;a &amp; &#39;b&#39;&gt;<i>"
