"""Machine-readable views of the fact-check: schema.org ClaimReview for search engines and
fact-check explorers, and W3C Web Annotations for annotation tools."""

from __future__ import annotations

import datetime
import json
import uuid

from markupsafe import Markup

from .anchoring import Span, paragraph_of, quote_context
from .publishing import CONTENT_LICENCE_URL, SiteInfo
from .site import AnchoredClaim, SiteModel, source_url
from .sources import Source


ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# The software that writes the annotations (the model's `generator`): this engine, by its package name, with an
# identifier of its own that no site's address changes.
GENERATOR = {"id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:factcheck-site:generator')}", "type": "Software",
             "name": "factdesk"}


def _entity_as_agent(model: SiteModel, entity_id: str) -> dict:
    entity = model.entities[entity_id]
    agent = {"@type": "Person" if entity.type == "person" else "Organization", "name": entity.name}
    if entity.url:
        agent["url"] = entity.url
    if entity.wikidata:
        agent["sameAs"] = f"https://www.wikidata.org/wiki/{entity.wikidata}"
    return agent


def claim_review(model: SiteModel, item: AnchoredClaim, info: SiteInfo) -> dict:
    claim, verdict, scale = item.claim, item.verdict, model.repository.scale
    source = model.sources[claim.source]
    rating: dict = {"@type": "Rating", "name": verdict.label, "alternateName": verdict.label,
                    "description": verdict.description}
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
        "license": CONTENT_LICENCE_URL,
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
    """The source's claims as a W3C Web Annotation collection, one annotation per claim, with its
    single page embedded (the page is also published on its own, see `annotation_page`)."""
    page = annotation_page(model, source_id, info)
    del page["@context"], page["partOf"]
    return {
        "@context": ANNOTATION_CONTEXT,
        **_collection_summary(model, source_id, info),
        "first": page,
        "last": page["id"],
    }


def annotation_page(model: SiteModel, source_id: str, info: SiteInfo) -> dict:
    """The one page of a source's annotation collection: its annotations and what it is part of."""
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": info.iri(annotation_page_url(source_id)),
        "type": "AnnotationPage",
        "partOf": _collection_summary(model, source_id, info),
        "startIndex": 0,
        "items": [annotation(model, item, info) for item in model.claims_by_source.get(source_id, [])],
    }


def _collection_summary(model: SiteModel, source_id: str, info: SiteInfo) -> dict:
    return {
        "id": info.iri(annotations_url(source_id)),
        "type": "AnnotationCollection",
        "label": f"Fact-check of: {model.sources[source_id].title}",
        "creator": _annotation_creator(info),
        "total": len(model.claims_by_source.get(source_id, [])),
    }


def annotation(model: SiteModel, item: AnchoredClaim, info: SiteInfo) -> dict:
    """One claim as an annotation whose motivation is assessing: the verdict and summary (body) on the
    quoted passage (target), both as shown on the annotated page and in the published text file."""
    source = model.sources[item.claim.source]
    span = item.span
    if item.in_title:
        # The headline is not in the text file: select the page's heading, then the quote within it.
        title = source.title
        quote = _quote_selector(title[span.start:span.end], quote_context(title, span))
        targets = [{
            "type": "SpecificResource", "source": info.iri(source_url(source.id)),
            "format": "text/html", "language": source.language,
            "selector": {"type": "CssSelector", "value": "h1", "refinedBy": quote},
        }]
    else:
        targets = _text_targets(source, span, info)
    creator = _annotation_creator(info)
    return {
        "id": info.iri(f"{item.url}#annotation"),
        "type": "Annotation",
        "motivation": "assessing",
        "creator": creator,
        "generator": GENERATOR,
        "created": date_time(item.claim.reviewed),
        "modified": date_time(item.claim.updated),
        "rights": CONTENT_LICENCE_URL,
        "body": [
            {"type": "SpecificResource", "source": info.iri(item.url), "purpose": "assessing",
             "format": "text/html", "language": info.language, "creator": creator},
            {"type": "TextualBody", "value": f"{item.verdict.label}: {item.claim.summary}", "format": "text/plain",
             "language": info.language, "purpose": "assessing", "creator": creator},
        ],
        "target": targets,
    }


def _text_targets(source: Source, span: Span, info: SiteInfo) -> list[dict]:
    """A passage of the text on the annotated page (when a selector can single it out there) and in the
    published text file."""
    text = source.text
    exact = text[span.start:span.end]
    paragraph = paragraph_of(text, span)
    # On the annotated page each paragraph is its own element, with the claims' notes between them:
    # only context from the quote's own paragraph is in the page's text.
    page_context = quote_context(text, span, paragraph) if paragraph else None
    file_context = page_context or quote_context(text, span)
    targets = []
    if page_context:
        targets.append({
            "type": "SpecificResource", "source": info.iri(source_url(source.id)),
            "format": "text/html", "language": source.language, "selector": _quote_selector(exact, page_context),
        })
    # The verbatim text, published beside the page: the document whose code points the offsets count.
    targets.append({
        "type": "SpecificResource", "source": info.iri(source_text_url(source.id)),
        "format": "text/plain", "language": source.language,
        "selector": [_quote_selector(exact, file_context),
                     {"type": "TextPositionSelector", "start": span.start, "end": span.end}],
    })
    return targets


def _quote_selector(exact: str, context: tuple[str, str] | None) -> dict:
    selector = {"type": "TextQuoteSelector", "exact": exact}
    prefix, suffix = context or ("", "")
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector


def _annotation_creator(info: SiteInfo) -> dict:
    """The publisher as a Web Annotation agent, identified by its web address, or without one by a `urn:uuid`
    of its name."""
    return {"id": info.publisher.url or info.identifier("agent:publisher"), "type": "Organization",
            "name": info.publisher.name}


def date_time(day: str) -> str:
    """A content date (YYYY-MM-DD) as an xsd:dateTime in UTC: the files give days, so midnight UTC of that day."""
    return datetime.date.fromisoformat(day).strftime("%Y-%m-%dT00:00:00Z")


def annotations_url(source_id: str) -> str:
    return f"sources/{source_id}.annotations.jsonld"


def annotation_page_url(source_id: str) -> str:
    return f"sources/{source_id}.annotations.page1.jsonld"


def source_text_url(source_id: str) -> str:
    """The source text exactly as published (the repository's sources/<id>.txt), for offsets to be checked against."""
    return f"sources/{source_id}.txt"
