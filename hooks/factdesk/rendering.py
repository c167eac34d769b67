"""Render the site model to HTML: the annotated source, claim, entity and index pages.

Everything from the repository's files is escaped by Jinja2's autoescaping or
MarkupSafe; Markdown fields go through the sanitiser (`sanitising`): raw HTML
shown as text, only web, mail and in-page links kept.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .anchoring import Span, paragraphs_around
from .annotated_text import PageText, annotate, annotate_title, side_notes
from .cards import HEIGHT, SITE_CARD, WIDTH, card_url
from .site import AnchoredClaim, SiteModel, claim_url, entity_url, relative_url, source_url
from .charts import verdict_chart
from .languages import language_name, og_locale
from .publishing import SiteInfo
from .reuse import Part, Reuse, Same, part
from .sanitising import MarkdownRenderer, address_allowed
from .sources import Source
from .stored_results import StoredResults, bytes_text, text_bytes
from .structured_data import annotations_url, claim_review, json_ld_script

T = TypeVar("T")
TEMPLATES = Path(__file__).parent / "templates"
# Mentions listed with their context on an entity page, per source: a text that names an entity on every
# line would otherwise give a page of many megabytes. The source page still marks every one.
MAX_MENTIONS_LISTED = 100
INDEX_PAGES = (
    ("sources/index.html", "Sources", "sources_index.html.j2"),
    ("claims/index.html", "All claims", "claims_index.html.j2"),
    ("entities/index.html", "Entities", "entities_index.html.j2"),
    ("corrections.html", "Corrections", "corrections.html.j2"),
    ("about.html", "About us", "about.html.j2"),
)


class _Utf8:
    """A text field kept as UTF-8 bytes, given back as text. A page's HTML is kept between rebuilds, and as a
    Python string a text with one character beyond the first 65,536 (an emoji) takes four bytes a character:
    30,000 pages took 600 MB so."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = f"_{name}_utf8"

    def __get__(self, page: object, owner: type | None = None) -> str:
        if page is None:
            raise AttributeError(self.attribute)  # no default: the field is required
        return getattr(page, self.attribute).decode("utf-8", "surrogatepass")

    def __set__(self, page: object, text: str) -> None:
        object.__setattr__(page, self.attribute, text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class RenderedPage:
    url: str  # relative to the site root, e.g. "claims/x.html"
    title: str
    html: str = _Utf8()  # type: ignore[assignment]
    kind: str  # "source", "claim", "entity" or "index"
    edit_path: str | None = None  # repository file an editor changes to change this page
    description: str = ""  # for search results and link previews
    verdict: str | None = None  # the verdict's label, on claim pages
    updated: str | None = None  # the latest date of the content shown (YYYY-MM-DD), if the content gives one
    image: str = SITE_CARD  # the share card for link previews
    image_alt: str = ""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )
    env.filters["markdown"] = MarkdownRenderer()
    # site.yml's addresses are linked only when they are web addresses (validation refuses others already).
    env.tests["web_address"] = address_allowed
    env.globals.update(source_url=source_url, claim_url=claim_url, entity_url=entity_url, language_name=language_name)
    return env


