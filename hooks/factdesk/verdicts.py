"""The rating scale: which verdicts exist, their order and their colours. Kept in data (rating-scale.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import Problem
from .schemas import Schema, load_checked


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str
    description: str
    rank: int | None  # 1 = worst; None = off the scale (e.g. unverifiable)
    colour: str


@dataclass(frozen=True)
class RatingScale:
    verdicts: tuple[Verdict, ...]  # best first, unranked last

    def get(self, verdict_id: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.id == verdict_id), None)

    @property
    def best_rank(self) -> int:
        return max(v.rank for v in self.verdicts if v.rank is not None)

    @property
    def worst_rank(self) -> int:
        return min(v.rank for v in self.verdicts if v.rank is not None)


def load_scale(path: Path, display_path: str, schema: Schema, root: Path) -> tuple[RatingScale | None, list[Problem]]:
    document, problems = load_checked(path, display_path, schema, root)
    if document is None:
        return None, problems
    verdicts = [Verdict(**item) for item in document.data["verdicts"]]
    seen: set[str] = set()
    for index, verdict in enumerate(verdicts):
        if verdict.id in seen:
            line, column = document.position(("verdicts", index, "id"))
            problems.append(Problem(display_path, line, column, f"verdicts[{index}].id",
                                    f"duplicate verdict id {verdict.id!r}"))
        seen.add(verdict.id)
    if not any(v.rank is not None for v in verdicts):
        problems.append(Problem(display_path, 1, 1, "verdicts", "at least one verdict needs a rank"))
    if problems:
        return None, problems
    ordered = sorted(verdicts, key=lambda v: (v.rank is None, -(v.rank or 0)))
    return RatingScale(tuple(ordered)), []
