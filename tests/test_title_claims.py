"""Claims about a source's title (its headline): anchored in the title, shown highlighted where the title is."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest

from conftest import ScratchRepo
from factdesk.coverage import source_coverage
from factdesk.exports import export_files
from factdesk.problems import FactcheckError
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.structured_data import annotation_collection
from htmltext import annotated_paragraphs, read


def visible(html: str) -> str:
    """The text a reader sees, numbered markers left out."""
    html = re.sub(r'<a class="fc-marker.*?</a>', "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))

TITLE = "BT tests its VPN service in Shanghai"
TEXT = "BT applied for a licence. The ministry has not answered. BT tests nothing yet."
INFO = SiteInfo("Test site", "https://desk.test/site/", Publisher("Test desk", "https://desk.test/"))


@pytest.fixture
def headline(repo: ScratchRepo) -> ScratchRepo:
    repo.source("article", TEXT, title=TITLE)
    # "BT tests" is also in the text, at 57: the title claim must not land there.
    repo.claim("title-tests", "article", "BT tests its VPN service", 0, 24,
               selector={"field": "title", "exact": "BT tests its VPN service", "start": 0, "end": 24},
               claim="BT was testing its VPN service.", verdict="inaccurate")
    repo.claim("text-applied", "article", "BT applied for a licence", 0, 24)
    return repo


def pages_of(root):
    model = build_site(load_repository(root))
    return model, {page.url: page for page in Renderer(model, INFO).pages()}


def test_a_title_claim_anchors_in_the_title_and_comes_first(headline):
    model = build_site(load_repository(headline.root))
    title_claim, text_claim = model.claims["title-tests"], model.claims["text-applied"]
    assert title_claim.in_title and not text_claim.in_title
    assert TITLE[title_claim.span.start:title_claim.span.end] == "BT tests its VPN service"
    assert [c.id for c in model.claims_by_source["article"]] == ["title-tests", "text-applied"]
    assert title_claim.number == 1


def test_a_title_quote_is_looked_for_in_the_title_only(repo: ScratchRepo):
    repo.source("article", TEXT, title=TITLE)
    repo.claim("c1", "article", "The ministry", 26, 38,
               selector={"field": "title", "exact": "The ministry", "start": 26, "end": 38})
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    message = str(caught.value.problems[0])
    assert message.startswith("claims/article/c1.yml:3:")
    assert "selector.exact: the quote is not in source 'article' (the title in sources/article.yml)" in message


def test_moved_title_offsets_are_corrected_against_the_title(repo: ScratchRepo):
    repo.source("article", TEXT, title=TITLE)
    repo.claim("c1", "article", "VPN", 0, 3, selector={"field": "title", "exact": "VPN", "start": 0, "end": 3})
    model = build_site(load_repository(repo.root))
    span = model.claims["c1"].span
    assert TITLE[span.start:span.end] == "VPN" and span.start == TITLE.index("VPN")
    assert "start: 13, end: 16" in str(model.warnings[0])


def test_an_unknown_part_of_the_source_is_refused(repo: ScratchRepo):
    repo.source("article", TEXT, title=TITLE)
    repo.claim("c1", "article", "BT", 0, 2, selector={"field": "author", "exact": "BT", "start": 0, "end": 2})
    with pytest.raises(FactcheckError) as caught:
        load_repository(repo.root)
    message = str(caught.value.problems[0])
    assert message.startswith("claims/article/c1.yml:3:") and "selector.field" in message
    assert "'author' is not allowed; use one of: text, title" in message


def test_a_title_claim_does_not_cover_sentences_of_the_text(headline):
    # The title claim's offsets 0–24 would cover the text's first sentence if counted in the text.
    headline.claim("text-applied", "article", "The ministry", 26, 38)
    model = build_site(load_repository(headline.root))
    coverage = source_coverage(model, "article", listed=10)
    assert coverage.covered == 1
    assert "BT applied for a licence." in [s.text for s in coverage.listed]
    assert "The ministry has not answered." not in [s.text for s in coverage.listed]


def test_the_source_page_highlights_the_headline_with_marker_note_and_link(headline):
    model, pages = pages_of(headline.root)
    html = pages["sources/article.html"].html
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    view = read(heading)
    assert visible(heading) == TITLE
    # One link for the claim, as in the text: named with its number, described by its note's verdict and
    # summary, its marker drawn from data.
    assert re.search(r'<a class="fc-claim fc-v-inaccurate" href="../claims/title-tests.html" id="claim-title-tests"'
                     r' data-claim="title-tests" data-note="note-1" aria-describedby="note-1-verdict note-1-summary">', heading)
    assert view.claim_links["title-tests"] == ["../claims/title-tests.html"]
    assert 'data-label=" (claim 1)"' in heading and 'data-number="1"' in heading
    # The note follows the heading, and the text below is still the source, untouched by the title's offsets.
    notes = html[html.index("</h1>"):html.index('class="fc-source-text"')]
    assert 'id="note-1"' in notes and "BT was testing its VPN service." in notes
    assert [visible for _, _, visible in annotated_paragraphs(html)] == [TEXT]
    body = html[html.index('class="fc-source-text"'):]
    assert read(body).claim_links == {"text-applied": ["../claims/text-applied.html"]}
    assert "title-tests" not in body.split("fc-claims-table")[0]


def test_the_claim_page_quotes_the_headline(headline):
    model, pages = pages_of(headline.root)
    html = pages["claims/title-tests.html"].html
    assert "What the headline says" in html
    quote = re.search(r'<blockquote class="fc-quote"[^>]*>(.*?)</blockquote>', html, re.S).group(1)
    assert visible(quote).strip() == TITLE
    assert '<mark class="fc-hl fc-v-inaccurate">BT tests its VPN service</mark>' in quote
    assert "../sources/article.html#claim-title-tests" in read(html).links
    assert "../methodology.html#selection" in read(html).links
    assert "Characters 0 to 24 of the source's headline" in html
    assert "of the source's text" in pages["claims/text-applied.html"].html


def test_open_data_says_which_part_a_quote_is_from(headline):
    model = build_site(load_repository(headline.root))
    files = export_files(model, INFO)
    claims = {c["id"]: c for c in json.loads(files["claims.json"])}
    assert list(csv.DictReader(io.StringIO(files["claims.csv"])))[0]["field"] == "title"
    assert claims["title-tests"]["field"] == "title" and claims["title-tests"]["quote"] == "BT tests its VPN service"
    assert claims["text-applied"]["field"] == "text" and claims["text-applied"]["quote"] == "BT applied for a licence"
    annotations = annotation_collection(model, "article", INFO)["first"]["items"]
    [title_target] = annotations[0]["target"]
    assert title_target["selector"]["type"] == "CssSelector" and title_target["selector"]["value"] == "h1"
    assert title_target["selector"]["refinedBy"]["exact"] == "BT tests its VPN service"
    text_target = annotations[1]["target"][-1]
    assert text_target["source"].endswith("article.txt")
    assert text_target["selector"][1] == {"type": "TextPositionSelector", "start": 0, "end": 24}


def test_the_command_line_finds_and_scaffolds_a_headline_claim(repo: ScratchRepo, capsys):
    from factdesk.cli import main

    repo.source("article", TEXT, title=TITLE)
    repo.entity("bt", "BT")
    assert main(["--root", str(repo.root), "locate", "article", "its VPN service", "--title"]) == 0
    assert "1 occurrence(s) in the title in sources/article.yml" in capsys.readouterr().out
    # Only in the title: without --title the text is searched, where it is not.
    assert main(["--root", str(repo.root), "locate", "article", "its VPN service"]) == 1
    assert main(["--root", str(repo.root), "new", "article", "BT tests its VPN service", "--title",
                 "--id", "headline", "--today", "2026-11-25"]) == 0
    written = (repo.root / "claims/article/headline.yml").read_text(encoding="utf-8")
    assert "  field: title\n" in written and "  start: 0\n  end: 24\n" in written
    assert 'suffix: " in Shanghai"' in written and "entities: [bt]" in written
