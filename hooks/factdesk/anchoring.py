"""Resolve a claim's selector to a span of its source text.

Offsets are Unicode code points, as Python indexes strings. Offsets that still
select the exact quote are used as they are. Otherwise the quote is searched
for, tolerating differences of whitespace (including non-breaking spaces) and
of quotation marks and apostrophes; the span is always reported as it is in
the source. A quote found several times is told apart by its prefix and suffix,
then by nearness to the stored offsets.

Every search is linear in the text and the quote: the text is normalised once, by
C-level string operations, with a compact map back to the original; occurrences are
found by str.find, a run of overlapping ones (a repetitive quote in repetitive text)
is followed by comparing only the quote's period, and at most MAX_OCCURRENCES are
considered: a quote found more often than that is told apart by no one.
"""

from __future__ import annotations

import functools
import math
import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, islice
from typing import Iterator, Literal

from .claims import Selector

# Characters that editors and translators swap without meaning to.
_EQUIVALENTS = str.maketrans({
    "’": "'", "‘": "'", "‛": "'", "ʼ": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"',
})
_WHITESPACE = re.compile(r"\s+")
_COLLAPSED = re.compile(r"(\s{2,})")  # the runs that normalising shortens; split keeps them
CONTEXT_LENGTH = 32
CLOSEST_QUOTE_CHARS = 300  # at most this much of a missing quote is compared with the text
# The closest-passage search costs about the compared length squared times the text's length:
# on a long text less of the quote is compared (never under 64 characters), which keeps it
# to a fraction of a second on the largest source allowed.
CLOSEST_SEARCH_BUDGET = CLOSEST_QUOTE_CHARS ** 2 * 200_000
CLOSEST_QUOTE_MIN_CHARS = 64
# Letters and digits (what str.isalnum accepts), as far as a word can reasonably go.
_WORD_PART_CHARS = 64
_WORD_PART = re.compile(rf"[^\W_]{{0,{_WORD_PART_CHARS}}}")
MAX_OCCURRENCES = 1_000  # occurrences of one quote considered; more make it ambiguous

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
    # Found more than MAX_OCCURRENCES times: how often (`candidates` holds the first MAX_OCCURRENCES).
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.span is not None


def _find(text: str, needle: str, start: int) -> int:
    """str.find, linear in the part of the text it looks at (its own function, so tests can count that work)."""
    return text.find(needle, start)


def _continues(text: str, tail: str, at: int) -> bool:
    """Whether `tail` is in `text` at `at` (its own function, so tests can count that work)."""
    return text.startswith(tail, at)


def _period(needle: str) -> int:
    """The smallest p such that needle[i] == needle[i + p] wherever both exist (KMP's failure function)."""
    border = [0] * len(needle)
    length = 0
    for index in range(1, len(needle)):
        while length and needle[index] != needle[length]:
            length = border[length - 1]
        if needle[index] == needle[length]:
            length += 1
        border[index] = length
    return len(needle) - border[-1]


def occurrences(text: str, needle: str) -> Iterator[int]:
    """Where `needle` starts in `text`, overlapping occurrences included, in order; linear in both lengths.

    After an occurrence at i, the next one, if it overlaps, is at i + period: only the needle's
    last `period` characters need comparing, not all of it (which made 'a' * k in 'a' * n cost n·k).
    Any other overlapping occurrence lies more than half the needle away (Fine and Wilf), so each
    further str.find pays for its setup with the distance it moves."""
    if not needle:
        return
    index = _find(text, needle, 0)
    period = 0  # computed at the first occurrence: most needles are found once or never
    while index >= 0:
        yield index
        if not period:
            period = _period(needle)
        if period < len(needle) and _continues(text, needle[len(needle) - period:], index + len(needle)):
            index += period
        else:
            index = _find(text, needle, index + 1)


def count_occurrences(text: str, needle: str) -> int:
    """How often `needle` occurs in `text`, overlapping occurrences included, without listing them.

    A needle that cannot overlap itself is counted by str.count. Otherwise each run of overlapping
    occurrences is measured at once: how far the text keeps the needle's period."""
    if not needle:
        return 0
    period = _period(needle)
    if period == len(needle):
        return text.count(needle)
    total = 0
    index = _find(text, needle, 0)
    while index >= 0:
        extent = len(needle) + _agreement(text, index + len(needle), index + len(needle) - period)
        in_run = (extent - len(needle)) // period + 1
        total += in_run
        index = _find(text, needle, index + (in_run - 1) * period + 1)
    return total


