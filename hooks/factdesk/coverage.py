"""Which sentences of a source no claim covers: every checkable sentence should be covered,
and the ones deliberately left out are listed, with reasons, in the source's `not_checked`."""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from .anchoring import Span
from .segmentation import script_sentence_ends
from .site import SiteModel
from .sources import Source

# A sentence ends at . ! ? (or a closing quote after one) followed by space and a capital or quote,
# and at a blank line. Scripts with marks of their own (。！？ …) end sentences there too: see
# `segmentation.script_sentence_ends`.
_SENTENCE_END = re.compile(r"(?<=[.!?»“”\"])\s+(?=[A-ZÀ-ÖØ-Þ«“\"0-9])|\n\s*\n")


@dataclass(frozen=True)
class Sentence:
    span: Span
    text: str


@dataclass(frozen=True)
class Coverage:
    """How many of a source's sentences a claim covers, how many are set aside and how many neither; the
    uncovered ones are counted, and only the first few are kept as sentences (a text of two megabytes can
    hold hundreds of thousands)."""

    source: Source
    covered: int
    excluded: int
    uncovered: int
    # The first uncovered sentences, in the order of the text, as many as asked for.
    listed: list[Sentence]
    # From the start of the first uncovered sentence not listed to the end of the last one; None if all are listed.
    unlisted: Span | None

    @property
    def ratio(self) -> float:
        checkable = self.covered + self.uncovered
        return self.covered / checkable if checkable else 1.0


def sentence_spans(text: str, language: str | None = None) -> Iterator[tuple[int, int]]:
    """Where each sentence of `text` (a source in `language`, a BCP 47 tag) starts and ends, in order, without
    the spaces around it. Nothing is built per sentence but the pair: a text can hold hundreds of thousands."""
    # Each break: where the sentence before it ends, where the next may start. Both kinds come in order.
    breaks: Iterable[tuple[int, int]] = (match.span() for match in _SENTENCE_END.finditer(text))
    script_ends = script_sentence_ends(text, language)
    if script_ends:
        breaks = heapq.merge(breaks, ((end, end) for end in sorted(script_ends)))
    position = 0
    for end, next_start in itertools.chain(breaks, [(len(text), len(text))]):
        if end < position:  # inside a break already taken (a mark and a blank line together)
            continue
        chunk = text[position:end]
        stripped = chunk.strip()
        if stripped:
            lead = 0 if len(stripped) == len(chunk) else len(chunk) - len(chunk.lstrip())
            yield position + lead, position + lead + len(stripped)
        position = next_start


def sentences(text: str, language: str | None = None) -> list[Sentence]:
    """The sentences of `text` (a source in `language`, a BCP 47 tag), without the spaces around them."""
    return [Sentence(Span(start, end), text[start:end]) for start, end in sentence_spans(text, language)]


def source_coverage(model: SiteModel, source_id: str, listed: int = 0) -> Coverage:
    """The coverage of one source's text, with its first `listed` uncovered sentences."""
    source = model.sources[source_id]
    text = source.text
    # A headline claim's offsets count in the title, not in the text.
    claims = sorted((item.span for item in model.claims_by_source.get(source_id, []) if not item.in_title),
                    key=lambda span: span.start)
    set_aside = sorted(model.set_aside.get(source_id, []), key=lambda span: span.start)
    covered = excluded = uncovered = 0
    first: list[Sentence] = []
    rest_start = rest_end = -1
    # One sweep: sentences come in the order of the text, so the spans starting before each one
    # only grow, and the farthest end among them is all a sentence needs to be compared with
    # (not every claim: thousands of sentences times thousands of claims).
    claim_index = aside_index = 0
    claims_end = aside_end = -1
    for start, end in sentence_spans(text, source.language):
        while claim_index < len(claims) and claims[claim_index].start < end:
            claims_end = max(claims_end, claims[claim_index].end)
            claim_index += 1
        while aside_index < len(set_aside) and set_aside[aside_index].start <= start:
            aside_end = max(aside_end, set_aside[aside_index].end)
            aside_index += 1
        if claims_end > start:  # a claim starts before the sentence's end and ends after its start
            covered += 1
        elif aside_end >= end:  # a passage set aside starts at or before its start and ends at or after its end
            excluded += 1
        else:
            uncovered += 1
            if uncovered <= listed:
                first.append(Sentence(Span(start, end), text[start:end]))
            elif uncovered == listed + 1:
                rest_start = start
            rest_end = end
    return Coverage(source, covered, excluded, uncovered, first,
                    Span(rest_start, rest_end) if uncovered > listed else None)
