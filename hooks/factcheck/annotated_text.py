"""The annotated text of a source: one link per claim, layered highlights, side notes.

Each claim is one unit for the reader: a single link around its passage, whose
accessible name is the passage followed by the claim's number and verdict. Entity
names inside a passage are marked, never linked, so they do not split it. Where
claims nest or overlap, links cannot: the innermost claim owns each stretch of
text, an enclosing claim shows as a highlight layered beneath it, and a claim
whose passage is interrupted continues in a span that is not a second link.

Markers and the screen-reader label are drawn by the stylesheet from data attributes:
the page's text stays the source's, so a copied passage is the source's and quote
selectors anchor in the page as in the text file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
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
    """What a screen reader hears after a claim's passage, and the start of its popover."""
    return f"claim {item.number}: {item.verdict.label}"


@dataclass(frozen=True)
class _Frame:
    """One open element while the text is written out: a claim's run, an outer highlight or a name."""
    kind: str  # "run", "mark" or "name"
    key: str  # claim id, or "entity-id anchor-id" for a name
    depth: int = 0  # for marks: levels below the innermost claim
    link: bool = False  # for runs: the claim's one link (later runs of the same claim are not links)


class _Writer:
    """Writes a stretch of text as nested elements, opening and closing them as the coverage changes."""

    def __init__(self, claims: list[AnchoredClaim], page_url: str, linked: set[str], named_mentions: set[str]):
        self.claims = {c.id: c for c in claims}
        self.page_url = page_url
        self.linked = linked
        self.named_mentions = named_mentions
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
            self.out.append(f'<mark class="fc-hl fc-depth-{frame.depth} {verdict}" data-claim="{escape(item.id)}">')
        elif frame.link:
            self.linked.add(item.id)
            self.out.append(
                f'<a class="fc-claim {verdict}" href="{href}" id="{escape(item.anchor_id)}"'
                f' data-claim="{escape(item.id)}" data-note="note-{item.number}">'
            )
        else:
            self.out.append(f'<span class="fc-claim fc-claim-more {verdict}" data-claim="{escape(item.id)}" data-href="{href}">')

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.kind == "name":
            self.out.append("</span>")
        elif frame.kind == "mark":
            self.out.append("</mark>")
        elif frame.link:
            # The link's name ends with the claim's number and verdict, for screen readers.
            name = claim_name(self.claims[frame.key])
            self.out.append(f'<span class="fc-claim-name" data-label=" ({escape(name)})"></span></a>')
        else:
            self.out.append("</span>")

    def text(self, value: str) -> None:
        self.out.append(str(escape(value)))

    def marker(self, item: AnchoredClaim) -> None:
        marker = f'<span class="fc-marker fc-v-{escape(item.verdict.id)}" data-number="{item.number}" aria-hidden="true"></span>'
        if item.id in self.linked:
            self.out.append(marker)
            return
        # Every stretch of this claim belongs to a claim inside it (an identical twin, or
        # claims that tile it): its marker is its one link.
        self.open(_Frame("run", item.id, link=True))
        self.out.append(marker)
        self.close()


def annotate_stretch(
    text: str, stretch: Span, claims: Iterable[AnchoredClaim], mentions: Iterable[Mention], page_url: str,
    linked: set[str], named_mentions: set[str], markers_at: dict[str, int] | None = None,
) -> Markup:
    """A stretch of text (a paragraph, a title) with its claims and entity names, as inline HTML.

    `linked` and `named_mentions` carry over between stretches of one page: a claim that
    runs over a paragraph break is linked once, an anchor id is written once.
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
    writer = _Writer(local, page_url, linked, named_mentions)
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
    return Markup("".join(writer.out))


def annotate(source: Source, claims: list[AnchoredClaim], mentions: list[Mention], page_url: str) -> Markup:
    """The source text as HTML: its paragraphs, each followed by the notes on the claims that end in it.

    The visible text, markers aside, is the source text exactly."""
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
    linked: set[str] = set()
    named_mentions: set[str] = set()
    out: list[str] = []
    for number, paragraph in enumerate(blocks, start=1):
        body = annotate_stretch(text, paragraph, claims_in.get(number - 1, []), mentions_in.get(number - 1, []), page_url,
                                linked, named_mentions, markers_at)
        out.append(f'<p class="fc-paragraph" id="{paragraph_anchor(number)}" data-start="{paragraph.start}" data-end="{paragraph.end}">{body}</p>')
        noted = sorted(noted_in.get(number - 1, []), key=lambda c: c.number)
        if noted:
            out.append(side_notes(noted))
    return Markup("\n".join(out))


def _marker_position(span: Span, starts: list[int], ends: list[int]) -> int:
    """Where a claim's marker goes: at the span's end, or, if that falls between
    paragraphs, at the end of the last paragraph the span reaches (paragraphs by their starts and ends)."""
    index = bisect.bisect_left(starts, span.end) - 1
    return min(span.end, ends[index]) if index >= 0 else 0


def annotate_title(title: str, claims: list[AnchoredClaim], page_url: str) -> Markup:
    """A source's title with the claims about its headline, written as the text is: one link per claim."""
    return annotate_stretch(title, Span(0, len(title)), claims, [], page_url, set(), set())


def side_notes(claims: list[AnchoredClaim], label: str | None = None) -> Markup:
    """The notes on a paragraph's claims: number, verdict in words, the claim, why, and the
    declared interest of whoever made it.

    Beside the paragraph on wide screens, after it on narrow ones. They hold no links:
    each claim's one link is its passage, so the keyboard reaches claim N in N steps.
    Left out of the search index, which would otherwise run them into the text."""
    items = [
        f'<li class="fc-note" id="note-{c.number}" data-claim="{escape(c.id)}">'
        f'<span class="fc-note-number fc-v-{escape(c.verdict.id)}"><span class="fc-sr">Claim </span>{c.number}</span> '
        f'<span class="fc-badge fc-v-{escape(c.verdict.id)}">{escape(c.verdict.label)}</span> '
        f'<span class="fc-note-claim">{escape(c.claim.claim)}</span> '
        f'<span class="fc-note-summary">{escape(c.claim.summary)}</span>'
        f"{_interest_note(c)}"
        "</li>"
        for c in claims
    ]
    label = label or ("Claim in this paragraph" if len(claims) == 1 else "Claims in this paragraph")
    return Markup(f'<ol class="fc-notes" aria-label="{escape(label)}" data-search-exclude>{"".join(items)}</ol>')


def _interest_note(claim: AnchoredClaim) -> Markup:
    """The declared interest of the claimant and of the person quoted, for the note beside the text; empty
    when neither declares one."""
    return Markup("").join(
        Markup(f'<span class="fc-note-interest"><span class="fc-label">Interest of {escape(entity.name)}:</span> '
               f"{escape(entity.interest)}</span>")
        for entity in (claim.claimant, claim.speaker) if entity is not None and entity.interest
    )
