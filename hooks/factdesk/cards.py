"""Share cards: the PNG images a link preview shows (og:image, twitter:image), drawn at build time.

One card per claim (the claim, its verdict in words, the site's name) and one for every other page
(the site's name and its verdict counts). Drawn with Pillow in the card fonts (typefaces.py: DejaVu Sans
and the fonts of other scripts, each word in the first that has it); no date or randomness goes in, so
the same content and fonts give the same bytes. Those bytes are kept in the repository's cache
(.factcheck-cache/) by their inputs, so a build draws only the cards whose claim, verdict, words or
fonts changed. An entry holds the PNG file alone, checked by the PNG format's own checksums when read: a
build hands the entry's path to the site generator, which copies it, and keeps no card in memory.
"""

from __future__ import annotations

import copy
import hashlib
import io
import math
import multiprocessing
import os
import re
import sys
import threading
import unicodedata
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Hashable, Iterable, Mapping

from PIL import Image, ImageColor, ImageDraw, ImageFont, features

from .checkcache import keyed_entry, read_entry, store
from .publishing import SiteInfo
from .reuse import Reuse
from .site import AnchoredClaim, SiteModel
from .typefaces import SHIPPED, CardFonts, card_fonts

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
INK, MUTED, PAPER, BADGE_TEXT = "#1a1a1a", "#4d4d4d", "#ffffff", "#ffffff"
SITE_CARD = "cards/site.png"
MAX_CHARACTERS = 600
CARD_FORMAT = b"share-card 5"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Card = bytes | Path  # a card's bytes, or the cache entry that holds them (see `claim_card_files`)


def card_url(claim_id: str) -> str:
    return f"cards/{claim_id}.png"


@lru_cache(maxsize=None)
def _truetype(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index)


def _font(fonts: CardFonts, size: int, bold: bool, text: str) -> ImageFont.FreeTypeFont | _Fallback:
    """The card fonts at `size` for `text`: the first font alone when it has every character (one font is
    measured and drawn fastest, and as before), else the fonts word by word."""
    if all(fonts.has(0, bold, character) for character in set(text)):
        first = fonts.typefaces[0]
        return _truetype(first.path(bold), first.index, size)
    return _fallback(fonts, size, bold)


def claim_card(item: AnchoredClaim, info: SiteInfo, cache_root: Path | None = None,
               fonts: CardFonts | None = None) -> bytes:
    """The claim's card: the statement checked, then its verdict in words on the verdict's colour.
    With `cache_root` (the repository), a card drawn before for the same inputs is read, not drawn.
    `fonts`: the machine's card fonts for the site's language, when already looked for."""
    return _cached(cache_root, _draw_claim_card, fonts or card_fonts(info.language), *_claim_inputs(item, info))


def claim_cards(items: Iterable[AnchoredClaim], info: SiteInfo, cache_root: Path | None = None,
                fonts: CardFonts | None = None, processes: int | None = None) -> dict[str, bytes]:
    """`claim_card` of each claim, by claim id: the cache read first, then the cards it lacks drawn together,
    on every core (or `processes` of them) when there are enough to be worth starting processes for. The
    bytes are the same as drawn one by one; only this process writes the cache."""
    return _claim_cards(items, info, cache_root, fonts, processes, as_files=False)  # type: ignore[return-value]


def claim_card_files(items: Iterable[AnchoredClaim], info: SiteInfo, cache_root: Path | None = None,
                     fonts: CardFonts | None = None) -> dict[str, Card]:
    """`claim_cards`, each card given as the path of the cache entry that holds it (a regular file of the PNG
    alone, checked), or as its bytes when the cache cannot keep it: thirty thousand cards are 600 MB."""
    return _claim_cards(items, info, cache_root, fonts, None, as_files=True)


