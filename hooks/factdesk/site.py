"""The site model: every claim anchored, every entity mention found, every page with its URL.

URLs are relative to the site root and end in .html; rendering turns them into
links relative to the page that holds them.
"""

from __future__ import annotations

import datetime
import functools
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .anchoring import MAX_OCCURRENCES, Anchoring, NormalisedText, Span, anchor, context, locate
from .claims import Claim, Correction
from .entities import Entity
from .problems import FactcheckError, Problem, errors
from .repository import Repository
from .reuse import Part, Reuse, Same, part
from .segmentation import WITHOUT_SPACES, WordBoundaries, is_word_edge, script_without_spaces
from .sources import Source
from .verdicts import Verdict


@dataclass(frozen=True)
class AnchoredClaim:
    claim: Claim
    span: Span
    number: int  # order of the claim in its source, from 1 (headline claims first)
    verdict: Verdict
    claimant: Entity | None = None  # whoever made the claim, when not the source's publisher
    speaker: Entity | None = None  # the person quoted, when someone else answers for the words
    repliers: tuple[Entity, ...] = ()  # the parties of the right of reply, in the claim's order

    # Kept once asked for: every stage of a rebuild asks each claim for these, and the objects outlive a rebuild.
    @functools.cached_property
    def id(self) -> str:
        return self.claim.id

    @property
    def in_title(self) -> bool:
        """The span is in the source's title (its headline), not its text."""
        return self.claim.selector.in_title

    @functools.cached_property
    def url(self) -> str:
        return claim_url(self.claim.id)

    @property
    def anchor_id(self) -> str:
        """The HTML id of the span's start on the annotated source page."""
        return f"claim-{self.claim.id}"


@dataclass(frozen=True)
class Mention:
    entity_id: str
    source_id: str
    span: Span
    anchor_id: str  # HTML id of the mention on the annotated source page


@dataclass(frozen=True)
class SourceClaims:
    """One source's claims, anchored and numbered, and what the model gathers of them."""

    claims: tuple[AnchoredClaim, ...]  # in reading order
    problems: list[Problem]  # what anchoring them found
    by_id: dict[str, AnchoredClaim] = field(default_factory=dict)
    by_entity: dict[str, list[AnchoredClaim]] = field(default_factory=dict)
    by_claimant: dict[str, list[AnchoredClaim]] = field(default_factory=dict)
    by_speaker: dict[str, list[AnchoredClaim]] = field(default_factory=dict)

    @functools.cached_property
    def latest(self) -> str | None:
        """The latest `updated` date of its claims."""
        return max((item.claim.updated for item in self.claims), default=None)

    @functools.cached_property
    def corrections(self) -> tuple[tuple[Correction, AnchoredClaim], ...]:
        return tuple((correction, item) for item in self.claims for correction in item.claim.corrections)


