"""What search engines and link previews read beyond the pages: the sitemap (checked against the rules of the
sitemaps.org schema), robots.txt, the OpenGraph locale; with the site's address and without it, and on a site
with no claims yet."""

from __future__ import annotations

import gzip
import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from conftest import PUBLISHED, build_into
from factdesk.crawlers import MOST_URLS, sitemap_files
from factdesk.languages import og_locale
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site

S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# W3C Datetime, as the schema's tLastmod allows it: a date, or a date and time with a time zone.
W3C_DATETIME = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")
CHANGEFREQ = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}


def schema_problems(xml: bytes) -> list[str]:
    """What the sitemaps.org 0.9 schemas (sitemap.xsd, siteindex.xsd) refuse in a sitemap or sitemap index:
    the root in the namespace, at least one and at most 50,000 entries, each with exactly one absolute `loc`
    of 12 to 2,048 characters first, then optional `lastmod` (W3C Datetime), `changefreq` and `priority`
    (0.0 to 1.0) in that order, nothing else; at most 50 MB."""
    problems = []
    if len(xml) > 50 * 1024 * 1024:
        problems.append("larger than 50 MB")
    root = ElementTree.fromstring(xml)
    if root.tag not in (f"{S}urlset", f"{S}sitemapindex"):
        return [f"the root must be urlset or sitemapindex in the sitemaps.org namespace, got {root.tag}"]
    entry, allowed = ("url", ["loc", "lastmod", "changefreq", "priority"]) if root.tag == f"{S}urlset" else (
        "sitemap", ["loc", "lastmod"])
    entries = list(root)
    if not 1 <= len(entries) <= MOST_URLS:
        problems.append(f"{len(entries)} entries: the schema wants 1 to 50,000")
    for index, element in enumerate(entries):
        where = f"{entry} {index}"
        if element.tag != f"{S}{entry}":
            problems.append(f"{where}: unexpected element {element.tag}")
            continue
        names = [child.tag.removeprefix(S) for child in element]
        if not names or names[0] != "loc" or names.count("loc") != 1:
            problems.append(f"{where}: exactly one loc, first")
        if [name for name in allowed if name in names] != names:
            problems.append(f"{where}: children {names}, the schema allows {allowed} in that order, each once")
        loc = element.findtext(f"{S}loc") or ""
        if not 12 <= len(loc) <= 2048 or not urlsplit(loc).scheme in ("http", "https") or " " in loc:
            problems.append(f"{where}: loc must be an absolute address of 12 to 2,048 characters, got {loc!r}")
        lastmod = element.findtext(f"{S}lastmod")
        if lastmod is not None and not W3C_DATETIME.match(lastmod):
            problems.append(f"{where}: lastmod {lastmod!r} is not a W3C Datetime")
        if element.findtext(f"{S}changefreq") not in (None, *CHANGEFREQ):
            problems.append(f"{where}: changefreq not one of {sorted(CHANGEFREQ)}")
        priority = element.findtext(f"{S}priority")
        if priority is not None and not 0 <= float(priority) <= 1:
            problems.append(f"{where}: priority outside 0.0–1.0")
    return problems


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"}


def test_the_published_sitemap_meets_the_schema_and_lists_every_page_once(published_site, real_desk):
    xml = (published_site / "sitemap.xml").read_bytes()
    assert schema_problems(xml) == []
    locs = [url.findtext(f"{S}loc") for url in ElementTree.fromstring(xml)]
    assert len(locs) == len(set(locs))
    assert {loc.removeprefix(real_desk.url) for loc in locs} == html_pages(published_site)
    assert gzip.decompress((published_site / "sitemap.xml.gz").read_bytes()) == xml


