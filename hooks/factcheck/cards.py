"""Share cards: the PNG images a link preview shows (og:image, twitter:image), drawn at build time.

One card per claim (the claim, its verdict in words, the site's name) and one for every other page
(the site's name and its verdict counts). Drawn with Pillow in DejaVu Sans, shipped in fonts/ so that
every machine draws the same letters; no date or randomness goes in, so the same content gives the
same bytes.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .publishing import SiteInfo
from .site import AnchoredClaim, SiteModel

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONTS = Path(__file__).parent / "fonts"
INK, MUTED, PAPER = "#1a1a1a", "#4d4d4d", "#ffffff"
SITE_CARD = "cards/site.png"
MAX_CHARACTERS = 600


def card_url(claim_id: str) -> str:
    return f"cards/{claim_id}.png"


@lru_cache(maxsize=None)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def claim_card(item: AnchoredClaim, info: SiteInfo) -> bytes:
    """The claim's card: the statement checked, then its verdict in words on the verdict's colour."""
    image, draw = _canvas(item.verdict.colour)
    draw.text((MARGIN, 48), _fit_line(draw, f"Fact-check · {info.name}", _font(28), WIDTH - 2 * MARGIN), font=_font(28), fill=MUTED)
    _paragraph(draw, item.claim.claim, top=120, bottom=440, sizes=(54, 48, 42, 36, 30))
    badge_font = _font(46, bold=True)
    label = _fit_line(draw, f"Verdict: {item.verdict.label}", badge_font, WIDTH - 2 * MARGIN - 56)
    box = draw.textbbox((0, 0), label, font=badge_font)
    left, top = MARGIN, 470
    draw.rounded_rectangle((left, top, left + box[2] + 56, top + 100), radius=14, fill=item.verdict.colour)
    # White on the scale's colours meets WCAG AA (a test of the rating scale checks it).
    draw.text((left + 28, top + 50), label, font=badge_font, fill="#ffffff", anchor="lm")
    return _png(image)


def site_card(model: SiteModel, info: SiteInfo) -> bytes:
    """The card of every page that is not a claim: the site's name and what it has checked."""
    image, draw = _canvas(INK)
    bottom = _paragraph(draw, info.name, top=110, bottom=330, sizes=(64, 56, 48, 40), bold=True)
    if info.description:
        _paragraph(draw, info.description, top=bottom + 24, bottom=460, sizes=(32, 28, 24), bold=False, colour=MUTED)
    claims = list(model.claims.values())
    counts = ", ".join(f"{count} {verdict.label.lower()}" for verdict, count in model.verdict_counts(claims))
    summary = f"{len(claims)} claims checked: {counts}" if claims else "No claims checked yet"
    _paragraph(draw, summary + ".", top=490, bottom=590, sizes=(30, 26, 22), bold=False)
    return _png(image)


def _canvas(stripe: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 20, HEIGHT), fill=stripe)
    return image, draw


def _paragraph(draw: ImageDraw.ImageDraw, text: str, top: int, bottom: int, sizes: tuple[int, ...],
               bold: bool = True, colour: str = INK) -> int:
    """Text wrapped to the card's width at the largest size that fits between top and bottom (the last
    line cut with an ellipsis if even the smallest does not); returns where the text ends."""
    width = WIDTH - 2 * MARGIN
    # More than the card can hold at its smallest size: the rest would be cut anyway.
    text = " ".join(text.split())[:MAX_CHARACTERS]
    for size in sizes:
        font = _font(size, bold)
        line_height = round(size * 1.25)
        lines = _wrap(draw, text, font, width)
        if len(lines) * line_height <= bottom - top or size == sizes[-1]:
            break
    room = max(1, (bottom - top) // line_height)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = _fit_line(draw, lines[-1] + " …", font, width, force_ellipsis=True)
    for number, line in enumerate(lines):
        draw.text((MARGIN, top + number * line_height), line, font=font, fill=colour)
    return top + len(lines) * line_height


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line (a long address, text without spaces) is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while draw.textlength(word, font=font) > width:
            cut = _longest_fitting(draw, word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit_line(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
              force_ellipsis: bool = False) -> str:
    """One line, shortened with an ellipsis to fit the width."""
    text = " ".join(text.split())
    if draw.textlength(text, font=font) <= width and not force_ellipsis:
        return text
    text = text[:MAX_CHARACTERS].removesuffix(" …").removesuffix("…")
    room = width - draw.textlength("…", font=font)
    return text[:_longest_fitting(draw, text, font, room) if text else 0].rstrip() + "…"


def _longest_fitting(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """How many characters of `text` fit in the width (at least 1), by bisection."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if draw.textlength(text[:middle], font=font) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No metadata chunk (no time, no software name): the bytes depend on the pixels alone.
    image.save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()