@dataclass
class SiteModel:
    repository: Repository
    claims: dict[str, AnchoredClaim]
    claims_by_source: dict[str, list[AnchoredClaim]]
    claims_by_entity: dict[str, list[AnchoredClaim]]
    claims_by_claimant: dict[str, list[AnchoredClaim]] = field(default_factory=dict)
    claims_by_speaker: dict[str, list[AnchoredClaim]] = field(default_factory=dict)  # the claims quoting each person
    warnings: list[Problem] = field(default_factory=list)
    reuse: Reuse = field(default_factory=Reuse, compare=False, repr=False)  # spans and mentions, for the next build
    # Each claim's checks (the desk's standards, the share card's text), for the next validation.
    checks: Reuse = field(default_factory=Reuse, compare=False, repr=False)
    # Where each source's not_checked passages occur (the first MAX_OCCURRENCES places of each), by source id.
    set_aside: dict[str, list[Span]] = field(default_factory=dict)
    # Each source's claims, by source id: the very object of the previous model while the source, its claims,
    # the rating scale and the entities are (`Same`), so that what is made of them can be reused whole.
    parts: dict[str, Part[SourceClaims]] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def claims_of_source(self) -> dict[str, tuple[AnchoredClaim, ...]]:
        """Every source's claims in reading order, by source id in id order (a source without claims too): the
        inputs of what the whole-site files hold of each source, compared claim by claim in C."""
        return {source_id: tuple(self.claims_by_source.get(source_id, ())) for source_id in sorted(self.sources)}

    # Entity mentions are found when first asked for: the pages need them, validation seldom does.
    @functools.cached_property
    def mentions(self) -> dict[str, list[Mention]]:
        """Every entity mention, by source id. A source whose text, language and the entities' forms are as in
        the build `reuse` came from keeps the mentions found then."""
        forms, finder = self._forms, self._finder
        found = {sid: self.reuse.get(("mentions", sid), (source.text, source.language, forms), lambda: finder().find(source))
                 for sid, source in sorted(self.sources.items())}
        self.reuse.finish()  # spans were found in build_site: everything is asked for
        return found

    @functools.cached_property
    def named_entities(self) -> frozenset[str]:
        """The ids of the entities some source names. Validation needs no more than this: found without
        building the mentions (a source may name an entity hundreds of thousands of times) unless they are."""
        if "mentions" in self.__dict__:
            return frozenset(self.mentions_by_entity)
        forms, finder = self._forms, self._finder
        return frozenset().union(*(
            self.reuse.get(("named", sid), (source.text, source.language, forms), lambda: finder().named(source))
            for sid, source in sorted(self.sources.items())))

    @functools.cached_property
    def _forms(self) -> tuple:
        return tuple((entity.id, entity.forms) for entity in sorted(self.entities.values(), key=lambda e: e.id))

    @functools.cached_property
    def _finder(self) -> Callable[[], MentionFinder]:
        return functools.cache(lambda: MentionFinder(self.entities))

    @functools.cached_property
    def mentions_by_entity(self) -> dict[str, list[Mention]]:
        by_entity: dict[str, list[Mention]] = defaultdict(list)
        for source_mentions in self.mentions.values():
            for mention in source_mentions:
                by_entity[mention.entity_id].append(mention)
        return dict(by_entity)

    @property
    def sources(self) -> dict[str, Source]:
        return self.repository.sources

    @property
    def entities(self) -> dict[str, Entity]:
        return self.repository.entities

    @functools.cached_property
    def sources_newest_first(self) -> list[Source]:
        """Sources by publication date, newest first; undated ones after, by title."""
        dated = sorted((s for s in self.sources.values() if s.published), key=lambda s: (s.published, s.id), reverse=True)
        undated = sorted((s for s in self.sources.values() if not s.published), key=lambda s: (s.title.casefold(), s.id))
        return dated + undated

    def claims_newest_source_first(self) -> list[AnchoredClaim]:
        """Every claim, sources newest first, each source's claims in reading order."""
        return [item for source in self.sources_newest_first for item in self.claims_by_source.get(source.id, [])]

    def by_source(self, items: list, source_id_of: Callable[[Any], str] = lambda item: item.claim.source,
                  ) -> list[tuple[Source, list]]:
        """Claims (or, with `source_id_of`, anything else) grouped by source, sources newest first, order kept."""
        groups: dict[str, list] = defaultdict(list)
        for item in items:
            groups[source_id_of(item)].append(item)
        return [(source, groups[source.id]) for source in self.sources_newest_first if source.id in groups]

    def verdict_counts(self, claims: list[AnchoredClaim]) -> list[tuple[Verdict, int]]:
        """How many claims got each verdict, in scale order, verdicts with no claims left out."""
        counts: dict[str, int] = defaultdict(int)
        for item in claims:
            counts[item.verdict.id] += 1
        return [(v, counts[v.id]) for v in self.repository.scale.verdicts if counts[v.id]]

    def latest_update(self) -> str | None:
        """The latest `updated` date of any claim (YYYY-MM-DD), if there is a claim."""
        return self._latest_update

    @functools.cached_property
    def _latest_update(self) -> str | None:
        # Asked for by many pages and files of a build; the model does not change once built.
        return max((found.value.latest for found in self.parts.values() if found.value.latest), default=None)

    def latest_update_timestamp(self) -> int:
        """Midnight UTC of the latest `updated` date of any claim, as a Unix timestamp (0 if none)."""
        if not self.latest_update():
            return 0
        latest = datetime.date.fromisoformat(self.latest_update())
        return int(datetime.datetime(latest.year, latest.month, latest.day, tzinfo=datetime.timezone.utc).timestamp())

    def corrections(self) -> list[tuple[Correction, AnchoredClaim]]:
        """Every correction of every claim, newest first."""
        return list(self._corrections)

    @functools.cached_property
    def _corrections(self) -> list[tuple[Correction, AnchoredClaim]]:
        found = [pair for found in self.parts.values() for pair in found.value.corrections]
        return sorted(found, key=lambda pair: (pair[0].date, pair[1].id), reverse=True)

    @functools.cached_property
    def _related(self) -> dict[str, set[str]]:
        related: dict[str, set[str]] = defaultdict(set)
        for entity in self.entities.values():
            for other in entity.related:
                related[entity.id].add(other)
                related[other].add(entity.id)
        return related

    def related_entities(self, entity_id: str) -> list[Entity]:
        """Entities linked either way through `related`."""
        return [self.entities[i] for i in sorted(self._related.get(entity_id, ()))]


