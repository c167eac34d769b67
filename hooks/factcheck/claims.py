"""Claims: one YAML file per checked statement, under claims/<source id>/<claim id>.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, problem_at
from .schemas import Schema, load_checked
from .yamlfile import JsonPath, YamlFileError, load_yaml


@dataclass(frozen=True)
class Selector:
    """A W3C Web Annotation-style selector: quote with context, and code-point offsets."""

    exact: str
    start: int
    end: int
    prefix: str = ""
    suffix: str = ""
    field: str = "text"  # the part of the source quoted: "text", or "title" for the headline

    @property
    def in_title(self) -> bool:
        return self.field == "title"


@dataclass(frozen=True)
class Evidence:
    url: str
    title: str
    publisher: str
    date: str
    shows: str
    archived_url: str | None = None


@dataclass(frozen=True)
class Correction:
    date: str
    change: str
    reason: str


@dataclass(frozen=True)
class Claim:
    id: str
    source: str
    selector: Selector
    claim: str
    verdict: str
    summary: str
    notes: str
    entities: tuple[str, ...]
    reviewed: str
    updated: str
    reviewer: str
    file: str
    translation: str | None = None
    claimant: str | None = None  # entity id, when someone other than the source's publisher made the claim
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    searched: tuple[str, ...] = field(default_factory=tuple)
    corrections: tuple[Correction, ...] = field(default_factory=tuple)
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, path: JsonPath, message: str, severity: str = "error") -> Problem:
        """A problem reported at the line of one of this claim's fields."""
        return problem_at(self.file, self.positions, path, message, severity)


def load_claim(path: Path, root: Path, schema: Schema) -> tuple[Claim | None, list[Problem]]:
    display = path.relative_to(root).as_posix()
    document, problems = load_checked(path, display, schema, root, expect_id=path.stem)
    if document is None:
        return None, _name_the_verdict(path, display, root, problems)
    data = dict(document.data)
    selector = Selector(**data.pop("selector"))
    evidence = tuple(Evidence(**item) for item in data.pop("evidence", []))
    corrections = tuple(Correction(**item) for item in data.pop("corrections", []))
    claim = Claim(
        selector=selector, evidence=evidence, corrections=corrections,
        entities=tuple(data.pop("entities")), searched=tuple(data.pop("searched", [])),
        file=display, positions=document.positions, **data,
    )
    problems = []
    if selector.end <= selector.start:
        problems.append(claim.problem(("selector", "end"), f"end ({selector.end}) must be greater than start ({selector.start})"))
    return (None if problems else claim), problems


def _name_the_verdict(path: Path, display: str, root: Path, problems: list[Problem]) -> list[Problem]:
    """"evidence is missing" on a claim that lists what was searched means the verdict is not quite
    `unverifiable` (a misspelling, say): say so at the verdict's line, naming it."""
    if not any(p.field == "evidence" and "required field is missing" in p.message for p in problems):
        return problems
    try:
        document = load_yaml(path, display, root)
    except YamlFileError:
        return problems
    data = document.data
    if not isinstance(data, dict) or "searched" not in data or not isinstance(data.get("verdict"), str):
        return problems
    line, column = document.position(("verdict",))
    verdict = data["verdict"]
    explained = Problem(display, line, column, "verdict",
                        f"{verdict!r} is not 'unverifiable', so the claim needs `evidence`; the claim lists what was "
                        "`searched`, so if you meant 'unverifiable', correct the verdict")
    return [explained if p.field == "evidence" and "required field is missing" in p.message else p for p in problems]
