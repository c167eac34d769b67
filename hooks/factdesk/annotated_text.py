"""The annotated text of a source: one link per claim, layered highlights, side notes.

Each claim is one unit for the reader: a single link around its passage, whose
accessible name is the whole passage followed by the claim's number, and whose
description is its verdict and summary, held once in the note after the paragraph
(so a screen reader hears each verdict once). Entity
names inside a passage are marked, never linked, so they do not split it. Where
claims nest or overlap, links cannot: the innermost claim owns each stretch of
text, an enclosing claim shows as a highlight layered beneath it, and a claim
whose passage is interrupted continues in a span that is not a second link.

Markers and the screen-reader label are drawn by the stylesheet from data attributes:
the page's text stays the source's, so a copied passage is the source's and quote
selectors anchor in the page as in the text file. Only the source's paragraphs carry
the source's language; labels and notes are in the site's.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup, escape

from .anchoring import Span, paragraphs
from .site import AnchoredClaim, Mention, relative_url
from .sources import Source

# Outer highlights are drawn one line lower per level; deeper levels share the last.
MAX_DEPTH = 3


def paragraph_anchor(number: int) -> str:
    """The HTML id of the text's paragraph `number` (from 1): search results for a passage lead there."""
    return f"paragraph-{number}"


def claim_name(item: AnchoredClaim) -> str:
    """What a screen reader hears after a claim's passage; the verdict follows as the link's
    description, from the note, so that it is said once."""
    return f"claim {item.number}"


def lang_attribute(language: str, site_language: str | None) -> str:
    """` lang="…"` for text in `language` on a page in `site_language`; nothing when they are the same."""
    return "" if site_language is None or language == site_language else f' lang="{escape(language)}"'


@dataclass
class PageText:
    """What carries over between the stretches (title, paragraphs) of one page."""
    site_language: str | None = None
    linked: set[str] = field(default_factory=set)  # claims whose one link is written
    named_mentions: set[str] = field(default_factory=set)  # mention anchors written
    # Per claim, in reading order, the ids of what makes up its link's name when the passage is
    # not all inside the link ("self" for the link itself): pieces inside other claims, the label.
    name_parts: dict[str, list[str]] = field(default_factory=dict)
    interests_shown: dict[str, int] = field(default_factory=dict)  # claimant: the claim whose note gave the interest

    @property
    def label_lang(self) -> str:
        """The labels sit inside the source's text, so they always say their language."""
        return f' lang="{escape(self.site_language)}"' if self.site_language else ""

    def piece(self, item: AnchoredClaim) -> str:
        """A fresh id for a piece of the claim's passage outside its link."""
        parts = self.name_parts.setdefault(item.id, [])
        # "--" cannot occur in a claim id, so no other claim's anchor can take this id.
        piece = f"{item.anchor_id}--{len(parts) + 1}"
        parts.append(piece)
        return piece

    def finish(self, html: str) -> Markup:
        """Name each link whose passage is in pieces after all its pieces (aria-labelledby)."""
        by_placeholder = {str(escape(claim_id)): (claim_id, parts) for claim_id, parts in self.name_parts.items()}

        def labelled(match: re.Match) -> str:
            claim_id, parts = by_placeholder.get(match.group(1), ("", []))
            if len(parts) < 2:
                return ""
            anchor = f"claim-{claim_id}"
            return f' aria-labelledby="{escape(" ".join(anchor if p == "self" else p for p in parts))}"'
        return Markup(_PENDING_NAME.sub(labelled, html))


# Where a link's aria-labelledby goes once all its pieces are known. Validation refuses control
# characters in any text, so this cannot occur in the content.
_PENDING_NAME = re.compile("\x00([^\x00]*)\x00")


@dataclass(frozen=True)
class _Frame:
    """One open element while the text is written out: a claim's run, an outer highlight or a name."""
    kind: str  # "run", "mark" or "name"
    key: str  # claim id, or "entity-id anchor-id" for a name
    depth: int = 0  # for marks: levels below the innermost claim
    link: bool = False  # for runs: the claim's one link (later runs of the same claim are not links)


