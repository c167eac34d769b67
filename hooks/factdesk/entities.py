"""The entity registry: organisations, people, places, institutions and events, one file each in entities/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, problem_at
from .yamlfile import JsonPath
from .schemas import Schema, load_checked


@dataclass(frozen=True)
class Alias:
    text: str
    language: str | None = None
    note: str | None = None  # e.g. "misspelling in the source"
    whole_word: bool | None = None  # None: not said (matched as a whole word)
    case_sensitive: bool | None = None  # None: not said (matched case-sensitively)

    @property
    def explicit(self) -> bool:
        """Whether the editor said how this form is matched (required of short and common words)."""
        return self.whole_word is not None and self.case_sensitive is not None


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
    def forms(self) -> tuple[tuple[str, bool, bool], ...]:
        """Every form that marks a mention in a source, with how it is matched: (text, whole word, case-sensitive).
        The name is matched as a whole word, case-sensitively; aliases as their settings say."""
        forms = {self.name: (self.name, True, True)}
        for alias in self.aliases:
            forms.setdefault(alias.text, (alias.text, alias.whole_word is not False, alias.case_sensitive is not False))
        return tuple(forms.values())


def load_entity(path: Path, root: Path, schema: Schema) -> tuple[Entity | None, list[Problem]]:
    display = path.relative_to(root).as_posix()
    document, problems = load_checked(path, display, schema, root, expect_id=path.stem)
    if document is None:
        return None, problems
    data = dict(document.data)
    aliases = tuple(
        Alias(text=item) if isinstance(item, str) else Alias(**item) for item in data.pop("aliases", [])
    )
    related = tuple(data.pop("related", []))
    return Entity(file=display, aliases=aliases, related=related, positions=document.positions, **data), []
