"""Anchoring: a claim's selector resolves to the span of source text it is about."""

from __future__ import annotations

import pytest

from conftest import ScratchRepo
from factdesk.anchoring import Span, anchor, locate, near_occurrences
from factdesk.claims import Selector
from factdesk.problems import FactcheckError
from factdesk.repository import load_repository
from factdesk.site import build_site

ARTICLE = (
    "L’opérateur BT a déclaré\u00a0: «\u00a0Les services VPN sont légaux\u00a0».\n\n"
    "BT vend des services VPN. Plus tard, BT vend des services VPN.\n\n"
    "Fin 😀 du texte."
)


def test_offsets_that_select_the_quote_are_used_as_they_are():
    start = ARTICLE.index("BT vend")
    result = anchor(ARTICLE, Selector("BT vend", start, start + 7))
    assert result.outcome == "exact"
    assert result.span == Span(start, start + 7)


def test_drifted_offsets_are_corrected():
    start = ARTICLE.index("Les services VPN")
    result = anchor(ARTICLE, Selector("Les services VPN", start - 3, start + 13))
    assert result.outcome == "moved"
    assert result.span == Span(start, start + 16)


def test_whitespace_differences_are_tolerated_and_the_source_span_is_kept():
    # The editor typed ordinary spaces where the source has non-breaking ones.
    result = anchor(ARTICLE, Selector("a déclaré : « Les services", 0, 10))
    assert result.ok
    quoted = ARTICLE[result.span.start:result.span.end]
    assert quoted == "a déclaré\u00a0: «\u00a0Les services"


def test_apostrophe_and_quotation_mark_differences_are_tolerated():
    result = anchor(ARTICLE, Selector("L'opérateur BT", 0, 14))
    assert result.outcome == "exact" or result.ok
    assert ARTICLE[result.span.start:result.span.end] == "L’opérateur BT"
    result = anchor(ARTICLE, Selector('"\u00a0Les services VPN sont légaux\u00a0"', 0, 1))
    assert ARTICLE[result.span.start:result.span.end] == "«\u00a0Les services VPN sont légaux\u00a0»"


def test_a_repeated_quote_is_told_apart_by_prefix_and_suffix():
    first = ARTICLE.index("BT vend des services VPN")
    second = ARTICLE.index("BT vend des services VPN", first + 1)
    # Offsets point at the first occurrence, but the prefix says "Plus tard, ".
    result = anchor(ARTICLE, Selector("BT vend des services VPN", 0, 5, prefix="Plus tard, "))
    assert result.span == Span(second, second + 24)
    # Offsets near the second occurrence, but the suffix says ". Plus tard".
    result = anchor(ARTICLE, Selector("BT vend des services VPN", second, second + 5, suffix=". Plus tard"))
    assert result.span == Span(first, first + 24)


def test_a_repeated_quote_without_context_goes_to_the_nearest_occurrence():
    first = ARTICLE.index("BT vend des services VPN")
    second = ARTICLE.index("BT vend des services VPN", first + 1)
    result = anchor(ARTICLE, Selector("BT vend des services VPN", second - 2, second + 22))
    assert result.outcome == "moved"
    assert result.span == Span(second, second + 24)


def test_a_repeated_quote_that_nothing_tells_apart_is_ambiguous():
    text = "VPN ici.  VPN ici."
    result = anchor(text, Selector("VPN ici", 5, 12))  # exactly between the two
    assert result.outcome == "ambiguous"
    assert result.candidates == (Span(0, 7), Span(10, 17))


def test_a_missing_quote_is_reported_with_the_closest_passage():
    result = anchor(ARTICLE, Selector("Les services VPN sont illégaux", 0, 10))
    assert result.outcome == "missing"
    assert result.span is None
    span, score = result.closest
    assert "Les services VPN sont" in ARTICLE[span.start:span.end]