def source_url(source_id: str) -> str:
    return f"sources/{source_id}.html"


def claim_url(claim_id: str) -> str:
    return f"claims/{claim_id}.html"


def entity_url(entity_id: str) -> str:
    return f"entities/{entity_id}.html"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one page to another (both relative to the site root), fragment kept."""
    target, hash_mark, fragment = to_url.partition("#")
    if not target:
        return to_url
    link = posixpath.relpath(target, posixpath.dirname(from_url) or ".")
    return link + hash_mark + fragment


class _Normalised:
    """A source text's NormalisedText, made the first time a quote must be searched for in it."""

    def __init__(self, text: str):
        self.source_text = text

    @functools.cached_property
    def value(self) -> NormalisedText:
        return NormalisedText(self.source_text)


def build_site(repository: Repository, previous: SiteModel | None = None) -> SiteModel:
    """Anchor every claim (mentions are found when the model is first asked for them); raises
    FactcheckError if a span cannot be anchored.

    With `previous` (an earlier model of the same engine), a source whose text, its claims, the rating scale and
    the entities are the very objects of then keeps its claims as they were (see `SourceClaims`); in a source that
    changed, a claim whose selector and quoted part are unchanged keeps its span; a source whose text and the
    entities' forms are unchanged keeps its mentions; the model is the one a clean run gives. What validation
    found of each unchanged source is kept likewise (`checks`)."""
    reuse = Reuse(previous.reuse if previous else None)
    problems: list[Problem] = []
    normalised = {sid: reuse.get(("normalised", sid), source.text, lambda: _Normalised(source.text))
                  for sid, source in repository.sources.items()}
    # What a claim is shown with besides its source, as one object while it is equal (positions too: problems are
    # placed at the files' current lines), so that each source's comparison below stops at identity.
    shown_with = (repository.scale, tuple((entity, entity.positions) for entity in repository.entities.values()))
    shown_with = reuse.get(("shown with",), shown_with, lambda: shown_with)
    # One pass over the claims to group them: looping over every claim once per source is
    # quadratic when a site has thousands of both.
    claims_of_source: dict[str, list[Claim]] = defaultdict(list)
    for claim in repository.claims.values():
        claims_of_source[claim.source].append(claim)
    parts: dict[str, Part[SourceClaims]] = {}
    for source_id in sorted(repository.sources):
        source, claims_here = repository.sources[source_id], claims_of_source[source_id]
        parts[source_id] = part(previous.parts.get(source_id) if previous else None,
                                (Same(source, *claims_here), shown_with),
                                lambda found, source=source, claims_here=claims_here: _source_claims(
                                    repository, source, claims_here, found, normalised[source.id]))
        problems += parts[source_id].value.problems
    set_aside: dict[str, list[Span]] = {}
    for source in repository.sources.values():
        set_aside[source.id] = []
        for index, item in enumerate(source.not_checked):
            # Found once, here: each search reads the whole text, and coverage needs the places too.
            found = reuse.get(("not-checked", source.id, index), (source.text, item.quote),
                              lambda: tuple(locate(source.text, item.quote, normalised[source.id].value)))
            set_aside[source.id].extend(found)
            if not found:
                problems.append(source.problem(("not_checked", index, "quote"),
                                               "this passage is not in the source text; copy it exactly or remove the entry"))
    if errors(problems):
        raise FactcheckError(errors(problems))
    claims: dict[str, AnchoredClaim] = {}
    by_source: dict[str, list[AnchoredClaim]] = {}
    by_entity: dict[str, list[AnchoredClaim]] = defaultdict(list)
    by_claimant: dict[str, list[AnchoredClaim]] = defaultdict(list)
    by_speaker: dict[str, list[AnchoredClaim]] = defaultdict(list)
    for source_id, found in parts.items():
        gathered = found.value
        if gathered.claims:
            claims.update(gathered.by_id)
            by_source[source_id] = list(gathered.claims)
        for whole, of_source in ((by_entity, gathered.by_entity), (by_claimant, gathered.by_claimant),
                                 (by_speaker, gathered.by_speaker)):
            for entity_id, items in of_source.items():
                whole[entity_id] += items
    return SiteModel(repository, claims, by_source, dict(by_entity), dict(by_claimant), dict(by_speaker),
                     problems, reuse, Reuse(previous.checks if previous else None), set_aside=set_aside, parts=parts)


