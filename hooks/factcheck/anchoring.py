"""Resolve a claim's selector to a span of its source text.

Offsets are Unicode code points, as Python indexes strings. Offsets that still
select the exact quote are used as they are. Otherwise the quote is searched
for, tolerating differences of whitespace (including non-breaking spaces) and
of quotation marks and apostrophes; the span is always reported as it is in
the source. A quote found several times is told apart by its prefix and suffix,
then by nearness to the stored offsets.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from .claims import Selector

# Characters that editors and translators swap without meaning to.
_EQUIVALENTS = str.maketrans({
    "’": "'", "‘": "'", "‛": "'", "ʼ": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
})
_WHITESPACE = re.compile(r"\s+")
CONTEXT_LENGTH = 32
CLOSEST_QUOTE_CHARS = 300  # at most this much of a missing quote is compared with the text

Outcome = Literal["exact", "moved", "missing", "ambiguous", "out-of-range"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Anchoring:
    """The result of anchoring one selector."""

    outcome: Outcome
    span: Span | None
    candidates: tuple[Span, ...] = field(default_factory=tuple)
    closest: tuple[Span, float] | None = None  # for a missing quote: the most similar passage and its score

    @property
    def ok(self) -> bool:
        return self.span is not None


class NormalisedText:
    """The text with whitespace runs collapsed and quote marks unified, mapped back to the original.

    Built at its first search: most claims anchor at their stored offsets and never search."""

    def __init__(self, text: str):
        self.original = text

    @functools.cached_property
    def _normalised(self) -> tuple[str, list[int], list[int]]:
        chars: list[str] = []
        starts: list[int] = []  # original offset of each normalised character
        ends: list[int] = []  # original offset just past it
        for match in re.finditer(r"\s+|\S", self.original):
            piece = match.group()
            chars.append(" " if piece.isspace() else piece.translate(_EQUIVALENTS))
            starts.append(match.start())
            ends.append(match.end())
        return "".join(chars), starts, ends

    @property
    def text(self) -> str:
        return self._normalised[0]

    def find_all(self, needle: str) -> list[Span]:
        """Every occurrence of `needle` (already normalised), as spans of the original text."""
        spans: list[Span] = []
        if not needle:
            return spans
        text, starts, ends = self._normalised
        index = text.find(needle)
        while index >= 0:
            spans.append(Span(starts[index], ends[index + len(needle) - 1]))
            index = text.find(needle, index + 1)
        return spans


def normalise(fragment: str) -> str:
    return _WHITESPACE.sub(" ", fragment).translate(_EQUIVALENTS)


def locate(text: str, quote: str, normalised: NormalisedText | None = None) -> list[Span]:
    """Where `quote` occurs in `text`, tolerating whitespace and quote-mark differences."""
    normalised = normalised or NormalisedText(text)
    return normalised.find_all(normalise(quote))


# What may differ at a quote's ends between two occurrences of "the same" passage.
_END_PUNCTUATION = " \t\r\n.,;:!?…«»\"“”„'‘’()[]–—-"


def near_occurrences(text: str, quote: str, normalised: NormalisedText | None = None) -> list[Span]:
    """Passages that differ from `quote` only by the punctuation or spaces at its ends, and do not contain it.

    "BT a réalisé l'acquisition." also finds "BT a réalisé l'acquisition,": the passage an editor
    may mean, which an exact search would silently miss."""
    core = quote.strip(_END_PUNCTUATION)
    if not core or core == quote:
        return []
    normalised = normalised or NormalisedText(text)
    exact = locate(text, quote, normalised)
    return [span for span in locate(text, core, normalised)
            if not any(e.start <= span.start and span.end <= e.end for e in exact)]


def anchor(text: str, selector: Selector, normalised: NormalisedText | None = None) -> Anchoring:
    start, end = selector.start, selector.end
    if 0 <= start < end <= len(text) and text[start:end] == selector.exact:
        return Anchoring("exact", Span(start, end))
    candidates = locate(text, selector.exact, normalised)
    if not candidates:
        return Anchoring("missing", None, closest=closest_passage(text, selector.exact))
    best = _best_candidates(text, selector, candidates)
    if len(best) > 1:
        return Anchoring("ambiguous", None, tuple(candidates))
    if end > len(text):
        return Anchoring("out-of-range", None, (best[0],))
    return Anchoring("moved", best[0], tuple(candidates))


def _best_candidates(text: str, selector: Selector, candidates: list[Span]) -> list[Span]:
    """Keep the candidates whose surroundings match the prefix and suffix best, then the nearest."""
    if len(candidates) == 1:
        return candidates

    def context_score(span: Span) -> int:
        before = normalise(text[max(0, span.start - len(selector.prefix) - 8):span.start])
        after = normalise(text[span.end:span.end + len(selector.suffix) + 8])
        return _common_suffix(before, normalise(selector.prefix)) + _common_prefix(after, normalise(selector.suffix))

    scores = {span: context_score(span) for span in candidates}
    top = max(scores.values())
    best = [span for span in candidates if scores[span] == top]
    distances = {span: abs(span.start - selector.start) for span in best}
    nearest = min(distances.values())
    return [span for span in best if distances[span] == nearest]


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def closest_passage(text: str, quote: str) -> tuple[Span, float] | None:
    """The passage most similar to a quote that was not found, to help the editor fix it."""
    if not text or not quote:
        return None
    from rapidfuzz import fuzz  # only needed when a quote is missing

    # The search costs the quote's length times the text's: only the quote's start is compared,
    # which is enough to show the editor where it went wrong.
    alignment = fuzz.partial_ratio_alignment(normalise(quote[:CLOSEST_QUOTE_CHARS]), text)
    if alignment is None or alignment.score < 60:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    # Widen to whole words: a passage cut mid-word is hard to recognise.
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return Span(start, end), alignment.score


def context(text: str, span: Span, width: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """The text just before and just after a span (the selector's prefix and suffix)."""
    return text[max(0, span.start - width):span.start], text[span.end:span.end + width]


def paragraphs(text: str) -> list[Span]:
    """The spans of the text's paragraphs (separated by blank lines), without the separators."""
    return [Span(m.start(), m.end()) for m in re.finditer(r"\S(?:.*?\S)??(?=\s*\n\s*\n|\s*\Z)", text, re.S)]


def paragraph_of(text: str, span: Span) -> Span | None:
    """The paragraph that holds the whole span, if one does."""
    return next((block for block in paragraphs(text) if block.start <= span.start and span.end <= block.end), None)


def quote_context(text: str, span: Span, within: Span | None = None, width: int = CONTEXT_LENGTH) -> tuple[str, str] | None:
    """The shortest prefix and suffix (`width` characters, doubled as needed) taken inside `within`
    (by default the whole text) with which the quote occurs only once in the text; None if none do."""
    low, high = (within.start, within.end) if within else (0, len(text))
    while True:
        prefix, suffix = text[max(low, span.start - width):span.start], text[span.end:min(high, span.end + width)]
        whole = prefix + text[span.start:span.end] + suffix
        if text.find(whole, text.find(whole) + 1) == -1:
            return prefix, suffix
        if span.start - width <= low and span.end + width >= high:
            return None
        width *= 2
