"""Search: the engine gives the entries of the pages it renders, and the built index holds every
claim, entity, source and passage exactly once, as text the theme can show without running it."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import ENV, ROOT, ScratchRepo, mkdocs_build
from factdesk.publishing import SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.search_entries import (LUNR_LANGUAGES, SEARCH_SEPARATOR, merge_into_theme_index,
                                      search_entries, search_languages)
from factdesk.site import build_site
from test_scripts import NEWS, RULE

TEXT = ("Acme Corp said profits rose by 12 percent in 2015.\n\n"
        "The regulator in Paris disagreed with Acme Corp & its <auditors>.\n\n"
        "Nobody checked this last paragraph.")


@pytest.fixture
def desk(repo: ScratchRepo):
    repo.source("report", TEXT, title_en="The report in English", publisher="Daily Planet", published="2016-05-31",
                assessment={"verdict": "misleading", "summary": "Mostly wrong.", "reason": "The figure is wrong."},
                not_checked=[{"quote": "Nobody checked this last paragraph.", "reason": "Not a claim."}])
    repo.entity("acme", "Acme Corp", aliases=["Acme"], description="A maker of anvils.",
                interest="Sells anvils to the regulator.")
    repo.entity("regulator", "The regulator", description="The market regulator.")
    repo.claim("profits", "report", "profits rose by 12 percent", TEXT.index("profits"), TEXT.index("profits") + 26,
               claim="Acme's profits rose by 12% in 2015.", verdict="inaccurate", summary="They rose by 3%.",
               translation="ses profits ont augmenté", claimant="acme", entities=["acme"],
               corrections=[{"date": "2026-11-25", "change": "Verdict changed.", "reason": "A new report."}])
    disagreed = TEXT.index("The regulator")
    repo.claim("disagreed", "report", "The regulator in Paris disagreed", disagreed, disagreed + 32,
               claim="The regulator disagreed.", summary="It said so in a statement.", entities=["regulator"])
    model = build_site(load_repository(repo.root))
    pages = Renderer(model, SiteInfo("Desk")).pages()
    return model, pages, {entry.location: entry for entry in search_entries(model, pages)}


def plain(value: str) -> str:
    """What a reader sees of an index value: the theme shows it as HTML, and U+200B (between the words
    of scripts written without spaces) is invisible."""
    return html.unescape(value).replace("\u200b", "")


def test_a_claim_is_found_by_its_statement_verdict_summary_quote_translation_and_claimant(desk):
    _, _, entries = desk
    entry = entries["claims/profits.html"]
    assert plain(entry.title) == "Acme's profits rose by 12% in 2015."
    for part in ("Inaccurate", "They rose by 3%.", "profits rose by 12 percent", "ses profits ont augmenté", "Acme Corp",
                 "Verdict changed.", "A new report."):
        assert part in plain(entry.text), part


def test_a_source_is_found_by_its_titles_publisher_and_overall_verdict(desk):
    _, _, entries = desk
    entry = entries["sources/report.html"]
    assert plain(entry.title) == "Title of report"
    for part in ("The report in English", "Daily Planet", "2016-05-31", "English", "Misleading", "The figure is wrong.",
                 "2 claims checked"):
        assert part in plain(entry.text), part


def test_an_entity_is_found_by_its_name_aliases_description_and_interest(desk):
    _, _, entries = desk
    entry = entries["entities/acme.html"]
    assert plain(entry.title) == "Acme Corp"
    for part in ("Organisation", "A maker of anvils.", "Acme", "Sells anvils to the regulator."):
        assert part in plain(entry.text), part


def test_each_paragraph_of_the_text_is_found_where_it_stands_on_the_annotated_page(desk):
    _, pages, entries = desk
    source_html = next(page.html for page in pages if page.url == "sources/report.html")
    passages = [entry for location, entry in entries.items() if location.startswith("sources/report.html#")]
    assert [plain(entry.text) for entry in passages] == TEXT.split("\n\n")
    for entry in passages:
        assert f'id="{entry.location.split("#")[1]}"' in source_html


def test_every_generated_page_but_the_about_page_has_entries_and_no_location_comes_twice(desk):
    model, pages, entries = desk
    locations = [entry.location for entry in search_entries(model, pages)]
    assert len(locations) == len(set(locations))
    pages_found = {location.split("#")[0] for location in locations}
    assert pages_found == {page.url for page in pages} - {"about.html"}


def test_the_index_grows_with_the_content_one_entry_per_claim_and_entity(desk):
    model, pages, _ = desk
    kinds = Counter(next(p.kind for p in pages if p.url == e.location.split("#")[0]) for e in search_entries(model, pages))
    paragraphs = TEXT.count("\n\n") + 1
    assert kinds == {"claim": len(model.claims), "entity": len(model.entities), "source": 1 + paragraphs, "index": 4}


def test_values_are_escaped_text_on_one_line(desk):
    _, _, entries = desk
    entry = entries["sources/report.html#paragraph-2"]
    assert entry.text == "The regulator in Paris disagreed with Acme Corp &amp; its &lt;auditors&gt;."
    assert all("\n" not in e.title + e.text and "<" not in e.title + e.text for e in entries.values())


# --- Merging into the theme's index, in full and dirty builds ------------------------------------

def _theme_index(pages: dict[str, list[str]], previous=None):
    """The entries the theme's search plugin writes for `pages` (page → section ids), with its
    own merge of a previous index in dirty builds."""
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=[], fields={})
    for page, sections in pages.items():
        for section in sections:
            index.entries.append({"location": page + (f"#{section}" if section else ""), "title": section, "text": page})
    return index, json.loads(index.generate_search_index(previous))["docs"]


THEME_PAGES = ["index.html", "methodology.html", "guide.html"]


def _locations(theme: dict[str, list[dict]]) -> list[str]:
    """The index's first part, as the plugin writes it: each page's entries, page after page."""
    return [doc["location"] for docs in theme.values() for doc in docs]


def test_a_full_build_keeps_the_theme_entries_once():
    _, docs = _theme_index({"index.html": [""], "methodology.html": ["", "scale"], "guide.html": [""]})
    theme = merge_into_theme_index(docs, ["index.html", "methodology.html", "guide.html"], THEME_PAGES, None)
    assert _locations(theme) == ["index.html", "methodology.html", "methodology.html#scale", "guide.html"]


def test_dirty_builds_hold_every_page_once_with_its_latest_entries():
    """The theme drops only the first rebuilt page's old entries: after a dirty build that changed
    two pages, its own index holds the second one twice; the merged index holds each page once."""
    first, docs = _theme_index({"index.html": [""], "methodology.html": [""], "guide.html": [""]})
    theme = merge_into_theme_index(docs, THEME_PAGES, THEME_PAGES, None)
    second, docs = _theme_index({"methodology.html": ["", "new"], "guide.html": ["", "added"]}, previous=first)
    assert Counter(d["location"] for d in docs)["guide.html"] == 2  # the theme's own merge
    theme = merge_into_theme_index(docs, ["methodology.html", "guide.html"], THEME_PAGES, theme)
    expected = ["index.html", "methodology.html", "methodology.html#new", "guide.html", "guide.html#added"]
    assert _locations(theme) == expected
    # A dirty build of one page after that, and one that changed no page the theme indexes.
    third, docs = _theme_index({"guide.html": [""]}, previous=second)
    theme = merge_into_theme_index(docs, ["guide.html"], THEME_PAGES, theme)
    assert _locations(theme) == expected[:4]
    _, docs = _theme_index({}, previous=third)
    assert merge_into_theme_index(docs, [], THEME_PAGES, theme) == theme


def test_a_page_removed_while_serving_leaves_the_index():
    first, docs = _theme_index({"index.html": [""], "guide.html": [""]})
    theme = merge_into_theme_index(docs, ["index.html", "guide.html"], THEME_PAGES, None)
    _, docs = _theme_index({}, previous=first)
    assert _locations(merge_into_theme_index(docs, [], ["index.html"], theme)) == ["index.html"]


# --- The built site -------------------------------------------------------------------------------

def _index(site: Path) -> dict:
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))


def test_the_built_index_holds_every_claim_entity_and_source_once(built_site: Path):
    docs = _index(built_site)["docs"]
    locations = Counter(doc["location"] for doc in docs)
    assert [location for location, count in locations.items() if count > 1] == []
    for name in ("claims.json", "entities.json", "sources.json"):
        for item in json.loads((built_site / name).read_text(encoding="utf-8")):
            assert locations[item["url"]] == 1, item["url"]
    claims = {claim["url"]: claim for claim in json.loads((built_site / "claims.json").read_text(encoding="utf-8"))}
    for doc in docs:
        if doc["location"] in claims:
            claim = claims[doc["location"]]
            assert plain(doc["title"]) == " ".join(claim["claim"].split())
            assert " ".join(claim["quote"].split()) in plain(doc["text"])


def test_the_hand_written_pages_are_still_indexed_by_the_theme(built_site: Path):
    pages = {doc["location"].split("#")[0] for doc in _index(built_site)["docs"]}
    for markdown in (ROOT / "docs").rglob("*.md"):
        assert markdown.relative_to(ROOT / "docs").with_suffix(".html").as_posix() in pages


def test_every_location_in_the_index_leads_to_its_page_and_anchor(built_site: Path):
    pages: dict[str, str] = {}
    for doc in _index(built_site)["docs"]:
        page, _, anchor = doc["location"].partition("#")
        if page not in pages:
            pages[page] = (built_site / page).read_text(encoding="utf-8")
        assert not anchor or f'id="{anchor}"' in pages[page], doc["location"]


def test_generated_pages_are_left_out_of_the_theme_indexing(built_site: Path):
    """The theme no longer parses them: their entries are the engine's alone (one per claim page)."""
    docs = _index(built_site)["docs"]
    claims = [doc for doc in docs if doc["location"].startswith("claims/") and doc["location"] != "claims/index.html"]
    assert len(claims) == len(json.loads((built_site / "claims.json").read_text(encoding="utf-8")))