def _agreement(text: str, a: int, b: int) -> int:
    """How many characters text[a:] and text[b:] have in common at their start, in time about linear in that
    (doubling, then halving: C-level slice comparisons)."""
    length = 64
    while a + length <= len(text) and text[a:a + length] == text[b:b + length]:
        length *= 2
    return _common_prefix(text[a:a + length], text[b:b + length])


class NormalisedText:
    """The text with whitespace runs collapsed and quote marks unified, mapped back to the original.

    Built at its first search: most claims anchor at their stored offsets and never search. The
    map holds only the runs of two or more whitespace characters, the only places where the
    normalised text and the original differ in length."""

    def __init__(self, text: str):
        self.original = text

    @functools.cached_property
    def _normalised(self) -> tuple[str, array, array, array]:
        parts = _COLLAPSED.split(self.original)  # text, run, text, run, …, text
        ends = array("q", accumulate(map(len, parts)))  # original offset just past each part
        run_starts, run_ends = ends[0:-1:2], ends[1::2]
        # In the normalised text each run is one space: run r sits after the text parts before it and r spaces.
        run_positions = array("q", (offset + number for number, offset in enumerate(accumulate(map(len, parts[0::2])))))
        del run_positions[len(run_starts):]
        return normalise(self.original), run_positions, run_starts, run_ends

    @property
    def text(self) -> str:
        return self._normalised[0]

    def _original(self, index: int) -> tuple[int, int]:
        """The original span of the normalised character at `index`."""
        _, positions, starts, ends = self._normalised
        run = bisect_right(positions, index) - 1
        if run < 0:
            return index, index + 1
        if positions[run] == index:
            return starts[run], ends[run]
        start = ends[run] + index - positions[run] - 1
        return start, start + 1

    def occurrences(self, needle: str) -> Iterator[Span]:
        """Every occurrence of `needle` (already normalised), as spans of the original text, in order."""
        for index in occurrences(self.text, needle):
            yield Span(self._original(index)[0], self._original(index + len(needle) - 1)[1])

    def find_all(self, needle: str, limit: int = MAX_OCCURRENCES) -> list[Span]:
        """The first `limit` occurrences of `needle` (already normalised)."""
        return list(islice(self.occurrences(needle), limit))


def normalise(fragment: str) -> str:
    return _WHITESPACE.sub(" ", fragment).translate(_EQUIVALENTS)


def locate(text: str, quote: str, normalised: NormalisedText | None = None) -> list[Span]:
    """Where `quote` occurs in `text`, tolerating whitespace and quote-mark differences (the first MAX_OCCURRENCES places)."""
    normalised = normalised or NormalisedText(text)
    return normalised.find_all(normalise(quote))


def occurs(text: str, quote: str, normalised: NormalisedText | None = None) -> bool:
    """Whether `quote` occurs in `text` at all (the search stops at the first place)."""
    normalised = normalised or NormalisedText(text)
    return next(normalised.occurrences(normalise(quote)), None) is not None


# What may differ at a quote's ends between two occurrences of "the same" passage.
_END_PUNCTUATION = " \t\r\n.,;:!?…«»\"“”„'‘’()[]–—-"


def near_occurrences(text: str, quote: str, normalised: NormalisedText | None = None) -> list[Span]:
    """Passages that differ from `quote` only by the punctuation or spaces at its ends, and do not contain it
    (among the first MAX_OCCURRENCES places the quote without its ends is found).

    "BT a réalisé l'acquisition." also finds "BT a réalisé l'acquisition,": the passage an editor
    may mean, which an exact search would silently miss."""
    core = quote.strip(_END_PUNCTUATION)
    if not core or core == quote:
        return []
    normalised = normalised or NormalisedText(text)
    # Both lists come in order of their starts, and so of their ends: the last occurrence of the
    # quote starting at or before a passage is the one that can hold it.
    exact = normalised.occurrences(normalise(quote))
    holder, ahead = None, next(exact, None)
    near = []
    for span in normalised.find_all(normalise(core)):
        while ahead is not None and ahead.start <= span.start:
            holder, ahead = ahead, next(exact, None)
        if holder is None or holder.end < span.end:
            near.append(span)
    return near