def claim_card_files_by_source(claims_of: Mapping[str, tuple[AnchoredClaim, ...]], info: SiteInfo, cache_root: Path | None,
                               fonts: CardFonts, reuse: Reuse) -> dict[str, Card]:
    """`claim_card_files` of every claim (`claims_of`: source id → its claims), by card URL in the order of the claims'
    ids. With `reuse` (of an earlier run), the cards of a source whose claims are the very claims of last time are
    reused at once; in a source that changed, only the cards whose text changed are looked for again, and those no
    earlier run made are drawn together (on every core when there are many)."""
    fonts_key = fonts.key()  # the fonts by their digest: a source's inputs compare them at once
    wanted = {("cards", source_id): (claims, info, fonts_key) for source_id, claims in claims_of.items() if claims}

    def changed(keys: list[Hashable]) -> dict[Hashable, dict[str, Card]]:
        cards: dict[str, Card] = {}  # by claim id
        for key in keys:  # a claim's card of last time, when its text and the fonts are unchanged
            last = reuse.last(key)
            if last is not None and last[0][1:] == (info, fonts_key):  # type: ignore[index]
                earlier = {item.id: _claim_inputs(item, info) for item in last[0][0]}  # type: ignore[index]
                cards.update((item.id, last[1][item.id]) for item in wanted[key][0]  # type: ignore[index]
                             if earlier.get(item.id) == _claim_inputs(item, info))
        cards.update(claim_card_files([item for key in keys for item in wanted[key][0] if item.id not in cards],
                                      info, cache_root, fonts))
        return {key: {item.id: cards[item.id] for item in wanted[key][0]} for key in keys}

    return reuse.joined("cards", list(reuse.get_all(wanted, changed).values()), _by_card_url)


def _by_card_url(parts: tuple[dict[str, Card], ...]) -> dict[str, Card]:
    """The cards of every source (claim id → card) as one dictionary, card URL → card, in the order of the ids."""
    cards = {claim_id: card for part in parts for claim_id, card in part.items()}
    return {card_url(claim_id): cards[claim_id] for claim_id in sorted(cards)}


def _claim_cards(items: Iterable[AnchoredClaim], info: SiteInfo, cache_root: Path | None, fonts: CardFonts | None,
                 processes: int | None, as_files: bool) -> dict[str, Card]:
    fonts = fonts or card_fonts(info.language)
    wanted = {item.id: _claim_inputs(item, info) for item in items}
    entries = {key: _entry(cache_root, _draw_claim_card, fonts, inputs) for key, inputs in wanted.items()}
    cards: dict[str, Card | None] = {}
    for key, entry in entries.items():
        card = _read(entry)
        cards[key] = entry if as_files and card is not None else card
    missing = [key for key, card in cards.items() if card is None]
    for key, card in zip(missing, _draw_all(fonts, [wanted[key] for key in missing], processes)):
        stored = _store(entries[key], card)
        cards[key] = entries[key] if as_files and stored else card
    return cards  # type: ignore[return-value]


def _claim_inputs(item: AnchoredClaim, info: SiteInfo) -> tuple[str, str, str, str]:
    return (info.card_heading_text(), item.claim.claim, info.card_verdict_text(item.verdict.label),
            item.verdict.colour)


# Each process draws at least this many cards: starting one costs more than drawing fewer (about 3 ms a card).
PER_PROCESS = 256