class Renderer:
    """Renders the model's pages. Given the previous run's renderer, a page whose inputs (everything
    its template shows, listed in the `_inputs` methods) are equal to last time's is that page, not
    rendered again; the site info, the rating scale and the engine are inputs of every page. Pages and inputs
    made of many claims are first compared by the identity of their sources' claims (see `SiteModel.parts`), and by
    their claims' fields only when one changed. With `stored` (the repository's cache), a page an earlier process
    rendered from equal inputs is read, not rendered."""

    def __init__(self, model: SiteModel, info: SiteInfo, previous: Renderer | None = None,
                 stored: StoredResults | None = None):
        self.model = model
        self.info = info
        self.stored = stored or StoredResults(None)
        # Templates compiled once (Jinja2 reads a template again when its file changes).
        self.env = previous.env if previous else _environment()
        self.reused_pages = Reuse(previous.reused_pages if previous else None)
        self.reused_fragments = Reuse(previous.reused_fragments if previous else None)
        self._previous_parts: dict[tuple, Part] = previous.parts if previous else {}
        self.parts: dict[tuple, Part] = {}  # results made of many inputs, this run's, by key (see `_part`)
        # Every source and entity and the scale, as one object while each is the very object of the previous run.
        self._unchanged = self._part(("sources and entities",), (Same(*model.sources.values()), Same(
            *model.entities.values()), Same(model.repository.scale)), lambda reuse: None)

    def _part(self, key: tuple, inputs: object, make: Callable[[Reuse], T]) -> Part[T]:
        """The part for `key`: this run's or the previous run's if it came from inputs equal to `inputs` (see
        `reuse.part`)."""
        found = self.parts[key] = part(self.parts.get(key) or self._previous_parts.get(key), inputs, make)
        return found

    def _render(self, template: str, page_url: str, **context) -> str:
        def link(target: str) -> str:
            return relative_url(page_url, target)

        return self.env.get_template(template).render(
            model=self.model, scale=self.model.repository.scale, link=link, page_url=page_url, info=self.info,
            chart=verdict_chart, annotations_url=annotations_url, **context,
        )

    def _page(self, url: str, inputs: tuple, render: Callable[[], RenderedPage], reuse: Reuse | None = None) -> RenderedPage:
        inputs = (self.model.repository.scale, self.info, *inputs)
        return (self.reused_pages if reuse is None else reuse).get(
            url, inputs, lambda: self.stored.get("page", url, inputs, render, _page_bytes, _stored_page))

    def pages(self) -> list[RenderedPage]:
        model = self.model
        pages = [self.source_page(source) for source in sorted(model.sources.values(), key=lambda s: s.id)]
        claim_pages: dict[str, RenderedPage] = {}
        for source_id in model.parts:
            claim_pages.update(self.claim_pages(source_id))
        pages += [claim_pages[claim_id] for claim_id in sorted(claim_pages)]
        pages += [self.entity_page(entity_id) for entity_id in sorted(model.entities)]
        corrections = model.corrections()
        latest = model.latest_update()
        dates = {"corrections.html": max((c.date for c, _ in corrections), default=None), "about.html": None}
        for url, title, template in INDEX_PAGES:
            def render(url: str = url, title: str = title, template: str = template) -> RenderedPage:
                return RenderedPage(url, title, self._render(template, url, corrections=corrections), "index",
                                    description=self.info.description, updated=dates.get(url, latest))
            pages.append(self._page(url, (dates.get(url, latest), *self._index_inputs(url, corrections)), render))
        self.reused_pages.finish()
        self._previous_parts = {}  # every part was asked for: those of the previous run are no longer needed
        return pages

    def _index_inputs(self, url: str, corrections: list) -> tuple:
        """What an index page's template shows (besides the site info and the scale)."""
        model = self.model
        if url == "sources/index.html":
            return self._overview_inputs()
        if url == "claims/index.html":
            return (tuple(model.sources_newest_first), self._of_each_source("claim rows", lambda claims: tuple(
                (c.id, c.number, c.claim.claim, c.verdict, c.claim.source) for c in claims)))
        if url == "entities/index.html":
            return tuple((entity, len(model.claims_by_entity.get(entity.id, ()))) for entity in model.entities.values()),
        if url == "corrections.html":
            return tuple((correction, item.id, item.claim.claim, item.verdict) for correction, item in corrections),
        if url == "about.html":
            return ()
        raise ValueError(f"no inputs are known for {url}: list them here, or the page would never change")

    def _overview_inputs(self) -> tuple:
        model = self.model
        # Each source's verdicts give the counts of all claims too.
        return (tuple(model.sources_newest_first),
                self._of_each_source("verdicts", lambda claims: tuple(item.verdict for item in claims)))

    def _of_each_source(self, name: str, shown: Callable[[tuple[AnchoredClaim, ...]], tuple]) -> tuple:
        """What `shown` gives of each source's claims, sources newest first; a source's claims that are the very
        objects of last time give what they gave then."""
        parts = self.model.parts
        return tuple(self._part((name, source.id), Same(parts[source.id]),
                                lambda reuse, claims=parts[source.id].value.claims: shown(claims)).value
                     for source in self.model.sources_newest_first)

    def source_page(self, source: Source) -> RenderedPage:
        claims = self.model.claims_by_source.get(source.id, [])
        mentions = self.model.mentions.get(source.id, [])

        def page(reuse: Reuse) -> RenderedPage:
            named = tuple(self.model.entities[e] for e in sorted({mention.entity_id for mention in mentions}))
            return self._page(source_url(source.id), (source, tuple(claims), tuple(mentions), named),
                              lambda: self._source_page(source), reuse)

        # The source, its claims, the entities (see SiteModel.parts) and its mentions as they were: the page of then.
        return self._part(("source", source.id), (self.info, Same(self.model.parts[source.id], mentions)), page).value

    def _source_page(self, source: Source) -> RenderedPage:
        url = source_url(source.id)
        claims = self.model.claims_by_source.get(source.id, [])
        mentions = self.model.mentions.get(source.id, [])
        in_title = [c for c in claims if c.in_title]
        # One page of text: labels in the site's language, each claimant's interest given in full once.
        page = PageText(site_language=self.info.language)
        title = annotate_title(source.title, in_title, url, page)
        title_notes = side_notes(in_title, "Claims in the headline", page) if in_title else Markup("")
        body = annotate(source, [c for c in claims if not c.in_title], mentions, url, page)
        named = Counter(mention.entity_id for mention in mentions)
        html = self._render(
            "source.html.j2", url, source=source, claims=claims, body=body, title=title, title_notes=title_notes,
            named=sorted(((self.model.entities[e], n) for e, n in named.items()), key=lambda pair: pair[0].name.lower()),
        )
        counts = ", ".join(f"{count} {verdict.label.lower()}" for verdict, count in self.model.verdict_counts(claims))
        description = f"{'1 claim' if len(claims) == 1 else f'{len(claims)} claims'} checked: {counts}." if claims else "Not checked yet."
        return RenderedPage(url, source.title, html, "source", source.file, description,
                            updated=max((c.claim.updated for c in claims), default=None))

    def claim_pages(self, source_id: str) -> dict[str, RenderedPage]:
        """The pages of a source's claims, by claim id: those of last time while the source, its claims and the
        entities are the very objects of then (see SiteModel.parts)."""
        found = self.model.parts[source_id]
        return self._part(("claims", source_id), (self.info, Same(found)), lambda reuse: {
            item.id: self.claim_page(item, reuse) for item in found.value.claims}).value

    def claim_page(self, item: AnchoredClaim, reuse: Reuse | None = None) -> RenderedPage:
        source = self.model.sources[item.claim.source]
        named = tuple(self.model.entities[e] for e in item.claim.entities)
        return self._page(item.url, (item, source, named), lambda: self._claim_page(item), reuse)

    def _claim_page(self, item: AnchoredClaim) -> RenderedPage:
        source = self.model.sources[item.claim.source]
        quoted = source.part(item.claim.selector.field)
        before, after = _context_words(quoted, item.span)
        html = self._render(
            "claim.html.j2", item.url, item=item, claim=item.claim, source=source,
            before=before, quote=quoted[item.span.start:item.span.end], after=after,
            json_ld=json_ld_script(claim_review(self.model, item, self.info)),
            guidance=methodology_sections(item),
        )
        description = f"{item.verdict.label}. {item.claim.summary}"
        return RenderedPage(item.url, item.claim.claim, html, "claim", item.claim.file, description, item.verdict.label,
                            updated=item.claim.updated, image=card_url(item.id),
                            image_alt=f"{item.verdict.label}: {item.claim.claim}")

    def entity_page(self, entity_id: str) -> RenderedPage:
        model = self.model

        def shown(claims: list[AnchoredClaim]) -> tuple:
            # What the page shows of a claim: its link, statement and verdict, grouped by source, and its date.
            return tuple((c.id, c.claim.claim, c.verdict, c.claim.source, c.claim.updated) for c in claims)

        claims = model.claims_by_entity.get(entity_id, [])
        made = model.claims_by_claimant.get(entity_id, [])
        quoting = model.claims_by_speaker.get(entity_id, [])
        mentions = model.mentions_by_entity.get(entity_id, [])

        def page(reuse: Reuse) -> RenderedPage:
            # Whole sources: their titles, dates and languages head the groups, their texts give the mentions' context.
            sources = tuple(model.sources[sid] for sid in sorted({c.claim.source for c in claims + made + quoting}
                                                                 | {m.source_id for m in mentions}))
            inputs = (model.entities[entity_id], tuple(model.related_entities(entity_id)), shown(claims), shown(made),
                      shown(quoting), tuple(mentions), sources)
            return self._page(entity_url(entity_id), inputs, lambda: self._entity_page(entity_id), reuse)

        # Every source, entity and claim it shows the very object of last time: the page of then.
        return self._part(("entity", entity_id), (self.info, Same(self._unchanged, *claims), Same(*made), Same(*quoting),
                                                  Same(*mentions)), page).value

    def _entity_page(self, entity_id: str) -> RenderedPage:
        entity = self.model.entities[entity_id]
        url = entity_url(entity_id)
        mentions: list[tuple] = []
        listed, more = Counter(), Counter()
        for mention in self.model.mentions_by_entity.get(entity_id, []):
            if listed[mention.source_id] < MAX_MENTIONS_LISTED:
                listed[mention.source_id] += 1
                mentions.append((mention, *_context_words(self.model.sources[mention.source_id].text, mention.span, 60)))
            else:
                more[mention.source_id] += 1
        claims = self.model.claims_by_entity.get(entity_id, [])
        made = self.model.claims_by_claimant.get(entity_id, [])
        quoting = self.model.claims_by_speaker.get(entity_id, [])
        html = self._render(
            "entity.html.j2", url, entity=entity, mentions=mentions, more_mentions=more, claims=claims, made=made,
            quoting=quoting,
            related=self.model.related_entities(entity_id),
            claims_by_source=self.model.by_source(claims), made_by_source=self.model.by_source(made),
            quoting_by_source=self.model.by_source(quoting),
            mentions_by_source=self.model.by_source(mentions, lambda found: found[0].source_id),
        )
        about = claims + made + quoting
        return RenderedPage(url, entity.name, html, "entity", entity.file, entity.description,
                            updated=max((c.claim.updated for c in about), default=None))

    def overview(self, page_url: str) -> str:
        """The sources with their verdict counts (the home page's main block)."""
        return self.reused_fragments.get(
            ("overview", page_url), (self.model.repository.scale, self.info, *self._overview_inputs()),
            lambda: self._render("overview.html.j2", page_url))

    def introduction(self, page_url: str) -> str:
        """The home page's heading and introduction, from site.yml: a fork of the project says its own."""
        return self.reused_fragments.get(("introduction", page_url), (self.info,),
                                         lambda: self._render("introduction.html.j2", page_url))

    def scale(self, page_url: str) -> str:
        """The rating scale as a table (for the methodology page)."""
        return self.reused_fragments.get(("scale", page_url), (self.model.repository.scale, self.info),
                                         lambda: self._render("scale.html.j2", page_url))