def test_spans_at_the_very_start_and_end_of_the_text():
    assert anchor(ARTICLE, Selector("L’opérateur", 0, 11)).outcome == "exact"
    end = len(ARTICLE)
    assert anchor(ARTICLE, Selector("du texte.", end - 9, end)).outcome == "exact"
    assert anchor(ARTICLE, Selector("du texte.", 0, 9)).span == Span(end - 9, end)


def test_offsets_count_code_points_outside_the_basic_multilingual_plane_as_one():
    start = ARTICLE.index("😀")
    # In UTF-16 (JavaScript) the emoji counts twice; here "du" starts just after it and a space.
    assert anchor(ARTICLE, Selector("😀 du", start, start + 4)).outcome == "exact"
    assert anchor(ARTICLE, Selector("du texte", start + 2, start + 10)).outcome == "exact"


def test_offsets_beyond_the_end_of_the_text_are_reported():
    result = anchor(ARTICLE, Selector("BT vend des services VPN", 5000, 5024, prefix="\n\n"))
    assert result.outcome == "out-of-range"


def test_a_quote_found_more_than_a_thousand_times_is_ambiguous_with_its_exact_count():
    from factdesk.anchoring import MAX_OCCURRENCES

    text = "a" * 3_000 + "b"
    result = anchor(text, Selector("aa", 5, 8, prefix="a", suffix="b"))  # the suffix would point at the last
    assert result.outcome == "ambiguous" and result.total == 2_999  # overlapping occurrences counted
    assert result.candidates[:2] == (Span(0, 2), Span(1, 3)) and len(result.candidates) == MAX_OCCURRENCES
    assert anchor(text[:MAX_OCCURRENCES + 1], Selector("aa", 5, 8, suffix="b")).outcome == "moved"


def test_locate_finds_every_occurrence():
    assert len(locate(ARTICLE, "BT vend")) == 2
    assert locate(ARTICLE, "absent") == []


# Through the whole pipeline: what the editor reads.

def test_a_missing_quote_fails_with_file_line_and_the_closest_passage(repo: ScratchRepo):
    repo.source("a", ARTICLE)
    path = repo.write("claims/a/c1.yml", (
        "id: c1\nsource: a\nselector:\n  exact: Les services VPN sont illégaux\n  start: 0\n  end: 5\n"
        "claim: C.\nverdict: accurate\nsummary: S.\nnotes: N.\nevidence:\n  - url: https://example.org/\n"
        "    title: T\n    publisher: P\n    date: 2016-01-01\n    shows: S.\nentities: []\n"
        "reviewed: 2026-11-25\nupdated: 2026-11-25\nreviewer: Desk\n"
    ))
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    message = str(caught.value.problems[0])
    assert message.startswith("claims/a/c1.yml:4:3: selector.exact: the quote is not in source 'a'")
    assert "most similar passage" in message
    assert path.exists()


def test_an_ambiguous_quote_fails_naming_each_place(repo: ScratchRepo):
    repo.source("a", "VPN ici.  VPN ici.")
    repo.claim("c1", "a", "VPN ici", 5, 12)
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    assert "occurs 2 times in 'a' (at 0–7, 10–17)" in str(caught.value.problems[0])


def test_drift_is_a_warning_giving_the_corrected_offsets(repo: ScratchRepo):
    repo.source("a", ARTICLE)
    start = ARTICLE.index("Plus tard")
    repo.claim("c1", "a", "Plus tard", start + 3, start + 12)
    model = build_site(load_repository(repo.root))
    assert model.claims["c1"].span == Span(start, start + 9)
    [warning] = model.warnings
    assert warning.severity == "warning"
    assert f"start: {start}, end: {start + 9}" in str(warning)
    assert str(warning).startswith("claims/a/c1.yml:3:")
    assert ": warning: selector.start: the offsets no longer select the quote exactly" in str(warning)


