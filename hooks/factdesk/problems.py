"""Problems found in the repository's files, reported as `path:line:column: field: message`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Control characters shown as escapes: text from a file cannot move the cursor, recolour or retitle a terminal."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        prefix = "" if self.severity == "error" else f" {self.severity}:"
        # One line of plain text, wherever it is printed (the command line, MkDocs' log).
        return terminal_safe(f"{where}:{prefix}{field} {self.message}").replace("\n", "\\n").replace("\t", " ")


class FactcheckError(Exception):
    """Raised when the repository's files cannot be published; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(problem) for problem in self.problems]
        lines.append(f"{count} error{'s' if count != 1 else ''} found; nothing was built.")
        return "\n".join(lines)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


# Problems listed for one file: a 256 KiB list of wrong items would otherwise give a hundred thousand lines.
MAX_PROBLEMS_PER_FILE = 100


def at_most_per_file(problems: Iterable[Problem], limit: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """The problems in their order, at most `limit` for each file, and for a file with more, one error
    saying how many more there are."""
    kept: list[Problem] = []
    count: dict[str, int] = {}
    for problem in problems:
        count[problem.path] = count.get(problem.path, 0) + 1
        if count[problem.path] <= limit:
            kept.append(problem)
    for path, total in count.items():
        if total > limit:
            kept.append(Problem(path, 1, 1, "(file)", f"has more than {limit} problems; the first {limit} are listed: "
                                                      "fix those and validate again"))
    return kept



def problem_at(
    file: str, positions: dict, path: tuple, message: str, severity: str = "error",
) -> Problem:
    """A problem about a field, at its line or, when the field is absent, at its nearest enclosing field's."""
    where = path
    while where not in positions and where:
        where = where[:-1]
    line, column = positions.get(where, (1, 1))
    return Problem(file, line, column, field_name(path), message, severity)


def field_name(path: tuple) -> str:
    """`('evidence', 0, 'url')` → `evidence[0].url`."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(file)"
