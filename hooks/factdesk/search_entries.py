"""What a reader's search finds on the generated pages, taken from the site model.

The theme's search indexes pages by parsing their HTML; for the pages the engine renders,
the engine already knows what matters, so it gives the entries itself, in the index format
Material for MkDocs uses (`location`, `title`, `text`; locations relative to the site root):

- a claim, by its statement, verdict, summary, the quote (and its translation), who made it
  and its corrections: one entry, at the claim's page;
- a source, by its title (and its English title), publisher, date, language and overall
  verdict: one entry, at its page; and each paragraph of its text, at that paragraph, so a
  passage is found where it stands in the annotated text;
- an entity, by its name, aliases, type, description and declared interest: one entry;
- the index pages (sources, claims, entities, corrections), by their titles.

What the pages repeat from elsewhere (notes, evidence, tables, lists of claims) is left out,
so the index grows with the content itself: about one entry per claim, plus the source texts.

The theme inserts `title` and `text` into the results list as HTML, so every value is
escaped text, as the theme's own indexer writes it (`&`, `<`, `>`; quotes are left as they
are so that quoted words stay words for the search tokenizer).

The search splits text into words at spaces; Chinese, Japanese and Thai have none between
words, so their words are separated by a zero-width space (U+200B, invisible in the results),
found by the segmentation, as the theme itself does for Chinese with jieba. `search_settings`
gives the index's separator (which includes it) and its languages: the site's and every
source's that the theme's search supports, so that each language's words are kept whole.
"""

from __future__ import annotations

import html
import itertools
import operator
from dataclasses import dataclass
from typing import Iterable

from .anchoring import paragraphs
from .annotated_text import paragraph_anchor
from .entities import Entity
from .languages import language_name, primary_language
from .reuse import Reuse
from .rendering import RenderedPage
from .segmentation import spaced
from .site import AnchoredClaim, SiteModel, entity_url, source_url
from .sources import Source

# The languages Material for MkDocs' search supports beyond English (lunr-languages, shipped as
# assets/javascripts/lunr/min/lunr.<code>.min.js); "du" is its older code for Dutch.
LUNR_LANGUAGES = frozenset("ar da de du el es fi fr he hi hu hy it ja kn ko nl no pt ro ru sa sv ta te th tr vi zh".split())
# BCP 47 primary tags lunr knows by another code.
_LUNR_CODES = {"nb": "no", "nn": "no"}
# Where the search splits words: spaces, hyphens, the zero-width space put between the words of
# scripts written without spaces, the ideographic space and CJK punctuation (the theme's own
# separator for Chinese; a superset of its separator for every other language).
SEARCH_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"

# Generated pages the theme still indexes itself: the About page holds the site's own prose
# from site.yml (Markdown), one page whatever the size of the content.
THEME_INDEXED = frozenset({"about.html"})


@dataclass(frozen=True)
class SearchEntry:
    location: str  # relative to the site root, with an #anchor for a part of a page
    title: str  # escaped text
    text: str  # escaped text

    def as_json(self) -> dict[str, str]:
        return {"location": self.location, "title": self.title, "text": self.text}


def indexed_by_engine(page: RenderedPage) -> bool:
    """Whether the engine gives this generated page's search entries (the theme then skips it)."""
    return page.url not in THEME_INDEXED


def search_entries(model: SiteModel, pages: Iterable[RenderedPage], reuse: Reuse | None = None) -> list[SearchEntry]:
    """The entries for every generated page the engine indexes, in the pages' order. With `reuse` (of an
    earlier run's entries), the entries of a source's page and its claims' pages whose inputs (the source, its
    claims and its page's description) are unchanged, and those of an unchanged entity, are kept."""
    reuse = reuse or Reuse()
    pages = tuple(pages)
    urls = list(map(operator.attrgetter("url"), pages))
    by_url = dict(zip(urls, pages))
    descriptions = {source_id: page.description for source_id in model.sources
                    if (page := by_url.get(source_url(source_id))) is not None}
    # Entries by page, one part per source (its page and its claims' pages) and per entity: gathered by C code
    # below, so a save looks at each source once, not at every claim.
    found: dict[str, list[SearchEntry]] = {}
    for part in reuse.parts("source", {source_id: (model.sources[source_id], claims, descriptions.get(source_id),
                                                   model.repository.scale)
                                       for source_id, claims in model.claims_of_source.items()},
                            lambda source_id: _source_part(model, source_id, descriptions.get(source_id))):
        found.update(part)
    for part in reuse.parts("entity", model.entities, lambda entity_id: {
            entity_url(entity_id): [entity_entry(model.entities[entity_id])]}):
        found.update(part)
    for url in by_url.keys() - found.keys():  # an index page: found by its title
        found[url] = [SearchEntry(url, _text(by_url[url].title), "")]
    for url in THEME_INDEXED:
        found[url] = []
    reuse.finish()
    return list(itertools.chain.from_iterable(map(found.__getitem__, urls)))


def _source_part(model: SiteModel, source_id: str, description: str | None) -> dict[str, list[SearchEntry]]:
    """The entries of a source's page (when it has one: `description` is its page's) and of its claims' pages."""
    part = {} if description is None else {
        source_url(source_id): source_entries(model, model.sources[source_id], description)}
    part.update((item.url, [claim_entry(model, item)]) for item in model.claims_by_source.get(source_id, ()))
    return part


