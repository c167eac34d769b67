"""Link previews: a share card per claim, complete OpenGraph and Twitter tags on every page, and the
sitemap dated from the content."""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import threading
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import ScratchRepo, file_bytes, secret_from
from factdesk import cards
from factdesk.cards import claim_card, site_card
from factdesk.checkcache import CACHE_FOLDER
from factdesk.exports import export_files
from factdesk.generation import generate, write_docs
from factdesk.publishing import Publisher, SiteInfo
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.typefaces import card_fonts

OG_REQUIRED = ("og:title", "og:type", "og:image", "og:url")  # the protocol's four required properties
OG_COMPLETE = OG_REQUIRED + ("og:description", "og:site_name", "og:image:alt", "og:image:width", "og:image:height",
                             "twitter:card", "twitter:title", "twitter:description", "twitter:image", "twitter:image:alt")
@pytest.fixture(scope="module")
def published(published_site) -> Path:
    return published_site


@pytest.fixture(scope="module")
def unaddressed(built_site) -> Path:
    return built_site


@pytest.fixture(scope="module")
def model(real_model):
    return real_model


@pytest.fixture(scope="module")
def site_url(real_desk) -> str:
    """Where the desk's published build says it is."""
    return real_desk.url


def html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html"]


def meta_of(html: str) -> dict[str, str]:
    found = {}
    for attribute, key, value in re.findall(r'<meta (property|name)="([^"]+)" content="([^"]*)"', html):
        if key.startswith(("og:", "twitter:")):
            assert (attribute == "property") == key.startswith("og:"), key
            found[key] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"')
    return found


def card_at(site: Path, address: str, site_url: str) -> Image.Image:
    assert address.startswith(site_url), address
    image = Image.open(io.BytesIO((site / address.removeprefix(site_url)).read_bytes()))
    assert image.format == "PNG" and image.size == (1200, 630)
    return image


def test_every_page_has_complete_opengraph_tags_and_a_card(published, site_url):
    for page in html_pages(published):
        meta = meta_of(page.read_text(encoding="utf-8"))
        missing = [key for key in OG_COMPLETE if not meta.get(key)]
        assert missing == [], f"{page.relative_to(published)} lacks {missing}"
        assert meta["og:url"] == site_url + page.relative_to(published).as_posix()
        assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        card_at(published, meta["og:image"], site_url)


def test_each_claim_page_shows_its_own_card_with_its_verdict_in_words(published, model, site_url):
    cards = set()
    for item in model.claims.values():
        meta = meta_of((published / item.url).read_text(encoding="utf-8"))
        assert meta["og:image"] == f"{site_url}cards/{item.id}.png"
        assert meta["og:image:alt"] == f"{item.verdict.label}: {item.claim.claim}"
        assert meta["og:title"] == f"{item.verdict.label}: {item.claim.claim}"
        image = card_at(published, meta["og:image"], site_url).convert("RGB")
        colour = tuple(int(item.verdict.colour[i:i + 2], 16) for i in (1, 3, 5))
        # The verdict badge is drawn in the verdict's colour over a large area, not just the edge stripe.
        counts = {pixel: count for count, pixel in image.crop((40, 440, 1200, 630)).getcolors(maxcolors=1 << 20)}
        assert counts.get(colour, 0) > 20000, item.id
        cards.add((published / meta["og:image"].removeprefix(site_url)).read_bytes())
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
    right_margin = image.convert("RGB").crop((1200 - cards.MARGIN + 8, 110, 1200, 450))
    assert right_margin.getcolors() == [(right_margin.width * right_margin.height, (255, 255, 255))], \
        "the claim stays inside the card's margins"



def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, content = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + content), kind
        chunks.append((kind, content))
        at += 12 + length
    return chunks


@pytest.mark.parametrize("claim", ["Profits rose by 12 percent in 2015.", "Word " * 400, "x"])
def test_cards_pass_a_strict_decoders_checks(repo, claim):
    """Every chunk's CRC and the image data's own checksum hold: strict decoders reject a card otherwise."""
    repo.source("doc", "A sentence.")
    repo.claim("c", "doc", "A sentence.", 0, 11, claim=claim)
    model = build_site(load_repository(repo.root))
    for card in (claim_card(model.claims["c"], INFO), site_card(model, INFO)):
        chunks = png_chunks(card)
        kinds = [kind for kind, _ in chunks]
        assert kinds[:2] == [b"IHDR", b"PLTE"] and set(kinds[2:-1]) == {b"IDAT"} and kinds[-1] == b"IEND"
        data = zlib.decompressobj()
        rows = data.decompress(b"".join(content for kind, content in chunks if kind == b"IDAT"))
        assert data.eof and not data.unused_data and len(rows) == 630 * (1 + 1200)


