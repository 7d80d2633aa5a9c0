"""Hostile briefings, one fixture per case in tests/fixtures/hostile/: no input may run code,
publish a script, escape the output folder, or end in a traceback.

Each case builds a site holding only that file. A case either builds, and then its output
is scanned for scripts, event handlers and unsafe URLs, or fails with the diagnostic named
here, at a position.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from generator.markdown.body import RESERVED_IDS, RESERVED_PREFIXES
from tests.conftest import Site
from tests.html_text import parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
CASES = sorted(path.stem for path in FIXTURES.glob("*.md"))

#: Cases that must fail, with a part of the message they must fail with.
REFUSED = {
    "yaml-python-object-tag": "the YAML tag '!!python/object/apply:os.system' is not allowed",
    "yaml-duplicate-key": "duplicate key 'tags'",
    "yaml-norway-and-version": "'title' must be text, not a yes/no value (false)",
    "yaml-alias-bomb": "the YAML expands to more than",
    "front-matter-not-a-mapping": "the front matter must be a mapping",
    "front-matter-scalar": "the front matter must be a mapping",
    "slug-traversal": "'../../outside' is not a valid id",
    "slug-absolute": "'/etc/briefing' is not a valid id",
    "slug-backslash": "is not a valid id",
    "slug-nul": "contains invisible or control characters",
    "slug-windows-reserved": "'con' cannot be a slug",
    "alias-traversal": "'../../index' is not a valid id",
    "slug-too-long": "the id 'aaaaaaaaaaaaaaaaaaaa…' is 300 characters long; the limit is 200",
    "alias-too-long": "the id 'baaaaaaaaaaaaaaaaaaa…' is 301 characters long; the limit is 200",
    "tag-too-long": "the tag 'Tag Tag Tag Tag Tag …' makes a page name of 319 characters; the limit is 200",
    "image-traversal": "the image '../../secret.txt' points outside static/",
    "image-remote": "images must be files in static/",
    "bidi-and-zero-width-ids": "contains invisible or control characters",
    "data-uri": "images must be files in static/",
}
UNSAFE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|file|intent|ms-settings|foo):", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "xlink:href")


def _build(site: Site, case: str) -> tuple[int, str]:
    shutil.copy(FIXTURES / f"{case}.md", site.root / "briefings" / f"{case}.md")
    return _run_build(site)


def _run_build(site: Site) -> tuple[int, str]:
    result = site.brief("build")
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    return result.exit_code, output


def assert_no_active_content(root: Path) -> None:
    """No script of content's, no event-handler attribute and no unsafe URL in any page."""
    for path in root.rglob("*.html"):
        page = parse_html(path.read_text(encoding="utf-8"))
        for element in page.iter():
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), f"{path}: {name}={value!r}"
                if name.lower() in URL_ATTRIBUTES:
                    assert not UNSAFE_SCHEMES.match(value), f"{path}: {name}={value!r}"
            if element.tag == "script":
                is_data = element.attrs.get("type") == "application/ld+json"
                is_ours = element.attrs.get("src", "").endswith(("assets/brief.js", "assets/search.js"))
                assert is_data or is_ours, f"{path}: a script that is not Brief's: {element.attrs}"
            if element.tag in ("iframe", "object", "embed", "base") or (
                element.tag == "form" and element.attrs.get("id") != "search-form"
            ):
                pytest.fail(f"{path}: <{element.tag}> from content")
    # The JSON data carries the briefings' text with its markup characters escaped.
    for path in root.rglob("*.json"):
        if "pagefind" not in path.parts:
            assert "<" not in path.read_text(encoding="utf-8"), f"{path}: markup in JSON data"


@pytest.mark.parametrize("case", CASES)
def test_hostile_case(site: Site, case: str) -> None:
    shutil.copy(FIXTURES / f"{case}.md", site.root / "briefings" / f"{case}.md")
    before = set(site.root.parent.rglob("*"))
    code, output = _run_build(site)
    written = set(site.root.parent.rglob("*")) - before
    # Brief writes only into the output folder and its cache.
    allowed = (site.root / "_site", site.root / ".brief-cache")
    outside = [p for p in written if not any(p.is_relative_to(folder) for folder in allowed)]
    assert outside == [], f"files written outside the output folder: {outside}"
    if case in REFUSED:
        assert code == 1, output
        assert REFUSED[case] in output, output
        assert re.search(rf"briefings/{re.escape(case)}\.md:\d+:\d+: error: ", output), output
        assert not (site.root / "_site").exists()
    else:
        assert code == 0, output
        assert_no_active_content(site.root / "_site")
    assert not Path("/tmp/brief-pwned").exists()


def test_template_syntax_is_printed_not_evaluated(site: Site) -> None:
    assert _build(site, "template-syntax-everywhere")[0] == 0
    page = site.page("template-syntax-everywhere")
    assert "{{ 7*7 }}" in page and "{% include &#39;base.html&#39; %}" in page and "{{ config }}" in page
    assert "49" not in page and "xxxxxxxxx" not in page


