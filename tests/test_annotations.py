"""The Web Annotation export, checked statement by statement against the W3C Web Annotation Data Model
(https://www.w3.org/TR/annotation-model/): each MUST and SHOULD it makes of what the export contains."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ScratchRepo
from factdesk.anchoring import anchor
from factdesk.claims import Selector
from factdesk.exports import export_files
from factdesk.publishing import Publisher, SiteInfo, load_site_info
from factdesk.repository import load_repository
from factdesk.site import build_site
from htmltext import annotated_paragraphs

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# §3.4 Motivation and Purpose: the motivations the model defines.
MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
               "identifying", "linking", "moderating", "questioning", "replying", "tagging"}
AGENT_TYPES = {"Person", "Organization", "Software"}
# xsd:dateTime in UTC, written with Z (§3.3.1: created, modified, generated).
UTC_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
MIME_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SITE = "https://example.org/checks/"


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def is_iri(value) -> bool:
    return isinstance(value, str) and bool(urlsplit(value).scheme) and " " not in value


def check_agent(agent: dict, where: str) -> list[str]:
    """§3.3.2 Agents."""
    problems = []
    if "id" in agent and not is_iri(agent["id"]):
        problems.append(f"{where}: an Agent's id MUST be an IRI")
    if not set(as_list(agent.get("type", []))) & AGENT_TYPES:
        problems.append(f"{where}: an Agent SHOULD have a type of Person, Organization or Software")
    if not isinstance(agent.get("name"), str) or not agent["name"]:
        problems.append(f"{where}: an Agent SHOULD have a name")
    return problems


def check_selector(selector: dict, where: str) -> list[str]:
    """§4.2.4 Text Quote Selector, §4.2.5 Text Position Selector."""
    problems = []
    kind = selector.get("type")
    if kind == "TextQuoteSelector":
        if not isinstance(selector.get("exact"), str) or not selector["exact"]:
            problems.append(f"{where}: a TextQuoteSelector MUST have exactly 1 exact")
        for key in ("prefix", "suffix"):
            if key in selector and not isinstance(selector[key], str):
                problems.append(f"{where}: a TextQuoteSelector MAY have 0 or 1 {key}, a string")
    elif kind == "CssSelector":
        if not isinstance(selector.get("value"), str) or not selector["value"]:
            problems.append(f"{where}: a CssSelector MUST have exactly 1 value")
        if "refinedBy" in selector:
            problems += check_selector(selector["refinedBy"], f"{where}.refinedBy")
    elif kind == "TextPositionSelector":
        start, end = selector.get("start"), selector.get("end")
        if not (isinstance(start, int) and start >= 0 and isinstance(end, int) and end >= 0):
            problems.append(f"{where}: a TextPositionSelector MUST have exactly 1 start and 1 end, non-negative integers")
        elif end < start:
            problems.append(f"{where}: a TextPositionSelector's end cannot come before its start")
    else:
        problems.append(f"{where}: a Selector MUST have exactly 1 type (this export uses text and CSS selectors), got {kind!r}")
    return problems


def check_resource(resource: dict, where: str, role: str) -> list[str]:
    """§3.2 Bodies and Targets, §4 Specific Resources, §3.2.4 Embedded Textual Body."""
    problems = []
    kind = resource.get("type")
    if kind == "TextualBody":
        if not isinstance(resource.get("value"), str):
            problems.append(f"{where}: a TextualBody MUST have exactly 1 value")
    elif kind == "SpecificResource":
        if not is_iri(resource.get("source")):
            problems.append(f"{where}: a SpecificResource MUST have exactly 1 source, an IRI")
        for index, selector in enumerate(as_list(resource.get("selector", []))):
            problems += check_selector(selector, f"{where}.selector[{index}]")
    else:
        problems.append(f"{where}: this export's {role}s SHOULD be typed (SpecificResource or TextualBody), got {kind!r}")
    if not isinstance(resource.get("format"), str) or not MIME_TYPE.match(resource["format"]):
        problems.append(f"{where}: a {role} SHOULD have exactly 1 format, a media type")
    if not isinstance(resource.get("language"), str) or not BCP47.match(resource["language"]):
        problems.append(f"{where}: a {role} SHOULD have a language, a BCP47 code (the export knows it)")
    if role == "body":
        if resource.get("purpose") not in MOTIVATIONS:
            problems.append(f"{where}: a purpose SHOULD be one of the model's motivations")
        if "creator" not in resource:
            problems.append(f"{where}: the body's creator SHOULD be given (the export knows it)")
        else:
            problems += check_agent(resource["creator"], f"{where}.creator")
    return problems


def check_annotation(annotation: dict, where: str, embedded: bool) -> list[str]:
    """§3.1 Annotations and §3.3 Other Properties."""
    problems = []
    if not embedded and annotation.get("@context") != ANNO_CONTEXT:
        problems.append(f"{where}: a top-level Annotation MUST have the context {ANNO_CONTEXT}")
    if not is_iri(annotation.get("id")):
        problems.append(f"{where}: an Annotation MUST have exactly 1 IRI that identifies it")
    if "Annotation" not in as_list(annotation.get("type", [])):
        problems.append(f"{where}: an Annotation MUST have the type Annotation")
    if annotation.get("motivation") not in MOTIVATIONS:
        problems.append(f"{where}: the motivation SHOULD be one of the model's motivations")
    for key in ("created", "modified"):
        if not isinstance(annotation.get(key), str) or not UTC_DATETIME.match(annotation[key]):
            problems.append(f"{where}: {key} MUST be an xsd:dateTime in UTC written with Z, got {annotation.get(key)!r}")
    if annotation.get("created", "") > annotation.get("modified", "~"):
        problems.append(f"{where}: modified cannot precede created")
    if "creator" not in annotation:
        problems.append(f"{where}: the creator SHOULD be given (the export knows it)")
    else:
        problems += check_agent(annotation["creator"], f"{where}.creator")
        if "id" not in annotation["creator"]:
            problems.append(f"{where}: the creator SHOULD be identified by an IRI (the export can give one)")
    if "generator" in annotation:
        problems += check_agent(annotation["generator"], f"{where}.generator")
    if not all(is_iri(value) for value in as_list(annotation.get("rights", []))):
        problems.append(f"{where}: rights MUST be IRIs")
    bodies = as_list(annotation.get("body", []))
    if not bodies:
        problems.append(f"{where}: an Annotation SHOULD have 1 or more bodies")
    for index, body in enumerate(bodies):
        problems += check_resource(body, f"{where}.body[{index}]", "body")
    targets = as_list(annotation.get("target", []))
    if not targets:
        problems.append(f"{where}: an Annotation MUST have 1 or more targets")
    for index, target in enumerate(targets):
        problems += check_resource(target, f"{where}.target[{index}]", "target")
    return problems


def check_page(page: dict, where: str, embedded: bool) -> list[str]:
    """§5.2 Annotation Page (a single page: no next, no prev)."""
    problems = []
    if not embedded and page.get("@context") != ANNO_CONTEXT:
        problems.append(f"{where}: a top-level Annotation Page MUST have the context {ANNO_CONTEXT}")
    if not is_iri(page.get("id")):
        problems.append(f"{where}: an Annotation Page MUST have exactly 1 IRI that identifies it")
    if "AnnotationPage" not in as_list(page.get("type", [])):
        problems.append(f"{where}: an Annotation Page MUST have the type AnnotationPage")
    if not embedded and "partOf" not in page:
        problems.append(f"{where}: an Annotation Page SHOULD have exactly 1 partOf")
    if not isinstance(page.get("items"), list) or not page["items"]:
        problems.append(f"{where}: an Annotation Page MUST have 1 or more items")
    if page.get("startIndex") != 0:
        problems.append(f"{where}: the first page's startIndex SHOULD be 0")
    if "next" in page or "prev" in page:
        problems.append(f"{where}: a collection's only page has no next and no prev")
    for index, annotation in enumerate(page.get("items", [])):
        problems += check_annotation(annotation, f"{where}.items[{index}]", embedded=True)
    return problems


def check_collection(collection: dict, where: str) -> list[str]:
    """§5.1 Annotation Collection."""
    problems = []
    if collection.get("@context") != ANNO_CONTEXT:
        problems.append(f"{where}: an Annotation Collection MUST have the context {ANNO_CONTEXT}")
    if not is_iri(collection.get("id")):
        problems.append(f"{where}: an Annotation Collection MUST have exactly 1 IRI that identifies it")
    if "AnnotationCollection" not in as_list(collection.get("type", [])):
        problems.append(f"{where}: an Annotation Collection MUST have the type AnnotationCollection")
    if not isinstance(collection.get("label"), str) or not collection["label"]:
        problems.append(f"{where}: an Annotation Collection SHOULD have a label")
    if not isinstance(collection.get("total"), int) or collection["total"] < 0:
        problems.append(f"{where}: an Annotation Collection SHOULD have a total, a non-negative integer")
    if collection.get("total"):
        first = collection.get("first")
        if not isinstance(first, (dict, str)):
            problems.append(f"{where}: a Collection with annotations MUST have exactly 1 first page")
        if not is_iri(collection.get("last")):
            problems.append(f"{where}: a Collection with annotations SHOULD have exactly 1 last page, an IRI")
        if isinstance(first, dict):
            problems += check_page(first, f"{where}.first", embedded=True)
            if len(first.get("items", [])) != collection["total"]:
                problems.append(f"{where}: total is the number of annotations in the collection")
            if first.get("id") != collection.get("last"):
                problems.append(f"{where}: one page: first and last are the same page")
    if "creator" in collection:
        problems += check_agent(collection["creator"], f"{where}.creator")
    return problems


def iris(document) -> list[str]:
    """Every identifier and reference in a document (ids, sources, the last page), as written."""
    if isinstance(document, dict):
        return [v for k, v in document.items() if k in ("id", "source", "last") and isinstance(v, str)] + [
            found for k, v in document.items() for found in iris(v)]
    if isinstance(document, list):
        return [found for v in document for found in iris(v)]
    return []


# --- The real content, as built ------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


@pytest.fixture(scope="module")
def model(real_model):
    return real_model


@pytest.fixture(scope="module", params=["without an address", "with its address"])
def either_site(request, real_desk) -> tuple[Path, dict[str, str]]:
    """The desk's site built without its address and with it, and which file of it each IRI names: with the
    address, the file's published address; without it, the `urn:uuid` the export names it by."""
    addressed = request.param == "with its address"
    site = request.getfixturevalue("published_site" if addressed else "built_site")
    info, _ = load_site_info(real_desk.root)
    info = dataclasses.replace(info, url=real_desk.url if addressed else "")
    files = [path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()]
    named = {info.iri(path): path for path in files}
    named.update((info.iri(f"{path}#annotation"), path) for path in files if path.startswith("claims/"))
    return site, named


