"""Open data at the site root: sources.json, claims.json, entities.json and claims.csv (URLs relative
to the root), the Web Annotation collections, and datapackage.json describing them and their licence."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from .cards import SITE_CARD, Card, card_url, claim_card_files, site_card_file
from .crawlers import ROBOTS, robots_txt
from .datapackage import CLAIMS_CSV_FIELDS, data_package
from .feed import FEED_URL, atom_feed
from .publishing import SiteInfo
from .reuse import Reuse
from .site import AnchoredClaim, SiteModel, claim_url, entity_url, source_url
from .stored_results import StoredResults
from .structured_data import (
    annotation_collection, annotation_page, annotation_page_url, annotations_url, source_text_url,
)
from .typefaces import card_fonts

# The columns the data package describes, in the same order: one list, so the two cannot drift apart.
CSV_COLUMNS = [name for name, _type, _description in CLAIMS_CSV_FIELDS]


def export_files(model: SiteModel, info: SiteInfo, cache_root: Path | None = None,
                 reuse: Reuse | None = None, stored: StoredResults | None = None) -> dict[str, str | Card]:
    """File name → content (text, or for the share cards their bytes or the cache entry that holds them: see
    `cards.claim_card_files`), with stable ordering so that identical input gives identical files. With
    `cache_root` (the repository), share cards drawn before are reused, and so are the files of a source that
    an earlier build kept there (`stored`: the renderer's, which knows the digests of the model's objects
    already). With `reuse` (of an earlier run's exports), a file of one source or claim whose inputs are
    unchanged is not made again."""
    reuse = reuse or Reuse()
    stored = stored or StoredResults(cache_root)
    sources = [
        {
            "id": source.id,
            "title": source.title,
            "language": source.language,
            "url": source_url(source.id),
            "original_url": source.url,
            "publisher": source.publisher,
            "published": source.published,
            "claims": [item.id for item in model.claims_by_source.get(source.id, [])],
            "annotations": annotations_url(source.id),
        }
        for source in sorted(model.sources.values(), key=lambda s: s.id)
    ]
    claims = [reuse.get(("record", item.id), (item, model.sources[item.claim.source]), lambda item=item: claim_record(model, item))
              for item in sorted(model.claims.values(), key=lambda c: (c.claim.source, c.number))]
    entities = [
        {
            "id": entity.id,
            "name": entity.name,
            "type": entity.type,
            "aliases": [alias.text for alias in entity.aliases],
            "url": entity_url(entity.id),
            "claims": [item.id for item in model.claims_by_entity.get(entity.id, [])],
        }
        for entity in sorted(model.entities.values(), key=lambda e: e.id)
    ]
    files = {name: _json_list(name, data, reuse) for name, data in
             (("sources.json", sources), ("claims.json", claims), ("entities.json", entities))}
    files["claims.csv"] = claims_csv(claims, model, reuse)
    # The annotations of a source, written as indented JSON by Python code, are kept in the cache between builds.
    for source_id in sorted(model.sources):
        # What the annotations say: the source, its claims (spans, verdicts, dates) and the publisher.
        inputs = (model.sources[source_id], tuple(model.claims_by_source.get(source_id, ())), model.repository.scale, info)
        # As UTF-8 bytes: kept for the next run, and a text of wide characters (an emoji) is four bytes a character
        # as a Python string.
        for url, make in ((annotations_url(source_id), annotation_collection), (annotation_page_url(source_id), annotation_page)):
            files[url] = reuse.get(url, inputs, lambda url=url, make=make: stored.get(
                "export", url, inputs, lambda: _json(make(model, source_id, info)).encode(), bytes, bytes))
        files[source_text_url(source_id)] = model.sources[source_id].text
    stored.forget_inputs()
    files["datapackage.json"] = _json(data_package(files, model, info, reuse))
    # The feed's newest entries, of every claim's entries made again only for the claims that changed.
    files[FEED_URL] = atom_feed(model, info, reuse)
    files[ROBOTS] = robots_txt(info)
    fonts = card_fonts(info.language)  # looked for once for all the cards
    files[SITE_CARD] = site_card_file(model, info, cache_root, fonts)
    # The cards no earlier run of this process made, drawn together (on every core when there are many).
    items = {card_url(item.id): item for item in sorted(model.claims.values(), key=lambda c: c.id)}
    fonts_key = fonts.key()  # the fonts by their digest: a claim's inputs compare them at once
    files.update(reuse.get_all(
        {url: (item, info, fonts_key) for url, item in items.items()},
        lambda urls: {card_url(key): card for key, card in
                      claim_card_files([items[url] for url in urls], info, cache_root, fonts).items()}))
    return files


def claim_record(model: SiteModel, item: AnchoredClaim) -> dict:
    """A claim as claims.json and claims.csv give it."""
    return {
        "id": item.id,
        "source": item.claim.source,
        "verdict": item.verdict.id,
        "claim": item.claim.claim,
        "summary": item.claim.summary,
        "field": item.claim.selector.field,
        "quote": model.sources[item.claim.source].part(item.claim.selector.field)[item.span.start:item.span.end],
        "start": item.span.start,
        "end": item.span.end,
        "url": claim_url(item.id),
        "entities": list(item.claim.entities),
        "evidence": [e.url for e in item.claim.evidence],
        "claimant": item.claim.claimant,
        "speaker": item.claim.speaker,
        "right_of_reply": [{key: value for key, value in vars(reply).items() if value is not None}
                           for reply in item.claim.right_of_reply],
    }


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _json_list(name: str, items: list[dict], reuse: Reuse) -> str:
    """`_json(items)` for a list of records with ids, each record's text reused while the record is unchanged
    (indented JSON is written by Python code, not C: ten thousand records take a noticeable time)."""
    if not items:
        return _json(items)

    def record(item: dict) -> str:
        # Nested one level: JSON text holds no raw line break, so every line break starts a line to indent.
        return reuse.get((name, item["id"]), item, lambda: json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  "))

    return "[\n  " + ",\n  ".join(record(item) for item in items) + "\n]\n"


class _Returned:
    """A file for the csv module whose write gives back the line written."""

    def write(self, text: str) -> str:
        return text


def claims_csv(claims: list[dict], model: SiteModel, reuse: Reuse | None = None) -> str:
    """One row per claim; lists are joined with spaces (ids and URLs hold none). With `reuse`, the row
    of a claim whose record and verdict label are unchanged is not written again."""
    reuse = reuse or Reuse()
    writer = csv.DictWriter(_Returned(), fieldnames=CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def line(claim: dict, label: str) -> str:
        row = {**claim, "verdict_label": label, "entities": " ".join(claim["entities"]), "evidence": " ".join(claim["evidence"]),
               "right_of_reply": json.dumps(claim["right_of_reply"], ensure_ascii=False)}
        return writer.writerow({column: spreadsheet_safe(row[column]) for column in CSV_COLUMNS})

    rows = []
    for claim in claims:
        label = model.claims[claim["id"]].verdict.label
        rows.append(reuse.get(("claims.csv", claim["id"]), (claim, label), lambda: line(claim, label)))
    return writer.writeheader() + "".join(rows)


# OWASP's CSV injection advice: a spreadsheet runs as a formula a cell that starts with = + - @, also after
# white space it trims (" =HYPERLINK(…)"), and one that starts with a tab, carriage return or line feed.
# Every cell is quoted, so a "," inside one starts no other; a ";", tab or line break inside one can (a
# spreadsheet that separates cells with ";" or tabs, or rows wherever it misreads quotes): after them too.
_RUNS_AS_FORMULA = re.compile(r"(^|[;\t\r\n])([\s\0]*)([=+\-@])")
_CONTROL_STARTS = ("\t", "\r", "\n", "\0")  # and NUL, as OWASP's verification standard adds


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a quote mark before the formula's first character (white
    space before it may be a separator too), and one more at the start of a cell that starts with a tab or
    line break: that makes it plain text. The text is otherwise kept as it is."""
    if not isinstance(value, str):
        return value
    value = _RUNS_AS_FORMULA.sub(r"\1\2'\3", value)
    return "'" + value if value.startswith(_CONTROL_STARTS) else value