def _page_bytes(page: RenderedPage) -> bytes:
    return text_bytes(json.dumps(dataclasses.asdict(page), ensure_ascii=False))


def _stored_page(data: bytes) -> RenderedPage:
    return RenderedPage(**json.loads(bytes_text(data)))


def _context_words(text: str, span: Span, width: int = 160) -> tuple[str, str]:
    """Text around a span, within the paragraphs it is in, cut at word boundaries, with an
    ellipsis where it was cut (the next paragraph, a stray line, is not the span's context)."""
    around = paragraphs_around(text, span)
    first, last = around.start, around.end
    start = max(first, span.start - width)
    end = min(last, span.end + width)
    before, after = text[start:span.start], text[span.end:end]
    if start > first:
        before = "…" + re.sub(r"^\S*\s", "", before, count=1)
    if end < last:
        after = re.sub(r"\s\S*$", "", after, count=1) + "…"
    return before, after


# The methodology's sections, by the heading ids that claim pages link to.
METHODOLOGY_SECTIONS = {
    "selection": "Selection: how we choose what to check, headlines included",
    "translation": "Translation: how translations are made and checked",
    "point-in-time": "Point in time: a verdict judges the statement when it was published",
    "opinion-and-predictions": "Opinion and predictions: what is rated in a quotation",
    "interests": "Interests: who quoted people are and what they stand to gain",
    "right-of-reply": "Right of reply: whom we ask before publishing, and how replies are reported",
}


