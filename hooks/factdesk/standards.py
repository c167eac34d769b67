"""The desk's standards for its content, beyond what the schemas can say, each reported at the line to fix.

- A quote of more than a name, in a language other than the site's, has a translation.
- A verdict off the scale ("unverifiable") says what was searched: at least two searches.
- Every sentence of a source is covered by a claim or set aside under `not_checked` with a
  reason. A source whose check is declared complete (it has an `assessment`) must meet
  this; for a source still being checked, an uncovered sentence is a warning.
- Every entity is named in a source or is the subject or maker of a claim.
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping

from .coverage import Coverage, source_coverage
from .entities import Entity
from .languages import primary_language
from .problems import Problem
from .segmentation import letters_without_spaces, words_with_spaces
from .reuse import Same
from .site import AnchoredClaim, SiteModel
from .sources import Source

MIN_SEARCHES = 2
# Uncovered sentences named one by one per source; the rest are counted in one message
# (a text of two megabytes can hold hundreds of thousands of sentences).
MAX_UNCOVERED_LISTED = 20
_IN_PROGRESS = {True: "", False: " (allowed while the check is in progress: the source has no `assessment` yet)"}
# A quote of up to this many words is a name or a figure, which needs no translation.
MAX_UNTRANSLATED_WORDS = 3
# The same for scripts written without spaces, counted in letters: a name such as 新华社, 工信部 or
# 中国联合网络通信 is up to about eight characters; a clause is longer.
MAX_UNTRANSLATED_LETTERS = 8


def standards_problems(model: SiteModel, site_language: str = "en") -> list[Problem]:
    """Every problem with the desk's standards; a source's (its claims' and its coverage) are those the previous
    validation found while the source and its claims are the very objects of then (see `SiteModel.parts`) and
    the site's language is as it was (`model.checks`)."""
    problems: list[Problem] = []
    checks = model.checks
    for source_id, found in model.parts.items():
        source = model.sources[source_id]
        problems += checks.get(("standards", source_id), (Same(found), site_language), lambda found=found, source=source: [
            problem for item in found.value.claims for problem in claim_standards(item, source, site_language)])
    for source_id, source in sorted(model.sources.items()):
        problems += checks.get(("coverage", source_id), Same(model.parts[source_id]), lambda source_id=source_id, source=source:
                               coverage_problems(source, source_coverage(model, source_id, listed=MAX_UNCOVERED_LISTED)))

    # Quoted by a claim, or asked for a reply, counts as made by it: looked for only when an entity has no claim.
    @functools.cache
    def asked() -> set[str]:
        return {reply.party for item in model.claims.values() for reply in item.claim.right_of_reply}

    # Claims first: the mentions are looked for only when an entity has no claim.
    problems += unnamed_entities(model.entities, lambda entity_id: bool(
        model.claims_by_entity.get(entity_id) or model.claims_by_claimant.get(entity_id)
        or model.claims_by_speaker.get(entity_id) or entity_id in asked() or entity_id in model.named_entities))
    return problems


def claim_standards(item: AnchoredClaim, source: Source, site_language: str) -> list[Problem]:
    """A claim's translation and searches."""
    problems = []
    claim = item.claim
    quote = source.part(claim.selector.field)[item.span.start:item.span.end]
    if (primary_language(source.language) != primary_language(site_language)
            and needs_translation(quote) and not claim.translation):
        problems.append(claim.problem(("translation",), f"the quote is in {source.language!r}: add `translation`, "
                                                        f"the quote in {site_language!r}, for readers who do not read it"))
    if item.verdict.rank is None and len(claim.searched) < MIN_SEARCHES:
        problems.append(claim.problem(("searched",), f"a verdict of {item.verdict.label!r} needs at least {MIN_SEARCHES} "
                                                     "searches listed here: what was searched for, and where"))
    return problems


def coverage_problems(source: Source, coverage: Coverage) -> list[Problem]:
    """A source's sentences that no claim covers and that are not set aside: the listed ones by name, the rest counted."""
    problems = []
    complete = source.assessment is not None
    for sentence in coverage.listed:
        where = f"{source.text_file}, characters {sentence.span.start}–{sentence.span.end}"
        problems.append(source.problem(
            ("assessment",) if complete else ("not_checked",),
            f"no claim covers the sentence {_shorten(sentence.text)!r} ({where}); add a claim, or list it under "
            "`not_checked` with the reason" + _IN_PROGRESS[complete],
            "error" if complete else "warning",
        ))
    if coverage.unlisted is not None:
        problems.append(source.problem(
            ("assessment",) if complete else ("not_checked",),
            f"no claim covers {coverage.uncovered - len(coverage.listed):,} more sentences ({source.text_file}, "
            f"characters {coverage.unlisted.start}–{coverage.unlisted.end}); add claims, or list them under "
            "`not_checked` with the reason" + _IN_PROGRESS[complete],
            "error" if complete else "warning",
        ))
    return problems


def unnamed_entities(entities: Mapping[str, Entity], named: Callable[[str], bool]) -> list[Problem]:
    """Entities that `named` says no source names and no claim is about or made by."""
    return [entity.problem(("aliases",), "no source names this entity and no claim is about it or made by it; "
                                         "add the names the sources use to `aliases`, or remove the file")
            for entity_id, entity in sorted(entities.items()) if not named(entity_id)]


def needs_translation(quote: str) -> bool:
    """Whether a quote is more than a name: more than MAX_UNTRANSLATED_WORDS words separated by spaces,
    or more than MAX_UNTRANSLATED_LETTERS letters of scripts written without spaces (Chinese, Japanese,
    Thai…), each counted apart."""
    return words_with_spaces(quote) > MAX_UNTRANSLATED_WORDS or letters_without_spaces(quote) > MAX_UNTRANSLATED_LETTERS


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
