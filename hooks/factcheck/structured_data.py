"""Machine-readable views of the fact-check: schema.org ClaimReview for search engines and
fact-check explorers, and W3C Web Annotations for annotation tools."""

from __future__ import annotations

import json

from markupsafe import Markup

from .anchoring import context
from .publishing import SiteInfo
from .site import AnchoredClaim, SiteModel, source_url


def _entity_as_agent(model: SiteModel, entity_id: str) -> dict:
    entity = model.entities[entity_id]
    agent = {"@type": "Person" if entity.type == "person" else "Organization", "name": entity.name}
    if entity.url:
        agent["url"] = entity.url
    return agent


def claim_review(model: SiteModel, item: AnchoredClaim, info: SiteInfo) -> dict:
    claim, verdict, scale = item.claim, item.verdict, model.repository.scale
    source = model.sources[claim.source]
    rating: dict = {"@type": "Rating", "alternateName": verdict.label}
    if verdict.rank is not None:  # a verdict off the scale (unverifiable) has no number
        rating.update(ratingValue=verdict.rank, bestRating=scale.best_rank, worstRating=scale.worst_rank)
    appearance = {"@type": "CreativeWork", "headline": source.title}
    if source.url:
        appearance["url"] = source.url
    if source.published:
        appearance["datePublished"] = source.published
    if source.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": source.publisher}
    item_reviewed: dict = {"@type": "Claim", "appearance": appearance}
    if claim.claimant:
        item_reviewed["author"] = _entity_as_agent(model, claim.claimant)
    elif source.publisher:
        item_reviewed["author"] = {"@type": "Organization", "name": source.publisher}
    if source.published:
        item_reviewed["datePublished"] = source.published
    if source.original:
        first = {"@type": "CreativeWork", "url": source.original.url, "headline": source.original.title}
        if source.original.published:
            first["datePublished"] = source.original.published
        item_reviewed["firstAppearance"] = first
    review: dict = {"@context": "https://schema.org", "@type": "ClaimReview"}
    # Addresses that are not configured are left out rather than guessed.
    if info.absolute(item.url):
        review["url"] = info.absolute(item.url)
    review.update({
        "claimReviewed": claim.claim,
        "reviewBody": claim.summary,
        "datePublished": claim.reviewed,
        "author": publisher_agent(info),
        "reviewRating": rating,
        "itemReviewed": item_reviewed,
        "inLanguage": info.language,
    })
    if claim.corrections or claim.updated != claim.reviewed:
        review["dateModified"] = claim.updated
    return review


def publisher_agent(info: SiteInfo) -> dict:
    """The publisher as a schema.org Organization, with only what site.yml states."""
    agent: dict = {"@type": "Organization", "name": info.publisher.name}
    if info.publisher.url:
        agent["url"] = info.publisher.url
    logo = info.logo_address()
    if logo:
        agent["logo"] = {"@type": "ImageObject", "url": logo}
    return agent


def json_ld_script(data: dict) -> Markup:
    """A <script type="application/ld+json"> element; `<` is escaped so no text can close it early."""
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def annotation_collection(model: SiteModel, source_id: str, info: SiteInfo) -> dict:
    """The source's claims as a W3C Web Annotation collection, one annotation per claim."""
    source = model.sources[source_id]
    # Without a published address, ids are relative to this file (JSON-LD resolves them against it).
    here = annotations_url(source_id)
    target_source = source.url or info.address(source_url(source_id), here)
    items = []
    for item in model.claims_by_source.get(source_id, []):
        text, span = source.part(item.claim.selector.field), item.span
        prefix, suffix = context(text, span)
        selectors = [
            {"type": "TextQuoteSelector", "exact": text[span.start:span.end], "prefix": prefix, "suffix": suffix},
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
        ]
        if item.in_title:
            # The headline is not part of the text: select the page's heading, then the quote within it.
            selectors = [{"type": "CssSelector", "value": "h1", "refinedBy": selectors[0]}]
        items.append({
            "id": info.address(f"{item.url}#annotation", here),
            "type": "Annotation",
            "motivation": "assessing",
            "created": item.claim.reviewed,
            "modified": item.claim.updated,
            "body": [
                {"type": "SpecificResource", "source": info.address(item.url, here), "purpose": "assessing"},
                {"type": "TextualBody", "value": f"{item.verdict.label}: {item.claim.summary}", "format": "text/plain",
                 "language": info.language, "purpose": "assessing"},
            ],
            "target": {
                "source": target_source,
                "selector": selectors,
            },
        })
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": info.address(here, here),
        "type": "AnnotationCollection",
        "label": f"Fact-check of: {source.title}",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotations_url(source_id: str) -> str:
    return f"sources/{source_id}.annotations.jsonld"
