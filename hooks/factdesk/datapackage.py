"""datapackage.json: a Frictionless Data Package describing the open data files, their licence,
their columns (claims.csv) and their checksums, so that anyone can verify and reuse them."""

from __future__ import annotations

import datetime
import hashlib

from .publishing import CONTENT_LICENCE, CONTENT_LICENCE_NAME, CONTENT_LICENCE_URL, SiteInfo
from .reuse import Reuse
from .site import SiteModel

# claims.csv's columns: (name, Table Schema type, description).
CLAIMS_CSV_FIELDS = (
    ("id", "string", "The claim's stable identifier."),
    ("source", "string", "The id of the source document the claim is quoted from."),
    ("verdict", "string", "The verdict's id on the rating scale."),
    ("verdict_label", "string", "The verdict in words."),
    ("claim", "string", "The statement checked, as one neutral English sentence."),
    ("summary", "string", "Why this verdict, in one or two sentences."),
    ("field", "string", "The part of the source quoted: text or title."),
    ("quote", "string", "The quoted passage, exactly as published."),
    ("start", "integer", "Where the quote starts in that part, in Unicode code points from 0."),
    ("end", "integer", "Where the quote ends (exclusive), in Unicode code points."),
    ("url", "string", "The claim's page, relative to the site's root."),
    ("entities", "string", "Ids of the entities the claim is about, separated by spaces."),
    ("evidence", "string", "Addresses of the evidence cited, separated by spaces."),
    ("claimant", "string", "The id of the entity answerable for the statement, when not the source's publisher."),
    ("speaker", "string", "The id of the person quoted, when someone else answers for the words."),
    ("right_of_reply", "array", "Whom the desk asked for a reply, as a JSON array: party (entity id), status "
                                "(asked, answered, no-answer, not-asked), asked and answered dates, reply (Markdown, "
                                "in the desk's words), reason (why not asked)."),
)
_DESCRIPTIONS = {
    "claims.json": "Every claim: verdict, summary, quoted passage and its offsets, entities, evidence, who made it, "
                   "whom it quotes, and the right of reply.",
    "sources.json": "Every source document: title, language, publisher, addresses and its claims.",
    "entities.json": "The registry of organisations, people, places and institutions, with the claims about each.",
}


def data_package(files: dict[str, str | bytes], model: SiteModel, info: SiteInfo, reuse: Reuse | None = None) -> dict:
    """The package for the open data among `files` (name → content). Quoted source texts are left out:
    they are their publishers' work, not the site's to license. With `reuse`, an unchanged file's size
    and digest are not computed again."""
    reuse = reuse or Reuse()

    def described(name: str, path: str, format: str, mediatype: str) -> dict:
        return {"name": name, "path": path, "format": format, "mediatype": mediatype, "encoding": "utf-8",
                **reuse.get(("datapackage.json", path), files[path], lambda: _size_and_hash(files[path]))}

    resources = [described("claims-csv", "claims.csv", "csv", "text/csv")]
    resources[0].update(
        title="Claims (one row per claim)", dialect={"header": True, "delimiter": ","},
        schema={"fields": [{"name": n, "type": t, "description": d} for n, t, d in CLAIMS_CSV_FIELDS],
                "primaryKey": ["id"]},
    )
    for name in ("claims.json", "sources.json", "entities.json"):
        resource = described(name.removesuffix(".json"), name, "json", "application/json")
        resource["description"] = _DESCRIPTIONS[name]
        resources.append(resource)
    for name in sorted(n for n in files if n.endswith(".jsonld")):
        resource = described(name.removeprefix("sources/").removesuffix(".jsonld").replace(".", "-"), name,
                             "jsonld", "application/ld+json")
        resource["description"] = "A source's claims as W3C Web Annotations (motivation: assessing)."
        resources.append(resource)
    package = {
        "name": "fact-checks",
        "title": info.name,
        "licenses": [{"name": CONTENT_LICENCE, "title": CONTENT_LICENCE_NAME, "path": CONTENT_LICENCE_URL}],
        "contributors": [{"title": info.publisher.name, "role": "publisher",
                          **({"path": info.publisher.url} if info.publisher.url else {})}],
        "resources": resources,
    }
    if info.description:
        package["description"] = info.description
    if info.url:
        package["homepage"] = info.url
    latest = model.latest_update_timestamp()
    if latest:
        # Dated from the content, not the build, so that two builds give the same file.
        package["created"] = datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return package


def _size_and_hash(content: str | bytes) -> dict:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}
