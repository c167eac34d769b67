"""Share cards: the PNG images a link preview shows (og:image, twitter:image), drawn at build time.

One card per claim (the claim, its verdict in words, the site's name) and one for every other page
(the site's name and its verdict counts). Drawn with Pillow in DejaVu Sans, shipped in fonts/ so that
every machine draws the same letters; no date or randomness goes in, so the same content gives the
same bytes. Those bytes are kept in the repository's cache (.factcheck-cache/) by their inputs, so a
build draws only the cards whose claim, verdict or site name changed.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from PIL import Image, ImageColor, ImageDraw, ImageFont, features

from .checkcache import keyed_entry, store
from .publishing import SiteInfo
from .site import AnchoredClaim, SiteModel

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONTS = Path(__file__).parent / "fonts"
INK, MUTED, PAPER, BADGE_TEXT = "#1a1a1a", "#4d4d4d", "#ffffff", "#ffffff"
SITE_CARD = "cards/site.png"
MAX_CHARACTERS = 600
CARD_FORMAT = b"share-card 1"
DIGEST_BYTES = 32


def card_url(claim_id: str) -> str:
    return f"cards/{claim_id}.png"


@lru_cache(maxsize=None)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def claim_card(item: AnchoredClaim, info: SiteInfo, cache_root: Path | None = None) -> bytes:
    """The claim's card: the statement checked, then its verdict in words on the verdict's colour.
    With `cache_root` (the repository), a card drawn before for the same inputs is read, not drawn."""
    return _cached(cache_root, _draw_claim_card, info.name, item.claim.claim, item.verdict.label, item.verdict.colour)


def site_card(model: SiteModel, info: SiteInfo, cache_root: Path | None = None) -> bytes:
    """The card of every page that is not a claim: the site's name and what it has checked."""
    claims = list(model.claims.values())
    counts = ", ".join(f"{count} {verdict.label.lower()}" for verdict, count in model.verdict_counts(claims))
    summary = f"{len(claims)} claims checked: {counts}" if claims else "No claims checked yet"
    return _cached(cache_root, _draw_site_card, info.name, info.description, summary + ".")


def _draw_claim_card(site_name: str, claim: str, verdict_label: str, verdict_colour: str) -> bytes:
    card = _Card(stripe=verdict_colour, inks=((MUTED, PAPER), (INK, PAPER), (BADGE_TEXT, verdict_colour)))
    card.text((MARGIN, 48), _fit_line(f"Fact-check · {site_name}", _font(28), WIDTH - 2 * MARGIN), _font(28), MUTED,
              repeated=True)
    card.paragraph(claim, top=120, bottom=440, sizes=(54, 48, 42, 36, 30))
    badge_font = _font(46, bold=True)
    label = _fit_line(f"Verdict: {verdict_label}", badge_font, WIDTH - 2 * MARGIN - 56)
    left, top = MARGIN, 470
    card.draw.rounded_rectangle((left, top, left + badge_font.getbbox(label)[2] + 56, top + 100), radius=14,
                                fill=card.index(verdict_colour))
    # White on the scale's colours meets WCAG AA (a test of the rating scale checks it).
    card.text((left + 28, top + 50), label, badge_font, BADGE_TEXT, background=verdict_colour, anchor="lm", repeated=True)
    return card.png()


def _draw_site_card(site_name: str, description: str, summary: str) -> bytes:
    card = _Card(stripe=INK, inks=((INK, PAPER), (MUTED, PAPER)))
    bottom = card.paragraph(site_name, top=110, bottom=330, sizes=(64, 56, 48, 40), bold=True)
    if description:
        card.paragraph(description, top=bottom + 24, bottom=460, sizes=(32, 28, 24), bold=False, colour=MUTED)
    card.paragraph(summary, top=490, bottom=590, sizes=(30, 26, 22), bold=False)
    return card.png()


def _cached(cache_root: Path | None, draw: Callable[..., bytes], *inputs: str) -> bytes:
    """`draw(*inputs)`, or the bytes it gave before for the same inputs, drawing code and fonts. An entry
    starts with the digest of the card it holds, so that a damaged one is drawn again, never served."""
    entry = None if cache_root is None else keyed_entry(cache_root, (
        CARD_FORMAT, _drawing_version(), draw.__name__.encode(),
        *(value.encode("utf-8", "surrogatepass") for value in inputs)), ".card")
    if entry is None:
        return draw(*inputs)
    try:
        stored = entry.read_bytes()
    except OSError:
        stored = b""
    digest, card = stored[:DIGEST_BYTES], stored[DIGEST_BYTES:]
    if card and hashlib.sha256(card).digest() == digest:
        return card
    card = draw(*inputs)
    store(entry, hashlib.sha256(card).digest() + card)
    return card


