"""The entity registry: organisations, people, places, institutions and events, one file each in entities/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, problem_at
from .yamlfile import JsonPath
from .schemas import load_checked


@dataclass(frozen=True)
class Alias:
    text: str
    language: str | None = None
    note: str | None = None  # e.g. "misspelling in the source"


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    description: str
    file: str
    aliases: tuple[Alias, ...] = field(default_factory=tuple)
    wikidata: str | None = None
    url: str | None = None
    interest: str | None = None  # declared interest, shown with every claim this entity makes
    related: tuple[str, ...] = field(default_factory=tuple)
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, path: JsonPath, message: str, severity: str = "error") -> Problem:
        return problem_at(self.file, self.positions, path, message, severity)

    @property
    def names(self) -> tuple[str, ...]:
        """Every form that marks a mention in a source: the name and each alias."""
        return tuple(dict.fromkeys([self.name, *(alias.text for alias in self.aliases)]))


def load_entity(path: Path, root: Path, schema_path: Path) -> tuple[Entity | None, list[Problem]]:
    display = path.relative_to(root).as_posix()
    document, problems = load_checked(path, display, schema_path, expect_id=path.stem)
    if document is None:
        return None, problems
    data = dict(document.data)
    aliases = tuple(
        Alias(text=item) if isinstance(item, str) else Alias(**item) for item in data.pop("aliases", [])
    )
    related = tuple(data.pop("related", []))
    return Entity(file=display, aliases=aliases, related=related, positions=document.positions, **data), []