def _draw_all(fonts: CardFonts, jobs: list[tuple[str, ...]], processes: int | None) -> list[bytes]:
    """Claim cards for `jobs` (their inputs), in order; on several processes when there are many."""
    processes = min(processes or _cores(), len(jobs) // PER_PROCESS)
    # Workers are forked: they start with the engine and its fonts loaded, and need not import anything (a
    # fresh interpreter would run the caller's main script again). Forking a process that runs other threads
    # (the preview's server, after its first build) could leave a lock one of them held held for good: there,
    # and where fork is not the way to start a process (macOS, Windows), the cards are drawn here.
    if processes < 2 or sys.platform != "linux" or threading.active_count() > 1:
        return [_draw_claim_card(fonts, *inputs) for inputs in jobs]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_draw_claim_job, [(fonts, inputs) for inputs in jobs],
                             chunksize=max(1, len(jobs) // (processes * 8))))


def _draw_claim_job(job: tuple[CardFonts, tuple[str, ...]]) -> bytes:
    fonts, inputs = job
    return _draw_claim_card(fonts, *inputs)


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def site_card(model: SiteModel, info: SiteInfo, cache_root: Path | None = None,
              fonts: CardFonts | None = None) -> bytes:
    """The card of every page that is not a claim: the site's name and what it has checked."""
    return _cached(cache_root, _draw_site_card, fonts or card_fonts(info.language), *_site_inputs(model, info))


def site_card_file(model: SiteModel, info: SiteInfo, cache_root: Path | None = None,
                   fonts: CardFonts | None = None) -> Card:
    """`site_card`, as the path of its cache entry when the cache holds it (see `claim_card_files`)."""
    fonts = fonts or card_fonts(info.language)
    inputs = _site_inputs(model, info)
    entry = _entry(cache_root, _draw_site_card, fonts, inputs)
    if _read(entry) is not None:
        return entry  # type: ignore[return-value]
    card = _draw_site_card(fonts, *inputs)
    return entry if _store(entry, card) else card  # type: ignore[return-value]


def _site_inputs(model: SiteModel, info: SiteInfo) -> tuple[str, str, str]:
    claims = list(model.claims.values())
    counts = ", ".join(f"{count} {verdict.label.lower()}" for verdict, count in model.verdict_counts(claims))
    summary = f"{info.card_summary_text(len(claims))}: {counts}" if claims else info.card_summary_text(0)
    return info.name, info.description, summary + "."


def _draw_claim_card(fonts: CardFonts, heading: str, claim: str, verdict: str, verdict_colour: str) -> bytes:
    # The stripe, the header and the badge are the same on every card of a verdict: drawn once per process.
    card = _claim_frame(fonts, heading, verdict_colour).copy()
    card.paragraph(fonts, claim, top=120, bottom=440, sizes=(54, 48, 42, 36, 30))
    card.put(*_verdict_badge(fonts, verdict, verdict_colour))
    return card.png()


def _claim_inks(verdict_colour: str) -> tuple[tuple[str, str], ...]:
    # The claim's ink first: its ramp is then the palette's first entries, so the claim's lines drawn in steps of
    # that ramp are already palette indices.
    return (INK, PAPER), (MUTED, PAPER), (BADGE_TEXT, verdict_colour)


@lru_cache(maxsize=32)
def _claim_frame(fonts: CardFonts, heading: str, verdict_colour: str) -> _Card:
    """What a claim card shows above its claim: the verdict's stripe and the heading (the site's name)."""
    card = _Card(stripe=verdict_colour, inks=_claim_inks(verdict_colour))
    font = _font(fonts, 28, False, heading)
    line = _fit_line(heading, font, WIDTH - 2 * MARGIN)
    card.text((_line_start(line, font, _right_to_left(heading)), 48), line, font, MUTED)
    return card


@lru_cache(maxsize=64)
def _verdict_badge(fonts: CardFonts, verdict: str, verdict_colour: str) -> tuple[Image.Image, tuple[int, int], Image.Image]:
    """The verdict in words on the verdict's colour (palette indices on paper), where it goes, and the pixels
    it covers."""
    card = _Card(stripe=None, inks=_claim_inks(verdict_colour))
    covered = Image.new("L", card.image.size)
    badge_font = _font(fonts, 46, True, verdict)
    label = _fit_line(verdict, badge_font, WIDTH - 2 * MARGIN - 56)
    left, top = MARGIN, 470
    box = (left, top, left + badge_font.getbbox(label)[2] + 56, top + 100)
    card.rectangle(box, fill=verdict_colour, radius=14)
    ImageDraw.Draw(covered).rounded_rectangle(box, radius=14, fill=255)
    # White on the scale's colours meets WCAG AA (a test of the rating scale checks it).
    touched = card.text((left + 28, top + 50), label, badge_font, BADGE_TEXT, background=verdict_colour, anchor="lm")
    if touched is not None:
        covered.paste(255, touched[1], touched[0])
    bounds = covered.getbbox() or (0, 0, 1, 1)
    return card.image.crop(bounds), bounds[:2], covered.crop(bounds)


def _draw_site_card(fonts: CardFonts, site_name: str, description: str, summary: str) -> bytes:
    card = _Card(stripe=INK, inks=((INK, PAPER), (MUTED, PAPER)))
    bottom = card.paragraph(fonts, site_name, top=110, bottom=330, sizes=(64, 56, 48, 40), bold=True)
    if description:
        card.paragraph(fonts, description, top=bottom + 24, bottom=460, sizes=(32, 28, 24), bold=False, colour=MUTED)
    card.paragraph(fonts, summary, top=490, bottom=590, sizes=(30, 26, 22), bold=False)
    return card.png()


def _cached(cache_root: Path | None, draw: Callable[..., bytes], fonts: CardFonts, *inputs: str) -> bytes:
    """`draw(fonts, *inputs)`, or the bytes it gave before for the same inputs, fonts and drawing code."""
    entry = _entry(cache_root, draw, fonts, inputs)
    card = _read(entry)
    if card is None:
        card = draw(fonts, *inputs)
        _store(entry, card)
    return card


def _entry(cache_root: Path | None, draw: Callable[..., bytes], fonts: CardFonts, inputs: tuple[str, ...]) -> Path | None:
    """Where the cache keeps the card `draw` gives for these inputs; None without a cache."""
    return None if cache_root is None else keyed_entry(cache_root, (
        CARD_FORMAT, _drawing_version(), fonts.key(), draw.__name__.encode(),
        *(value.encode("utf-8", "surrogatepass") for value in inputs)), ".card")


def _read(entry: Path | None) -> bytes | None:
    """The card an entry holds; None when there is none, or a damaged one (each chunk of a PNG file carries its
    checksum, and the file ends with its end chunk: a damaged or cut-short entry is drawn again, never served)."""
    if entry is None:
        return None
    try:
        card = read_entry(entry)
    except OSError:
        return None
    return card if _whole_png(card) else None


def _whole_png(data: bytes) -> bool:
    """Whether `data` is a PNG file whose every chunk is whole and matches its checksum, ending with IEND."""
    if not data.startswith(PNG_SIGNATURE):
        return False
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        end = position + 12 + length
        if end > len(data):
            return False
        kind = data[position + 4:position + 8]
        if zlib.crc32(data[position + 4:end - 4]) != int.from_bytes(data[end - 4:end], "big"):
            return False
        if kind == b"IEND":
            return end == len(data)
        position = end
    return False


def _store(entry: Path | None, card: bytes) -> bool:
    """Keep the card in its entry; whether it was kept."""
    return entry is not None and store(entry, card)


@lru_cache(maxsize=None)
def _drawing_version() -> bytes:
    """What else decides a card's pixels: this module's code, the shipped fonts, and the Pillow and FreeType that
    draw (the system's fonts are in `CardFonts.key`)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for font in sorted(SHIPPED.iterdir()):
        digest.update(font.name.encode() + b"\0" + font.read_bytes() + b"\0")
    for library in ("pil", "freetype2", "raqm", "fribidi", "harfbuzz", "zlib"):
        digest.update(f"{library} {features.version(library)}\0".encode())
    return digest.digest()


class _Card:
    """A card drawn in palette colours from the start: several times cheaper to encode than a true-colour
    image, and smaller; converting a true-colour card afterwards would cost more than drawing it."""

    def __init__(self, stripe: str | None, inks: tuple[tuple[str, str], ...]):
        self.palette = _palette(inks)
        self.image = Image.new("L", (WIDTH, HEIGHT), self.index(PAPER))  # palette indices until png()
        self.drawn: list[tuple[int, int, int, int]] = []  # boxes that may hold something other than paper
        if stripe is not None:
            self.rectangle((0, 0, 20, HEIGHT), fill=stripe)

    def copy(self) -> _Card:
        card = copy.copy(self)
        card.image, card.drawn = self.image.copy(), list(self.drawn)
        return card

    def index(self, colour: str) -> int:
        return self.palette.indices[ImageColor.getrgb(colour)]

    def rectangle(self, box: tuple[int, int, int, int], fill: str, radius: int = 0) -> None:
        ImageDraw.Draw(self.image).rounded_rectangle(box, radius=radius, fill=self.index(fill))
        self.drawn.append((box[0], box[1], box[2] + 1, box[3] + 1))

    def text(self, xy: tuple[int, int], text: str, font: ImageFont.FreeTypeFont | _Fallback, ink: str,
             background: str = PAPER, anchor: str = "la") -> tuple[Image.Image, tuple[int, int]] | None:
        """Set each pixel the text touches to the step of the ink's ramp that its coverage gives; returns those
        pixels and where they start."""
        drawn = _coverage(text, font, anchor)
        if drawn is None:
            return None
        coverage, touched, left, top = drawn
        at = (xy[0] + left, xy[1] + top)
        self.image.paste(coverage.point(self.palette.ramps[ink, background]), at, touched)
        self.drawn.append((*at, at[0] + coverage.width, at[1] + coverage.height))
        return touched, at

    def put(self, image: Image.Image, at: tuple[int, int], covered: Image.Image | Callable[[], Image.Image]) -> None:
        """Paste `image` (palette indices, paper where it shows nothing) over the pixels `covered` marks. Where
        nothing was drawn before, the card is paper there too: a plain copy gives the same pixels, much faster."""
        box = (*at, at[0] + image.width, at[1] + image.height)
        if any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
               for other in self.drawn):
            self.image.paste(image, at, covered() if callable(covered) else covered)
        else:
            self.image.paste(image, at)
        self.drawn.append(box)

    def paragraph(self, fonts: CardFonts, text: str, top: int, bottom: int, sizes: tuple[int, ...], bold: bool = True,
                  colour: str = INK) -> int:
        """Text wrapped to the card's width at the largest size that fits between top and bottom (the last
        line cut with an ellipsis if even the smallest does not); returns where the text ends. Text that
        begins right to left (Arabic, Hebrew) is set flush right."""
        width = WIDTH - 2 * MARGIN
        # More than the card can hold at its smallest size: the rest would be cut anyway.
        text = " ".join(text.split())[:MAX_CHARACTERS]
        right_to_left = _right_to_left(text)
        for size in sizes:
            font = _font(fonts, size, bold, text)
            line_height = round(size * 1.25)
            room = max(1, (bottom - top) // line_height)
            # A line more than the room tells that the text does not fit at this size: no need to wrap the rest.
            lines = _wrap(text, font, width, most=room + 1)
            if len(lines) * line_height <= bottom - top or size == sizes[-1]:
                break
        if len(lines) > room:
            lines = lines[:room]
            lines[-1] = _fit_line(lines[-1] + " …", font, width, force_ellipsis=True)
        # The lines drawn together, in the ramp's steps: Pillow blends a glyph's coverage c (0-255) of ink s over
        # 0 as round(c * s / 255), never a tie, the step the ramp gives that coverage. Lines whose glyphs overlap
        # (stacked accents) merge there; the masks of separate lines used to cut into the line above.
        steps = self.palette.steps[colour, PAPER]
        layer = Image.new("L", self.image.size)
        draw = ImageDraw.Draw(layer)
        for number, line in enumerate(lines):
            _draw_text(draw, (_line_start(line, font, right_to_left), top + number * line_height), line, font,
                       len(steps) - 1, direction="rtl" if right_to_left else "ltr")
        bounds = layer.getbbox()
        if bounds is not None:
            drawn = layer.crop(bounds)
            # The palette's first ramp is its first entries: steps are already indices.
            indices = drawn if steps == list(range(len(steps))) else drawn.point(steps + [0] * (256 - len(steps)))
            self.put(indices, bounds[:2], lambda: drawn.point(_TOUCHED))
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
    steps: dict[tuple[str, str], list[int]]  # (ink, background) → palette index of each step from background to ink
    ramps: dict[tuple[str, str], list[int]]  # (ink, background) → palette index of each coverage level 0–255


@lru_cache(maxsize=64)
def _palette(inks: tuple[tuple[str, str], ...]) -> _Palette:
    """Each kind of text (an ink on a background) gets a ramp of palette entries from background to ink; an
    anti-aliased glyph's coverage maps to the nearest step of its ramp. The ramps share the palette's 256
    entries, steps one to three levels of 255 apart: no reader tells them from true colour."""
    indices: dict[tuple[int, ...], int] = {}
    steps, ramps = {}, {}
    count = 256 // len(inks)
    for ink, background in inks:
        ink_rgb, background_rgb = ImageColor.getrgb(ink), ImageColor.getrgb(background)
        ramp = []
        for step in range(count):
            colour = tuple(round(b + (i - b) * step / (count - 1)) for i, b in zip(ink_rgb, background_rgb))
            ramp.append(indices.setdefault(colour, len(indices)))
        steps[ink, background] = ramp
        ramps[ink, background] = [ramp[round(level * (count - 1) / 255)] for level in range(256)]
    return _Palette(b"".join(bytes(colour) for colour in indices), indices, steps, ramps)


_TOUCHED = [0] + [255] * 255  # the pixels a glyph covers at all


def _coverage(text: str, font: ImageFont.FreeTypeFont | _Fallback, anchor: str
              ) -> tuple[Image.Image, Image.Image, int, int] | None:
    """The text drawn apart in white on black (how much of each pixel its glyphs cover), the pixels they touch,
    and where that box sits from the text's anchor."""
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    if right <= left or bottom <= top:
        return None
    coverage = Image.new("L", (right - left, bottom - top))
    _draw_text(ImageDraw.Draw(coverage), (-left, -top), text, font, 255, anchor)
    return coverage, coverage.point(_TOUCHED), left, top


def _draw_text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont | _Fallback,
               fill: int, anchor: str = "la", direction: str | None = None) -> None:
    """Draw `text`; `direction` ("ltr" or "rtl", the paragraph's) orders a line that mixes directions."""
    if isinstance(font, _Fallback):
        font.draw(draw, xy, text, fill, anchor, direction)
    else:
        draw.text(xy, text, font=font, fill=fill, anchor=anchor, **_layout(direction))


