"""Property-based tests: any text, any spans, anchoring gives the span back and rendering keeps the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdesk.anchoring import anchor, context
from factdesk.claims import Claim, Selector
from factdesk.annotated_text import annotate
from factdesk.site import AnchoredClaim, Span
from factdesk.sources import Source, sha256_of
from factdesk.verdicts import Verdict
from htmltext import annotated_paragraphs

ALPHABET = st.sampled_from(
    list("abcdefXYZ .,;:!?'\"") + ["\u00a0", "\n", "\n\n", "’", "«", "»", "<", "&", ">",
                                   "e\u0301", "😀", "🇬🇧", "ش", "ب", "ש", "\u202e", "中", "文", "é"]
)
texts = st.lists(ALPHABET, min_size=1, max_size=80).map("".join)
VERDICT = Verdict("accurate", "Accurate", "Correct.", 4, "#1b6e3a")


@st.composite
def text_with_spans(draw, max_spans: int = 6):
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(min_value=1, max_value=max_spans))):
        start = draw(st.integers(min_value=0, max_value=len(text) - 1))
        end = draw(st.integers(min_value=start + 1, max_value=len(text)))
        spans.append(Span(start, end))
    return text, spans


@given(text_with_spans(max_spans=1))
def test_offsets_that_match_anchor_exactly(case):
    text, [span] = case
    result = anchor(text, Selector(text[span.start:span.end], span.start, span.end))
    assert result.outcome == "exact" and result.span == span


@given(text_with_spans(max_spans=1), st.integers(min_value=-5, max_value=5))
def test_drifted_offsets_find_an_occurrence_of_the_quote_and_the_right_one_with_context(case, drift):
    text, [span] = case
    quote = text[span.start:span.end]
    prefix, suffix = context(text, span)
    start = max(0, span.start + drift)
    result = anchor(text, Selector(quote, start, start + len(quote), prefix, suffix))
    assert result.ok or result.outcome in ("ambiguous", "out-of-range")
    if result.ok:
        # Whitespace and quote marks may differ; the span is always reported as it is in the text.
        found = text[result.span.start:result.span.end]
        assert found.split() == quote.split() or found == quote or result.span == span
        # str.count misses overlapping occurrences ("aa" twice in "aaa").
        occurrences = sum(text.startswith(quote, i) for i in range(len(text)))
        if occurrences == 1 and quote.strip() == quote and quote.strip():
            assert result.span == span


def _render(text: str, spans: list[Span]) -> str:
    source = Source(id="s", title="T", language="und", text=text, sha256=sha256_of(text), file="sources/s.yml",
                    text_file="sources/s.txt")
    claims = []
    for number, span in enumerate(sorted(spans, key=lambda s: (s.start, -s.end)), start=1):
        claim = Claim(id=f"c{number}", source="s", selector=Selector(text[span.start:span.end], span.start, span.end),
                      claim="C.", verdict="accurate", summary="S.", notes="N.", entities=(), reviewed="2026-01-01",
                      updated="2026-01-01", reviewer="R", file=f"claims/s/c{number}.yml")
        claims.append(AnchoredClaim(claim, span, number, VERDICT))
    return str(annotate(source, claims, [], "sources/s.html"))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(text_with_spans())
def test_rendered_text_equals_the_source_whatever_the_spans(case):
    text, spans = case
    html = _render(text, spans)
    position = 0
    for start, end, visible in annotated_paragraphs(html):
        assert text[position:start].strip() == ""
        assert visible == text[start:end]
        position = end
    assert text[position:].strip() == ""
    for number, span in enumerate(sorted(spans, key=lambda s: (s.start, -s.end)), start=1):
        if text[span.start:span.end].strip():
            assert f'id="claim-c{number}"' in html
            assert f'id="note-{number}"' in html


def _reference_locate(text: str, quote: str) -> list[Span]:
    """The tolerant search done the slow, obvious way: normalise character by character, try every place."""
    import re

    from factdesk.anchoring import normalise

    pieces = list(re.finditer(r"\s+|\S", text))
    normalised = "".join(" " if p.group().isspace() else normalise(p.group()) for p in pieces)
    needle = normalise(quote)
    return [Span(pieces[i].start(), pieces[i + len(needle) - 1].end())
            for i in range(len(normalised) - len(needle) + 1) if needle and normalised.startswith(needle, i)]


repetitive = st.tuples(texts, st.integers(min_value=0, max_value=30), texts).map(lambda t: t[0][:4] * t[1] + t[2])


@given(st.one_of(texts, repetitive), st.one_of(texts, texts.map(lambda t: (t[:3] * 9)[:20])))
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_the_linear_search_finds_what_trying_every_place_finds(text, quote):
    from factdesk.anchoring import NormalisedText, count_occurrences, locate, normalise

    expected = _reference_locate(text, quote)
    assert locate(text, quote) == expected
    assert count_occurrences(NormalisedText(text).text, normalise(quote)) == len(expected)
