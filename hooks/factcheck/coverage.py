"""Which sentences of a source no claim covers: every checkable sentence should be covered,
and the ones deliberately left out are listed, with reasons, in the source's `not_checked`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .anchoring import Span, locate
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
    spans = [item.span for item in model.claims_by_source.get(source_id, []) if not item.in_title]
    excluded_spans = [span for item in source.not_checked for span in locate(source.text, item.quote)]
    covered, excluded, uncovered = [], [], []
    for sentence in sentences(source.text, source.language):
        if any(_overlaps(sentence.span, span) for span in spans):
            covered.append(sentence)
        elif any(span.start <= sentence.span.start and sentence.span.end <= span.end for span in excluded_spans):
            excluded.append(sentence)
        else:
            uncovered.append(sentence)
    return Coverage(source, covered, excluded, uncovered)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