def _source_claims(repository: Repository, source: Source, claims: list[Claim], reuse: Reuse,
                   normalised: _Normalised) -> SourceClaims:
    """One source's claims anchored and numbered; those whose inputs are as in `reuse` are the objects of then.
    With a span that cannot be anchored, only the problems."""
    problems: list[Problem] = []
    spans: dict[str, Span] = {}
    for claim in claims:
        quoted = source.part(claim.selector.field)
        if claim.selector.in_title:
            result = reuse.get(("anchor", claim.id), (claim.selector, quoted), lambda: anchor(quoted, claim.selector))
        else:
            result = reuse.get(("anchor", claim.id), (claim.selector, quoted),
                               lambda: anchor(quoted, claim.selector, normalised.value))
        problems += anchoring_problems(claim, source, result)
        if result.span is not None:
            spans[claim.id] = result.span
    if errors(problems):
        return SourceClaims((), problems)
    ordered = sorted(claims, key=lambda c: (not c.selector.in_title, spans[c.id].start, -spans[c.id].end, c.id))
    items = []
    for number, claim in enumerate(ordered, start=1):
        verdict = repository.scale.get(claim.verdict)
        assert verdict is not None  # checked by the repository
        claimant = repository.entities.get(claim.claimant) if claim.claimant else None
        speaker = repository.entities.get(claim.speaker) if claim.speaker else None
        # Every party is known once references are checked; a partial repository (one source's claims,
        # checked alone) may lack them.
        repliers = tuple(repository.entities[reply.party] for reply in claim.right_of_reply
                         if reply.party in repository.entities)
        fields = (claim, spans[claim.id], number, verdict, claimant, speaker, repliers)
        # The previous object when equal: later comparisons of what pages show then stop at identity.
        # Positions too (equality leaves them out): problems found later are placed at the file's current lines.
        items.append(reuse.get(("claim", claim.id), (*fields, claim.positions, claimant and claimant.positions,
                                                     speaker and speaker.positions), lambda: AnchoredClaim(*fields)))
    by_entity: dict[str, list[AnchoredClaim]] = defaultdict(list)
    by_claimant: dict[str, list[AnchoredClaim]] = defaultdict(list)
    by_speaker: dict[str, list[AnchoredClaim]] = defaultdict(list)
    for item in items:
        for entity_id in item.claim.entities:
            by_entity[entity_id].append(item)
        if item.claim.claimant:
            by_claimant[item.claim.claimant].append(item)
        if item.claim.speaker:
            by_speaker[item.claim.speaker].append(item)
    return SourceClaims(tuple(items), problems, {item.id: item for item in items}, dict(by_entity), dict(by_claimant),
                        dict(by_speaker))


