"""Open data at the site root: sources.json, claims.json and entities.json (URLs relative to the root)."""

from __future__ import annotations

import json

from .site import SiteModel, claim_url, entity_url, source_url


def export_files(model: SiteModel) -> dict[str, str]:
    """File name → JSON text, with stable ordering so that identical input gives identical files."""
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
            "quote": model.sources[item.claim.source].text[item.span.start:item.span.end],
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
    return {name: json.dumps(data, ensure_ascii=False, indent=2) + "\n" for name, data in
            (("sources.json", sources), ("claims.json", claims), ("entities.json", entities))}
