"""Text printed where GitHub Actions reads it. The runner takes any line of a step's output that starts
with `::` (after white space) as a workflow command (an annotation, a masked value, a stop of command
processing…), and older runners also `##[`: text from a pull request must never start such a line.
A job summary is Markdown that GitHub renders: text from a pull request must render as text.

Annotations are escaped as GitHub's toolkit escapes them; every other line the commands print is one
line of plain text whose start, if it would read as a command, is escaped the same way; text in a job
summary has every Markdown character escaped.
"""

from __future__ import annotations

import re

from .problems import Problem, terminal_safe


def escape_data(text: str) -> str:
    """A workflow command's message: a line break cannot end the command and start another."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property (`file=`, `title=`…): nor can a `:` or `,` end the property or the properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    """The problem as an annotation on the pull request's diff."""
    level = "error" if problem.severity == "error" else "warning"
    properties = ",".join(f"{name}={escape_property(str(value))}" for name, value in (
        ("file", problem.path), ("line", problem.line), ("col", problem.column), ("title", problem.field)))
    return f"::{level} {properties}::{escape_data(problem.message)}"


def inert_line(text: str) -> str:
    """`text` as one line of plain text that the runner cannot take for a command: control characters and
    line breaks shown as escapes, and a leading `::` or `##[` escaped as in a command's properties."""
    line = terminal_safe(text).replace("\n", "\\n")
    stripped = line.lstrip()
    if stripped.startswith(("::", "##[")):
        indent = line[:len(line) - len(stripped)]
        line = indent + ("%3A" if stripped[0] == ":" else "%23") + stripped[1:]
    return line


# ASCII punctuation, which CommonMark lets a backslash make literal: no emphasis, link, image, HTML,
# character reference, code, table cell, heading or list can start; `:` and `.` escaped, no address
# (`https://…`, `www.…`) is linked either. Left as they are: , ; ? % / ' " (inert in running text).
_MARKDOWN_PUNCTUATION = re.compile(r"""([!#$&()*+\-.:<=>@\[\\\]^_`{|}~])""")
_WORD_JOINER = "\u2060"


def summary_text(text: str) -> str:
    """`text` as Markdown that renders as exactly that text, on one line (a table cell or a list item):
    escaped, and with an invisible word joiner after `@` and `#`, so that no one is mentioned and no
    issue referenced."""
    one_line = " ".join(terminal_safe(text).split())
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line)
    return escaped.replace("@", "@" + _WORD_JOINER).replace("#", "#" + _WORD_JOINER)


def code_block(text: str, info: str = "text") -> str:
    """`text` as a Markdown code block that GitHub renders as exactly its lines (an issue's body, a comment):
    fenced with more backticks than any run of them in the text, so that no line of it can close the
    block, with control characters shown as escapes, and an invisible word joiner after `@` in case the
    block is ever read outside a fence: no one is mentioned, nothing else renders."""
    lines = terminal_safe(text.replace("\r\n", "\n")).replace("@", "@" + _WORD_JOINER).rstrip("\n")
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", lines)), default=0))
    return f"{fence}{info}\n{lines}\n{fence}\n"
