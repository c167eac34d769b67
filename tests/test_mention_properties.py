"""Entity mentions on any text: the finder marks exactly what one regular expression over every form
marks (the forms longest first, then alphabetical; whole words and case as each form says), whatever
the characters: every Unicode category, forms overlapping and nested, and letters whose case rules
are unusual (dotless i, long s, Kelvin sign, final sigma, ß, combining iota).

In scripts written without spaces (Chinese, Japanese, Thai…) a whole word's edges follow the text's
segmentation, which no regular expression states: there the finder marks what trying every form at
every place, in the same order, with those edges, marks."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from factdesk.entities import Alias, Entity
from factdesk.segmentation import WordBoundaries, is_word_edge, script_without_spaces
from factdesk.site import MentionFinder
from factdesk.sources import Source, sha256_of

CASE_EDGES = list("sSſkKKiIıİßẞσςΣιΙͅιµμΜǅǄǆﬀΩωΩåÅÅ") + ["\u0301", "\u0308", "_", "²", "٣", "Ⅻ", "\u00a0", "\u200b",
                                                         "😀", "\ud800", "\n", " ", "-", "'", "’"]
# Characters of scripts written with spaces: where the rule is the one regular expression below.
CHARACTERS = st.one_of(st.sampled_from(CASE_EDGES), st.characters().filter(lambda c: not script_without_spaces(c)),
                       st.sampled_from(list("abAB0 .")))
CHANGES = (str, str.upper, str.lower, str.swapcase, str.casefold, str.title)


def reference_mentions(entities: dict[str, Entity], text: str) -> list[tuple[str, int, int]]:
    """The specification: all forms in one alternation, longest first, each a named group."""
    forms: dict[str, tuple[str, bool, bool]] = {}
    for entity in sorted(entities.values(), key=lambda e: e.id):
        for form, whole_word, case_sensitive in entity.forms:
            forms.setdefault(form, (entity.id, whole_word, case_sensitive))
    entity_of, alternatives = {}, []
    for number, form in enumerate(sorted(forms, key=lambda n: (-len(n), n))):
        entity_id, whole_word, case_sensitive = forms[form]
        body = re.escape(form)
        if whole_word:
            body = rf"(?<!\w){body}(?!\w)"
        if not case_sensitive:
            body = f"(?i:{body})"
        entity_of[f"f{number}"] = entity_id
        alternatives.append(f"(?P<f{number}>{body})")
    pattern = re.compile("|".join(alternatives))
    return [(entity_of[m.lastgroup], m.start(), m.end()) for m in pattern.finditer(text)]


@st.composite
def entities_and_text(draw, characters=CHARACTERS):
    form_text = st.text(characters, min_size=1, max_size=5)
    entities = {}
    for number in range(draw(st.integers(min_value=1, max_value=5))):
        aliases = tuple(
            Alias(draw(form_text), whole_word=draw(st.sampled_from([None, True, False])),
                  case_sensitive=draw(st.sampled_from([None, True, False])))
            for _ in range(draw(st.integers(min_value=0, max_value=4)))
        )
        entities[f"e{number}"] = Entity(f"e{number}", draw(form_text), "organisation", "", f"entities/e{number}.yml", aliases)
    forms = [form for entity in entities.values() for form, _, _ in entity.forms]
    pieces = draw(st.lists(st.one_of(
        st.tuples(st.sampled_from(forms), st.sampled_from(CHANGES)).map(lambda pair: pair[1](pair[0])),
        st.text(characters, max_size=4),
    ), max_size=30))
    return entities, "".join(pieces)


def found(entities: dict[str, Entity], text: str) -> list[tuple[str, int, int]]:
    source = Source("s", "Title", "en", text, sha256_of(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")),
                    "sources/s.yml", "sources/s.txt")
    mentions = MentionFinder(entities).find(source)
    assert [m.anchor_id for m in mentions] == [f"mention-{n}" for n in range(1, len(mentions) + 1)]
    assert all(m.source_id == "s" for m in mentions)
    return [(m.entity_id, m.span.start, m.span.end) for m in mentions]


def loose(text: str, whole_word: bool = False) -> Alias:
    """An alias matched in any case (and by default inside words too)."""
    return Alias(text, whole_word=whole_word, case_sensitive=False)


def entity(entity_id: str, name: str, *aliases: Alias) -> Entity:
    return Entity(entity_id, name, "organisation", "", f"entities/{entity_id}.yml", aliases)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(entities_and_text())
@example(({"a": entity("a", "BT"), "b": entity("b", "BT Chine"), "c": entity("c", "Chine")}, "BT Chine, BT, Chine et BTChine"))
@example(({"a": entity("a", "Iota", loose("ιx"), loose("σ", whole_word=True)),
           "b": entity("b", "Kelvin", loose("ſ"), loose("K", whole_word=True), loose("µ"))},
          "\u0345x ιx Ιx ς Σ σ s S k K ſ Μ μ µ"))
@example(({"a": entity("a", "Acme"), "b": entity("b", "ACME", loose("acme"))}, "Acme ACME acme aCmE xacme"))
@example(({"a": entity("a", "İ", loose("ß", whole_word=True))}, "i İ ı I ß SS ẞ ss"))
# Old Hungarian letters (beyond the Basic Multilingual Plane) beside a letter of the Basic one.
@example(({"a": entity("a", "Acme", loose("\U00010C80")), "b": entity("b", "a")}, "\U00010C80 \U00010CC0 a A"))
def test_the_finder_marks_what_one_alternation_of_all_forms_marks(case):
    entities, text = case
    assert found(entities, text) == reference_mentions(entities, text)


def test_no_entities_no_mentions():
    assert found({}, "Any text at all.") == []


# Chinese, Japanese and Thai beside Latin letters, digits, punctuation, and characters beyond the
# Basic Multilingual Plane (ICU counts positions in UTF-16: an emoji or 𠀀 shifts them).
WITHOUT_SPACES_MIXED = st.one_of(st.sampled_from(list("工信部长新华社据消息中国人民银行上海东京都にすんでいまスーパー")
                                                 + list("สวัสดีครับ") + ["\U00020000", "😀"]),
                                 st.sampled_from(list("BTbt1 .，。（）")))


def reference_with_segmentation(entities: dict[str, Entity], text: str, language: str) -> list[tuple[str, int, int]]:
    """The specification with scripts written without spaces: at each place, left to right, every form in
    order; the first that occurs there (in its case rule) with its edges on whole-word boundaries wins."""
    forms: dict[str, tuple[str, bool, bool]] = {}
    for entity in sorted(entities.values(), key=lambda e: e.id):
        for form, whole_word, case_sensitive in entity.forms:
            forms.setdefault(form, (entity.id, whole_word, case_sensitive))
    ordered = sorted(forms, key=lambda n: (-len(n), n))
    boundaries = WordBoundaries(text, language)

    def edge(position: int, inside: str, outside: str | None) -> bool:
        if script_without_spaces(inside):
            return is_word_edge(text, position, boundaries)
        return outside is None or not (re.fullmatch(r"\w", outside) and not script_without_spaces(outside))

    found, position = [], 0
    while position < len(text):
        for form in ordered:
            entity_id, whole_word, case_sensitive = forms[form]
            end = position + len(form)
            if not re.fullmatch(re.escape(form), text[position:end], 0 if case_sensitive else re.IGNORECASE):
                continue
            if whole_word and not (edge(position, text[position], text[position - 1] if position else None)
                                   and edge(end, text[end - 1], text[end] if end < len(text) else None)):
                continue
            found.append((entity_id, position, end))
            position = end
            break
        else:
            position += 1
    return found


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(entities_and_text(characters=st.one_of(WITHOUT_SPACES_MIXED, CHARACTERS)), st.sampled_from(["zh", "ja", "th", "fr"]))
@example(({"miit": entity("miit", "工信部"), "xh": entity("xh", "新华社"), "bt": entity("bt", "BT", loose("bt", whole_word=True))},
          "😀新华社据工信部消息，工信部长说BT公司 bt工信部"), "zh")
# A longer form refused by the segmentation (消息 is one word), a shorter one from the same place taken.
@example(({"a": entity("a", "工信部消"), "b": entity("b", "工信部")}, "据工信部消息"), "zh")
def test_in_scripts_without_spaces_the_finder_marks_whole_words_by_the_segmentation(case, language):
    (entities, text), source_language = case, language
    source = Source("s", "Title", source_language, text, sha256_of(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")),
                    "sources/s.yml", "sources/s.txt")
    found = [(m.entity_id, m.span.start, m.span.end) for m in MentionFinder(entities).find(source)]
    assert found == reference_with_segmentation(entities, text, source_language)
