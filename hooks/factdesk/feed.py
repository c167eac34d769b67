"""feed.xml: an Atom feed (RFC 4287) of new and updated checks and of corrections.

Dates come from the claim files, never from the build, so two builds of the same content give the
same bytes. Entry ids are `urn:uuid`s derived from the publisher's name and the claim's id (which is
never reused or renamed), so they stay the same when the site moves or gets its address later.
"""

from __future__ import annotations

import dataclasses
import datetime
import heapq
import itertools
import re
from dataclasses import dataclass
from typing import Iterable
from xml.etree import ElementTree

from .publishing import CONTENT_LICENCE_NAME, CONTENT_LICENCE_URL, SiteInfo
from .reuse import Reuse
from .site import AnchoredClaim, SiteModel
from .structured_data import date_time

FEED_URL = "feed.xml"
FEED_LENGTH = 100  # the newest entries; older ones stay on the site and in claims.json
SECONDS_A_DAY = 86_400
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Entry:
    key: str  # what the id is derived from
    title: str
    summary: str
    published: str  # YYYY-MM-DD
    updated: str  # YYYY-MM-DD, the day; `instant` places the entry within it
    link: str  # site-relative
    category: tuple[str, str] | None = None  # (term, label)
    instant: str = ""  # its atom:updated (see `_newest_of_the_day`)


def feed_entries(model: SiteModel, reuse: Reuse | None = None) -> list[Entry]:
    """One entry per claim (dated by its last update) and one per correction, newest first. With `reuse` (of an
    earlier run), the entries of a source whose claims are unchanged are not made or sorted again."""
    reuse = reuse or Reuse()
    claims_of = model.claims_of_source
    by_source = reuse.parts("feed", claims_of, lambda source_id: _by_day(claims_of[source_id]))
    # Every entry of a day is newer than any of the days before: only the newest days are looked at.
    newest: list[Entry] = []
    for day in sorted(set().union(*by_source), reverse=True):
        newest += _newest_of_the_day(day, [part[day] for part in by_source if day in part], FEED_LENGTH - len(newest))
        if len(newest) >= FEED_LENGTH:
            break
    return newest


def _by_day(items: Iterable[AnchoredClaim]) -> dict[str, list[Entry]]:
    """The entries of `items` by the day of their update, each day's newest first (see `_newest_of_the_day`)."""
    by_day: dict[str, list[Entry]] = {}
    for item in items:
        for entry in _claim_entries(item):
            by_day.setdefault(entry.updated, []).append(entry)
    return {day: sorted(entries, key=_order, reverse=True) for day, entries in by_day.items()}


def _order(entry: Entry) -> tuple[str, str]:
    """Within a day, the first published first (then by id; no two entries share one)."""
    return entry.published, entry.key


def _claim_entries(item: AnchoredClaim) -> tuple[Entry, ...]:
    """A claim's entry, then one per correction."""
    return (_claim_entry(item), *(Entry(
        key=f"correction:{item.id}:{index}", title=f"Correction: {item.claim.claim}",
        summary=f"{correction.change} {correction.reason}", published=correction.date, updated=correction.date,
        link=f"{item.url}#corrections", category=("correction", "Correction"),
    ) for index, correction in enumerate(item.claim.corrections)))


def _newest_of_the_day(day: str, parts: list[list[Entry]], most: int) -> list[Entry]:
    """The `most` newest entries of `day` (given in parts, each newest first), newest first, each with its own
    atom:updated. The files give days, and many checks share one: feed readers tell an entry's changes by that date,
    and the W3C Feed Validator flags two entries that share one. The entries of a day are a second apart from
    midnight UTC, the first published first (then by id), so the date stays the files' and the same content always
    gives the same times."""
    midnight = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    count = sum(map(len, parts))
    if count <= SECONDS_A_DAY:  # each its own second: the newest are the last published
        chosen = itertools.islice(heapq.merge(*parts, key=_order, reverse=True), most)
        placed = [(count - 1 - index, entry) for index, entry in enumerate(chosen)]
    else:  # the day's last second holds the rest, newest by id
        same_day = sorted((entry for part in parts for entry in part), key=_order)
        ranked = [(min(rank, SECONDS_A_DAY - 1), entry) for rank, entry in enumerate(same_day)]
        placed = heapq.nlargest(most, ranked, key=lambda pair: (pair[0], pair[1].key))
    return [dataclasses.replace(entry, instant=(midnight + datetime.timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ"))
            for second, entry in placed]


def _claim_entry(item: AnchoredClaim) -> Entry:
    return Entry(
        key=f"claim:{item.id}", title=f"{item.verdict.label}: {item.claim.claim}", summary=item.claim.summary,
        published=item.claim.reviewed, updated=item.claim.updated, link=item.url,
        category=(item.verdict.id, item.verdict.label),
    )


def atom_feed(model: SiteModel, info: SiteInfo, reuse: Reuse | None = None) -> str:
    """The feed as XML text. Links are absolute when the site's address is known, otherwise relative
    to the feed (at the site's root), which is how Atom readers resolve them; without it the feed has no
    self link. With `reuse`, see `feed_entries`; the text is not written again when the entries and the site's
    details are unchanged."""
    reuse = reuse or Reuse()
    entries = feed_entries(model, reuse)
    return reuse.get(FEED_URL, (tuple(entries), info), lambda: _feed_text(entries, info))


def _feed_text(entries: list[Entry], info: SiteInfo) -> str:
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": info.language})
    _text(feed, "id", info.identifier("feed"))
    _text(feed, "title", info.name)
    if info.description:
        _text(feed, "subtitle", info.description)
    _text(feed, "updated", entries[0].instant if entries else "1970-01-01T00:00:00Z")
    # The feed's own address: only an absolute one says where a reader subscribed (a relative self link
    # would name wherever the copy was found).
    if info.absolute(FEED_URL):
        _link(feed, info.absolute(FEED_URL), "self", "application/atom+xml")
    _link(feed, info.url or "index.html", "alternate", "text/html")
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", info.publisher.name)
    if info.publisher.url:
        _text(author, "uri", info.publisher.url)
    _text(feed, "rights", f"{CONTENT_LICENCE_NAME} (CC BY 4.0): {CONTENT_LICENCE_URL}")
    for entry in entries:
        element = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "id", info.identifier(entry.key))
        _text(element, "title", entry.title)
        _text(element, "published", date_time(entry.published))
        _text(element, "updated", entry.instant)
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