def test_robots_txt_lets_crawlers_in_and_names_the_sitemap_when_it_has_an_address(published_site, built_site, real_desk):
    published = (published_site / "robots.txt").read_text(encoding="utf-8")
    assert re.search(r"(?m)^User-agent: \*$", published) and re.search(r"(?m)^Allow: /$", published)
    assert re.findall(r"(?m)^Sitemap: (.*)$", published) == [f"{real_desk.url}sitemap.xml"]
    unaddressed = (built_site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in unaddressed and "Sitemap" not in unaddressed


def test_without_an_address_there_is_no_sitemap_rather_than_an_invalid_one(built_site):
    assert not list(built_site.glob("sitemap*"))


def test_the_opengraph_locale_is_the_sites_language_with_its_country(published_site, real_desk):
    language = re.search(r"(?m)^language: *\"?([\w-]+)", (real_desk.root / "site.yml").read_text(encoding="utf-8")).group(1)
    for page in sorted(html_pages(published_site)):
        found = re.findall(r'<meta property="og:locale" content="([^"]+)"', (published_site / page).read_text(encoding="utf-8"))
        assert found == [og_locale(language)], page
        assert re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", found[0]), page


@pytest.mark.parametrize("language, locale", [
    ("en", "en_US"), ("fr", "fr_FR"), ("de", "de_DE"), ("zh", "zh_CN"), ("zh-Hant", "zh_TW"), ("zh-Hans", "zh_CN"),
    ("pt-BR", "pt_BR"), ("en-GB", "en_GB"), ("ja", "ja_JP"), ("ar", "ar_EG"), ("und", "und"), ("qaa", "qaa"),
])
def test_a_language_becomes_the_locale_opengraph_expects(language, locale):
    assert og_locale(language) == locale


@pytest.mark.parametrize("environment", [{}, PUBLISHED], ids=["without an address", "with an address"])
def test_a_site_with_no_claims_yet_builds(project_copy, tmp_path, environment):
    for folder in ("claims", "sources", "entities"):
        shutil.rmtree(project_copy / folder)
        (project_copy / folder).mkdir()
    site = build_into(tmp_path, project_copy, **environment)
    assert (site / "index.html").is_file() and (site / "feed.xml").is_file()
    if environment:
        assert schema_problems((site / "sitemap.xml").read_bytes()) == []
        lastmods = [url.findtext(f"{S}lastmod") for url in ElementTree.parse(site / "sitemap.xml").getroot()]
        assert lastmods and set(lastmods) == {None}, "no content, no date: none is made up"
    else:
        assert not (site / "sitemap.xml").exists()


def test_past_fifty_thousand_addresses_the_sitemap_is_an_index_of_sitemaps():
    info = SiteInfo("Checks", "https://checks.test/", Publisher("Desk"))
    pages = {f"claims/c{number:06}.html": date(2026, 1, 1 + number % 28).isoformat() for number in range(MOST_URLS + 2)}
    pages["about.html"] = None
    files = sitemap_files(info, pages)
    assert set(files) == {"sitemap.xml", "sitemap.xml.gz", "sitemap-1.xml", "sitemap-2.xml"}
    index = ElementTree.fromstring(files["sitemap.xml"])
    assert schema_problems(files["sitemap.xml"]) == [] and index.tag == f"{S}sitemapindex"
    assert [s.findtext(f"{S}loc") for s in index] == ["https://checks.test/sitemap-1.xml", "https://checks.test/sitemap-2.xml"]
    listed = []
    for name in ("sitemap-1.xml", "sitemap-2.xml"):
        assert schema_problems(files[name]) == []
        listed += [url.findtext(f"{S}loc").removeprefix(info.url) for url in ElementTree.fromstring(files[name])]
    assert sorted(listed) == sorted(pages)
    assert gzip.decompress(files["sitemap.xml.gz"]) == files["sitemap.xml"]
    assert sitemap_files(SiteInfo("Checks", "", Publisher("Desk")), pages) == {}


def test_addresses_in_the_sitemap_are_escaped():
    info = SiteInfo("Checks", "https://checks.test/a&b/é/", Publisher("Desk"))
    xml = sitemap_files(info, {"claims/x.html": "2026-01-01"})["sitemap.xml"]
    assert schema_problems(xml) == []
    assert ElementTree.fromstring(xml)[0].findtext(f"{S}loc") == "https://checks.test/a&b/%C3%A9/claims/x.html"


def test_a_source_with_one_claim_says_one_claim(repo):
    repo.source("doc", "Prices rose. Sales fell.")
    repo.claim("prices", "doc", "Prices rose.", 0, 12)
    model = build_site(load_repository(repo.root))
    [page] = [page for page in Renderer(model, SiteInfo("Checks", "", Publisher("Desk"))).pages() if page.url == "sources/doc.html"]
    assert page.description.startswith("1 claim checked: 1 accurate")


@pytest.mark.parametrize("xml", [
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>',
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>claims/x.html</loc></url></urlset>',
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.test/x</loc><lastmod></lastmod></url></urlset>',
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>2026-01-01</lastmod><loc>https://a.test/x</loc></url></urlset>',
    b'<urlset><url><loc>https://a.test/x</loc></url></urlset>',
], ids=["empty", "relative", "empty lastmod", "out of order", "no namespace"])
def test_the_schema_check_refuses_what_the_schema_refuses(xml):
    assert schema_problems(xml) != []