@lru_cache(maxsize=1)
def _lays_out() -> bool:
    """Whether Pillow shapes and orders text (libraqm); without it, it takes no direction (see card_text.py)."""
    return features.check("raqm")


def _layout(direction: str | None) -> dict[str, str]:
    return {"direction": direction} if direction and _lays_out() else {}


def _right_to_left(text: str) -> bool:
    """Whether the text's first letter with a direction is written right to left (the paragraph's direction)."""
    return _direction(text) == "R"


def _direction(text: str) -> str | None:
    """"L" or "R": the direction of the text's first letter that has one; None when none has."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def _line_start(line: str, font: ImageFont.FreeTypeFont | _Fallback, right_to_left: bool) -> int:
    """Where a line starts: at the left margin, or so that it ends at the right margin."""
    return round(WIDTH - MARGIN - font.getlength(line)) if right_to_left else MARGIN


@lru_cache(maxsize=None)
def _fallback(fonts: CardFonts, size: int, bold: bool) -> _Fallback:
    return _Fallback(fonts, size, bold)


class _Fallback:
    """The card fonts at one size, for text that the first font cannot draw alone: each run of text in the
    font that has it (CardFonts.runs), the runs on one baseline in the order they show."""

    def __init__(self, fonts: CardFonts, size: int, bold: bool):
        self.fonts, self.size, self.bold = fonts, size, bold

    def face(self, font: int) -> ImageFont.FreeTypeFont:
        typeface = self.fonts.typefaces[font]
        return _truetype(typeface.path(self.bold), typeface.index, self.size)

    def getlength(self, text: str) -> float:
        return sum(self.face(font).getlength(part) for font, part in self.fonts.runs(text, self.bold))

    def getbbox(self, text: str, anchor: str = "la") -> tuple[int, int, int, int]:
        boxes = []
        for face, part, x, baseline, direction in self._placed(text, anchor, None):
            left, top, right, bottom = face.getbbox(part, anchor="ls", **_layout(direction))
            boxes.append((x + left, baseline + top, x + right, baseline + bottom))
        if not boxes:
            return 0, 0, 0, 0
        return (math.floor(min(box[0] for box in boxes)), math.floor(min(box[1] for box in boxes)),
                math.ceil(max(box[2] for box in boxes)), math.ceil(max(box[3] for box in boxes)))

    def draw(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fill: int, anchor: str = "la",
             direction: str | None = None) -> None:
        for face, part, x, baseline, run_direction in self._placed(text, anchor, direction):
            draw.text((xy[0] + x, xy[1] + baseline), part, font=face, fill=fill, anchor="ls", **_layout(run_direction))

    def _placed(self, text: str, anchor: str, direction: str | None
                ) -> list[tuple[ImageFont.FreeTypeFont, str, float, int, str | None]]:
        """Each run's font, text, where it starts from the anchor (x, and the baseline's y, placed by the first
        font's metrics as for text in that font alone) and its direction."""
        first = self.face(0)
        baseline = first.getbbox("x", anchor=anchor)[3] - first.getbbox("x", anchor="ls")[3]
        line = {"rtl": "R", "ltr": "L"}.get(direction or "") or _direction(text) or "L"
        placed, x = [], 0.0
        for font, part, run_direction in _visual_order(_directional(self.fonts.runs(text, self.bold), line), line):
            face, run_direction = self.face(font), "rtl" if run_direction == "R" else "ltr"
            placed.append((face, part, x, baseline, run_direction))
            x += face.getlength(part, **_layout(run_direction))
        return placed


