"""Open data at the site root: sources.json, claims.json, entities.json and claims.csv (URLs relative
to the root), the Web Annotation collections, and datapackage.json describing them and their licence."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .cards import SITE_CARD, card_url, claim_card, site_card
from .datapackage import CLAIMS_CSV_FIELDS, data_package
from .feed import FEED_URL, atom_feed
from .publishing import SiteInfo
from .site import SiteModel, claim_url, entity_url, source_url
from .structured_data import (
    annotation_collection, annotation_page, annotation_page_url, annotations_url, source_text_url,
)

# The columns the data package describes, in the same order: one list, so the two cannot drift apart.
CSV_COLUMNS = [name for name, _type, _description in CLAIMS_CSV_FIELDS]


def export_files(model: SiteModel, info: SiteInfo, cache_root: Path | None = None) -> dict[str, str | bytes]:
    """File name → content (text, or bytes for the share cards), with stable ordering so that identical
    input gives identical files. With `cache_root` (the repository), share cards drawn before are reused."""
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
    claims = [
        {
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
        }
        for item in sorted(model.claims.values(), key=lambda c: (c.claim.source, c.number))
    ]
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
    files = {name: _json(data) for name, data in
             (("sources.json", sources), ("claims.json", claims), ("entities.json", entities))}
    files["claims.csv"] = claims_csv(claims, model)
    for source_id in sorted(model.sources):
        files[annotations_url(source_id)] = _json(annotation_collection(model, source_id, info))
        files[annotation_page_url(source_id)] = _json(annotation_page(model, source_id, info))
        files[source_text_url(source_id)] = model.sources[source_id].text
    files["datapackage.json"] = _json(data_package(files, model, info))
    files[FEED_URL] = atom_feed(model, info)
    files[SITE_CARD] = site_card(model, info, cache_root)
    for item in sorted(model.claims.values(), key=lambda c: c.id):
        files[card_url(item.id)] = claim_card(item, info, cache_root)
    return files


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def claims_csv(claims: list[dict], model: SiteModel) -> str:
    """One row per claim; lists are joined with spaces (ids and URLs hold none)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for claim in claims:
        row = dict(claim)
        row["verdict_label"] = model.claims[claim["id"]].verdict.label
        row["entities"] = " ".join(claim["entities"])
        row["evidence"] = " ".join(claim["evidence"])
        writer.writerow({column: spreadsheet_safe(row[column]) for column in CSV_COLUMNS})
    return out.getvalue()


# OWASP's CSV injection advice: a cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula is prefixed with a quote mark, which makes it plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
