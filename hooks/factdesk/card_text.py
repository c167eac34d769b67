"""Whether the share cards can draw the words they show, reported at the field that holds them.

A character that none of the card fonts has (see typefaces.py) is drawn as an empty box; right-to-left
and joined scripts need Pillow's text layout (libraqm) to be drawn in order and joined. Both are
warnings: the site builds, and the warning says what to install.
"""

from __future__ import annotations

import unicodedata

from PIL import features

from .claims import Claim
from .problems import Problem
from .publishing import SiteInfo
from .reuse import Same
from .site import SiteModel
from .typefaces import CardFonts

# Scripts whose letters change shape or order with their neighbours: Indic (Devanagari to Malayalam),
# Thai, Lao, Tibetan, Myanmar, Khmer; right-to-left letters are found by their direction.
BOLD, REGULAR = (True,), (False,)
_SHAPED = ((0x0900, 0x0DFF), (0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF))


def card_text_problems(model: SiteModel, info: SiteInfo, fonts: CardFonts) -> list[Problem]:
    """A warning at each field whose text a card cannot draw as written. A source's claims' are those the previous
    validation found while they are the very objects of then (see `SiteModel.parts`) and the fonts are as they
    were (`model.checks`)."""
    problems = []
    key, checks = fonts.key(), model.checks
    for source_id, found in model.parts.items():
        problems += checks.get(("card text", source_id), (Same(found), key), lambda found=found: [
            problem for item in found.value.claims for problem in claim_card_problems(item.claim, fonts)])
    # The site's name is bold on the site's card and regular above each claim.
    for path, text, weights in ((("name",), info.name, (True, False)), (("description",), info.description, REGULAR),
                                (("share_card", "heading"), info.card_heading_text(), REGULAR),
                                (("share_card", "verdict"), info.card_verdict_text(""), BOLD),
                                *((("share_card", "summary", category), words, REGULAR) for category, words in info.card_summary)):
        message = _undrawn(text, weights, fonts)
        if message:
            problems.append(info.problem(path, message, "warning"))
    for number, verdict in enumerate(model.repository.scale.verdicts):
        message = _undrawn(verdict.label, BOLD, fonts)
        if message:
            problems.append(Problem("rating-scale.yml", 1, 1, f"verdicts[{number}].label", message, "warning"))
    return problems


def claim_card_problems(claim: Claim, fonts: CardFonts) -> list[Problem]:
    """A warning at a claim's text if its card cannot draw it as written."""
    message = _undrawn(claim.claim, BOLD, fonts)
    return [claim.problem(("claim",), message, "warning")] if message else []


def _undrawn(text: str, weights: tuple[bool, ...], fonts: CardFonts) -> str:
    """What a card cannot draw of `text` in the weights (bold or not) it is drawn in, and what to do; empty when
    it draws all of it."""
    missing = list(dict.fromkeys(character for bold in weights for character in fonts.missing(text, bold)))
    if missing:
        return (f"the share card cannot draw {_listed(missing)}: no card font has them; {fonts.advice(missing)}")
    if not features.check("raqm"):
        shaped = [character for character in dict.fromkeys(text) if _needs_layout(character)]
        if shaped:
            return (f"the share card draws {_listed(shaped)} unjoined and left to right: this machine's Pillow has "
                    "no complex text layout (libraqm); install FriBiDi (Debian and Ubuntu: apt-get install "
                    "libfribidi0), which it needs, and build again")
    return ""


def _needs_layout(character: str) -> bool:
    return unicodedata.bidirectional(character) in ("R", "AL") or any(
        low <= ord(character) <= high for low, high in _SHAPED)


def _listed(characters: list[str], most: int = 12) -> str:
    shown = ", ".join(f"{character!r} (U+{ord(character):04X})" for character in characters[:most])
    return shown + (f" and {len(characters) - most} more" if len(characters) > most else "")
