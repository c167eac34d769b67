"""What reaches beyond the site: the Atom feed, the licences, and the data package of the open data."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from frictionless import validate

from conftest import ROOT, ScratchRepo
from factdesk.exports import export_files
from factdesk.feed import FEED_LENGTH
from factdesk.publishing import CONTENT_LICENCE_URL, Publisher, SiteInfo
from factdesk.repository import load_repository
from factdesk.site import build_site
from htmltext import read

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
INFO = SiteInfo("Checks", "https://checks.test/", Publisher("Desk", "https://desk.test/"), description="Checked.")


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


@pytest.fixture(scope="module")
def model(real_model):
    return real_model


def html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]


# --- Atom ----------------------------------------------------------------------------------------

def rfc4287_problems(xml: bytes) -> list[str]:
    """The MUSTs of RFC 4287 that a feed's structure can break (sections 4.1.1, 4.1.2, 4.2)."""
    problems = []
    feed = ElementTree.fromstring(xml)
    if feed.tag != f"{A}feed":
        return ["the document element MUST be atom:feed"]

    def one(parent: ElementTree.Element, tag: str, where: str) -> ElementTree.Element | None:
        found = parent.findall(f"{A}{tag}")
        if len(found) != 1:
            problems.append(f"{where} MUST contain exactly one atom:{tag} (has {len(found)})")
        return found[0] if found else None

    def check_links(parent: ElementTree.Element, where: str) -> None:
        alternates = [(link.get("type"), link.get("hreflang")) for link in parent.findall(f"{A}link")
                      if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append(f"{where} MUST NOT contain two alternate links with the same type and hreflang")
        for link in parent.findall(f"{A}link"):
            if not link.get("href"):
                problems.append(f"{where}: atom:link MUST have an href")

    def check_date(element: ElementTree.Element | None, where: str) -> None:
        if element is not None and not RFC3339.match(element.text or ""):
            problems.append(f"{where}: a date construct MUST be an RFC 3339 date-time, got {element.text!r}")

    def check_id(element: ElementTree.Element | None, where: str) -> None:
        if element is not None and not urlsplit(element.text or "").scheme:
            problems.append(f"{where}: atom:id MUST be an absolute IRI, got {element.text!r}")

    for tag in ("id", "title", "updated"):
        one(feed, tag, "atom:feed")
    check_id(feed.find(f"{A}id"), "feed")
    check_date(feed.find(f"{A}updated"), "feed updated")
    check_links(feed, "atom:feed")
    feed_has_author = feed.find(f"{A}author") is not None
    ids = []
    for index, entry in enumerate(feed.findall(f"{A}entry")):
        where = f"entry {index}"
        for tag in ("id", "title", "updated"):
            one(entry, tag, where)
        check_id(entry.find(f"{A}id"), where)
        ids.append(entry.findtext(f"{A}id"))
        check_date(entry.find(f"{A}updated"), f"{where} updated")
        check_date(entry.find(f"{A}published"), f"{where} published")
        if not feed_has_author and entry.find(f"{A}author") is None:
            problems.append(f"{where} MUST contain an atom:author when the feed has none")
        if entry.find(f"{A}content") is None and not any(
                link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{A}link")):
            problems.append(f"{where} MUST contain an alternate link when it has no content")
        if entry.find(f"{A}content") is None and entry.find(f"{A}summary") is None:
            problems.append(f"{where} SHOULD have a summary when it has no content")
        check_links(entry, where)
    if len(ids) != len(set(ids)):
        problems.append("entries of a feed MUST NOT share an atom:id with the same atom:updated")
    # The W3C Feed Validator's warnings about what readers rely on.
    updated = [entry.findtext(f"{A}updated") for entry in feed.findall(f"{A}entry")]
    if len(updated) != len(set(updated)):
        problems.append("two entries share an atom:updated (W3C Feed Validator: DuplicateUpdated)")
    for link in feed.findall(f"{A}link"):
        if link.get("rel") == "self" and not urlsplit(link.get("href", "")).scheme:
            problems.append(f"the self link must give the feed's own address, absolute, got {link.get('href')!r}")
    return problems


def strictly_parsed(xml: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, f"not well-formed: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    assert parsed.namespaces.get("") == "http://www.w3.org/2005/Atom"
    return parsed


def test_the_feed_is_atom_with_every_check_and_its_verdict(site, model):
    xml = (site / "feed.xml").read_bytes()
    parsed = strictly_parsed(xml)
    assert rfc4287_problems(xml) == []
    titles = {entry.title for entry in parsed.entries}
    for item in sorted(model.claims.values(), key=lambda c: (c.claim.updated, c.id), reverse=True)[:FEED_LENGTH]:
        assert f"{item.verdict.label}: {item.claim.claim}" in titles
    newest = max(item.claim.updated for item in model.claims.values())
    assert parsed.feed.updated.startswith(f"{newest}T00:"), "dated from the content, not the build"
    assert parsed.feed.updated == max(entry.updated for entry in parsed.entries)
    days = {item.claim.updated for item in model.claims.values()} | {
        correction.date for item in model.claims.values() for correction in item.claim.corrections}
    assert {entry.updated[:10] for entry in parsed.entries} <= days, "each entry on its claim's own day"
    assert not any(link.rel == "self" for link in parsed.feed.links), "no address: no self link"
    for entry in parsed.entries:
        assert entry.link.endswith(".html") or ".html#" in entry.link
        assert (site / entry.link.split("#")[0]).is_file(), "relative links resolve against the feed, at the root"


def test_the_published_feed_names_its_own_address_and_meets_the_same_rules(published_site, real_desk):
    xml = (published_site / "feed.xml").read_bytes()
    assert rfc4287_problems(xml) == []
    parsed = strictly_parsed(xml)
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [real_desk.url + "feed.xml"]
    assert all(entry.link.startswith(real_desk.url) for entry in parsed.entries)


def test_the_feed_is_linked_from_every_page(site):
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
        assert len(links) == 1, page
        assert (page.parent / links[0]).resolve() == (site / "feed.xml").resolve(), page


def correction_repo(repo: ScratchRepo) -> None:
    repo.source("doc", "Prices rose by 5%. Sales fell.")
    repo.claim("prices", "doc", "Prices rose by 5%.", 0, 18, reviewed="2026-01-10", updated="2026-03-01", verdict="inaccurate",
               corrections=[{"date": "2026-03-01", "change": "Verdict changed from Accurate to Inaccurate.",
                             "reason": "The figure was 3%."}])
    repo.claim("sales", "doc", "Sales fell.", 19, 30, reviewed="2026-02-02", updated="2026-02-02")


def test_corrections_are_entries_of_their_own_with_dates_from_the_content(repo):
    correction_repo(repo)
    model = build_site(load_repository(repo.root))
    xml = export_files(model, INFO)["feed.xml"].encode("utf-8")
    parsed = strictly_parsed(xml)
    assert rfc4287_problems(xml) == []
    # Newest first; on the same day a second apart, the first published first.
    assert [(e.title, e.updated) for e in parsed.entries] == [
        ("Correction: Claim prices.", "2026-03-01T00:00:01Z"),
        ("Inaccurate: Claim prices.", "2026-03-01T00:00:00Z"),
        ("Accurate: Claim sales.", "2026-02-02T00:00:00Z"),
    ]
    correction = next(e for e in parsed.entries if e.title.startswith("Correction"))
    assert correction.link == "https://checks.test/claims/prices.html#corrections"
    assert "The figure was 3%." in correction.summary
    prices = next(e for e in parsed.entries if e.title.startswith("Inaccurate"))
    assert prices.published == "2026-01-10T00:00:00Z" and prices.tags[0].term == "inaccurate"
    assert parsed.feed.updated == "2026-03-01T00:00:01Z"
    [self_link] = [link for link in parsed.feed.links if link.rel == "self"]
    assert self_link.href == "https://checks.test/feed.xml"


def test_checks_of_one_day_each_get_their_own_updated_time_which_later_checks_do_not_move(repo):
    repo.source("doc", "One. Two. Three. Four.")
    for number, word in enumerate(["One.", "Two.", "Three."]):
        repo.claim(f"c{number}", "doc", word, "One. Two. Three. Four.".index(word), "One. Two. Three. Four.".index(word) + len(word),
                   reviewed="2026-05-0" + str(number + 1), updated="2026-05-09")
    xml = export_files(build_site(load_repository(repo.root)), INFO)["feed.xml"].encode()
    assert rfc4287_problems(xml) == []
    before = {e.id: e.updated for e in strictly_parsed(xml).entries}
    assert sorted(before.values()) == ["2026-05-09T00:00:00Z", "2026-05-09T00:00:01Z", "2026-05-09T00:00:02Z"]
    assert strictly_parsed(xml).entries[-1].title == "Accurate: Claim c0.", "the first reviewed is the earliest"
    repo.claim("later", "doc", "Four.", 17, 22, reviewed="2026-06-01", updated="2026-06-01")
    after = {e.id: e.updated for e in strictly_parsed(export_files(build_site(load_repository(repo.root)), INFO)["feed.xml"].encode()).entries}
    assert {key: after[key] for key in before} == before


def test_entry_ids_stay_the_same_when_a_check_is_updated_or_the_site_moves(repo):
    correction_repo(repo)
    model = build_site(load_repository(repo.root))
    before = strictly_parsed(export_files(model, INFO)["feed.xml"].encode())
    moved = SiteInfo("Checks", "", Publisher("Desk"))
    after_move = strictly_parsed(export_files(model, moved)["feed.xml"].encode())
    repo.claim("sales", "doc", "Sales fell.", 19, 30, reviewed="2026-02-02", updated="2026-04-04",
               summary="Sales fell by 2%, the annual report shows.")
    updated = strictly_parsed(export_files(build_site(load_repository(repo.root)), INFO)["feed.xml"].encode())
    ids = lambda parsed: {e.title: e.id for e in parsed.entries}  # noqa: E731
    assert ids(before) == ids(after_move) == ids(updated)
    assert all(e.id.startswith("urn:uuid:") for e in before.entries)
    assert updated.entries[0].title == "Accurate: Claim sales." and updated.entries[0].updated == "2026-04-04T00:00:00Z"
    assert after_move.entries[0].link.startswith("claims/"), "without an address, links are relative to the feed"
    assert rfc4287_problems(export_files(model, moved)["feed.xml"].encode()) == []


def test_markup_and_characters_xml_cannot_carry_do_not_break_the_feed(repo):
    repo.source("doc", "Un texte à vérifier.")
    repo.claim("odd", "doc", "Un texte", 0, 8, claim="Markup <tags> & \"quotes\" ]]> 💥 שלום.", summary="Fine.")
    model = build_site(load_repository(repo.root))
    # The files refuse control characters; a name given by other means cannot break the XML either.
    info = SiteInfo("Checks \u0007\ufffe", "", Publisher("Desk \x1b"))
    parsed = strictly_parsed(export_files(model, info)["feed.xml"].encode("utf-8"))
    assert "<tags> & \"quotes\" ]]> 💥" in parsed.entries[0].title
    assert parsed.feed.title.startswith("Checks ")


# --- Licences ------------------------------------------------------------------------------------

def test_code_and_content_licences_are_in_the_repository_and_named_in_the_readme():
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "Permission is hereby granted" in code
    assert "Creative Commons Attribution 4.0 International Public License" in content
    assert CONTENT_LICENCE_URL in content and "sources/*.txt" in content
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "LICENSE-CONTENT" in readme and "CC BY 4.0" in readme and "MIT" in readme


def test_every_page_names_the_content_licence_in_its_footer(site):
    for page in html_pages(site):
        footer = page.read_text(encoding="utf-8").split('<footer', 1)[-1]
        assert f'<a href="{CONTENT_LICENCE_URL}" rel="license">CC BY 4.0</a>' in footer, page


def test_the_exports_name_the_licence(site):
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["path"] == CONTENT_LICENCE_URL
    for path in site.glob("sources/*.annotations.jsonld"):
        collection = json.loads(path.read_text(encoding="utf-8"))
        assert all(a["rights"] == CONTENT_LICENCE_URL for a in collection["first"]["items"])
    assert CONTENT_LICENCE_URL in ElementTree.parse(site / "feed.xml").getroot().findtext(f"{A}rights")


# --- The data package ----------------------------------------------------------------------------

def test_the_data_package_is_valid_and_describes_every_open_data_file(site):
    report = validate(str(site / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "type", "note"])
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    paths = {resource["path"] for resource in package["resources"]}
    assert {"claims.csv", "claims.json", "sources.json", "entities.json"} <= paths
    assert {p.relative_to(site).as_posix() for p in site.glob("sources/*.jsonld")} <= paths
    assert not any(path.endswith(".txt") for path in paths), "the quoted source texts are not the site's to license"
    [csv_resource] = [r for r in package["resources"] if r["path"] == "claims.csv"]
    header = next(csv.reader(io.StringIO((site / "claims.csv").read_text(encoding="utf-8"))))
    assert [field["name"] for field in csv_resource["schema"]["fields"]] == header


def test_the_command_line_validator_catches_a_changed_file(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    frictionless = Path(sys.executable).parent / "frictionless"
    ok = subprocess.run([str(frictionless), "validate", "datapackage.json"], cwd=copy, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    rows = (copy / "claims.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace(",", ",,", 1)  # a row with one cell too many
    (copy / "claims.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    broken = subprocess.run([str(frictionless), "validate", "datapackage.json"], cwd=copy, capture_output=True, text=True)
    assert broken.returncode != 0
    assert "extra-cell" in broken.stdout or "hash-count" in broken.stdout


def test_the_data_package_is_dated_from_the_content(site, model):
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    newest = max(item.claim.updated for item in model.claims.values())
    assert datetime.fromisoformat(package["created"].replace("Z", "+00:00")).date().isoformat() == newest