WORDS = ["the", "of", "inflation", "fell", "3.4%,", "AVAWAY", "Tyr", "équipe", "Правительство", "Ηκυβέρνηση",
         "قالت", "الحكومة", "中文", "部长说：2015年中国的经济增长了6.9%，这是二十五年来最慢的", "हिन्दी", "ภาษาไทย", "W" * 30, "https://example.org/a/path/that/is/wider/than/any/line/of/the/card/at/all/x"]


@settings(max_examples=60)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=90), size=st.sampled_from([54, 30]))
def test_claim_lines_fit_the_card_lose_nothing_and_are_as_full_as_they_can_be(words, size):
    text = " ".join(words)
    font, width = cards._font(card_fonts("en"), size, True, text), cards.WIDTH - 2 * cards.MARGIN
    lines = cards._wrap(text, font, width)
    assert all(font.getlength(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "a word too long for a line is cut, not lost"
    for line, following in zip(lines, lines[1:]):
        assert font.getlength(f"{line} {following.split(' ')[0]}") > width, "a line ends where its next word does not fit"
    assert cards._wrap(text, font, width, most=3) == lines[:3]


def test_the_sitemap_dates_each_page_from_its_content(published, model, site_url):
    sitemap = ElementTree.parse(published / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
               for url in sitemap.findall("s:url", ns)}
    for item in model.claims.values():
        assert lastmod[site_url + item.url] == item.claim.updated
    for source_id in model.sources:
        claims = model.claims_by_source.get(source_id, [])
        expected = max((c.claim.updated for c in claims), default=None)
        assert lastmod[f"{site_url}sources/{source_id}.html"] == expected
    assert lastmod[site_url + "index.html"] == model.latest_update()
    assert lastmod[site_url + "methodology.html"] is None, "a hand-written page gives no date: none is made up"


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def on_ramp(pixel: tuple[int, ...], ink: tuple[int, ...], background: tuple[int, ...]) -> bool:
    """The pixel is a blend of the ink over the background (one coverage for all three channels, within 2)."""
    span = max(abs(i - b) for i, b in zip(ink, background))
    channel = max(range(3), key=lambda c: abs(ink[c] - background[c]))
    coverage = (pixel[channel] - background[channel]) / (ink[channel] - background[channel]) if span else 0
    return -0.01 <= coverage <= 1.01 and all(
        abs(p - (b + (i - b) * coverage)) <= 2 for p, i, b in zip(pixel, ink, background))


@pytest.mark.parametrize("colour", ["#1b6e3a", "#a11b1b", "#4a4f57", "#000000"])
def test_card_text_is_anti_aliased_in_its_exact_colours(repo, colour):
    """Ink, background and the verdict's colour are exact; glyph edges are smooth blends between them."""
    repo.source("doc", "A sentence.")
    repo.claim("c", "doc", "A sentence.", 0, 11, claim="Profits rose by 12 percent in 2015, the chairman said.")
    item = build_site(load_repository(repo.root)).claims["c"]
    item = type(item)(item.claim, item.span, item.number, type(item.verdict)(
        item.verdict.id, item.verdict.label, item.verdict.description, item.verdict.rank, colour))
    image = Image.open(io.BytesIO(claim_card(item, SiteInfo("Checks", "", Publisher("Desk"))))).convert("RGB")
    white, ink = (255, 255, 255), rgb(cards.INK)
    regions = {"claim": ((64, 120, 1136, 440), ink, white), "badge": ((64, 470, 300, 570), white, rgb(colour))}
    for name, (box, foreground, background) in regions.items():
        counts = {pixel: count for count, pixel in image.crop(box).getcolors(maxcolors=1 << 20)}
        assert counts.get(foreground, 0) > 500 and counts.get(background, 0) > 500, name
        assert all(on_ramp(pixel, foreground, background) for pixel in counts), name
        assert len(counts) > 40, f"{name}: glyph edges are blended, not jagged"
    assert image.getpixel((5, 300)) == rgb(colour), "the edge stripe"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch):
    with secret_from(monkeypatch, tmp_path / "cache-home"):
        yield tmp_path / "cache-home"


def card_repo(repo: ScratchRepo):
    repo.source("doc", "Profits rose. Costs fell.")
    repo.claim("c", "doc", "Profits rose.", 0, 13, claim="Profits rose by 12 percent in 2015.")
    repo.claim("d", "doc", "Costs fell.", 14, 25, claim="Costs fell.", verdict="misleading")
    return build_site(load_repository(repo.root))


def card_entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_FOLDER).rglob("*.card"))


INFO = SiteInfo("Checks", "What we checked.", Publisher("Desk"))