MAX_PLACES_LISTED = 10  # an ambiguous quote's occurrences named in its message


def anchoring_problems(claim: Claim, source: Source, result: Anchoring) -> list[Problem]:
    """What an editor must be told about one claim's span."""
    field = claim.selector.field
    text = source.part(field)
    if result.outcome == "exact":
        return []
    if result.outcome == "missing":
        message = f"the quote is not in source {source.id!r} ({source.part_name(field)}); copy it exactly from there"
        if result.closest:
            span, score = result.closest
            message += f"; the most similar passage ({score:.0f}% alike) is at {span.start}–{span.end}: {text[span.start:span.end]!r}"
        return [claim.problem(("selector", "exact"), message)]
    if result.outcome == "ambiguous":
        shown = MAX_PLACES_LISTED
        places = ", ".join(f"{s.start}–{s.end}" for s in result.candidates[:shown])
        found = result.total or len(result.candidates)
        if found > shown:
            places += f" and {found - shown} more"
        if result.total:
            return [claim.problem(("selector", "exact"),
                                  f"the quote occurs {found} times in {source.id!r} (at {places}), too often for its prefix, "
                                  f"suffix and offsets to tell which (at most {MAX_OCCURRENCES:,} are compared); lengthen the quote")]
        return [claim.problem(("selector", "exact"),
                              f"the quote occurs {found} times in {source.id!r} (at {places}) and its prefix, "
                              "suffix and offsets do not tell which; lengthen the quote or give prefix, suffix, start and end")]
    span = result.candidates[0] if result.outcome == "out-of-range" else result.span
    assert span is not None
    prefix, suffix = context(text, span)
    fix = f"start: {span.start}, end: {span.end}"
    if text[span.start:span.end] != claim.selector.exact:
        fix += f", exact: {text[span.start:span.end]!r}"
    if result.outcome == "out-of-range":
        return [claim.problem(("selector", "end"),
                              f"offsets {claim.selector.start}–{claim.selector.end} are beyond the end of the source "
                              f"{'title' if claim.selector.in_title else 'text'} ({len(text)} characters); the quote is at {fix}")]
    return [claim.problem(("selector", "start"),
                          f"the offsets no longer select the quote exactly; it was found at {fix} (prefix {prefix!r}, suffix {suffix!r}); "
                          "update the selector", severity="warning")]


# Forms starting with one character that a pattern tries one after the other; beyond, a tree of their characters.
FEW_FORMS = 16