def anchor(text: str, selector: Selector, normalised: NormalisedText | None = None) -> Anchoring:
    start, end = selector.start, selector.end
    if 0 <= start < end <= len(text) and text[start:end] == selector.exact:
        return Anchoring("exact", Span(start, end))
    normalised = normalised or NormalisedText(text)
    needle = normalise(selector.exact)
    candidates = normalised.find_all(needle, MAX_OCCURRENCES + 1)
    if not candidates:
        return Anchoring("missing", None, closest=closest_passage(text, selector.exact))
    if len(candidates) > MAX_OCCURRENCES:
        return Anchoring("ambiguous", None, tuple(candidates[:MAX_OCCURRENCES]),
                         total=count_occurrences(normalised.text, needle))
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
    prefix, suffix = normalise(selector.prefix), normalise(selector.suffix)

    def context_score(span: Span) -> int:
        before = normalise(text[max(0, span.start - len(selector.prefix) - 8):span.start])
        after = normalise(text[span.end:span.end + len(selector.suffix) + 8])
        return _common_suffix(before, prefix) + _common_prefix(after, suffix)

    scores = {span: context_score(span) for span in candidates}
    top = max(scores.values())
    best = [span for span in candidates if scores[span] == top]
    distances = {span: abs(span.start - selector.start) for span in best}
    nearest = min(distances.values())
    return [span for span in best if distances[span] == nearest]


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix, by halving: C-level slice comparisons, not a Python loop per character."""
    low, high = 0, min(len(a), len(b))  # a[:low] == b[:low]; the answer is at most `high`
    while low < high:
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def closest_passage(text: str, quote: str) -> tuple[Span, float] | None:
    """The passage most similar to a quote that was not found, to help the editor fix it."""
    if not text or not quote:
        return None
    from rapidfuzz import fuzz  # only needed when a quote is missing

    # The search costs the compared length squared times the text's: only the quote's start is
    # compared, which is enough to show the editor where it went wrong.
    compared = max(CLOSEST_QUOTE_MIN_CHARS, min(CLOSEST_QUOTE_CHARS, math.isqrt(CLOSEST_SEARCH_BUDGET // len(text))))
    alignment = fuzz.partial_ratio_alignment(normalise(quote[:compared]), text)
    if alignment is None or alignment.score < 60:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    # Widen to whole words: a passage cut mid-word is hard to recognise.
    start -= _WORD_PART.match(text[max(0, start - _WORD_PART_CHARS):start][::-1]).end()
    end = _WORD_PART.match(text, end).end()
    return Span(start, end), alignment.score


def context(text: str, span: Span, width: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """The text just before and just after a span (the selector's prefix and suffix)."""
    return text[max(0, span.start - width):span.start], text[span.end:span.end + width]


def paragraphs(text: str) -> list[Span]:
    """The spans of the text's paragraphs (separated by blank lines), without the separators."""
    return list(_paragraphs(text))


@functools.lru_cache(maxsize=4)
def _paragraphs(text: str) -> tuple[Span, ...]:
    # Found once per text: every claim on a source asks for its paragraph (on a text of 2 MB, 0.4 s a time).
    return tuple(Span(m.start(), m.end()) for m in re.finditer(r"\S(?:.*?\S)??(?=\s*\n\s*\n|\s*\Z)", text, re.S))


def paragraphs_around(text: str, span: Span) -> Span:
    """From the start of the paragraph the span starts in to the end of the one it ends in (the text's
    start or end where there is none), found by bisection: asked once for every mention listed."""
    blocks = _paragraphs(text)
    first = bisect_right(blocks, span.start, key=lambda block: block.start) - 1
    last = bisect_left(blocks, span.end, key=lambda block: block.end)
    return Span(blocks[first].start if first >= 0 else 0, blocks[last].end if last < len(blocks) else len(text))


def paragraph_of(text: str, span: Span) -> Span | None:
    """The paragraph that holds the whole span, if one does."""
    blocks = _paragraphs(text)
    index = bisect_right(blocks, span.start, key=lambda block: block.start) - 1
    return blocks[index] if index >= 0 and span.end <= blocks[index].end else None


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