SERVE_DIRTY = """
import logging, sys, pathlib
from mkdocs.commands.build import build
from mkdocs.config import load_config
logging.basicConfig(level=logging.WARNING)
project = pathlib.Path(sys.argv[1])
# MkDocs warns that a dirty build may leave pages stale, which strict mode turns into a failure.
config = load_config(str(project / "mkdocs.yml"), strict=False)
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
claim = next(path for path in sorted((project / "claims").rglob("*.yml")) if '\\nsummary: "' in path.read_text(encoding="utf-8"))
claim.write_text(claim.read_text(encoding="utf-8").replace('\\nsummary: "', '\\nsummary: "Rewritten while serving. ', 1), encoding="utf-8")
for page in ("methodology.md", "index.md"):
    path = project / "docs" / page
    path.write_text(path.read_text(encoding="utf-8") + "\\n\\n## Added while serving " + page[:-3] + "\\n\\nNew words.\\n", encoding="utf-8")
build(load_config(str(project / "mkdocs.yml"), strict=False), dirty=True)
"""


def test_a_dirty_rebuild_while_serving_holds_every_page_once_with_its_changes(project_copy: Path, checkout_site: Path):
    """As `mkdocs serve --dirty` rebuilds in one process: two hand-written pages and a claim changed."""
    site = project_copy / "site"
    result = subprocess.run([sys.executable, "-c", SERVE_DIRTY, str(project_copy)], cwd=project_copy, env=ENV,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    docs = _index(site)["docs"]
    locations = Counter(doc["location"] for doc in docs)
    assert [location for location, count in locations.items() if count > 1] == []
    assert locations["methodology.html#added-while-serving-methodology"] == 1 and locations["index.html#added-while-serving-index"] == 1
    assert sum("Rewritten while serving." in doc["text"] for doc in docs) == 1
    clean = Counter(doc["location"] for doc in _index(checkout_site)["docs"])
    assert set(locations) - set(clean) == {"methodology.html#added-while-serving-methodology", "index.html#added-while-serving-index"}
    assert set(clean) - set(locations) == set()


# --- Every script: Chinese, Japanese and Thai words are words for the search ---------------------

THAI = "กระทรวงดิจิทัลแถลงว่า สวัสดีครับ ทุกคน\n"


def _tokens(text: str) -> list[str]:
    """The words the search makes of an index value: split at its separator (a JavaScript pattern
    that Python reads the same)."""
    return [token for token in re.split(SEARCH_SEPARATOR, html.unescape(text)) if token]


def test_chinese_words_are_words_in_the_search_entries(repo: ScratchRepo):
    repo.source("miit-vpn", NEWS, language="zh-Hans", title="工信部关于清理规范互联网网络接入服务市场的通知")
    repo.entity("miit", "Ministry of Industry and Information Technology", aliases=["工信部"])
    model = build_site(load_repository(repo.root))
    entries = {entry.location: entry for entry in search_entries(model, Renderer(model, SiteInfo("Desk")).pages())}
    second = _tokens(entries["sources/miit-vpn.html#paragraph-2"].text)
    assert {"专线", "虚拟", "专用", "网络", "VPN）"} <= set(second)
    assert "".join(second) == "".join(re.split(SEARCH_SEPARATOR, NEWS.split("\n\n")[1]))  # nothing lost or added
    assert {"工", "信", "部", "通知"} <= set(_tokens(entries["sources/miit-vpn.html"].title))
    assert "工" in _tokens(entries["entities/miit.html"].text)


def test_the_search_languages_are_the_sites_and_every_sources_that_lunr_supports():
    assert search_languages("en", ["fr"]) == ["en", "fr"]
    assert search_languages("en", ["zh-Hans", "fr", "th", "x-klingon", "nb", "fr-CA", "ja"]) == ["en", "fr", "ja", "no", "th", "zh"]
    assert search_languages("fr", ["fr"]) == ["fr"]
    assert search_languages("sl", ["x-klingon"]) == ["en"]


def test_the_theme_ships_every_search_language_the_engine_names():
    from material import templates

    shipped = Path(templates.__file__).parent / "assets" / "javascripts" / "lunr" / "min"
    assert [code for code in sorted(LUNR_LANGUAGES) if not (shipped / f"lunr.{code}.min.js").is_file()] == []


def build_site_in_scripts(folder: Path) -> Path:
    """A small project with a Chinese and a Thai source, built; returns the built site. (With a Japanese
    source the theme would also cut Chinese text with its Japanese segmenter, hiding what the engine does.)"""
    repo = ScratchRepo(folder / "project")
    for name in ("mkdocs.yml", "site.yml"):
        shutil.copy(ROOT / name, repo.root / name)
    for name in ("docs", "overrides", "hooks"):
        shutil.copytree(ROOT / name, repo.root / name, ignore=shutil.ignore_patterns("__pycache__"))
    repo.source("miit-vpn", NEWS, language="zh-Hans", title="工信部关于清理规范互联网网络接入服务市场的通知")
    repo.source("digital", THAI, language="th")
    repo.entity("miit", "Ministry of Industry and Information Technology", aliases=["工信部"])
    start = NEWS.index(RULE)
    repo.claim("rule", "miit-vpn", RULE, start, start + len(RULE), translation="No private lines without approval.",
               entities=["miit"])
    site = repo.root / "site"
    result = mkdocs_build(repo.root, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def site_in_scripts(tmp_path_factory) -> Path:
    return build_site_in_scripts(tmp_path_factory.mktemp("scripts"))


def test_the_built_index_names_every_sources_language_and_splits_words_at_the_invisible_space(site_in_scripts: Path):
    config = _index(site_in_scripts)["config"]
    assert config["lang"] == ["en", "th", "zh"]
    assert config["separator"] == SEARCH_SEPARATOR and "\\u200b" in config["separator"]


@pytest.mark.parametrize("query, words", [("专线", ["专线"]), ("虚拟专用网络", ["虚拟", "专用", "网"]),
                                          ("สวัสดี", ["สวัสดี"]), ("VPN", ["VPN"])])
def test_a_reader_finds_chinese_and_thai_words_inside_the_text(site_in_scripts: Path, query: str, words: list[str]):
    """In Chromium, the theme's search box: the paragraph that holds the words typed is found, and no
    paragraph without any of them (the theme cuts a Chinese query into the words the index holds)."""
    from playwright.sync_api import sync_playwright
    from test_browser import ARGS, CHROMIUM, _require_browser, _search, _serve

    _require_browser()
    serving = _serve(site_in_scripts)
    base_url = next(serving)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            results = _search(page, base_url, query)
            browser.close()
    finally:
        next(serving, None)
    assert errors == []
    texts = {"miit-vpn": NEWS.split("\n\n"), "digital": [THAI]}
    found = {(match[1], int(match[2])) for href, _ in results
             if (match := re.search(r"sources/([a-z-]+)\.html\?h=[^#]*#paragraph-(\d+)$", href))}
    holding = {(source, number) for source, paragraphs in texts.items()
               for number, paragraph in enumerate(paragraphs, start=1) if query in paragraph}
    assert holding and holding <= found, results
    for source, number in found:
        assert any(word in texts[source][number - 1] for word in words), (source, number, results)
