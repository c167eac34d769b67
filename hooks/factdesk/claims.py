"""Claims: one YAML file per checked statement, under claims/<source id>/<claim id>.yml."""

from __future__ import annotations

import datetime
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
class Reply:
    """One party's right of reply: whether and when the desk asked them, and what they said."""

    party: str  # entity id
    status: str  # "asked" (waiting), "answered", "no-answer" or "not-asked"
    asked: str | None = None  # YYYY-MM-DD
    answered: str | None = None  # YYYY-MM-DD
    reply: str | None = None  # Markdown, in the desk's words
    reason: str | None = None  # why the desk did not ask


# Fields that only one status may have: (field, the status it belongs to).
_REPLY_FIELD_STATUS = (("answered", "answered"), ("reply", "answered"), ("reason", "not-asked"))


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
    claimant: str | None = None  # entity id of whoever is answerable for the statement, when not the source's publisher
    speaker: str | None = None  # entity id of the person quoted, when the claimant (or the publisher) is someone else
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    searched: tuple[str, ...] = field(default_factory=tuple)
    corrections: tuple[Correction, ...] = field(default_factory=tuple)
    right_of_reply: tuple[Reply, ...] = field(default_factory=tuple)
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
    replies = tuple(Reply(**item) for item in data.pop("right_of_reply", []))
    claim = Claim(
        selector=selector, evidence=evidence, corrections=corrections, right_of_reply=replies,
        entities=tuple(data.pop("entities")), searched=tuple(data.pop("searched", [])),
        file=display, positions=document.positions, **data,
    )
    problems = []
    if selector.end <= selector.start:
        problems.append(claim.problem(("selector", "end"), f"end ({selector.end}) must be greater than start ({selector.start})"))
    if claim.speaker is not None and claim.speaker == claim.claimant:
        problems.append(claim.problem(("speaker",), f"the speaker is the claimant ({claim.claimant!r}): `speaker` is only for "
                                                   "a person quoted by someone else who answers for the words; remove it"))
    problems += reply_problems(claim, datetime.date.today())
    return (None if problems else claim), problems


def reply_problems(claim: Claim, today: datetime.date) -> list[Problem]:
    """What the schema cannot say of a claim's right of reply: fields that do not fit the status, dates out
    of order or in the future, a party listed twice. (A claim with a problem is loaded afresh every time,
    so a date refused today is judged again tomorrow.)"""
    problems = []
    seen: set[str] = set()
    for index, reply in enumerate(claim.right_of_reply):
        def at(name: str, message: str) -> None:
            problems.append(claim.problem(("right_of_reply", index, name), message))

        if reply.party in seen:
            at("party", f"{reply.party!r} is listed twice; keep one entry per party, with its latest status")
        seen.add(reply.party)
        for name, status in _REPLY_FIELD_STATUS:
            if getattr(reply, name) is not None and reply.status != status:
                at(name, f"`{name}` belongs to status {status!r}, but the status is {reply.status!r}; "
                         f"set status: {status}, or remove `{name}`")
        if reply.status == "not-asked" and reply.asked is not None:
            at("asked", "the status is 'not-asked' but an `asked` date is given; set the status the party is at, "
                        "or remove `asked`")
        for name in ("asked", "answered"):
            value = getattr(reply, name)
            if value is not None and datetime.date.fromisoformat(value) > today:
                at(name, f"{value} is in the future (today is {today.isoformat()}); give the date it happened")
        if reply.asked and reply.answered and reply.answered < reply.asked:
            at("answered", f"the answer ({reply.answered}) is dated before the question ({reply.asked}); "
                           "correct one of the dates")
    return problems


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
