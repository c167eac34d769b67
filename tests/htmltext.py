"""Read rendered HTML the way a reader sees it: visible text, links and ids."""

from __future__ import annotations

from html.parser import HTMLParser

_VOID = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "track"}


class _Collector(HTMLParser):
    def __init__(self, skip_classes: set[str]):
        super().__init__(convert_charrefs=True)
        self.skip_classes = skip_classes
        self.stack: list[tuple[str, bool, bool, str | None]] = []  # (tag, skipping, annotated paragraph, claim id)
        self.paragraphs: list[tuple[dict[str, str], list[str]]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.claim_text: dict[str, list[str]] = {}  # the visible text inside each claim's elements
        self.claim_links: dict[str, list[str]] = {}  # each claim's links (<a data-claim>): their addresses

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
            if "data-claim" in attributes:
                self.claim_links.setdefault(attributes["data-claim"], []).append(attributes["href"])
        if tag in _VOID:
            return
        classes = set(attributes.get("class", "").split())
        skip = self.skipping or bool(self.skip_classes & classes)
        paragraph = tag == "p" and "fc-paragraph" in classes
        self.stack.append((tag, skip, paragraph, attributes.get("data-claim")))
        if paragraph:
            self.paragraphs.append((attributes, []))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self.stack:
            open_tag = self.stack.pop()[0]
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self.skipping and any(frame[2] for frame in self.stack):
            self.paragraphs[-1][1].append(data)
            for claim_id in {frame[3] for frame in self.stack if frame[3]}:
                self.claim_text.setdefault(claim_id, []).append(data)


def read(html: str, skip_classes: set[str] = frozenset()) -> _Collector:
    collector = _Collector(set(skip_classes))
    collector.feed(html)
    return collector


def annotated_paragraphs(html: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each paragraph of an annotated source."""
    collector = read(html)
    return [(int(a["data-start"]), int(a["data-end"]), "".join(parts)) for a, parts in collector.paragraphs]


class _TextById(HTMLParser):
    """The text inside each element that has an id, as a screen reader gets it: aria-hidden parts left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, id, hidden)
        self.text: dict[str, str] = {}
        self.attributes: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.attributes[attributes["id"]] = attributes
            self.text.setdefault(attributes["id"], "")
        if tag in _VOID:
            return
        hidden = (bool(self.stack) and self.stack[-1][2]) or attributes.get("aria-hidden") == "true"
        self.stack.append((tag, attributes.get("id"), hidden))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][2]:
            return
        for _, element_id, _ in self.stack:
            if element_id:
                self.text[element_id] += data


def text_by_id(html: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The text (aria-hidden parts left out) and the attributes of every element with an id."""
    parser = _TextById()
    parser.feed(html)
    return parser.text, parser.attributes
