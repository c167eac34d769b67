"""Which sentences of a source no claim covers: every checkable sentence should be covered,
and the ones deliberately left out are listed, with reasons, in the source's `not_checked`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .anchoring import Span, locate
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
    spans = [item.span for item in model.claims_by_source.get(source_id, []) if not item.in_title]
    excluded_spans = [span for item in source.not_checked for span in locate(source.text, item.quote)]
    covered, excluded, uncovered = [], [], []
    for sentence in sentences(source.text):
        if any(_overlaps(sentence.span, span) for span in spans):
            covered.append(sentence)
        elif any(span.start <= sentence.span.start and sentence.span.end <= span.end for span in excluded_spans):
            excluded.append(sentence)
        else:
            uncovered.append(sentence)
    return Coverage(source, covered, excluded, uncovered)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