def _directional(runs: list[tuple[int, str]], line: str) -> list[tuple[int, str, str]]:
    """The runs cut where the direction changes, in a line of direction `line` ("L" or "R"): (font, text, "L" or
    "R"), resolved as the bidirectional algorithm does, word by word: figures go with a left-to-right word before
    them, else right to left; punctuation and spaces take the direction of the words around them when both have
    the same, else the line's."""
    tokens = [(font, token, _direction(token)) for font, part in runs for token in re.split("( +)", part) if token]
    strong = [direction for _, _, direction in tokens]
    letters = list(strong)
    for number, (_, token, direction) in enumerate(tokens):
        if direction is None and any(unicodedata.bidirectional(character) == "EN" for character in token):
            before = next((d for d in reversed(letters[:number]) if d), line)
            strong[number] = "L" if before == "L" else "R"
    cut: list[tuple[int, str, str]] = []
    for number, (font, token, _) in enumerate(tokens):
        direction = strong[number]
        if direction is None:
            before = next((d for d in reversed(strong[:number]) if d), line)
            after = next((d for d in strong[number + 1:] if d), line)
            direction = before if before == after else line
        if cut and cut[-1][0] == font and cut[-1][2] == direction:
            cut[-1] = (font, cut[-1][1] + token, direction)
        else:
            cut.append((font, token, direction))
    return cut