def test_every_collection_and_page_meets_the_model_with_or_without_an_address(either_site, model):
    site, named = either_site
    for source_id in model.sources:
        collection = json.loads((site / f"sources/{source_id}.annotations.jsonld").read_text(encoding="utf-8"))
        assert check_collection(collection, source_id) == []
        assert all(is_iri(iri) for iri in iris(collection)), "every identifier is absolute, as the model requires"
        assert named[collection["id"]] == f"sources/{source_id}.annotations.jsonld"
        page_file = named[collection["last"]]
        page = json.loads((site / page_file).read_text(encoding="utf-8"))
        assert page["id"] == collection["last"]
        assert check_page(page, page_file, embedded=False) == []
        assert page["partOf"]["id"] == collection["id"]
        assert page["items"] == collection["first"]["items"]


def test_every_address_on_this_site_in_the_export_names_a_published_file(either_site, model):
    site, named = either_site
    for source_id in model.sources:
        collection = json.loads((site / f"sources/{source_id}.annotations.jsonld").read_text(encoding="utf-8"))
        for annotation, item in zip(collection["first"]["items"], model.claims_by_source[source_id]):
            assert named[annotation["id"]] == item.url
            for resource in annotation["body"] + annotation["target"]:
                if "source" in resource:
                    assert resource["source"] in named, resource["source"]


