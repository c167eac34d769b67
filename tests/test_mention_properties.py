"""Entity mentions on any text: the finder marks exactly what one regular expression over every form
marks (the forms longest first, then alphabetical; whole words and case as each form says), whatever
the characters: every Unicode category, forms overlapping and nested, and letters whose case rules
are unusual (dotless i, long s, Kelvin sign, final sigma, ß, combining iota)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from factcheck.entities import Alias, Entity
from factcheck.site import MentionFinder
from factcheck.sources import Source, sha256_of

CASE_EDGES = list("sSſkKKiIıİßẞσςΣιΙͅιµμΜǅǄǆﬀΩωΩåÅÅ") + ["\u0301", "\u0308", "_", "²", "٣", "Ⅻ", "\u00a0", "\u200b",
                                                         "😀", "\ud800", "\n", " ", "-", "'", "’"]
CHARACTERS = st.one_of(st.sampled_from(CASE_EDGES), st.characters(), st.sampled_from(list("abAB0 .")))
FORM_TEXT = st.text(CHARACTERS, min_size=1, max_size=5)
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
def entities_and_text(draw):
    entities = {}
    for number in range(draw(st.integers(min_value=1, max_value=5))):
        aliases = tuple(
            Alias(draw(FORM_TEXT), whole_word=draw(st.sampled_from([None, True, False])),
                  case_sensitive=draw(st.sampled_from([None, True, False])))
            for _ in range(draw(st.integers(min_value=0, max_value=4)))
        )
        entities[f"e{number}"] = Entity(f"e{number}", draw(FORM_TEXT), "organisation", "", f"entities/e{number}.yml", aliases)
    forms = [form for entity in entities.values() for form, _, _ in entity.forms]
    pieces = draw(st.lists(st.one_of(
        st.tuples(st.sampled_from(forms), st.sampled_from(CHANGES)).map(lambda pair: pair[1](pair[0])),
        st.text(CHARACTERS, max_size=4),
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