class _Writer:
    """Writes a stretch of text as nested elements, opening and closing them as the coverage changes."""

    def __init__(self, claims: list[AnchoredClaim], page_url: str, page: PageText):
        self.claims = {c.id: c for c in claims}
        self.page_url = page_url
        self.page = page
        self.linked = page.linked
        self.named_mentions = page.named_mentions
        self.out: list[str] = []
        self.stack: list[_Frame] = []

    def run_frame(self, claim_id: str) -> _Frame:
        """The run for a claim's text: the open one if it continues, else a new one (a link the first time)."""
        if self.stack and self.stack[0].kind == "run" and self.stack[0].key == claim_id:
            return self.stack[0]
        return _Frame("run", claim_id, link=claim_id not in self.linked)

    def move_to(self, frames: list[_Frame]) -> None:
        common = 0
        while common < min(len(frames), len(self.stack)) and frames[common] == self.stack[common]:
            common += 1
        while len(self.stack) > common:
            self.close()
        for frame in frames[common:]:
            self.open(frame)

    def open(self, frame: _Frame) -> None:
        self.stack.append(frame)
        if frame.kind == "name":
            entity_id, anchor_id = frame.key.split(" ", 1)
            anchor = ""
            if anchor_id not in self.named_mentions:
                self.named_mentions.add(anchor_id)
                anchor = f' id="{escape(anchor_id)}"'
            self.out.append(f'<span class="fc-entity"{anchor} data-entity="{escape(entity_id)}">')
            return
        item = self.claims[frame.key]
        verdict = f"fc-v-{escape(item.verdict.id)}"
        href = escape(relative_url(self.page_url, item.url))
        if frame.kind == "mark":
            self.out.append(f'<mark class="fc-hl fc-depth-{frame.depth} {verdict}" id="{self.page.piece(item)}"'
                            f' data-claim="{escape(item.id)}">')
        elif frame.link:
            self.linked.add(item.id)
            self.page.name_parts.setdefault(item.id, []).append("self")
            # Its verdict and summary, said once, from the note (which follows the paragraph).
            self.out.append(
                f'<a class="fc-claim {verdict}" href="{href}" id="{escape(item.anchor_id)}"'
                f' data-claim="{escape(item.id)}" data-note="note-{item.number}"'
                f' aria-describedby="note-{item.number}-verdict note-{item.number}-summary"\x00{escape(item.id)}\x00>'
            )
        else:
            self.out.append(f'<span class="fc-claim fc-claim-more {verdict}" id="{self.page.piece(item)}"'
                            f' data-claim="{escape(item.id)}" data-href="{href}">')

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.kind == "name":
            self.out.append("</span>")
        elif frame.kind == "mark":
            self.out.append("</mark>")
        elif frame.link:
            self.out.append("</a>")
        else:
            self.out.append("</span>")

    def text(self, value: str) -> None:
        self.out.append(str(escape(value)))

    def marker(self, item: AnchoredClaim) -> None:
        """The claim's numbered marker, then the label that ends its link's name, in the site's language."""
        own = bool(self.stack) and self.stack[0].kind == "run" and self.stack[0].key == item.id
        label_id = f"{item.anchor_id}--label"
        marker = (
            f'<span class="fc-marker fc-v-{escape(item.verdict.id)}" data-number="{item.number}" aria-hidden="true"></span>'
            f'<span class="fc-claim-name" data-label=" ({escape(claim_name(item))})" id="{label_id}"'
            f'{self.page.label_lang}></span>'
        )
        if item.id in self.linked:
            if not own:  # after the passage's last piece: named by reference
                self.page.name_parts.setdefault(item.id, []).append(label_id)
            self.out.append(marker)
            return
        # Every stretch of this claim belongs to a claim inside it (an identical twin, or
        # claims that tile it): its marker is its one link.
        self.open(_Frame("run", item.id, link=True))
        self.out.append(marker)
        self.close()