def _visual_order(runs: list[tuple[int, str, str]], line: str) -> list[tuple[int, str, str]]:
    """The runs left to right as they show in a line of direction `line`: the bidirectional algorithm's
    reordering, run by run (each run's own characters are ordered by the layout engine)."""
    levels = [1 if direction == "R" else (2 if line == "R" else 0) for _, _, direction in runs]
    order = list(range(len(runs)))
    for level in range(max(levels, default=0), 0, -1):  # reverse each stretch at this level or higher
        number = 0
        while number < len(order):
            end = number
            while end < len(order) and levels[order[end]] >= level:
                end += 1
            order[number:end] = reversed(order[number:end])
            number = max(end, number + 1)
    return [runs[number] for number in order]


def _wrap(text: str, font: ImageFont.FreeTypeFont | _Fallback, width: int, most: int | None = None) -> list[str]:
    """Greedy word wrap (each line takes every next word that still fits); a word wider than the line (a long
    address, text without spaces) is cut. With `most`, only the first `most` lines."""
    words = text.split(" ")
    space = _guess_length(" ", font)
    guesses = [space + _guess_length(word, font) for word in words]  # each word with the space before it
    lines: list[str] = []
    line, start = "", 0  # the line being filled; the first word not on a line yet
    while start < len(words) and (most is None or len(lines) < most):
        count = _words_fitting(line, words, start, guesses, font, width)
        if count:
            line = " ".join([line, *words[start:start + count]] if line else words[start:start + count])
            start += count
            if start == len(words):
                break
        elif not line:
            word = words[start]
            start += 1
            while (most is None or len(lines) < most) and font.getlength(word) > width:
                cut = _longest_fitting(word, font, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
            continue
        lines.append(line)  # the next word does not fit after it
        line = ""
    if line:
        lines.append(line)
    return lines[:most]


def _words_fitting(line: str, words: list[str], start: int, guesses: list[float], font: ImageFont.FreeTypeFont | _Fallback,
                   width: int) -> int:
    """How many words from `start` fit after `line`, as adding them one at a time and measuring would find."""
    def fits(count: int) -> bool:
        taken = words[start:start + count]
        return font.getlength(" ".join([line, *taken] if line else taken)) <= width

    room = width - _guess_length(line, font) if line else width + _guess_length(" ", font)
    count = 0
    while start + count < len(words) and guesses[start + count] <= room:
        room -= guesses[start + count]
        count += 1
    return _largest_fitting(fits, count, 0, len(words) - start)


def _longest_fitting(text: str, font: ImageFont.FreeTypeFont | _Fallback, width: int) -> int:
    """How many characters of `text` fit in the width (at least 1)."""
    room, count = width, 0
    for character in text:
        room -= _guess_length(character, font)
        if room < 0:
            break
        count += 1
    return _largest_fitting(lambda length: font.getlength(text[:length]) <= width, count, 1, len(text))


def _largest_fitting(fits: Callable[[int], bool], guess: int, low: int, high: int) -> int:
    """The largest count from `low` (taken to fit) to `high` that fits, for a test true up to some count and false
    after it. Measuring text is the slow part of drawing a card: a guess from the widths of the characters is
    usually right or one off (kerning and shaping make text a little narrower or wider than its characters), so
    the guess and its neighbour are measured first, and only when it is wrong does the search gallop and bisect."""
    guess = min(max(guess, low), high)
    if guess > low and not fits(guess):
        high, step = guess - 1, 1
        while low < high:
            probe = max(high - step + 1, low + 1)
            if fits(probe):
                low = probe
                break
            high, step = probe - 1, step * 2
    else:
        low, step = guess, 1
        while low < high:
            probe = min(low + step, high)
            if not fits(probe):
                high = probe - 1
                break
            low, step = probe, step * 2
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _guess_length(text: str, font: ImageFont.FreeTypeFont | _Fallback) -> float:
    """The sum of the widths of the text's characters, each measured once per font."""
    widths = _character_widths(font)
    total = 0.0
    for character in text:
        found = widths.get(character)
        if found is None:
            found = widths[character] = font.getlength(character)
        total += found
    return total


@lru_cache(maxsize=None)
def _character_widths(font: ImageFont.FreeTypeFont | _Fallback) -> dict[str, float]:
    return {}


def _fit_line(text: str, font: ImageFont.FreeTypeFont | _Fallback, width: int,
              force_ellipsis: bool = False) -> str:
    """One line, shortened with an ellipsis to fit the width."""
    text = " ".join(text.split())
    if font.getlength(text) <= width and not force_ellipsis:
        return text
    text = text[:MAX_CHARACTERS].removesuffix(" …").removesuffix("…")
    room = width - font.getlength("…")
    return text[:_longest_fitting(text, font, room) if text else 0].rstrip() + "…"