def test_cached_cards_are_the_bytes_drawn_and_are_read_without_drawing(repo, cache_home, monkeypatch):
    model = card_repo(repo)
    drawn = {item.id: claim_card(item, INFO) for item in model.claims.values()}
    assert card_entries(repo.root) == [], "without a cache root nothing is stored"
    first = {item.id: claim_card(item, INFO, repo.root) for item in model.claims.values()}
    assert first == drawn and len(card_entries(repo.root)) == 2
    site = site_card(model, INFO, repo.root)
    assert site == site_card(model, INFO)

    def no_drawing(*args, **kwargs):
        raise AssertionError("a cached card was drawn again")

    monkeypatch.setattr(cards, "_Card", no_drawing)
    assert {item.id: claim_card(item, INFO, repo.root) for item in model.claims.values()} == drawn
    assert site_card(model, INFO, repo.root) == site


@pytest.mark.parametrize("change", ["claim", "verdict label", "verdict colour", "site name", "site description"])
def test_a_changed_input_gives_its_own_card_from_a_warm_cache(repo, cache_home, change):
    model = card_repo(repo)
    item = model.claims["c"]
    claim_card(item, INFO, repo.root), site_card(model, INFO, repo.root)
    verdict, info = item.verdict, INFO
    if change == "claim":
        item = type(item)(type(item.claim)(**{**vars(item.claim), "claim": "Profits rose by 13 percent in 2015."}),
                          item.span, item.number, verdict)
    elif change.startswith("verdict"):
        field = "label" if change == "verdict label" else "colour"
        item = type(item)(item.claim, item.span, item.number,
                          type(verdict)(**{**vars(verdict), field: "Wrong" if field == "label" else "#a11b1b"}))
    else:
        field = "name" if change == "site name" else "description"
        info = SiteInfo(**{**vars(INFO), field: "Other"})
    if change != "site description":
        assert claim_card(item, info, repo.root) == claim_card(item, info) != claim_card(model.claims["c"], INFO)
    if change.startswith("site"):
        assert site_card(model, info, repo.root) == site_card(model, info) != site_card(model, INFO)


def test_card_entries_made_with_another_secret_are_ignored(repo, tmp_path, monkeypatch):
    """A pull request may commit a cache folder full of cards; without this machine's secret they never match."""
    model = card_repo(repo)
    item, other = model.claims["c"], model.claims["d"]
    with secret_from(monkeypatch, tmp_path / "elsewhere"):
        claim_card(item, INFO, repo.root)
        claim_card(other, INFO, repo.root)
    wrong = claim_card(other, INFO)
    for entry in card_entries(repo.root):  # every entry now holds the other claim's card, well formed
        entry.write_bytes(hashlib.sha256(wrong).digest() + wrong)
    with secret_from(monkeypatch, tmp_path / "here"):
        assert claim_card(item, INFO, repo.root) == claim_card(item, INFO) != wrong


@pytest.mark.parametrize("damage", ["cut short", "one byte changed", "empty", "digest alone", "a folder"])
def test_a_damaged_card_entry_is_drawn_again_not_served(repo, cache_home, damage):
    model = card_repo(repo)
    item = model.claims["c"]
    drawn = claim_card(item, INFO, repo.root)
    [entry] = card_entries(repo.root)
    stored = entry.read_bytes()
    if damage == "a folder":
        entry.unlink()
        entry.mkdir()
    else:
        entry.write_bytes({"cut short": stored[:-100], "one byte changed": stored[:500] + bytes([stored[500] ^ 1]) + stored[501:],
                           "empty": b"", "digest alone": stored[:32]}[damage])
    assert claim_card(item, INFO, repo.root) == drawn
    if damage != "a folder":
        assert entry.read_bytes() == stored, "the entry is repaired"


def test_a_build_stores_its_cards_and_the_next_build_gives_the_same_files(repo, cache_home):
    repo.settings()
    model = card_repo(repo)
    first = generate(repo.root, {}).files()
    assert len(card_entries(repo.root)) == len(model.claims) + 1, "one entry per claim card and one for the site card"
    second = generate(repo.root, {})
    assert second.files() == first
    assert {name: file_bytes(content) for name, content in first.items() if name.startswith("cards/")} == {
        name: content for name, content in export_files(second.model, second.info).items() if name.startswith("cards/")}