@lru_cache(maxsize=None)
def _drawing_version() -> bytes:
    """What else decides a card's pixels: this module's code, the fonts, and the Pillow and FreeType that draw."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for font in sorted(FONTS.iterdir()):
        digest.update(font.name.encode() + b"\0" + font.read_bytes() + b"\0")
    for library in ("pil", "freetype2", "raqm", "fribidi", "harfbuzz", "zlib"):
        digest.update(f"{library} {features.version(library)}\0".encode())
    return digest.digest()


class _Card:
    """A card drawn in palette colours from the start: several times cheaper to encode than a true-colour
    image, and smaller; converting a true-colour card afterwards would cost more than drawing it."""

    def __init__(self, stripe: str, inks: tuple[tuple[str, str], ...]):
        self.palette = _palette(inks)
        self.image = Image.new("L", (WIDTH, HEIGHT), self.index(PAPER))  # palette indices until png()
        self.draw = ImageDraw.Draw(self.image)
        self.draw.rectangle((0, 0, 20, HEIGHT), fill=self.index(stripe))

    def index(self, colour: str) -> int:
        return self.palette.indices[ImageColor.getrgb(colour)]

    def text(self, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont, ink: str,
             background: str = PAPER, anchor: str = "la", repeated: bool = False) -> None:
        """Set each pixel the text touches to the step of the ink's ramp that its coverage gives. A `repeated`
        text (one that every card shows, such as the site's name) is drawn once per process."""
        drawn = (_repeated_coverage if repeated else _coverage)(text, font, anchor)
        if drawn is not None:
            coverage, touched, left, top = drawn
            self.image.paste(coverage.point(self.palette.ramps[ink, background]), (xy[0] + left, xy[1] + top), touched)

    def paragraph(self, text: str, top: int, bottom: int, sizes: tuple[int, ...], bold: bool = True,
                  colour: str = INK) -> int:
        """Text wrapped to the card's width at the largest size that fits between top and bottom (the last
        line cut with an ellipsis if even the smallest does not); returns where the text ends."""
        width = WIDTH - 2 * MARGIN
        # More than the card can hold at its smallest size: the rest would be cut anyway.
        text = " ".join(text.split())[:MAX_CHARACTERS]
        for size in sizes:
            font = _font(size, bold)
            line_height = round(size * 1.25)
            lines = _wrap(text, font, width)
            if len(lines) * line_height <= bottom - top or size == sizes[-1]:
                break
        room = max(1, (bottom - top) // line_height)
        if len(lines) > room:
            lines = lines[:room]
            lines[-1] = _fit_line(lines[-1] + " …", font, width, force_ellipsis=True)
        for number, line in enumerate(lines):
            self.text((MARGIN, top + number * line_height), line, font, colour)
        return top + len(lines) * line_height

    def png(self) -> bytes:
        self.image.putpalette(self.palette.colours)
        out = io.BytesIO()
        # No metadata chunk (no time, no software name): the bytes depend on the pixels alone.
        self.image.save(out, format="PNG", optimize=False, compress_level=3)
        return out.getvalue()


@dataclass(frozen=True)
class _Palette:
    colours: bytes  # RGB triples
    indices: dict[tuple[int, ...], int]
    ramps: dict[tuple[str, str], list[int]]  # (ink, background) → palette index of each coverage level 0–255


@lru_cache(maxsize=64)
def _palette(inks: tuple[tuple[str, str], ...]) -> _Palette:
    """Each kind of text (an ink on a background) gets a ramp of palette entries from background to ink; an
    anti-aliased glyph's coverage maps to the nearest step of its ramp. The ramps share the palette's 256
    entries, steps one to three levels of 255 apart: no reader tells them from true colour."""
    indices: dict[tuple[int, ...], int] = {}
    ramps = {}
    steps = 256 // len(inks)
    for ink, background in inks:
        ink_rgb, background_rgb = ImageColor.getrgb(ink), ImageColor.getrgb(background)
        ramp = []
        for step in range(steps):
            colour = tuple(round(b + (i - b) * step / (steps - 1)) for i, b in zip(ink_rgb, background_rgb))
            ramp.append(indices.setdefault(colour, len(indices)))
        ramps[ink, background] = [ramp[round(level * (steps - 1) / 255)] for level in range(256)]
    return _Palette(b"".join(bytes(colour) for colour in indices), indices, ramps)


_TOUCHED = [0] + [255] * 255  # the pixels a glyph covers at all


def _coverage(text: str, font: ImageFont.FreeTypeFont, anchor: str) -> tuple[Image.Image, Image.Image, int, int] | None:
    """The text drawn apart in white on black (how much of each pixel its glyphs cover), the pixels they touch,
    and where that box sits from the text's anchor."""
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    if right <= left or bottom <= top:
        return None
    coverage = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(coverage).text((-left, -top), text, font=font, fill=255, anchor=anchor)
    return coverage, coverage.point(_TOUCHED), left, top


_repeated_coverage = lru_cache(maxsize=64)(_coverage)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line (a long address, text without spaces) is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:
            cut = _longest_fitting(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit_line(text: str, font: ImageFont.FreeTypeFont, width: int,
              force_ellipsis: bool = False) -> str:
    """One line, shortened with an ellipsis to fit the width."""
    text = " ".join(text.split())
    if font.getlength(text) <= width and not force_ellipsis:
        return text
    text = text[:MAX_CHARACTERS].removesuffix(" …").removesuffix("…")
    room = width - font.getlength("…")
    return text[:_longest_fitting(text, font, room) if text else 0].rstrip() + "…"


def _longest_fitting(text: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """How many characters of `text` fit in the width (at least 1), by bisection."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low
