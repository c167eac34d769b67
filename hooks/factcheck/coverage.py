"""Which sentences of a source no claim covers: every checkable sentence should be covered,
and the ones deliberately left out are listed, with reasons, in the source's `not_checked`."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    source: Source
    covered: list[Sentence]
    excluded: list[Sentence]
    uncovered: list[Sentence]

    @property
    def ratio(self) -> float:
        checkable = len(self.covered) + len(self.uncovered)
        return len(self.covered) / checkable if checkable else 1.0


def sentences(text: str, language: str | None = None) -> list[Sentence]:
    """The sentences of `text` (a source in `language`, a BCP 47 tag), without the spaces around them."""
    # Each break: where the sentence before it ends, where the next may start.
    breaks = sorted([(match.start(), match.end()) for match in _SENTENCE_END.finditer(text)]
                    + [(end, end) for end in script_sentence_ends(text, language)])
    result = []
    position = 0
    for end, next_start in [*breaks, (len(text), len(text))]:
        if end < position:  # inside a break already taken (a mark and a blank line together)
            continue
        chunk = text[position:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            span = Span(position + lead, position + len(chunk.rstrip()))
            result.append(Sentence(span, text[span.start:span.end]))
        position = next_start
    return result


def source_coverage(model: SiteModel, source_id: str) -> Coverage:
    source = model.sources[source_id]
    # A headline claim's offsets count in the title, not in the text.
    claims = sorted((item.span for item in model.claims_by_source.get(source_id, []) if not item.in_title),
                    key=lambda span: span.start)
    set_aside = sorted(model.set_aside.get(source_id, []), key=lambda span: span.start)
    covered, excluded, uncovered = [], [], []
    # One sweep: sentences come in the order of the text, so the spans starting before each one
    # only grow, and the farthest end among them is all a sentence needs to be compared with
    # (not every claim: thousands of sentences times thousands of claims).
    claim_index = aside_index = 0
    claims_end = aside_end = -1
    for sentence in sentences(source.text, source.language):
        start, end = sentence.span.start, sentence.span.end
        while claim_index < len(claims) and claims[claim_index].start < end:
            claims_end = max(claims_end, claims[claim_index].end)
            claim_index += 1
        while aside_index < len(set_aside) and set_aside[aside_index].start <= start:
            aside_end = max(aside_end, set_aside[aside_index].end)
            aside_index += 1
        if claims_end > start:  # a claim starts before the sentence's end and ends after its start
            covered.append(sentence)
        elif aside_end >= end:  # a passage set aside starts at or before its start and ends at or after its end
            excluded.append(sentence)
        else:
            uncovered.append(sentence)
    return Coverage(source, covered, excluded, uncovered)