class MentionFinder:
    """Finds every place an entity's name or alias occurs, in one pass per text.

    Forms are matched as whole words and case-sensitively unless an alias says otherwise.
    Where several forms start at the same place, the longest wins ("BT Chine" over "BT"),
    then the first in alphabetical order. The text is scanned for the characters a form
    can start with; at each such place only the forms starting with that character are
    tried, so the cost grows with the mentions rather than with the text times the forms.

    A whole word ends where a word character does not follow (and starts where none precedes),
    except beside a script written without spaces (Chinese, Japanese, Thai…): there an edge is
    a word boundary between two scripts, and within one such script where ICU's dictionary
    segmentation of the text puts one (`segmentation.is_word_edge`), found once per text and
    only if a form needs it."""

    def __init__(self, entities: dict[str, Entity]):
        forms: dict[str, tuple[str, bool, bool]] = {}  # text → (entity id, whole word, case-sensitive)
        for entity in sorted(entities.values(), key=lambda e: e.id):
            for text, whole_word, case_sensitive in entity.forms:
                if text:  # the schema requires a character; an empty form would match everywhere
                    forms.setdefault(text, (entity.id, whole_word, case_sensitive))
        self.forms = sorted(forms, key=lambda n: (-len(n), n))  # the order in which forms are tried
        self.entity_of = [forms[text][0] for text in self.forms]
        self.bodies = [_form_pattern(text, *forms[text][1:]) for text in self.forms]
        self.starts = _any_of_without_case({text[0] for text in self.forms}) if self.forms else None
        self.first_character = [re.compile(_form_pattern(text[0], False, forms[text][2])) for text in self.forms]
        # Edges the pattern cannot judge: those of a whole-word form whose character there is of a
        # script written without spaces, checked against the text's segmentation once matched.
        self.edges_to_check = [(whole_word and bool(script_without_spaces(text[0])),
                                whole_word and bool(script_without_spaces(text[-1])))
                               for text, (_, whole_word, _) in ((text, forms[text]) for text in self.forms)]
        # (text character, forms skipped) → the case-insensitive forms tried there; forms are skipped where
        # the first ones were refused by the segmentation.
        self.tried_at: dict[tuple[str, int], tuple[re.Pattern[str], list[int]] | None] = {}
        # The case-sensitive forms (the usual kind) in a tree of their characters: at each place the forms
        # that occur there are found by reading the text once, however many forms share a beginning (a
        # thousand aliases beginning like every sentence of a text were each tried at every sentence).
        self.case_sensitive = [forms[text][2] for text in self.forms]
        self.insensitive = not all(self.case_sensitive)
        self.trie: dict = {}
        for number, text in enumerate(self.forms):
            if self.case_sensitive[number]:
                node = self.trie
                for character in text:
                    node = node.setdefault(character, {})
                node.setdefault(None, []).append(number)
        self.patterns: dict[int, re.Pattern[str]] = {}
        self.starting_at: dict[str, list[int]] = {}

    def _forms_starting_with(self, character: str, skipped: int = 0,
                             every: bool = True) -> tuple[re.Pattern[str], list[int]] | None:
        """The forms whose first character matches `character` (as each form compares case), the case-insensitive
        ones alone unless `every`, but the first `skipped`, as one pattern trying them in order, with the form of
        each of its groups; None if none."""
        key = (character, skipped, every)
        if key not in self.tried_at:
            numbers = [number for number in self._starting_with(character)
                       if every or not self.case_sensitive[number]][skipped:]
            self.tried_at[key] = (
                re.compile("|".join(f"({self.bodies[number]})" for number in numbers)), numbers,
            ) if numbers else None
        return self.tried_at[key]

    def _starting_with(self, character: str) -> list[int]:
        """The numbers of the forms whose first character matches `character` (as each form compares case)."""
        if character not in self.starting_at:
            self.starting_at[character] = [number for number, first in enumerate(self.first_character)
                                           if first.fullmatch(character)]
        return self.starting_at[character]

    def _edges_hold(self, number: int, text: str, span: Span, boundaries: WordBoundaries) -> bool:
        check_start, check_end = self.edges_to_check[number]
        return ((not check_start or is_word_edge(text, span.start, boundaries))
                and (not check_end or is_word_edge(text, span.end, boundaries)))

    def _match_at(self, text: str, position: int, boundaries: WordBoundaries,
                  every: bool = True) -> tuple[int, Span] | None:
        """The first form (in the order forms are tried; the case-insensitive ones alone unless `every`) that occurs
        at `position` with its edges on word boundaries, and where; None if none."""
        character = text[position]
        tried, skipped = self._forms_starting_with(character, 0, every), 0
        while tried:
            found = tried[0].match(text, position)
            if not (found and found.lastindex):
                return None
            index = found.lastindex - 1  # each form is one group, holding no group of its own
            number, span = tried[1][index], Span(found.start(), found.end())
            if self._edges_hold(number, text, span, boundaries):
                return number, span
            # Refused by the segmentation (rare): the forms after it. Each refused form occurs here, so
            # there are at most as many tries as forms that are prefixes of one another.
            skipped += index + 1
            tried = self._forms_starting_with(character, skipped, every)
        return None

    def find(self, source: Source) -> list[Mention]:
        mentions: list[Mention] = []
        for number, start, end in self._occurrences(source):
            mentions.append(Mention(self.entity_of[number], source.id, Span(start, end), f"mention-{len(mentions) + 1}"))
        return mentions

    def named(self, source: Source) -> frozenset[str]:
        """The ids of the entities the source names: what `find` finds, without building a mention for each."""
        return frozenset(self.entity_of[number] for number, _, _ in self._occurrences(source))

    def _occurrences(self, source: Source) -> Iterator[tuple[int, int, int]]:
        """Each mention as its form's number, start and end, in the order of the text."""
        text, position = source.text, 0
        boundaries = WordBoundaries(text, source.language)  # segments the text only if an edge needs it
        if not self.starts:
            return
        search, starting_at, tried_at, edges = self.starts.search, self.starting_at, self.tried_at, self.edges_to_check
        while start := search(text, position):
            position = start.start()
            character = text[position]
            starting = starting_at.get(character)
            if starting is None:
                starting = self._starting_with(character)
            if not starting:
                found = None
            elif len(starting) <= FEW_FORMS:
                # One pattern tries them all, inline: a text can name an entity hundreds of thousands of times.
                tried = tried_at.get((character, 0, True)) or self._forms_starting_with(character)
                match = tried[0].match(text, position)
                if match is None or not match.lastindex:
                    found = None
                elif edges[tried[1][match.lastindex - 1]] == (False, False):
                    found = tried[1][match.lastindex - 1], match.end()
                else:
                    matched = self._match_at(text, position, boundaries)
                    found = (matched[0], matched[1].end) if matched else None
            else:
                found = self._case_sensitive_at(text, position, boundaries)
                if self.insensitive:
                    other = self._match_at(text, position, boundaries, every=False)
                    if other is not None and (found is None or other[0] < found[0]):
                        found = other[0], other[1].end
            if found is None:
                position += 1
                continue
            yield found[0], position, found[1]
            position = found[1]

    def _case_sensitive_at(self, text: str, position: int, boundaries: WordBoundaries) -> tuple[int, int] | None:
        """The first case-sensitive form (in the order forms are tried) that occurs at `position` as a whole
        word where it must be, with its number and end; None if none."""
        node, index, end, candidates = self.trie.get(text[position]), position + 1, len(text), []
        while node is not None:
            if None in node:
                candidates += node[None]
            node = node.get(text[index]) if index < end else None
            index += 1
        if len(candidates) > 1:
            candidates.sort()
        patterns = self.patterns
        for number in candidates:
            pattern = patterns.get(number) or patterns.setdefault(number, re.compile(self.bodies[number]))
            found = pattern.match(text, position)
            if found and (self.edges_to_check[number] == (False, False)
                          or self._edges_hold(number, text, Span(position, found.end()), boundaries)):
                return number, found.end()
        return None