def test_a_build_hands_on_each_card_the_cache_holds_as_that_file_and_the_others_as_bytes(repo, cache_home, tmp_path,
                                                                                          monkeypatch):
    """A card in the cache is copied from there (thirty thousand cards are 600 MB a build would otherwise hold);
    the written site holds the same bytes either way."""
    repo.settings()
    card_repo(repo)
    site = generate(repo.root, {})
    handed = {name: content for name, content in site.files().items() if name.startswith("cards/")}
    assert all(isinstance(content, Path) for content in handed.values())
    assert set(handed.values()) == set(card_entries(repo.root))
    written = tmp_path / "written"
    write_docs(site, repo.root / "docs", written)
    assert {name: (written / name).read_bytes() for name in handed} == {
        name: content for name, content in export_files(site.model, site.info).items() if name.startswith("cards/")}
    monkeypatch.setattr(cards, "keyed_entry", lambda *args: None)  # no cache on this machine: the cards as bytes
    assert {name: content for name, content in generate(repo.root, {}).files().items() if name.startswith("cards/")} \
        == {name: (written / name).read_bytes() for name in handed}


def many_cards_repo(repo: ScratchRepo):
    """Claims in several scripts and verdicts, enough to be shared between processes."""
    text = ("Profits rose by 12 percent. Les ventes ont baissé. 部长说经济增长了。 قالت الحكومة إن الأسعار ارتفعت. "
            "Правительство согласилось. हिन्दी में लिखा है। The regulator disagreed.")
    repo.source("doc", text)
    sentences = [s for s in re.split(r"(?<=[.。।])\s*", text) if s]
    for number, sentence in enumerate(sentences * 2):
        start = text.index(sentence)
        repo.claim(f"c{number}", "doc", sentence, start, start + len(sentence), claim=f"{sentence} ({number})",
                   verdict=("accurate", "inaccurate", "mostly-accurate")[number % 3])
    return build_site(load_repository(repo.root))


class PoolsStarted:
    def __init__(self, monkeypatch):
        self.pools = []
        original = cards.ProcessPoolExecutor
        outer = self

        class Recorded(original):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                outer.pools.append(self._max_workers)

        monkeypatch.setattr(cards, "ProcessPoolExecutor", Recorded)


def test_cards_drawn_on_several_cores_are_the_bytes_drawn_one_by_one(repo, monkeypatch):
    model = many_cards_repo(repo)
    items = list(model.claims.values())
    monkeypatch.setattr(cards, "PER_PROCESS", 2)  # a handful of cards is enough to share out
    started = PoolsStarted(monkeypatch)
    together = cards.claim_cards(items, INFO, processes=3)
    assert started.pools == [3], "drawn by three processes"
    alone = cards.claim_cards(items, INFO, processes=1)
    assert started.pools == [3], "one process: drawn here"
    assert together == alone == {item.id: claim_card(item, INFO) for item in items}
    assert list(together) == [item.id for item in items]
    assert len(set(together.values())) == len(items)


def test_cards_drawn_on_several_cores_are_cached_by_this_process_and_read_back(repo, cache_home, monkeypatch):
    model = many_cards_repo(repo)
    items = list(model.claims.values())
    monkeypatch.setattr(cards, "PER_PROCESS", 2)
    drawn = cards.claim_cards(items, INFO, repo.root, processes=2)
    assert len(card_entries(repo.root)) == len(items)
    assert not list((repo.root / CACHE_FOLDER).rglob("*.tmp")), "no entry left half written"

    def no_drawing(*args, **kwargs):
        raise AssertionError("a cached card was drawn again")

    monkeypatch.setattr(cards, "_Card", no_drawing)
    assert cards.claim_cards(items, INFO, repo.root, processes=2) == drawn


def test_a_preview_running_other_threads_draws_its_cards_without_forking(repo, monkeypatch):
    model = many_cards_repo(repo)
    items = list(model.claims.values())
    monkeypatch.setattr(cards, "PER_PROCESS", 2)
    started = PoolsStarted(monkeypatch)
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)
    server.start()
    try:
        drawn = cards.claim_cards(items, INFO, processes=2)
    finally:
        stop.set()
        server.join()
    assert started.pools == [] and drawn == {item.id: claim_card(item, INFO) for item in items}


def test_a_cache_entry_read_is_marked_as_used_so_a_kept_cache_can_drop_the_rest(repo, cache_home):
    """The deploy keeps the cache between builds and deletes what is older than its build's start: entries a
    build reads must look as new as those it writes."""
    model = card_repo(repo)
    claim_card(model.claims["c"], INFO, repo.root)
    claim_card(model.claims["d"], INFO, repo.root)
    entries = card_entries(repo.root)
    for entry in entries:
        os.utime(entry, (1_000_000_000, 1_000_000_000))  # restored from an old cache
    claim_card(model.claims["c"], INFO, repo.root)
    used = {entry for entry in entries if entry.stat().st_mtime > 1_000_000_000}
    assert len(used) == 1 and len(entries) == 2
