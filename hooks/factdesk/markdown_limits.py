"""What a Markdown field may hold beyond its length, checked on its text before it is ever rendered.

Markdown is rendered in time linear in its text, except for tables: every row of a table gets
as many cells as its header has columns, the missing ones filled in ("a" on a line of its own,
under a 50-column header, is 50 cells). markdown-it-py stops filling in at 65,536 cells a table,
but a field can hold several tables: 20,000 characters of short rows under wide headers made
460,000 cells, 9 seconds and 550 MB to render one field. So the cells a field's tables can
make are counted here, generously (every line up to the next blank one is a row), and limited.
"""

from __future__ import annotations

import re

MAX_TABLE_COLUMNS = 20  # wider is unreadable on a page
MAX_TABLE_CELLS = 2_000  # of all a field's tables together, filled-in cells included

_LINE_BREAK = re.compile(r"\r\n?|\n")
# Quotation marks (">") and indentation before a line's content: a table may sit in a quote or a list item.
_CONTAINER = re.compile(r"[ \t>]*")
# The line under a table's header: cells of dashes, each with optional alignment colons, between pipes.
_DELIMITER_ROW = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_DASHES = re.compile(r"-+")  # one run a column


def markdown_problem(text: str) -> str | None:
    """What makes `text` too costly to render, with what to do; None if nothing does."""
    lines = [_CONTAINER.sub("", line, count=1) for line in _LINE_BREAK.split(text)]
    cells = 0
    for index in range(1, len(lines)):
        if "-" not in lines[index] or "|" not in lines[index - 1] or not _DELIMITER_ROW.fullmatch(lines[index]):
            continue
        columns = len(_DASHES.findall(lines[index]))
        if columns > MAX_TABLE_COLUMNS:
            return (f"a table has {columns} columns, more than the limit of {MAX_TABLE_COLUMNS}; "
                    "split it into narrower tables")
        cells += columns  # the header
        row = index + 1
        # Each row counted adds to `cells`, which stops the count at the limit: linear, whatever the tables.
        while row < len(lines) and lines[row].strip() and cells <= MAX_TABLE_CELLS:
            cells += columns
            row += 1
        if cells > MAX_TABLE_CELLS:
            return (f"its tables have more than {MAX_TABLE_CELLS:,} cells (columns times rows, counting the cells "
                    "filled in for short rows); shorten them, or link to the data in the evidence instead")
    return None