def annotate_stretch(
    text: str, stretch: Span, claims: Iterable[AnchoredClaim], mentions: Iterable[Mention], page_url: str,
    page: PageText, markers_at: dict[str, int] | None = None,
) -> str:
    """A stretch of text (a paragraph, a title) with its claims and entity names, as inline HTML
    (to be finished by `page.finish` once every stretch is written).

    `page` carries over between stretches of one page: a claim that runs over a paragraph
    break is linked once, an anchor id is written once.
    `markers_at` places a claim's marker elsewhere than at its end (at the end of the
    last paragraph it reaches, when it ends on a paragraph break)."""
    local = [c for c in claims if c.span.start < stretch.end and c.span.end > stretch.start]
    local_mentions = sorted((m for m in mentions if m.span.start < stretch.end and m.span.end > stretch.start),
                            key=lambda m: m.span.start)
    markers = {c.id: (markers_at or {}).get(c.id, c.span.end) for c in local}
    cuts = {stretch.start, stretch.end}
    for span in [c.span for c in local] + [m.span for m in local_mentions]:
        cuts.update(p for p in (span.start, span.end) if stretch.start < p < stretch.end)
    cuts.update(p for p in markers.values() if stretch.start < p < stretch.end)
    ending_at: dict[int, list[AnchoredClaim]] = {}
    for c in local:
        ending_at.setdefault(markers[c.id], []).append(c)
    writer = _Writer(local, page_url, page)
    points = sorted(cuts)
    # One sweep over the pieces between cuts: the claims that have started and not ended, and the one
    # mention that may cover the piece (mentions never overlap), each kept from piece to piece, so
    # that the work grows with the text's names and claims, not with their product.
    starting = sorted(local, key=lambda c: c.span.start)
    next_claim = next_mention = 0
    active: list[AnchoredClaim] = []
    for a, b in zip(points, points[1:]):
        while next_claim < len(starting) and starting[next_claim].span.start <= a:
            active.append(starting[next_claim])
            next_claim += 1
        active = [c for c in active if c.span.end >= b]
        covering = sorted(active, key=lambda c: (-(c.span.end - c.span.start), c.number))
        frames: list[_Frame] = []
        if covering:
            *outer, owner = covering
            frames.append(writer.run_frame(owner.id))
            frames += [_Frame("mark", c.id, min(MAX_DEPTH, len(outer) - i)) for i, c in enumerate(outer)]
        while next_mention < len(local_mentions) and local_mentions[next_mention].span.end <= a:
            next_mention += 1
        mention = local_mentions[next_mention] if next_mention < len(local_mentions) else None
        if mention is not None and mention.span.start <= a and mention.span.end >= b:
            frames.append(_Frame("name", f"{mention.entity_id} {mention.anchor_id}"))
        writer.move_to(frames)
        writer.text(text[a:b])
        ending = sorted(ending_at.get(b, ()), key=lambda c: (c.span.end - c.span.start, c.number))
        for item in ending:
            # Inside the claim's own run when it owns the text just written; otherwise after everything.
            own = writer.stack[:1] if writer.stack[:1] and writer.stack[0].kind == "run" and writer.stack[0].key == item.id else []
            writer.move_to(own)
            writer.marker(item)
    writer.move_to([])
    return "".join(writer.out)


def annotate(source: Source, claims: list[AnchoredClaim], mentions: list[Mention], page_url: str,
             page: PageText | None = None) -> Markup:
    """The source text as HTML: its paragraphs, each followed by the notes on the claims that end in it.

    The visible text, markers aside, is the source text exactly. Each paragraph carries the
    source's language (when it is not the site's); the notes, after it, are in the site's.
    A paragraph the editors set aside whole as `not_checked` that holds no letter (a stray page
    number or counter) is hidden from screen readers: it is not part of what the text says."""
    page = page or PageText()
    text = source.text
    blocks = paragraphs(text)
    starts, ends = [block.start for block in blocks], [block.end for block in blocks]
    markers_at = {c.id: _marker_position(c.span, starts, ends) for c in claims}
    # Each claim and mention handed only to the paragraphs it reaches, and each note to the paragraph
    # its marker is in, found by bisection: a text of many paragraphs is not scanned once per paragraph.
    claims_in: dict[int, list[AnchoredClaim]] = {}
    mentions_in: dict[int, list[Mention]] = {}
    for items, into in ((claims, claims_in), (mentions, mentions_in)):
        for item in items:
            index = bisect.bisect_right(ends, item.span.start)
            while index < len(blocks) and starts[index] < item.span.end:
                into.setdefault(index, []).append(item)
                index += 1
    noted_in: dict[int, list[AnchoredClaim]] = {}
    for c in claims:
        index = bisect.bisect_left(ends, markers_at[c.id])
        if index < len(blocks) and starts[index] < markers_at[c.id]:
            noted_in.setdefault(index, []).append(c)
    set_aside = {item.quote.strip() for item in source.not_checked}
    lang = lang_attribute(source.language, page.site_language)
    out: list[str] = []
    for number, paragraph in enumerate(blocks, start=1):
        inside = claims_in.get(number - 1, [])
        body = annotate_stretch(text, paragraph, inside, mentions_in.get(number - 1, []), page_url, page, markers_at)
        content = text[paragraph.start:paragraph.end]
        stray = content.strip() in set_aside and not any(ch.isalpha() for ch in content) and not inside
        hidden = ' aria-hidden="true"' if stray else ""
        out.append(f'<p class="fc-paragraph{" fc-stray" if stray else ""}" id="{paragraph_anchor(number)}"{lang}{hidden}'
                   f' data-start="{paragraph.start}" data-end="{paragraph.end}">{body}</p>')
        noted = sorted(noted_in.get(number - 1, []), key=lambda c: c.number)
        if noted:
            out.append(side_notes(noted, page=page))
    return page.finish("\n".join(out))