def test_the_closest_passage_search_compares_a_bounded_part_of_a_huge_quote(monkeypatch):
    """Its cost is the compared quote's length times the text's: the compared part is bounded, whatever the quote."""
    from rapidfuzz import fuzz

    from factdesk import anchoring

    compared: list[tuple[int, int]] = []
    real = fuzz.partial_ratio_alignment

    def recording(needle, haystack, *args, **kwargs):
        compared.append((len(needle), len(haystack)))
        return real(needle, haystack, *args, **kwargs)

    monkeypatch.setattr(fuzz, "partial_ratio_alignment", recording)
    text = "Le réseau privé virtuel de l'entreprise est autorisé. " * 2_000
    quote = "Le réseau privé virtual de l'entreprise est autorisé. " * 20_000  # about 1 MB, not in the text
    found = anchoring.closest_passage(text, quote)
    assert compared == [(anchoring.CLOSEST_QUOTE_CHARS, len(text))]
    assert found is not None and "réseau privé virtuel" in text[found[0].start:found[0].end]


# --- Bounded work: the search is linear in the text and the quote, whatever a pull request puts in them. ---

class _TooMuchWork(Exception):
    pass


def _work(run, budget: int) -> int:
    """Work done by `run`, counted rather than timed: lines of Python run, built-in calls, and the
    characters each substring search looks at (str.find and str.startswith are linear in what they
    look at). Past `budget` the run is stopped, so that a quadratic search fails rather than hangs."""
    import sys

    from factdesk import anchoring

    work = 0
    real_find, real_continues = anchoring._find, anchoring._continues

    def spend(amount: int) -> None:
        nonlocal work
        work += amount
        if work > budget:
            raise _TooMuchWork

    def find(text: str, needle: str, start: int) -> int:
        found = real_find(text, needle, start)
        spend(len(needle) + ((found + len(needle)) if found >= 0 else len(text)) - start)
        return found

    def continues(text: str, tail: str, at: int) -> bool:
        spend(len(tail))
        return real_continues(text, tail, at)

    def on_call(frame, event, arg):
        if event == "c_call":
            spend(1)

    def on_line(frame, event, arg):
        spend(1)
        return on_line

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(anchoring, "_find", find)
        patch.setattr(anchoring, "_continues", continues)
        sys.setprofile(on_call)
        sys.settrace(on_line)
        try:
            run()
        except _TooMuchWork:
            pass
        finally:
            sys.settrace(None)
            sys.setprofile(None)
    return work


# Texts an attacker would pick, at a given length, with a quote a tenth as long (or as long as a selector allows).
HOSTILE_SEARCHES = {
    "repetitive quote, moved": lambda n: anchor("a" * n, Selector("a" * (n // 10), 1, n // 10 + 2)),
    "repetitive quote, located": lambda n: locate("a" * n, "a" * (n // 10)),
    "repetitive quote, missing": lambda n: anchor("a" * n, Selector("a" * 4_999 + "b", 1, 5_001)),
    "periodic quote": lambda n: anchor("ab" * (n // 2), Selector("ab" * (n // 20) + "a", 3, 5)),
    "whitespace runs": lambda n: anchor("a  " * (n // 3), Selector("a a a", 1, 6)),
    "near occurrences": lambda n: near_occurrences("a" * n, "a" * (n // 10) + "."),
    "prefix and suffix": lambda n: anchor("ab " * (n // 3), Selector("ab ab", 7, 9, prefix="ab " * 1_600, suffix=" ab" * 1_600)),
}


@pytest.mark.parametrize("search", HOSTILE_SEARCHES)
def test_quote_search_work_grows_linearly_with_the_text(search):
    run = HOSTILE_SEARCHES[search]
    run(1_000)  # what is done once (importing the closest-passage search) is not counted
    # A small, fixed amount of work per character of text and quote.
    small = _work(lambda: run(100_000), budget=10 * 110_000)
    large = _work(lambda: run(1_000_000), budget=10 * 1_100_000)
    assert small <= 10 * 110_000 and large <= 10 * 1_100_000, (small, large)
    # Ten times the text and quote: about ten times the work (it was a hundred times, or more).
    assert large <= 12 * small + 10_000, (small, large)
