"""A new claim file from a source and a quote, ready for the editor to complete."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata

from anyascii import anyascii

from .anchoring import Span, context
from .schemas import PLACEHOLDER
from .segmentation import spaced
from .site import find_mentions
from .sources import Source
from .entities import Entity


def suggest_id(quote: str, taken: set[str], words: int = 6, language: str | None = None) -> str:
    """A readable id from the quote's first words, unique among `taken`: accents dropped, other scripts
    transliterated (“英国电信” → yingguo-dianxin, words found by the segmentation)."""
    parts = re.findall(r"[a-z0-9]+", _ascii(spaced(quote, language, joiner=" ")).lower())[:words] or ["claim"]
    base = "-".join(parts)
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _ascii(text: str) -> str:
    """Letters with accents as the letter alone (é → e), as they always were; the letters and digits of
    other scripts (vowel signs included) transliterated by anyascii (Москва → Moskva, 电信 → DianXin); other
    characters dropped."""
    kept = []
    for character in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFKD", character)
        if decomposed[0].isascii():  # é → e, ﬁ → fi; the accents go
            kept.append("".join(c for c in decomposed if c.isascii()))
        elif unicodedata.category(character)[0] in "LMN":  # a Thai vowel sign is part of the word
            kept.append(anyascii(character))
    return "".join(kept)


def entities_in(source: Source, span: Span, entities: dict[str, Entity], field: str = "text") -> list[str]:
    """Ids of the entities whose name or alias occurs inside the span of the source's text or title."""
    searched = source if field == "text" else dataclasses.replace(source, text=source.part(field))
    found = [m.entity_id for m in find_mentions(searched, entities) if span.start <= m.span.start and m.span.end <= span.end]
    return list(dict.fromkeys(found))


def claim_yaml(claim_id: str, source: Source, span: Span, entity_ids: list[str], today: str, field: str = "text") -> str:
    text = source.part(field)
    prefix, suffix = context(text, span)
    quote = text[span.start:span.end]
    todo = f"{PLACEHOLDER}:"
    lines = [
        "# yaml-language-server: $schema=../../schemas/claim.schema.json",
        f"id: {claim_id}",
        f"source: {source.id}",
        "selector:",
        *([f"  field: {field}"] if field != "text" else []),
        f"  exact: {json.dumps(quote, ensure_ascii=False)}",
        f"  prefix: {json.dumps(prefix, ensure_ascii=False)}",
        f"  suffix: {json.dumps(suffix, ensure_ascii=False)}",
        f"  start: {span.start}",
        f"  end: {span.end}",
        f'claim: "{todo} the claim restated as one neutral English sentence"',
    ]
    if source.language != "en":
        lines.append(f'translation: "{todo} English translation of the quote"')
    lines += [
        f"verdict: {PLACEHOLDER}  # one of the ids in rating-scale.yml",
        f'summary: "{todo} one or two sentences: why this verdict"',
        "notes: |",
        f"  {todo} the reasoning, in Markdown. Show every calculation; keep what changed",
        "  after publication in a separate **Since publication.** paragraph.",
        "evidence:",
        f'  - url: "{todo} https://…"',
        f'    title: "{todo} title as published"',
        f'    publisher: "{todo} publisher"',
        f'    date: "{todo} YYYY-MM-DD or undated"',
        f'    shows: "{todo} what this source shows, in your own words"',
        f"entities: [{', '.join(entity_ids)}]",
        f"reviewed: {today}",
        f"updated: {today}",
        f'reviewer: "{todo} your name"',
    ]
    return "\n".join(lines) + "\n"


def source_yaml(source_id: str, sha256: str) -> str:
    """The metadata of a new source: its checksum, and placeholders for what the editor must state."""
    todo = f"{PLACEHOLDER}:"
    return "\n".join([
        "# yaml-language-server: $schema=../schemas/source.schema.json",
        f"id: {source_id}",
        f'title: "{todo} the title as published, or a description in [square brackets]"',
        f'language: {PLACEHOLDER}  # BCP 47 tag of the text: en, fr, zh-Hans…',
        f'publisher: "{todo} who published it"',
        f'url: "{todo} https://… where it was published (remove the line if it was not online)"',
        f'published: "{todo} YYYY-MM-DD, as the source shows it (remove the line if it does not)"',
        f"sha256: {sha256}",
    ]) + "\n"