def test_json_ld_cannot_close_its_script_element(site: Site) -> None:
    assert _build(site, "json-ld-script-close")[0] == 0
    page = site.page("json-ld-script-close")
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script>"
    assert page.lower().count("<script") == page.count('<script src="') + 1


def test_heading_ids_that_could_clobber_get_a_prefix(site: Site) -> None:
    assert _build(site, "dom-clobbering-headings")[0] == 0
    page = parse_html(site.page("dom-clobbering-headings"))
    heading_ids = [h.attrs["id"] for h in page.find_all() if h.tag in ("h2", "h3") and "id" in h.attrs]
    for wanted in ("h-location", "h-document", "h-cite-1", "h-src-s", "h-sources", "h-123"):
        assert wanted in heading_ids
    for wanted in ("h-briefing-title", "h-timeline-title", "h-sources-title", "h-bluf-title"):
        assert wanted in heading_ids
    ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids on the page"


def test_raw_html_ids_cannot_take_the_page_s_own_ids(site: Site) -> None:
    # Under `html: sanitise`, raw HTML keeps its ids: one written like the page's own
    # (the skip link's target, a source's entry) would duplicate it, as a heading would.
    site.write("site.yaml", "title: T\nhtml: sanitise\n")
    site.write(
        "briefings/raw-ids.md",
        "---\ntitle: Raw ids\ndate: 2025-08-08\nsummary: S.\nsources:\n  s:\n    title: S\n---\n"
        '<p id="main">m</p> <span id="src-s">s</span> <b id="location">l</b> <i id="kept">k</i> [@s]\n\n'
        "Note.[^1]\n\n[^1]: A footnote.\n",
    )
    assert site.brief("build").exit_code == 0
    page = parse_html(site.page("raw-ids"))
    ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids on the page"
    assert {"h-main", "h-src-s", "h-location", "kept"} <= set(ids)
    body = page.by_id("body")
    footnote_links = [e.attrs["href"] for e in body.iter() if e.attrs.get("href", "").startswith("#fn")]
    assert footnote_links and all(href[1:] in ids for href in footnote_links)


def test_every_id_the_templates_write_is_reserved_from_headings() -> None:
    """A heading written like one of the briefing page's own ids would duplicate it."""
    templates = Path(__file__).parent.parent / "templates"
    on_a_briefing_page = [templates / "base.html", templates / "briefing.html", *templates.glob("partials/*")]
    written = {
        found
        for template in on_a_briefing_page
        for found in re.findall(r'\bid="([a-z][a-z0-9-]*)"', template.read_text(encoding="utf-8"))
    }
    assert {"briefing-title", "timeline-title", "main"} <= written
    unguarded = [id_ for id_ in written if id_ not in RESERVED_IDS and not id_.startswith(RESERVED_PREFIXES)]
    assert sorted(unguarded) == []


def test_pathological_markdown_finishes_quickly(site: Site) -> None:
    """Each build's CPU time, not its wall time: the limit is there to catch work that grows
    with the square of the input (minutes, at these sizes), not a busy machine (a run of the
    whole suite at a load of 10 on 2 cores once took 20.2 s of wall time here)."""
    import time

    for case in ("deeply-nested-quotes", "deeply-nested-brackets", "deeply-nested-lists", "very-long-line"):
        started = time.process_time()
        code, _ = _build(site, case)
        assert code == 0
        assert time.process_time() - started < 20, case
    # Paragraphs that took time in proportion to the square of their size: 600,000 quotes
    # (smart quotes: over a minute), 200,000 unclosed HTML attributes shown as text, and
    # many estimative phrases.
    for name, body in (
        ("quotes", 'x"' * 600_000),
        ("attributes", '<a x="' * 200_000),
        ("terms", "likely " * 150_000),  # each term lowered its whole line: 50 s
        ("broken-terms", "very\nlikely " * 50_000),  # terms across 100,000 soft line breaks
        ("confidence", "We have high confidence it is likely. " * 20_000),  # sentences × terms: 60 s
        # Where a phrase is looked for, what is not prose is blanked out: 31 s when each
        # "![" was scanned to the end of the line.
        ("not-prose", "likely " + "![" * 150_000 + " likely"),
    ):
        site.write(
            f"briefings/{name}.md", f"---\ntitle: {name}\ndate: 2025-08-08\nsummary: S.\n---\n{body}\n"
        )
        started = time.process_time()
        code, _ = _run_build(site)
        assert code == 0
        assert time.process_time() - started < 20, name


def test_an_oversized_file_is_refused_with_a_clear_error(site: Site) -> None:
    site.write("briefings/huge.md", "---\ntitle: Huge\ndate: 2025-08-08\n---\n" + "x" * (3 * 1024 * 1024))
    result = site.brief("build")
    assert result.exit_code == 1
    assert (
        "briefings/huge.md:1:1: error: the file is 3,145,765 bytes; the limit is 2,097,152" in result.stderr
    )


