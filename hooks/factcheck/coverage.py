"""Which sentences of a source no claim covers: every checkable sentence should be covered,
and the ones deliberately left out are listed, with reasons, in the source's `not_checked`."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate

from .anchoring import Span
from .site import SiteModel
from .sources import Source

# A sentence ends at . ! ? (or a closing quote after one) followed by space and a capital or quote.
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


def sentences(text: str) -> list[Sentence]:
    result = []
    position = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[position:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            span = Span(position + lead, position + len(chunk.rstrip()))
            result.append(Sentence(span, text[span.start:span.end]))
        if match:
            position = match.end()
    return result


def source_coverage(model: SiteModel, source_id: str) -> Coverage:
    source = model.sources[source_id]
    # A headline claim's offsets count in the title, not in the text.
    spans = _FarthestEnd([item.span for item in model.claims_by_source.get(source_id, []) if not item.in_title])
    excluded_spans = _FarthestEnd(model.set_aside.get(source_id, []))
    covered, excluded, uncovered = [], [], []
    for sentence in sentences(source.text):
        # A claim overlaps the sentence: one starts before its end and ends after its start.
        if spans.before(sentence.span.end) > sentence.span.start:
            covered.append(sentence)
        # A passage set aside holds it: one starts at or before its start and ends at or after its end.
        elif excluded_spans.before(sentence.span.start + 1) >= sentence.span.end:
            excluded.append(sentence)
        else:
            uncovered.append(sentence)
    return Coverage(source, covered, excluded, uncovered)


class _FarthestEnd:
    """Spans by start, with the farthest end of those starting before any offset: each sentence is then
    checked in log time, not against every claim (thousands of sentences times thousands of claims)."""

    def __init__(self, spans: list[Span]):
        ordered = sorted(spans, key=lambda span: span.start)
        self._starts = [span.start for span in ordered]
        self._ends = list(accumulate((span.end for span in ordered), max))

    def before(self, offset: int) -> int:
        """The farthest end of the spans that start before `offset` (-1 if none do)."""
        count = bisect_left(self._starts, offset)
        return self._ends[count - 1] if count else -1
