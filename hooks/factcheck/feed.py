"""feed.xml: an Atom feed (RFC 4287) of new and updated checks and of corrections.

Dates come from the claim files, never from the build, so two builds of the same content give the
same bytes. Entry ids are `urn:uuid`s derived from the publisher's name and the claim's id (which is
never reused or renamed), so they stay the same when the site moves or gets its address later.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from xml.etree import ElementTree

from .publishing import CONTENT_LICENCE_NAME, CONTENT_LICENCE_URL, SiteInfo
from .site import AnchoredClaim, SiteModel
from .structured_data import date_time

FEED_URL = "feed.xml"
FEED_LENGTH = 100  # the newest entries; older ones stay on the site and in claims.json
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A fixed namespace for this generator's ids: uuid5 of it and a name gives the same id on every build.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:factcheck-site:atom")


@dataclass(frozen=True)
class Entry:
    key: str  # what the id is derived from
    title: str
    summary: str
    published: str  # YYYY-MM-DD
    updated: str  # YYYY-MM-DD
    link: str  # site-relative
    category: tuple[str, str] | None = None  # (term, label)


def feed_entries(model: SiteModel) -> list[Entry]:
    """One entry per claim (dated by its last update) and one per correction, newest first."""
    entries = [_claim_entry(item) for item in model.claims.values()]
    for item in model.claims.values():
        for index, correction in enumerate(item.claim.corrections):
            entries.append(Entry(
                key=f"correction:{item.id}:{index}", title=f"Correction: {item.claim.claim}",
                summary=f"{correction.change} {correction.reason}", published=correction.date, updated=correction.date,
                link=f"{item.url}#corrections", category=("correction", "Correction"),
            ))
    entries.sort(key=lambda e: (e.updated, e.key), reverse=True)
    return entries[:FEED_LENGTH]


def _claim_entry(item: AnchoredClaim) -> Entry:
    return Entry(
        key=f"claim:{item.id}", title=f"{item.verdict.label}: {item.claim.claim}", summary=item.claim.summary,
        published=item.claim.reviewed, updated=item.claim.updated, link=item.url,
        category=(item.verdict.id, item.verdict.label),
    )


def entry_id(info: SiteInfo, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, info.publisher.name + chr(10) + key)}"


def atom_feed(model: SiteModel, info: SiteInfo) -> str:
    """The feed as XML text. Links are absolute when the site's address is known, otherwise relative
    to the feed (at the site's root), which is how Atom readers resolve them."""
    entries = feed_entries(model)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": info.language})
    _text(feed, "id", entry_id(info, "feed"))
    _text(feed, "title", info.name)
    if info.description:
        _text(feed, "subtitle", info.description)
    latest = max((e.updated for e in entries), default=None)
    _text(feed, "updated", date_time(latest) if latest else "1970-01-01T00:00:00Z")
    _link(feed, info.address(FEED_URL, FEED_URL), "self", "application/atom+xml")
    _link(feed, info.url or "index.html", "alternate", "text/html")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", info.publisher.name)
    if info.publisher.url:
        _text(author, "uri", info.publisher.url)
    _text(feed, "rights", f"{CONTENT_LICENCE_NAME} (CC BY 4.0): {CONTENT_LICENCE_URL}")
    for entry in entries:
        element = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "id", entry_id(info, entry.key))
        _text(element, "title", entry.title)
        _text(element, "published", date_time(entry.published))
        _text(element, "updated", date_time(entry.updated))
        _link(element, info.address(entry.link, FEED_URL), "alternate", "text/html")
        if entry.category:
            ElementTree.SubElement(element, f"{{{ATOM}}}category", {"term": entry.category[0], "label": _clean(entry.category[1])})
        _text(element, "summary", entry.summary)
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="unicode", xml_declaration=False).join(
        ('<?xml version="1.0" encoding="utf-8"?>\n', "\n"))


def _text(parent: ElementTree.Element, tag: str, value: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}").text = _clean(value)


def _link(parent: ElementTree.Element, href: str, rel: str, media_type: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": media_type, "href": href})


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
