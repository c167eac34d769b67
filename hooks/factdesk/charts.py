"""Verdict charts drawn as SVG at build time: readable without JavaScript, and never by colour alone
(each bar is labelled with its verdict and count, and the chart has a text description)."""

from __future__ import annotations

from markupsafe import Markup, escape

from .verdicts import Verdict

# Drawn at its natural size (CSS caps it at WIDTH px), so its text is 16 px on a wide screen and
# still about 13 px when scaled down to a 360 px phone.
WIDTH = 400
FONT_SIZE = 16
BAR_HEIGHT = 24
ROW_GAP = 8
LABEL_WIDTH = 140
COUNT_ROOM = 88  # "100 (100%)" after the longest bar


def verdict_chart(counts: list[tuple[Verdict, int]], chart_id: str, title: str) -> Markup:
    """A horizontal bar per verdict, with its label and count written beside it."""
    total = sum(count for _, count in counts)
    biggest = max((count for _, count in counts), default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - COUNT_ROOM
    height = max(1, len(counts)) * (BAR_HEIGHT + ROW_GAP)
    description = "; ".join(f"{verdict.label}: {count}" for verdict, count in counts) or "No claims yet"
    rows = []
    for index, (verdict, count) in enumerate(counts):
        y = index * (BAR_HEIGHT + ROW_GAP)
        width = max(2, round(bar_room * count / biggest))
        share = f"{round(100 * count / total)}%" if total else ""
        rows.append(
            f'<g class="fc-chart-row">'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.72:.1f}" text-anchor="end" fill="currentColor">{escape(verdict.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="3" fill="{escape(verdict.colour)}"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT * 0.72:.1f}" fill="currentColor">{count} ({share})</text>'
            "</g>"
        )
    return Markup(
        f'<figure class="fc-chart" data-search-exclude>'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" font-size="{FONT_SIZE}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        + "".join(rows)
        + f'</svg><figcaption>{escape(title)}: {total} claim{"s" if total != 1 else ""}.</figcaption></figure>'
    )