def _marker_position(span: Span, starts: list[int], ends: list[int]) -> int:
    """Where a claim's marker goes: at the span's end, or, if that falls between
    paragraphs, at the end of the last paragraph the span reaches (paragraphs by their starts and ends)."""
    index = bisect.bisect_left(starts, span.end) - 1
    return min(span.end, ends[index]) if index >= 0 else 0


def annotate_title(title: str, claims: list[AnchoredClaim], page_url: str, page: PageText | None = None) -> Markup:
    """A source's title with the claims about its headline, written as the text is: one link per claim."""
    page = page or PageText()
    return page.finish(annotate_stretch(title, Span(0, len(title)), claims, [], page_url, page))


def side_notes(claims: list[AnchoredClaim], label: str | None = None, page: PageText | None = None) -> Markup:
    """The notes on a paragraph's claims: number, verdict in words, the claim, why, and the
    declared interest of whoever made it (in full the first time on the page).

    Beside their passages on wide screens, after the paragraph on narrow ones. They hold no
    links: each claim's one link is its passage, so the keyboard reaches claim N in N steps.
    The verdict and summary have ids: the claim's link is described by them, so a screen
    reader says the verdict once, there. Left out of the search index, which would otherwise
    run them into the text."""
    page = page or PageText()
    items = [
        f'<li class="fc-note" id="note-{c.number}" data-claim="{escape(c.id)}">'
        f'<span class="fc-note-number fc-v-{escape(c.verdict.id)}"><span class="fc-sr">Claim </span>{c.number}</span> '
        f'<span class="fc-badge fc-v-{escape(c.verdict.id)}" id="note-{c.number}-verdict">{escape(c.verdict.label)}</span> '
        f'<span class="fc-note-claim">{escape(c.claim.claim)}</span> '
        f'<span class="fc-note-summary" id="note-{c.number}-summary">{escape(c.claim.summary)}</span>'
        f"{_interest_note(c, page)}"
        "</li>"
        for c in claims
    ]
    label = label or ("Claim in this paragraph" if len(claims) == 1 else "Claims in this paragraph")
    return Markup(f'<ol class="fc-notes" aria-label="{escape(label)}" data-search-exclude>{"".join(items)}</ol>')


def _interest_note(claim: AnchoredClaim, page: PageText) -> Markup:
    """The declared interests of the claimant and of the person quoted, for the note beside the text:
    each in full the first time on the page, then a pointer to that claim; empty when neither declares one."""
    notes = []
    declared = {e.id: e for e in (claim.claimant, claim.speaker) if e is not None and e.interest}
    for entity in declared.values():
        label = f'<span class="fc-label">Interest of {escape(entity.name)}:</span> '
        first = page.interests_shown.setdefault(entity.id, claim.number)
        said = f"see claim {first}." if first != claim.number else escape(entity.interest)
        notes.append(f'<span class="fc-note-interest">{label}{said}</span>')
    return Markup("".join(notes))