def test_dates_are_the_claims_review_dates_in_utc(site, model):
    for source_id in model.sources:
        collection = json.loads((site / f"sources/{source_id}.annotations.jsonld").read_text(encoding="utf-8"))
        for annotation, item in zip(collection["first"]["items"], model.claims_by_source[source_id]):
            assert annotation["created"] == f"{item.claim.reviewed}T00:00:00Z"
            assert annotation["modified"] == f"{item.claim.updated}T00:00:00Z"


def test_the_text_file_target_round_trips_to_each_claims_span(real_desk, site, model):
    for source_id, source in model.sources.items():
        published_text = (site / f"sources/{source_id}.txt").read_bytes()
        assert published_text == (real_desk.root / source.text_file).read_bytes(), "the text file is published byte for byte"
        collection = json.loads((site / f"sources/{source_id}.annotations.jsonld").read_text(encoding="utf-8"))
        for annotation, item in zip(collection["first"]["items"], model.claims_by_source[source_id]):
            text_targets = [t for t in annotation["target"] if t["format"] == "text/plain"]
            if item.in_title:
                assert text_targets == [], "the headline is not in the text file"
                continue
            [text_target] = text_targets
            assert text_target["language"] == source.language
            quote, position = text_target["selector"]
            # The positions alone, and the quote alone (with offsets deliberately wrong), give the claim's span.
            assert source.text[position["start"]:position["end"]] == quote["exact"]
            assert (position["start"], position["end"]) == (item.span.start, item.span.end)
            by_quote = anchor(source.text, Selector(quote["exact"], 0, 1, quote.get("prefix", ""), quote.get("suffix", "")))
            assert by_quote.span == item.span, item.id


