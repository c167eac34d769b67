"""Source documents: verbatim text plus metadata, in sources/<id>.yml and sources/<id>.txt."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
import re
from pathlib import Path

from .boundary import MAX_SOURCE_BYTES, OutsideBoundary, read_bytes
from .problems import Problem, problem_at
from .yamlfile import JsonPath
from .schemas import Schema, load_checked


SOURCE_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class NotChecked:
    quote: str
    reason: str


@dataclass(frozen=True)
class Assessment:
    verdict: str
    summary: str
    reason: str | None = None  # the verdict's reason in one sentence, shown beside it


@dataclass(frozen=True)
class Original:
    url: str
    title: str
    publisher: str | None = None
    language: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    language: str
    text: str
    sha256: str
    file: str  # repository-relative path of the metadata file
    text_file: str
    title_en: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None
    archived_url: str | None = None
    about: str | None = None
    original: Original | None = None
    assessment: Assessment | None = None
    not_checked: tuple[NotChecked, ...] = field(default_factory=tuple)
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, path: JsonPath, message: str, severity: str = "error") -> Problem:
        return problem_at(self.file, self.positions, path, message, severity)

    def part(self, field: str) -> str:
        """The part of the document a selector's `field` names: its text, or its title as published."""
        return self.title if field == "title" else self.text

    def part_name(self, field: str) -> str:
        """How an editor finds that part: the text file, or the title in the metadata."""
        return f"the title in {self.file}" if field == "title" else self.text_file


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _with_actual_sha256(problem: Problem, text_path: Path, root: Path) -> Problem:
    """A new source starts without its checksum: say what it must be."""
    if problem.field != "sha256":
        return problem
    try:
        actual = hashlib.sha256(read_bytes(text_path, root, MAX_SOURCE_BYTES)).hexdigest()
    except (OutsideBoundary, OSError):
        return problem  # reported when the text itself is read
    return dataclasses.replace(problem, message=f"{problem.message}; the sha256 of {text_path.name} is {actual}")


def _control_character_problem(text: str, display: str) -> Problem | None:
    """A published text holds no escape codes, NUL or bell; line breaks, tabs and carriage returns are kept."""
    found = SOURCE_CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    before = text[: found.start()]
    line, column = before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1
    return Problem(display, line, column, "(file)",
                   f"the source text contains the control character U+{ord(found.group()):04X}; remove it")


def load_source(
    path: Path, root: Path, schema: Schema, check_sha256: bool = True,
) -> tuple[Source | None, list[Problem]]:
    """Load a source's metadata and text; `check_sha256=False` is for re-anchoring after a deliberate correction."""
    display = path.relative_to(root).as_posix()
    document, problems = load_checked(path, display, schema, root, expect_id=path.stem)
    if document is None:
        return None, [_with_actual_sha256(problem, path.with_suffix(".txt"), root) for problem in problems]
    data = dict(document.data)
    text_path = path.with_suffix(".txt")
    text_display = text_path.relative_to(root).as_posix()
    if not text_path.exists() and not text_path.is_symlink():
        return None, [Problem(display, 1, 1, "(file)", f"the source text {text_display} is missing; put the verbatim text there")]
    # Bytes, not universal newlines: the text must stay exactly as published.
    try:
        raw = read_bytes(text_path, root, MAX_SOURCE_BYTES)
    except OutsideBoundary as exc:
        return None, [Problem(text_display, 1, 1, "(file)", f"{text_display} {exc}")]
    except OSError as exc:
        return None, [Problem(text_display, 1, 1, "(file)", f"{text_display} cannot be read ({exc.strerror})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        return None, [Problem(text_display, before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1, "(file)",
                              f"the source text is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                              "save it with UTF-8 encoding")]
    control = _control_character_problem(text, text_display)
    if control:
        return None, [control]
    actual = sha256_of(text)
    if check_sha256 and actual != data["sha256"]:
        line, column = document.position(("sha256",))
        return None, [Problem(
            display, line, column, "sha256",
            f"{text_display} has changed (its sha256 is now {actual}). A source text is never edited to fit a claim; "
            f"if this correction is deliberate, run `factcheck reanchor --source {path.stem}`: it records the new sha256 "
            "and moves the claims' offsets",
        )]
    original = Original(**data.pop("original")) if "original" in data else None
    assessment = Assessment(**data.pop("assessment")) if "assessment" in data else None
    not_checked = tuple(NotChecked(**item) for item in data.pop("not_checked", []))
    source = Source(
        text=text, file=display, text_file=text_display,
        original=original, assessment=assessment, not_checked=not_checked,
        positions=document.positions, **data,
    )
    return source, []