def test_a_file_name_that_makes_too_long_a_slug_is_refused(site: Site) -> None:
    # 80 Chinese characters fit a file name (240 bytes), but transliterated they make a
    # 479-character slug, longer than a folder's name can be.
    site.write(f"briefings/{'中' * 80}.md", "---\ntitle: T\ndate: 2025-08-08\nsummary: S.\n---\nText.\n")
    code, output = _run_build(site)
    assert code == 1, output
    assert "1:1: error: the slug made from the file name is 479 characters long; the limit is 200" in output
    assert "hint: set a shorter slug: in the front matter, or rename the file" in output


def test_slugs_that_collide_after_case_folding_or_normalisation(site: Site) -> None:
    site.write("briefings/Caf\u00e9.md", "---\ntitle: A\ndate: 2025-08-08\nsummary: S.\n---\n")
    site.write("briefings/cafe\u0301.md", "---\ntitle: B\ndate: 2025-08-08\nsummary: S.\n---\n")
    site.write("briefings/CAFE.md", "---\ntitle: C\ndate: 2025-08-08\nsummary: S.\n---\n")
    result = site.brief("check")
    assert result.exit_code == 1
    assert result.stderr.count("the slug 'cafe' is already used by") == 2


@pytest.mark.parametrize("folder", ["briefings", "static", "templates"])
def test_symbolic_links_are_refused(site: Site, tmp_path: Path, folder: str) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\ndate: 2025-08-08\n---\nsecret words\n")
    (site.root / folder).mkdir(exist_ok=True)
    (site.root / folder / "linked.md").symlink_to(secret)
    site.write("briefings/ok.md", "---\ntitle: OK\ndate: 2025-08-08\nsummary: S.\n---\n")
    result = site.brief("build")
    assert result.exit_code == 1
    assert f"{folder}/linked.md:1:1: error: symbolic links are not allowed" in result.stderr
    assert not (site.root / "_site").exists()


def test_names_that_are_not_utf8_are_errors_not_a_traceback(site: Site) -> None:
    # As a Latin-1 zip or an old Windows share leaves them: 'café' with the byte 0xE9.
    site.write("briefings/ok.md", "---\ntitle: OK\ndate: 2025-08-08\nsummary: S.\n---\n")
    assert site.brief("build").exit_code == 0
    before = site.page("ok")
    text = "---\ntitle: Caf\u00e9\ndate: 2025-08-08\nsummary: S.\n---\n"
    root = os.fsencode(site.root)
    try:
        (Path(os.fsdecode(root + b"/briefings/caf\xe9.md"))).write_text(text)
    except (OSError, UnicodeError):
        pytest.skip("this file system takes only UTF-8 names")
    Path(os.fsdecode(root + b"/briefings/dossier-\xe9t\xe9")).mkdir()
    (Path(os.fsdecode(root + b"/briefings/dossier-\xe9t\xe9")) / "inside.md").write_text(text)
    (site.root / "static").mkdir()
    Path(os.fsdecode(root + b"/static/carte-\xe9.png")).write_bytes(b"png")
    result = site.brief("build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    message = "error: the name of this file or folder is not valid UTF-8 (shown here with \ufffd)"
    assert f"briefings/caf\ufffd.md:1:1: {message}" in result.stderr
    assert f"briefings/dossier-\ufffdt\ufffd:1:1: {message}" in result.stderr
    assert f"static/carte-\ufffd.png:1:1: {message}" in result.stderr
    assert site.page("ok") == before
    findings = json.loads(site.brief("check", "--format", "json").stdout)
    assert [finding["code"] for finding in findings] == ["encoding"] * 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_named_pipes_are_errors_not_a_build_that_waits_for_ever(site: Site) -> None:
    site.write("briefings/ok.md", "---\ntitle: OK\ndate: 2025-08-08\nsummary: S.\n---\n")
    assert site.brief("build").exit_code == 0
    (site.root / "static").mkdir()
    for name in ("briefings/pipe.md", "briefings/_sources.yaml", "static/pipe.png"):
        os.mkfifo(site.root / name)
    for command in ("check", "build"):
        result = site.brief(command)
        assert result.exit_code == 1
        message = "error: this is not a regular file (a named pipe, socket or device)"
        for name in ("briefings/_sources.yaml", "briefings/pipe.md", "static/pipe.png"):
            assert f"{name}:1:1: {message}" in result.stderr


@pytest.mark.parametrize("folder", ["briefings", "static"])
def test_a_site_folder_that_is_a_symbolic_link_is_refused_with_the_other_errors(
    site: Site, tmp_path: Path, folder: str
) -> None:
    """Reported in the same run as a briefing's error, not only once the briefings are clean."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text("---\ntitle: Elsewhere\ndate: 2025-08-08\nsummary: S.\n---\nBody.\n")
    if folder == "briefings":
        shutil.rmtree(site.root / "briefings")
    (site.root / folder).symlink_to(elsewhere, target_is_directory=True)
    (site.root / "templates").mkdir()
    (site.root / "templates" / "bad.html").symlink_to(elsewhere / "x.md")
    result = site.brief("build")
    assert result.exit_code == 1
    assert f"{folder}:1:1: error: symbolic links are not allowed in a site's folders" in result.stderr
    assert "templates/bad.html:1:1: error: symbolic links are not allowed" in result.stderr
    assert not (site.root / "_site").exists()
