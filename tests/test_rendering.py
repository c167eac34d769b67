"""Rendering: what a reader sees on the annotated source, claim and entity pages."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from markupsafe import escape

from conftest import ROOT, ScratchRepo
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import MAX_MENTIONS_LISTED, Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site
from htmltext import annotated_paragraphs, read, text_by_id


def render(root):
    return rendered(build_site(load_repository(root)))


def rendered(model):
    info = SiteInfo("Test site", "https://desk.test/site/", Publisher("Test desk", "https://desk.test/"))
    return model, {page.url: page for page in Renderer(model, info).pages()}


@pytest.fixture(scope="module")
def real_content(real_model):
    """The desk's own content (conftest's `real_desk`), rendered."""
    return rendered(real_model)


def assert_visible_text_is_the_source(html: str, text: str) -> None:
    paragraphs = annotated_paragraphs(html)
    assert paragraphs, "no paragraphs rendered"
    position = 0
    for start, end, visible in paragraphs:
        assert text[position:start].strip() == "", f"text between paragraphs was dropped: {text[position:start]!r}"
        assert visible == text[start:end]
        position = end
    assert text[position:].strip() == ""


def test_the_annotated_article_shows_the_source_text_exactly(real_content):
    model, pages = real_content
    for source in model.sources.values():
        assert_visible_text_is_the_source(pages[f"sources/{source.id}.html"].html, source.text)


def test_every_claim_is_linked_both_ways(real_content):
    model, pages = real_content
    for item in model.claims.values():
        source_page = pages[f"sources/{item.claim.source}.html"].html
        claim_page = pages[item.url].html
        assert f'href="../{item.url}"' in source_page
        source_view = read(source_page)
        assert item.anchor_id in source_view.ids
        assert f"../sources/{item.claim.source}.html#{item.anchor_id}" in read(claim_page).links


def test_entities_link_to_their_pages_and_back_to_each_mention(real_content):
    model, pages = real_content
    views = {source_id: read(pages[f"sources/{source_id}.html"].html) for source_id in model.sources}
    for entity_id, mentions in model.mentions_by_entity.items():
        entity_links = read(pages[f"entities/{entity_id}.html"].html).links
        listed: Counter = Counter()
        for mention in mentions:
            source_view = views[mention.source_id]
            assert f"../entities/{entity_id}.html" in source_view.links
            assert mention.anchor_id in source_view.ids
            listed[mention.source_id] += 1
            if listed[mention.source_id] <= MAX_MENTIONS_LISTED:
                assert f"../sources/{mention.source_id}.html#{mention.anchor_id}" in entity_links


def test_an_entity_page_lists_a_hundred_mentions_a_source_and_counts_the_rest(repo: ScratchRepo):
    """A text that names an entity on every line gave an entity page of 160 MB: each source's mentions are
    listed up to a hundred with their context, and the rest counted, with a link to the text that marks them."""
    repo.settings()
    repo.source("s", "Acme sells. " * 150)
    repo.entity("acme", "Acme")
    repo.claim("c", "s", "Acme sells.", 0, 11, entities=["acme"])
    model, pages = render(repo.root)
    assert len(model.mentions_by_entity["acme"]) == 150
    html = pages["entities/acme.html"].html
    entity_view = read(html)
    listed = [link for link in entity_view.links if link.startswith("../sources/s.html#")]
    assert len(listed) == MAX_MENTIONS_LISTED
    assert "This source names Acme 50 more times, each marked in" in " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert sum(1 for mention in model.mentions_by_entity["acme"] if mention.anchor_id in read(pages["sources/s.html"].html).ids) == 150


TEXT = "Alpha beta gamma delta epsilon zeta.\n\nEta theta iota kappa."


@pytest.fixture
def overlapping(repo: ScratchRepo):
    repo.source("s", TEXT)
    spans = {
        "outer": "beta gamma delta",       # 6–22
        "overlap": "delta epsilon",        # overlaps the end of "outer"
        "nested": "gamma",                 # inside "outer"
        "twin": "beta gamma delta",        # the same span as "outer"
        "across": "zeta.\n\nEta theta",    # runs over a paragraph break
        "first": "Alpha",                  # the very start of the text
        "last": "kappa.",                  # the very end of the text
    }
    for claim_id, quote in spans.items():
        start = TEXT.index(quote)
        repo.claim(claim_id, "s", quote, start, start + len(quote))
    return repo, spans


def test_overlapping_nested_and_identical_spans_all_render(overlapping):
    repo, spans = overlapping
    model, pages = render(repo.root)
    html = pages["sources/s.html"].html
    assert_visible_text_is_the_source(html, TEXT)
    view = read(html)
    for claim_id, quote in spans.items():
        item = model.claims[claim_id]
        # One link per claim, to its page, however its passage is cut by the others.
        assert view.claim_links[claim_id] == [f"../{item.url}"], claim_id
        assert item.anchor_id in view.ids
        assert f'id="note-{item.number}"' in html
        # Its highlighted pieces, put together, give back its quote (across the paragraph break too).
        assert "".join(view.claim_text[claim_id]) == quote.replace("\n\n", ""), claim_id
    texts, attributes = text_by_id(html)
    for claim_id, quote in spans.items():
        # Its link is named for the whole passage, pieces inside other claims and across the break included.
        item = model.claims[claim_id]
        parts = attributes[item.anchor_id].get("aria-labelledby", item.anchor_id).split()
        assert " ".join(" ".join(texts[part] for part in parts).split()) == " ".join(quote.split()), claim_id
    # Nested claims are told apart: the enclosing ones are drawn beneath the inner one's link, one level each.
    assert re.search(r'<a class="fc-claim[^"]*"[^>]*data-claim="nested"[^>]*><mark class="fc-hl fc-depth-2[^"]*"[^>]* data-claim="outer">'
                     r'<mark class="fc-hl fc-depth-1[^"]*"[^>]* data-claim="twin">gamma</mark></mark>', html)


def test_each_claim_is_one_link_named_for_its_whole_passage_and_described_by_its_verdict(real_content):
    """A link's name is its passage (all its pieces, when other claims interrupt it) and "(claim N)";
    its description is the verdict and summary, held once, in the note."""
    model, pages = real_content
    for source in model.sources.values():
        html = pages[f"sources/{source.id}.html"].html
        view = read(html)
        texts, attributes = text_by_id(html)
        for item in model.claims_by_source.get(source.id, []):
            assert view.claim_links[item.id] == [f"../{item.url}"], item.id
            link = attributes[item.anchor_id]
            label = attributes[f"{item.anchor_id}--label"]
            assert label["data-label"] == f" (claim {item.number})" and label["lang"] == "en", item.id
            parts = link.get("aria-labelledby", item.anchor_id).split()
            name = " ".join(texts[part] for part in parts)
            assert " ".join(name.split()) == " ".join(source.part(item.claim.selector.field)[item.span.start:item.span.end].split()), item.id
            assert link["aria-describedby"].split() == [f"note-{item.number}-verdict", f"note-{item.number}-summary"]
            assert texts[f"note-{item.number}-verdict"] == item.verdict.label
            assert texts[f"note-{item.number}-summary"] == item.claim.summary
        # Names inside the text are marked, not linked; each entity is linked once, after the text.
        text = html[html.index('class="fc-annotated"'):html.index("</div>", html.index('class="fc-annotated"'))]
        assert not re.search(r"<a [^>]*fc-entity", text)
        for entity_id in {m.entity_id for m in model.mentions.get(source.id, [])}:
            assert view.links.count(f"../entities/{entity_id}.html") == 1, entity_id


def test_claims_are_numbered_in_reading_order(overlapping):
    repo, _ = overlapping
    model, _ = render(repo.root)
    order = sorted(model.claims.values(), key=lambda c: c.number)
    assert [c.id for c in order][:2] == ["first", "outer"] or [c.id for c in order][:2] == ["first", "twin"]
    assert order[-1].id == "last"


def test_text_names_and_notes_are_escaped(repo: ScratchRepo):
    text = 'Prices < 5 & "quotes" <script>alert(1)</script> are here.'
    repo.source("s", text)
    repo.entity("evil", "<b>AT&T</b>", aliases=["quotes"], description='An "entity" <i>with</i> & markup.')
    repo.claim(
        "c1", "s", '<script>alert(1)</script>', text.index("<script>"), text.index("<script>") + 25,
        claim='A claim with <img src=x onerror=alert(1)> & "quotes".',
        summary="<b>bold?</b>",
        notes='Raw <script>alert(2)</script>, <img src=x onerror="alert(3)">, [a link](javascript:alert(4)) '
              'and ![an image](https://example.org/x.png "t").',
        entities=["evil"],
    )
    model, pages = render(repo.root)
    for url in ("sources/s.html", "claims/c1.html", "entities/evil.html", "claims/index.html", "entities/index.html"):
        html = pages[url].html
        assert "<script>" not in html, url
        assert "<b>" not in html and "<img" not in html and "<i>" not in html, url
        assert "javascript:" not in " ".join(read(html).links), url
    source_html = pages["sources/s.html"].html
    assert "Prices &lt; 5 &amp; " in source_html
    assert_visible_text_is_the_source(source_html, text)
    claim_html = pages["claims/c1.html"].html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in claim_html
    assert "A claim with &lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;." in claim_html
    assert "&lt;b&gt;AT&amp;T&lt;/b&gt;" in pages["entities/evil.html"].html


def test_the_verdict_is_given_in_words_after_each_paragraph_without_adding_to_the_text(real_content):
    """The marker's number and the link's spoken label are drawn by the stylesheet from data, so that
    the paragraph's text (what a reader copies, what quote selectors match) is the source's; the
    verdict in words is in the note that follows the paragraph."""
    model, pages = real_content
    for item in model.claims.values():
        html = pages[f"sources/{item.claim.source}.html"].html
        marker = re.search(rf'<span class="fc-marker[^"]*" data-number="{item.number}" aria-hidden="true"></span>', html)
        assert marker, item.id
        note = re.search(rf'<li class="fc-note" id="note-{item.number}"[^>]*>(.*?)</li>', html, re.S)
        assert note and str(escape(item.verdict.label)) in note.group(1), item.id
        assert str(escape(item.claim.claim)) in note.group(1), item.id
        if not item.in_title:
            # The note follows the paragraph that holds the marker.
            assert html.rindex('<p class="fc-paragraph"', 0, note.start()) < marker.start() < html.rindex("</p>", 0, note.start())
    css = (ROOT / "docs/assets/factcheck.css").read_text(encoding="utf-8")
    assert re.search(r"\.fc-marker::before\s*\{[^}]*content:[^}]*attr\(data-number\)", css)
    assert re.search(r"\.fc-claim-name::before\s*\{[^}]*content:[^}]*attr\(data-label\)", css)


def test_claim_pages_show_quote_translation_evidence_and_dates(real_content):
    model, pages = real_content
    for item in model.claims.values():
        html = pages[item.url].html
        quote = model.sources[item.claim.source].part(item.claim.selector.field)[item.span.start:item.span.end]
        assert str(escape(quote)) in html, item.id
        if item.claim.translation:
            assert str(escape(item.claim.translation)) in html, item.id
        for evidence in item.claim.evidence:
            assert evidence.url in read(html).links
        assert item.claim.reviewed in html and str(escape(item.claim.reviewer)) in html
        head = html[html.index('class="fc-claim-head'):]
        # The claim, then its verdict in words, lead the page.
        assert head.index(str(escape(item.claim.claim))) < head.index("Verdict") < head.index(f">{escape(item.verdict.label)}<")


def test_index_and_source_pages_speak_plain_english(repo: ScratchRepo):
    text = "Ada Lovelace wrote the first program."
    repo.source("s", text, language="fr")
    repo.write("entities/ada.yml", "id: ada\nname: Ada Lovelace\ntype: person\ndescription: A mathematician.\n")
    repo.claim("c1", "s", "Ada Lovelace wrote the first program", 0, 36, entities=["ada"])
    model, pages = render(repo.root)
    entities = pages["entities/index.html"].html
    assert ">People</h2>" in entities and "Persons" not in entities
    assert "(1 claim)" in entities and "(1 claims)" not in entities
    source = pages["sources/s.html"].html
    assert "in French" in source and "<dd>French</dd>" in source and "<dd>fr</dd>" not in source
    claim = pages["claims/c1.html"].html
    assert "See claim 1 in the annotated text" in claim


def _page_ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]*)"', html)


def _write_site(repo: ScratchRepo, source_ids: list[str], claim_ids: list[str], entity_ids: list[str]) -> None:
    text = "Acme Corp grew.\n\nIt said so twice. Nobody objected."
    for source_id in source_ids:
        repo.source(source_id, text)
    for entity_id in entity_ids:
        repo.entity(entity_id, "Acme Corp")
    for number, claim_id in enumerate(claim_ids):
        exact = ("Acme Corp grew.", "It said so twice.")[number % 2]
        repo.claim(claim_id, source_ids[number % len(source_ids)], exact, text.index(exact), text.index(exact) + len(exact),
                   entities=entity_ids[:1])


def test_an_id_an_editor_chooses_never_repeats_an_id_its_page_already_has(tmp_path):
    """A page's own ids (its sections, paragraphs, notes and marks) and the ids editors choose for sources,
    claims and entities stay apart: an id that appears twice on a page sends every link to it to the first."""
    plain = ScratchRepo(tmp_path / "plain")
    _write_site(plain, ["doc"], ["c1", "c2"], ["acme"])
    _, pages = render(plain.root)
    own = {kind: {name for name in _page_ids(pages[url].html) if item not in name}
           for kind, url, item in (("source", "sources/doc.html", "doc"), ("claim", "claims/c1.html", "c1"),
                                   ("entity", "entities/acme.html", "acme"))}
    assert all(own.values()), own
    # Items named after those ids (the reserved "index" aside), on one site.
    named = ScratchRepo(tmp_path / "named")
    usable = {kind: sorted(name for name in names if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) and name != "index")
              for kind, names in own.items()}
    _write_site(named, usable["source"], usable["claim"] + ["c1", "c2"], usable["entity"] + ["acme"])
    _, pages = render(named.root)
    for url, page in pages.items():
        ids = _page_ids(page.html)
        assert len(ids) == len(set(ids)), f"{url}: {sorted({name for name in ids if ids.count(name) > 1})}"
