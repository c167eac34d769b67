"""Many sources as the normal case: ordering, counts, grouping and filters across sources."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ScratchRepo
from factdesk.exports import export_files
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site
from test_browser import ARGS, CHROMIUM, SCREENSHOTS, _require_browser, _serve
from conftest import build_into
from desks import add_northwind_brief, copy_project

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

INFO = SiteInfo("Desk", "", Publisher("Desk"))
OLD = "Acme opened an office in Lyon. Acme hired forty people."
NEW = "Acme closed its office in Lyon. Rivals welcomed it."
UNDATED = "Acme sells routers."


@pytest.fixture
def desk(repo: ScratchRepo) -> ScratchRepo:
    repo.entity("acme", "Acme")
    repo.source("old", OLD, published="2015-03-01", assessment={"verdict": "accurate", "summary": "Right."})
    repo.source("new", NEW, published="2017-06-30")
    repo.source("undated", UNDATED)
    repo.claim("opened", "old", "Acme opened an office", 0, 21, entities=["acme"])
    repo.claim("hired", "old", "Acme hired forty people", OLD.index("Acme hired"), OLD.index("Acme hired") + 22,
               entities=["acme"], verdict="misleading",
               corrections=[{"date": "2026-12-01", "change": "Verdict changed from Accurate to Misleading.", "reason": "New data."}])
    repo.claim("closed", "new", "Acme closed its office", 0, 22, entities=["acme"], verdict="inaccurate",
               corrections=[{"date": "2026-12-02", "change": "Summary rewritten.", "reason": "Clearer."}])
    return repo


def pages_of(repo: ScratchRepo) -> dict[str, str]:
    model = build_site(load_repository(repo.root))
    return {page.url: page.html for page in Renderer(model, INFO).pages()}


def positions(html: str, needles: list[str]) -> list[int]:
    return [html.index(needle) for needle in needles]


def test_the_sources_index_lists_sources_newest_first_with_counts_and_overall_verdict(desk: ScratchRepo):
    html = pages_of(desk)["sources/index.html"]
    first, second, third = positions(html, ['href="new.html"', 'href="old.html"', 'href="undated.html"'])
    assert first < second < third
    old_card = html[second:third]
    assert "2 claims checked. Overall: " in old_card and ">Accurate</span>" in old_card
    assert ">Misleading</span> <span class=\"fc-count\">1 claim</span>" in old_card
    new_card = html[first:second]
    assert "1 claim checked. Check in progress: no overall verdict yet." in new_card
    assert "0 claims checked." in html[third:]


def test_the_claims_table_is_one_table_newest_source_first_with_the_source_of_each_row(desk: ScratchRepo):
    html = pages_of(desk)["claims/index.html"]
    assert html.count("<table") == 1
    rows = re.findall(r'<tr data-source="([^"]+)"[^>]*><td>(\d+)</td><td><a href="([^"]+)"', html)
    assert rows == [("Title of new", "1", "closed.html"), ("Title of old", "1", "opened.html"),
                    ("Title of old", "2", "hired.html")]


def test_an_entity_page_groups_claims_and_mentions_by_source_newest_first(desk: ScratchRepo):
    html = pages_of(desk)["entities/acme.html"]
    about = html[html.index('id="claims"'):html.index('id="mentions"')]
    assert positions(about, ['id="claims-new"', "closed.html", 'id="claims-old"', "opened.html", "hired.html"]) == sorted(
        positions(about, ['id="claims-new"', "closed.html", 'id="claims-old"', "opened.html", "hired.html"]))
    mentions = html[html.index('id="mentions"'):]
    headings = re.findall(r'<h3 id="mentions-([a-z]+)">', mentions)
    assert headings == ["new", "old", "undated"]
    assert mentions.count("#mention-") == 4  # Acme twice in "old", once in each other source


def test_corrections_and_open_data_cover_every_source(desk: ScratchRepo):
    html = pages_of(desk)["corrections.html"]
    assert "closed.html" in html and "hired.html" in html
    assert html.index("closed.html") < html.index("hired.html")  # newest correction first
    model = build_site(load_repository(desk.root))
    files = export_files(model, INFO)
    assert sorted(s["id"] for s in json.loads(files["sources.json"])) == ["new", "old", "undated"]
    assert sorted(c["id"] for c in json.loads(files["claims.json"])) == ["closed", "hired", "opened"]
    assert {"sources/new.annotations.jsonld", "sources/old.annotations.jsonld", "sources/undated.annotations.jsonld"} <= set(files)


# --- In a real browser: the claims table of a site with two sources ----------------------------

@pytest.fixture(scope="module")
def two_source_site(tmp_path_factory):
    _require_browser()
    project = copy_project(tmp_path_factory.mktemp("two-sources") / "project")
    add_northwind_brief(project)
    site = build_into(project.parent, project)
    yield from _serve(site)


def test_the_claims_table_filters_by_source_and_verdict_in_a_browser(two_source_site: str):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(two_source_site + "claims/index.html")
        rows = page.locator("table.fc-claims-table tbody tr")
        visible = page.locator("table.fc-claims-table tbody tr:not([hidden])")
        total = rows.count()
        page.get_by_label("Source", exact=True).select_option("Northwind opens in Lyon")
        assert visible.count() == 3
        assert "3 of %d claims shown" % total in page.get_by_role("status").inner_text()
        page.get_by_label("Verdict", exact=True).select_option("Unverifiable")
        assert visible.count() == 1 and "called the office a success" in visible.first.inner_text()
        page.get_by_label("Source", exact=True).select_option("")
        assert visible.count() > 1
        page.get_by_label("Verdict", exact=True).select_option("")
        assert visible.count() == total
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "two-sources-claims-index.png"))
        results = Axe().run(page, options=WCAG)
        assert results.violations_count == 0, results.generate_report()
        for name in ("entities/northwind-telecom.html", "sources/index.html", "about.html"):
            page.goto(two_source_site + name)
            page.screenshot(path=str(SCREENSHOTS / f"two-sources-{name.replace('/', '-')}.png"), full_page=True)
            results = Axe().run(page, options=WCAG)
            assert results.violations_count == 0, f"{name}: {results.generate_report()}"
        browser.close()
