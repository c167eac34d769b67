"""Open data at the site root: sources.json, claims.json, entities.json and claims.csv (URLs relative
to the root), the Web Annotation collections, and datapackage.json describing them and their licence."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Iterable

from .cards import SITE_CARD, Card, claim_card_files_by_source, site_card_file
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
    already). With `reuse` (of an earlier run's exports), what a file holds of a source (or entity) whose inputs
    are unchanged is not made again, nor is a file none of whose parts changed."""
    reuse = reuse or Reuse()
    stored = stored or StoredResults(cache_root)
    # Each whole-site file is made of one part per source (or entity), made again only where its inputs changed:
    # the source and its claims, the very objects of last time when unchanged (one comparison, not one per claim).
    claims_of = model.claims_of_source
    by_source = {source_id: (model.sources[source_id], claims) for source_id, claims in claims_of.items()}
    with_claims = {source_id: inputs for source_id, inputs in by_source.items() if inputs[1]}
    # A source's claims as claims.json and claims.csv give them, made once for both.
    records = dict(zip(with_claims, reuse.parts("claim records", with_claims, lambda source_id: [
        claim_record(model, item) for item in claims_of[source_id]])))
    files = {
        "sources.json": _json_records(reuse, "sources.json", reuse.parts(
            "sources.json", by_source, lambda source_id: _record_text(source_record(model, source_id)))),
        # A source's claims in the order of their numbers: the claims by (source, number).
        "claims.json": _json_records(reuse, "claims.json", reuse.parts(
            "claims.json", with_claims, lambda source_id: ",\n  ".join(map(_record_text, records[source_id])))),
        "entities.json": _json_records(reuse, "entities.json", reuse.parts(
            "entities.json", {entity_id: (model.entities[entity_id], tuple(model.claims_by_entity.get(entity_id, ())))
                              for entity_id in sorted(model.entities)},
            lambda entity_id: _record_text(entity_record(model, entity_id)))),
        "claims.csv": reuse.joined("claims.csv", reuse.parts(
            "claims.csv", with_claims, lambda source_id: claims_csv_rows(claims_of[source_id], records[source_id])),
            lambda parts: "".join((_CSV_HEADER, *parts))),
    }
    # The annotations of a source, written as indented JSON by Python code, are kept in the cache between builds.
    for source_id in sorted(model.sources):
        # What the annotations say: the source, its claims (spans, verdicts, dates) and the publisher.
        inputs = (model.sources[source_id], claims_of[source_id], model.repository.scale, info)
        # As UTF-8 bytes: kept for the next run, and a text of wide characters (an emoji) is four bytes a character
        # as a Python string.
        for url, make in ((annotations_url(source_id), annotation_collection), (annotation_page_url(source_id), annotation_page)):
            files[url] = reuse.get(url, inputs, lambda url=url, make=make: stored.get(
                "export", url, inputs, lambda: _json(make(model, source_id, info)).encode(), bytes, bytes))
        files[source_text_url(source_id)] = model.sources[source_id].text
    stored.forget_inputs()
    files["datapackage.json"] = _json(data_package(files, model, info, reuse))
    # The feed's newest entries, of every source's entries made again only for the sources whose claims changed.
    files[FEED_URL] = atom_feed(model, info, reuse)
    files[ROBOTS] = robots_txt(info)
    fonts = card_fonts(info.language)  # looked for once for all the cards
    files[SITE_CARD] = site_card_file(model, info, cache_root, fonts)
    files.update(claim_card_files_by_source(claims_of, info, cache_root, fonts, reuse))
    return files


def source_record(model: SiteModel, source_id: str) -> dict:
    """A source as sources.json gives it."""
    source = model.sources[source_id]
    return {"id": source.id, "title": source.title, "language": source.language, "url": source_url(source.id),
            "original_url": source.url, "publisher": source.publisher, "published": source.published,
            "claims": [item.id for item in model.claims_by_source.get(source.id, [])], "annotations": annotations_url(source.id)}


def entity_record(model: SiteModel, entity_id: str) -> dict:
    """An entity as entities.json gives it."""
    entity = model.entities[entity_id]
    return {"id": entity.id, "name": entity.name, "type": entity.type, "aliases": [alias.text for alias in entity.aliases],
            "url": entity_url(entity.id), "claims": [item.id for item in model.claims_by_entity.get(entity.id, [])]}


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


def _record_text(record: dict) -> str:
    """A record as `_json` writes it inside a list (indented JSON is written by Python code, not C: ten thousand
    records take a noticeable time, so the records of unchanged sources are not written again)."""
    # Nested one level: JSON text holds no raw line break, so every line break starts a line to indent.
    return json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def _json_records(reuse: Reuse, name: str, parts: list[str]) -> str:
    """`_json` of a list of records, from parts of one or more records' texts (`_record_text`, joined by ",\\n  ")."""
    return reuse.joined(name, parts, _json_list)


def _json_list(parts: tuple[str, ...]) -> str:
    if not parts:
        return _json([])
    # The brackets go on the first and last parts, so that the whole text (megabytes) is copied once, by the join.
    texts = list(parts)
    texts[0] = "[\n  " + texts[0]
    texts[-1] += "\n]\n"
    return ",\n  ".join(texts)


class _Returned:
    """A file for the csv module whose write gives back the line written."""

    def write(self, text: str) -> str:
        return text


_CSV = csv.DictWriter(_Returned(), fieldnames=CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
_CSV_HEADER = _CSV.writeheader()


def claims_csv_rows(items: Iterable[AnchoredClaim], records: Iterable[dict]) -> str:
    """claims.csv's rows of `items` (with their `claim_record`s), one per claim; lists are joined with spaces (ids
    and URLs hold none)."""
    rows = []
    for item, claim in zip(items, records):
        row = {**claim, "verdict_label": item.verdict.label, "entities": " ".join(claim["entities"]),
               "evidence": " ".join(claim["evidence"]), "right_of_reply": json.dumps(claim["right_of_reply"], ensure_ascii=False)}
        rows.append(_CSV.writerow({column: spreadsheet_safe(row[column]) for column in CSV_COLUMNS}))
    return "".join(rows)


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