def _any_of_without_case(characters: set[str]) -> re.Pattern[str]:
    """Where a form may start: one of its first characters, compared without case (a superset of
    every form's own rule). Characters beyond the Basic Multilingual Plane each get an alternative of
    their own: Python's case-insensitive character sets miss them (`(?i:[\U00010C80a])` does not
    match "\U00010C80")."""
    common = "".join(sorted(re.escape(c) for c in characters if ord(c) <= 0xFFFF))
    alternatives = ([f"(?i:[{common}])"] if common else []) + \
        [f"(?i:{re.escape(c)})" for c in sorted(characters) if ord(c) > 0xFFFF]
    return re.compile("|".join(alternatives))


# A word character of a script written with spaces: one beside a form's edge joins the form to a longer word.
_SPACED_WORD_CHARACTER = rf"[^\W{WITHOUT_SPACES}]"


def _form_pattern(text: str, whole_word: bool, case_sensitive: bool) -> str:
    """The form as a pattern. A whole word's edge at a character of a script written without spaces is
    left to the segmentation (see MentionFinder); any other edge is a boundary unless a word character
    of a script written with spaces is beside it."""
    body = re.escape(text)
    if whole_word:
        before = "" if script_without_spaces(text[0]) else f"(?<!{_SPACED_WORD_CHARACTER})"
        after = "" if script_without_spaces(text[-1]) else f"(?!{_SPACED_WORD_CHARACTER})"
        body = before + body + after
    return body if case_sensitive else f"(?i:{body})"


def find_mentions(source: Source, entities: dict[str, Entity]) -> list[Mention]:
    return MentionFinder(entities).find(source)