def search_languages(site_language: str, source_languages: Iterable[str]) -> list[str]:
    """The search's languages: the site's first, then each source's, as lunr codes, those it supports
    only ("en" is built in); English alone when none is."""
    found: list[str] = []
    for tag in [site_language, *sorted(source_languages)]:
        primary = primary_language(tag)
        code = _LUNR_CODES.get(primary, primary)
        if (code == "en" or code in LUNR_LANGUAGES) and code not in found:
            found.append(code)
    return found or ["en"]


def search_settings(model: SiteModel, site_language: str) -> dict[str, object]:
    """The settings of the search index (its `config`) for this content: languages and word separator."""
    languages = {source.language for source in model.sources.values()}
    return {"lang": search_languages(site_language, languages), "separator": SEARCH_SEPARATOR}


def claim_entry(model: SiteModel, item: AnchoredClaim) -> SearchEntry:
    claim = item.claim
    quoted = model.sources[claim.source].part(claim.selector.field)[item.span.start:item.span.end]
    parts = [f"{item.verdict.label}: {claim.summary}", f"“{quoted}”"]
    if claim.translation:
        parts.append(f"Translation: {claim.translation}")
    if item.claimant is not None:
        parts.append(f"Said by {item.claimant.name}")
    if item.speaker is not None:
        parts.append(f"Quoting {item.speaker.name}")
    parts += [f"Correction of {c.date}: {c.change} {c.reason}" for c in claim.corrections]
    return SearchEntry(item.url, _text(claim.claim), _text(" · ".join(parts)))


def source_entries(model: SiteModel, source: Source, counts: str) -> list[SearchEntry]:
    """The source's page, then each paragraph of its text at its anchor."""
    url = source_url(source.id)
    about = [f"In English: {source.title_en}"] if source.title_en else []
    about.append(" · ".join(part for part in (
        source.publisher or "Publisher unknown", source.published or "date unknown", source.author,
        f"in {language_name(source.language)}",
    ) if part))
    if source.assessment:
        verdict = model.repository.scale.get(source.assessment.verdict)
        overall = f"Overall verdict: {verdict.label if verdict else source.assessment.verdict}"
        about.append(f"{overall}. {source.assessment.reason}" if source.assessment.reason else overall)
    about.append(counts)
    entries = [SearchEntry(url, _text(source.title), _text(" · ".join(about)))]
    for number, block in enumerate(paragraphs(source.text), start=1):
        entries.append(SearchEntry(f"{url}#{paragraph_anchor(number)}", f"Paragraph {number}",
                                   _text(" ".join(source.text[block.start:block.end].split()))))
    return entries


def entity_entry(entity: Entity) -> SearchEntry:
    parts = [entity.type.capitalize(), entity.description]
    names = [f"{a.text} ({a.note})" if a.note else a.text for a in entity.aliases if a.text != entity.name]
    if names:
        parts.append("Also named: " + ", ".join(names))
    if entity.interest:
        parts.append(f"Declared interest: {entity.interest}")
    return SearchEntry(entity_url(entity.id), _text(entity.name), _text(" · ".join(parts)))


def _text(value: str) -> str:
    """Plain text as the theme's results list can insert it as HTML: escaped, on one line, the words of
    scripts written without spaces separated for the search (see the module's documentation)."""
    return html.escape(spaced(" ".join(value.split())), quote=False)


def merge_into_theme_index(
    docs: list[dict], built: list[str], theme_pages: list[str], previous: dict[str, list[dict]] | None,
) -> dict[str, list[dict]]:
    """The entries of the pages the theme indexes, by page in build order: the index's first part,
    which the engine's entries (`search_entries`) follow.

    `docs` is what the theme wrote; `built` the pages it indexed in this build, in build
    order; `theme_pages` every page it indexes in the site now, in build order; `previous`
    what this function returned last time (None on a first build).

    In a full build the theme's index holds exactly the pages it built. In a dirty build it
    rebuilt only changed pages and merged them into its previous index by dropping the
    entries of the first changed page only, so entries of other changed pages come twice and
    pages can be stale. Its new entries are always appended last, page after page in build
    order: they are read from the end, and every other page keeps what it had last time.
    Each page's entries are then in the index exactly once, in the order of a clean build."""
    current = _trailing_blocks(docs, built)
    # A page neither built now nor known from last time (no earlier merge): its latest entries.
    by_page = {page: found for page, found in _last_blocks(docs).items() if page not in current}
    by_page.update(previous or {})
    by_page.update(current)
    return {page: by_page.get(page, []) for page in theme_pages}


def _page_of(doc: dict) -> str:
    return str(doc.get("location", "")).split("#")[0]


def _trailing_blocks(docs: list[dict], built: list[str]) -> dict[str, list[dict]]:
    """The entries of each page of `built` (in build order), read back from the end of `docs`."""
    found: dict[str, list[dict]] = {}
    end = len(docs)
    for page in reversed(built):
        start = end
        while start > 0 and _page_of(docs[start - 1]) == page:
            start -= 1
        found[page] = docs[start:end]
        end = start
    return found


def _last_blocks(docs: list[dict]) -> dict[str, list[dict]]:
    """Each page's last run of consecutive entries."""
    found: dict[str, list[dict]] = {}
    for position, doc in enumerate(docs):
        page = _page_of(doc)
        if position == 0 or _page_of(docs[position - 1]) != page:
            found[page] = []
        found[page].append(doc)
    return found