def test_the_page_target_anchors_in_the_annotated_pages_text(either_site, model):
    """Prefix, exact and suffix are contiguous in one paragraph as the page shows it, and only there."""
    site, named = either_site
    for source_id, source in model.sources.items():
        paragraphs = annotated_paragraphs((site / f"sources/{source_id}.html").read_text(encoding="utf-8"))
        collection = json.loads((site / f"sources/{source_id}.annotations.jsonld").read_text(encoding="utf-8"))
        for annotation, item in zip(collection["first"]["items"], model.claims_by_source[source_id]):
            page_targets = [t for t in annotation["target"] if t["format"] == "text/html"]
            assert len(page_targets) <= 1
            if not page_targets:
                continue
            [target] = page_targets
            if item.in_title:
                selector = target["selector"]
                assert selector["type"] == "CssSelector" and selector["value"] == "h1"
                quote = selector["refinedBy"]
                whole = quote.get("prefix", "") + quote["exact"] + quote.get("suffix", "")
                assert source.title.count(whole) == 1
                assert source.title.index(whole) + len(quote.get("prefix", "")) == item.span.start
                continue
            assert named[target["source"]] == f"sources/{source_id}.html" and target["language"] == source.language
            assert "TextPositionSelector" not in json.dumps(target), "offsets of the text file are not true of the page"
            selector = target["selector"]
            whole = selector.get("prefix", "") + selector["exact"] + selector.get("suffix", "")
            found = [(start, visible.find(whole)) for start, _, visible in paragraphs if whole in visible]
            assert len(found) == 1 and sum(visible.count(whole) for _, _, visible in paragraphs) == 1, item.id
            paragraph_start, offset = found[0]
            assert paragraph_start + offset + len(selector.get("prefix", "")) == item.span.start


def test_claim_review_fills_the_recommended_properties(site, model):
    for item in model.claims.values():
        html = (site / item.url).read_text(encoding="utf-8")
        [review] = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
        source = model.sources[item.claim.source]
        assert review["reviewRating"]["name"] == item.verdict.label
        if source.published:
            assert review["itemReviewed"]["datePublished"] == source.published
        else:
            assert "datePublished" not in review["itemReviewed"], "no date is stated that the source does not give"


# --- Small repositories for the hard cases ----------------------------------------------------------

def collection_for(repo: ScratchRepo, info: SiteInfo, source_id: str = "doc") -> dict:
    model = build_site(load_repository(repo.root))
    return json.loads(export_files(model, info)[f"sources/{source_id}.annotations.jsonld"]), model


INFO = SiteInfo("Checks", SITE, Publisher("Desk", SITE))


def test_a_quote_repeated_in_its_paragraph_gets_the_context_that_tells_it_apart(repo):
    text = "Prices rose. Prices rose. Prices rose again.\n\nNothing else."
    repo.source("doc", text)
    repo.claim("second", "doc", "Prices rose.", 13, 25)
    collection, model = collection_for(repo, INFO)
    [annotation] = collection["first"]["items"]
    [page_target, text_target] = annotation["target"]
    quote = page_target["selector"]
    whole = quote.get("prefix", "") + quote["exact"] + quote.get("suffix", "")
    assert text.count(whole) == 1 and "\n\n" not in whole
    assert anchor(text, Selector(quote["exact"], 0, 1, quote.get("prefix", ""), quote.get("suffix", ""))).span == model.claims["second"].span
    assert check_collection(collection, "collection") == []