def methodology_sections(item: AnchoredClaim) -> list[tuple[str, str]]:
    """The methodology sections that apply to this claim, as (heading id, label)."""
    claim = item.claim
    wanted = []
    if item.in_title:
        wanted.append("selection")
    if claim.translation:
        wanted.append("translation")
    if "since publication" in claim.notes.lower() or any(
        e.shows.lower().startswith("since publication") for e in claim.evidence
    ):
        wanted.append("point-in-time")
    if claim.claimant or claim.speaker:
        wanted += ["opinion-and-predictions", "interests"]
    if claim.right_of_reply:
        wanted.append("right-of-reply")
    return [(section, METHODOLOGY_SECTIONS[section]) for section in wanted]


def social_meta(page: RenderedPage, info: SiteInfo) -> dict[str, str]:
    """OpenGraph and Twitter card fields for link previews (escaped by the page template).

    OpenGraph needs absolute addresses: without the site's address, og:url and the image are left
    out rather than given as addresses a preview could not load."""
    title = f"{page.verdict}: {page.title}" if page.verdict else page.title
    description = page.description or info.description
    meta = {
        "og:type": "article" if page.kind in ("source", "claim", "entity") else "website",
        "og:site_name": info.name,
        "og:title": title,
        "og:description": description,
        "og:locale": og_locale(info.language),
        "twitter:card": "summary",
        "twitter:title": title,
        "twitter:description": description,
    }
    url, image = info.absolute(page.url), info.absolute(page.image)
    if url:
        meta["og:url"] = url
    if image:
        alt = page.image_alt or (f"{info.name}: {description}" if description else info.name)
        meta.update({
            "og:image": image, "og:image:type": "image/png", "og:image:width": str(WIDTH),
            "og:image:height": str(HEIGHT), "og:image:alt": alt,
            "twitter:card": "summary_large_image", "twitter:image": image, "twitter:image:alt": alt,
        })
    return meta


