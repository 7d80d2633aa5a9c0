"""Property tests: whatever an analyst types, Brief gives a site or diagnostics, never a
traceback; the site never carries a script or a `javascript:` URL from content, and every
file it writes is inside the output folder.

The default run tries a bounded number of examples; for a longer run:

    HYPOTHESIS_PROFILE=long python3 -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Site, site_property_settings
from tests.test_hostile import assert_no_active_content

settings.register_profile("default", site_property_settings(max_examples=40))
settings.register_profile("long", site_property_settings(max_examples=2000))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

HOSTILE_WORDS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "[@s]",
    "[@missing]",
    "\\[@s]",
    "{{ 7*7 }}",
    "{% raw %}",
    "`[@s]`",
    "</script>",
    "&#106;avascript:",
    "[a](JAVASCRIPT:x)",
    "<a href='javascript:x'>",
    "![i](../../x)",
    "[r]: javascript:x",
    "\u202e",
    "\u200b",
    "likely",
    "highly probable",
    "high confidence",
    "# heading",
    "> quote",
    "- item",
    "| a |\n|-|",
    "\n\n",
    "[see @s, p. 2; also @c]",
    "<javascript:x>",
    "data:text/html,x",
    "[^1]",
    "[^1]: note",
    "^[an inline note citing [@s]]",
    "^[",
    "]",
    "***",
    "\x00",
]
YAML_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "NO",
            "yes",
            "1.10",
            "2025-13-45",
            "../2025-12-31",
            "2025-07~",
            "null",
            "[a, b]",
            "{a: 1}",
            "!!python/object/apply:os.system ['true']",
            "*alias",
            "&anchor x",
            "'quoted'",
            "B",
            "G",
            "2",
        ]
    ),
    st.integers(-10, 3000),
)
KEYS = [
    "title",
    "date",
    "summary",
    "tags",
    "status",
    "slug",
    "marking",
    "authors",
    "summery",
    "sources",
    "claims",
]


@st.composite
def briefing_files(draw: st.DrawFn) -> str:
    lines = ["---"]
    if draw(st.booleans()):
        lines += ["title: Fuzzed", "date: 2025-08-08"]
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=True)):
        lines.append(f"{key}: {draw(YAML_VALUES)}")
    if draw(st.booleans()):
        lines += [
            "sources:",
            "  s:",
            f"    title: {draw(st.sampled_from(HOSTILE_WORDS[:8]))!r}",
            f"    reliability: {draw(st.sampled_from(['A', 'F', 'G', '2']))}",
        ]
    if draw(st.booleans()):
        lines += ["claims:", "  c:", "    statement: A claim.", "    sources: [s]"]
    if draw(st.booleans()):
        lines.append("---")
    body = "".join(
        draw(st.lists(st.one_of(st.sampled_from(HOSTILE_WORDS), st.text(max_size=20)), max_size=25))
    )
    return "\n".join(lines) + "\n" + body


@given(text=briefing_files())
def test_any_briefing_gives_a_site_or_diagnostics(site: Site, text: str) -> None:
    shutil.rmtree(site.root / "_site", ignore_errors=True)
    (site.root / "briefings" / "fuzz.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    before = set(site.root.parent.rglob("*"))
    result = site.brief("build")
    output = result.stdout + result.stderr
    assert result.exit_code in (0, 1), output
    assert "Traceback" not in output and "internal error" not in output
    written = set(site.root.parent.rglob("*")) - before
    allowed = (site.root / "_site", site.root / ".brief-cache")
    assert all(p.is_relative_to(allowed[0]) or p.is_relative_to(allowed[1]) for p in written), written
    if result.exit_code == 0:
        assert_no_active_content(site.root / "_site")
    else:
        assert ": error: " in output


@given(data=st.binary(max_size=300))
def test_any_bytes_give_diagnostics_not_a_traceback(site: Site, data: bytes) -> None:
    (site.root / "briefings" / "bytes.md").write_bytes(b"---\ntitle: T\ndate: 2025-08-08\n---\n" + data)
    result = site.brief("check")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stdout + result.stderr