def test_a_quote_only_its_neighbouring_paragraphs_tell_apart_has_no_page_target(repo):
    """Its paragraph alone is not unique, so no selector on the page could single it out: it is left out."""
    text = "Same words.\n\nSame words.\n\nOther words."
    repo.source("doc", text)
    repo.claim("second", "doc", "Same words.", 13, 24)
    collection, model = collection_for(repo, INFO)
    [annotation] = collection["first"]["items"]
    [text_target] = annotation["target"]
    assert text_target["format"] == "text/plain"
    quote = text_target["selector"][0]
    assert anchor(text, Selector(quote["exact"], 0, 1, quote.get("prefix", ""), quote.get("suffix", ""))).span == model.claims["second"].span


def test_a_quote_across_paragraphs_targets_the_text_file_only(repo):
    text = "First part ends here.\n\nSecond part starts here."
    repo.source("doc", text)
    repo.claim("across", "doc", "here.\n\nSecond", 16, 29)
    collection, _ = collection_for(repo, INFO)
    [annotation] = collection["first"]["items"]
    assert [t["format"] for t in annotation["target"]] == ["text/plain"]


def test_without_a_site_address_every_identifier_is_a_lasting_urn_and_nothing_else_changes(repo):
    repo.source("doc", "A sentence to check. And another.", language="fr")
    repo.claim("one", "doc", "A sentence to check.", 0, 20)
    publisher = Publisher("Desk")  # no address of its own either: it too gets a urn
    with_address, _ = collection_for(repo, SiteInfo("Checks", SITE, publisher))
    without_info = SiteInfo("Checks", "", publisher)
    without, _ = collection_for(repo, without_info)
    assert check_collection(without, "collection") == []
    assert all(is_iri(iri) for iri in iris(without))
    assert [iri for iri in iris(without) if not iri.startswith("urn:uuid:")] == [], "nothing on the site has an address"
    assert collection_for(repo, without_info)[0] == without, "the same on every build"
    # Each address of the site named by its urn instead: the same document.
    text = json.dumps(with_address)
    for path in ("sources/doc.annotations.page1.jsonld", "sources/doc.annotations.jsonld", "sources/doc.html",
                 "sources/doc.txt", "claims/one.html#annotation", "claims/one.html"):
        text = text.replace(f'"{SITE}{path}"', json.dumps(without_info.identifier(path)))
    assert json.loads(text) == without
    # Ids are the publisher's: another publisher's site does not share them.
    other, _ = collection_for(repo, SiteInfo("Checks", "", Publisher("Other desk")))
    generator = without["first"]["items"][0]["generator"]["id"]  # the software's, the same everywhere
    assert set(iris(other)) & set(iris(without)) == {generator}


def test_annotations_name_their_creator_and_the_software_that_wrote_them(repo):
    repo.source("doc", "A sentence to check.")
    repo.claim("one", "doc", "A sentence to check.", 0, 20)
    for info in (INFO, SiteInfo("Checks", "", Publisher("Desk"))):
        collection, _ = collection_for(repo, info)
        [annotation] = collection["first"]["items"]
        assert is_iri(collection["creator"]["id"]) and annotation["creator"] == collection["creator"]
        assert annotation["creator"]["id"] == (info.publisher.url or info.identifier("agent:publisher"))
        generator = annotation["generator"]
        assert generator["type"] == "Software" and generator["name"] and is_iri(generator["id"])
        assert check_agent(generator, "generator") == []


def test_hostile_text_in_quotes_survives_as_data(repo):
    # Control characters are refused in source texts (see test_validation); a line separator is not.
    text = "Il a dit « </script><b>x</b> » \u202e et \u2028 puis 💥 fin.\n\nSuite."
    repo.source("doc", text)
    start = text.index("«")
    end = text.index("»") + 1
    repo.claim("odd", "doc", text[start:end], start, end)
    collection, model = collection_for(repo, INFO)
    [annotation] = collection["first"]["items"]
    assert annotation["target"][0]["selector"]["exact"] == text[start:end]
    assert check_collection(collection, "collection") == []


def test_a_headline_claim_targets_the_pages_heading_only(repo):
    repo.source("doc", "Body text.")
    repo.claim("headline", "doc", "Title", 0, 5, selector={"exact": "Title", "start": 0, "end": 5, "field": "title"})
    collection, _ = collection_for(repo, INFO)
    [annotation] = collection["first"]["items"]
    [target] = annotation["target"]
    assert target["format"] == "text/html"
    assert target["selector"] == {"type": "CssSelector", "value": "h1",
                                  "refinedBy": {"type": "TextQuoteSelector", "exact": "Title", "suffix": " of doc"}}
    assert check_collection(collection, "collection") == []