def meta_elements(meta: dict[str, str]) -> list[tuple[str, str, str]]:
    """(attribute, key, value) of each <meta> element: OpenGraph keys go in `property`, others in `name`."""
    return [("property" if key.split(":")[0] == "og" else "name", key, value) for key, value in sorted(meta.items())]


# Told apart without colour: each verdict's markers take a shape and its passages a line style,
# by its place in the scale (no two of the first twelve verdicts share both).
MARKER_SHAPES = ("0.7em", "0", "0 0.7em 0.7em 0")  # border-radius: round, square, tag
LINE_STYLES = ("solid", "double", "dashed", "dotted")


def verdict_css(model: SiteModel) -> str:
    """Each verdict's colour, marker shape and line style, from the rating scale's data, as CSS custom properties."""
    rules = [
        f".fc-v-{verdict.id} {{ --fc-colour: {verdict.colour}; --fc-shape: {MARKER_SHAPES[index % len(MARKER_SHAPES)]};"
        f" --fc-line: {LINE_STYLES[index % len(LINE_STYLES)]}; }}\n"
        f".fc-badge.fc-v-{verdict.id} {{ background: {verdict.colour}; }}"
        for index, verdict in enumerate(model.repository.scale.verdicts)
    ]
    return "/* Generated from rating-scale.yml. */\n" + "\n".join(rules) + "\n"
