"""A claimant's declared interest is recorded once, on the entity, and shown with every claim they make."""

from __future__ import annotations

import re
from html import unescape

import pytest

from conftest import ROOT, ScratchRepo
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import METHODOLOGY_SECTIONS, Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site

INFO = SiteInfo("Test site", "https://desk.test/site/", Publisher("Test desk", "https://desk.test/"))
TEXT = "Lee said VPNs are legal. Lee also said demand is high. The firm agreed."


def render(root):
    return rendered(build_site(load_repository(root)))


def rendered(model):
    return model, {page.url: page for page in Renderer(model, INFO).pages()}


@pytest.fixture(scope="module")
def real_content(real_model):
    """The desk's own content (conftest's `real_desk`), rendered."""
    return rendered(real_model)


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def note_of(source_html: str, number: int) -> str:
    return re.search(rf'<li [^>]*id="note-{number}".*?</li>', source_html, re.S).group(0)


def assert_interest_shown(model, pages, item, entity=None) -> None:
    """The claimant's (or `entity`'s) name and interest on the claim page and in the claim's note beside the
    text: in full in the first note on the page of a claim they made or are quoted in, the later ones
    pointing to it rather than repeating it."""
    entity = entity or item.claimant
    expected = re.sub(r"\s+", " ", entity.interest).strip()
    claim_page = visible(pages[item.url].html)
    assert f"Interest of {entity.name}: {expected}" in claim_page, item.id
    source_html = pages[f"sources/{item.claim.source}.html"].html
    first = min(c.number for c in model.claims_by_source[item.claim.source]
                if entity.id in {e.id for e in (c.claimant, c.speaker) if e is not None})
    note = visible(note_of(source_html, item.number))
    if item.number == first:
        assert f"Interest of {entity.name}: {expected}" in note, item.id
    else:
        assert f"Interest of {entity.name}: see claim {first}." in note, item.id
        assert expected not in note, item.id
        assert f"Interest of {entity.name}: {expected}" in visible(note_of(source_html, first)), item.id


@pytest.fixture
def quoted(repo: ScratchRepo) -> ScratchRepo:
    repo.source("article", TEXT)
    repo.entity("lee", "Lee", interest="Sells VPN services <b>for profit</b>.")
    repo.entity("firm", "The firm")
    repo.claim("c1", "article", "Lee said VPNs are legal.", 0, 24, claimant="lee")
    repo.claim("c2", "article", "Lee also said demand is high.", 25, 54, claimant="lee")
    repo.claim("c3", "article", "The firm agreed.", 55, 71, claimant="firm")
    repo.claim("c4", "article", "VPNs", 9, 13)
    return repo


def test_every_claim_of_a_claimant_with_an_interest_shows_it(quoted):
    model, pages = render(quoted.root)
    for claim_id in ("c1", "c2"):
        assert_interest_shown(model, pages, model.claims[claim_id])
    # Escaped like any other content, and linked to the methodology that explains it.
    assert "&lt;b&gt;for profit&lt;/b&gt;" in pages["claims/c1.html"].html
    assert 'href="../methodology.html#interests"' in pages["claims/c1.html"].html
    assert "Declared interest: Sells VPN services" in visible(pages["entities/lee.html"].html)


def test_no_interest_line_where_none_is_declared(quoted):
    model, pages = render(quoted.root)
    for claim_id in ("c3", "c4"):
        assert "Interest of" not in pages[f"claims/{claim_id}.html"].html
        assert "Interest of" not in note_of(pages["sources/article.html"].html, model.claims[claim_id].number)
    assert "Claim made by The firm" in visible(pages["claims/c3.html"].html)


def test_an_empty_interest_is_refused(repo: ScratchRepo):
    repo.source("article", TEXT)
    repo.entity("lee", "Lee", interest="  ")
    with pytest.raises(Exception) as caught:
        load_repository(repo.root)
    assert "entities/lee.yml:5:" in str(caught.value) and "interest" in str(caught.value)


def test_claim_pages_link_to_the_methodology_sections_that_apply(repo: ScratchRepo):
    repo.source("article", TEXT, language="fr")
    repo.entity("lee", "Lee", interest="Sells VPNs.")
    repo.claim("later", "article", "Lee said VPNs are legal.", 0, 24, claimant="lee", translation="Lee said so.",
               notes="At the time, yes.\n\n**Since publication.** The rule changed.")
    repo.claim("plain", "article", "The firm agreed.", 55, 71)
    model, pages = render(repo.root)
    links = re.findall(r'href="\.\./methodology\.html#([\w-]+)"', pages["claims/later.html"].html)
    assert {"translation", "point-in-time", "opinion-and-predictions", "interests"} <= set(links)
    plain = re.findall(r'href="\.\./methodology\.html#([\w-]+)"', pages["claims/plain.html"].html)
    assert not set(plain) & {"translation", "point-in-time", "interests"}


def methodology_headings() -> set[str]:
    """The ids of the methodology's sections, as the theme makes them from its headings."""
    methodology = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    return {re.sub(r"[^\w]+", "-", line[3:].strip().lower()).strip("-")
            for line in methodology.splitlines() if line.startswith("## ")}


def test_the_methodology_has_every_section_claim_pages_link_to():
    assert set(METHODOLOGY_SECTIONS) <= methodology_headings()


def test_every_claim_by_or_quoting_someone_with_a_declared_interest_shows_it_in_the_real_content(real_content):
    model, pages = real_content
    for item in model.claims.values():
        for entity in (item.claimant, item.speaker):
            if entity and entity.interest:
                assert_interest_shown(model, pages, item, entity)
        if item.speaker:
            assert f"quoting {item.speaker.name}." in visible(pages[item.url].html), item.id
