"""Link previews: a share card per claim, complete OpenGraph and Twitter tags on every page, and the
sitemap dated from the content."""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from conftest import ROOT
from factcheck.cards import claim_card, site_card
from factcheck.publishing import Publisher, SiteInfo
from factcheck.repository import load_repository
from factcheck.site import build_site
from conftest import PUBLISHED, mkdocs_build

OG_REQUIRED = ("og:title", "og:type", "og:image", "og:url")  # the protocol's four required properties
OG_COMPLETE = OG_REQUIRED + ("og:description", "og:site_name", "og:image:alt", "og:image:width", "og:image:height",
                             "twitter:card", "twitter:title", "twitter:description", "twitter:image", "twitter:image:alt")
SITE_URL = PUBLISHED["SITE_URL"]


def build(tmp_path_factory, name: str, **environment: str) -> Path:
    target = tmp_path_factory.mktemp(name) / "site"
    result = mkdocs_build(ROOT, target, **environment)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return build(tmp_path_factory, "cards-published", SITE_URL=SITE_URL)


@pytest.fixture(scope="module")
def unaddressed(tmp_path_factory) -> Path:
    return build(tmp_path_factory, "cards-unaddressed")


@pytest.fixture(scope="module")
def model():
    return build_site(load_repository(ROOT))


def html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]


def meta_of(html: str) -> dict[str, str]:
    found = {}
    for attribute, key, value in re.findall(r'<meta (property|name)="([^"]+)" content="([^"]*)"', html):
        if key.startswith(("og:", "twitter:")):
            assert (attribute == "property") == key.startswith("og:"), key
            found[key] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"')
    return found


def card_at(site: Path, address: str) -> Image.Image:
    assert address.startswith(SITE_URL), address
    image = Image.open(io.BytesIO((site / address.removeprefix(SITE_URL)).read_bytes()))
    assert image.format == "PNG" and image.size == (1200, 630)
    return image


def test_every_page_has_complete_opengraph_tags_and_a_card(published):
    for page in html_pages(published):
        meta = meta_of(page.read_text(encoding="utf-8"))
        missing = [key for key in OG_COMPLETE if not meta.get(key)]
        assert missing == [], f"{page.relative_to(published)} lacks {missing}"
        assert meta["og:url"] == SITE_URL + page.relative_to(published).as_posix()
        assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        card_at(published, meta["og:image"])


def test_each_claim_page_shows_its_own_card_with_its_verdict_in_words(published, model):
    cards = set()
    for item in model.claims.values():
        meta = meta_of((published / item.url).read_text(encoding="utf-8"))
        assert meta["og:image"] == f"{SITE_URL}cards/{item.id}.png"
        assert meta["og:image:alt"] == f"{item.verdict.label}: {item.claim.claim}"
        assert meta["og:title"] == f"{item.verdict.label}: {item.claim.claim}"
        image = card_at(published, meta["og:image"]).convert("RGB")
        colour = tuple(int(item.verdict.colour[i:i + 2], 16) for i in (1, 3, 5))
        # The verdict badge is drawn in the verdict's colour over a large area, not just the edge stripe.
        counts = {pixel: count for count, pixel in image.crop((40, 440, 1200, 630)).getcolors(maxcolors=1 << 20)}
        assert counts.get(colour, 0) > 20000, item.id
        cards.add((published / meta["og:image"].removeprefix(SITE_URL)).read_bytes())
    assert len(cards) == len(model.claims), "every claim has a card of its own"


def test_without_a_site_address_previews_leave_out_what_needs_one(unaddressed):
    for page in html_pages(unaddressed):
        meta = meta_of(page.read_text(encoding="utf-8"))
        assert "og:url" not in meta and "og:image" not in meta and "twitter:image" not in meta, page
        assert meta["og:title"] and meta["og:type"] and meta["twitter:card"] == "summary", page
    assert list((unaddressed / "cards").glob("*.png")), "the cards are built all the same"


def test_cards_are_the_same_bytes_for_the_same_content(model):
    info = SiteInfo("Checks", "", Publisher("Desk"))
    item = next(iter(model.claims.values()))
    assert claim_card(item, info) == claim_card(item, info)
    assert site_card(model, info) == site_card(model, info)
    assert claim_card(item, info) != claim_card(item, SiteInfo("Other checks", "", Publisher("Desk")))


@pytest.mark.parametrize("claim", [
    "A" * 3000,
    "Word " * 400,
    "Emoji 💥 RTL שלום CJK 中文 <b>&amp;</b> combining e\u0301",
    "x",
])
def test_any_claim_text_gives_a_card(repo, claim):
    repo.source("doc", "A sentence.")
    repo.claim("c", "doc", "A sentence.", 0, 11, claim=claim)
    model = build_site(load_repository(repo.root))
    image = Image.open(io.BytesIO(claim_card(model.claims["c"], SiteInfo("Checks " * 40, "", Publisher("Desk")))))
    assert image.size == (1200, 630)


def test_the_sitemap_dates_each_page_from_its_content(published, model):
    sitemap = ElementTree.parse(published / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
               for url in sitemap.findall("s:url", ns)}
    for item in model.claims.values():
        assert lastmod[SITE_URL + item.url] == item.claim.updated
    for source_id in model.sources:
        claims = model.claims_by_source.get(source_id, [])
        expected = max((c.claim.updated for c in claims), default=None)
        assert lastmod[f"{SITE_URL}sources/{source_id}.html"] == expected
    assert lastmod[SITE_URL + "index.html"] == model.latest_update()
    assert lastmod[SITE_URL + "methodology.html"] is None, "a hand-written page gives no date: none is made up"
