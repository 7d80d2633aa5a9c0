"""Reading generated HTML in tests the way a reader sees it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Element | str] = []

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    @property
    def visible_text(self) -> str:
        """Text minus visually hidden helper text and closed popovers."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif "visually-hidden" not in child.attrs.get("class", "") and "popover" not in child.attrs:
                parts.append(child.visible_text)
        return "".join(parts)

    def iter(self) -> list[_Element]:
        found = [self]
        for child in self.children:
            if isinstance(child, _Element):
                found.extend(child.iter())
        return found

    def find_all(self, tag: str | None = None, class_: str | None = None, **attrs: str) -> list[_Element]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.attrs.get("class", "").split())
            and all(element.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> _Element:
        matches = [e for e in self.iter() if e.attrs.get("id") == element_id]
        assert len(matches) == 1, f"{len(matches)} elements with id {element_id!r}"
        return matches[0]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> _Element:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.root


def squash(text: str) -> str:
    return " ".join(text.split())


def briefing_pages(site: Path) -> dict[str, _Element]:
    """Every published briefing page of a built site, by slug (redirects left at old
    addresses excluded)."""
    pages = {}
    for path in sorted((site / "briefings").glob("*/index.html")):
        page = parse_html(path.read_text(encoding="utf-8"))
        if page.find_all("h1", id="briefing-title"):
            pages[path.parent.name] = page
    return pages
