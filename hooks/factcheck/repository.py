"""Load and validate every file of a fact-check repository, and check the references between them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .claims import Claim, load_claim
from .entities import Entity, load_entity
from .problems import FactcheckError, Problem
from .sources import Source, load_source
from .verdicts import RatingScale, load_scale


@dataclass(frozen=True)
class Layout:
    """Where each kind of file lives, relative to the repository root."""

    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def claims(self) -> Path:
        return self.root / "claims"

    @property
    def entities(self) -> Path:
        return self.root / "entities"

    @property
    def scale(self) -> Path:
        return self.root / "rating-scale.yml"

    def schema(self, kind: str) -> Path:
        return self.root / "schemas" / f"{kind}.schema.json"

    @property
    def watched(self) -> list[Path]:
        """What a live preview must watch besides docs/."""
        return [self.sources, self.claims, self.entities, self.scale, self.root / "site.yml", self.root / "schemas"]


@dataclass(frozen=True)
class Repository:
    scale: RatingScale
    sources: dict[str, Source]
    entities: dict[str, Entity]
    claims: dict[str, Claim]


def load_repository(root: Path, corrected_sources: frozenset[str] = frozenset()) -> Repository:
    """Everything, validated; raises FactcheckError listing every problem found.

    `corrected_sources` names sources whose text was deliberately corrected: their
    sha256 is not checked, so that claims can be re-anchored to the new text."""
    layout = Layout(root)
    problems: list[Problem] = []

    scale, found = load_scale(layout.scale, "rating-scale.yml", layout.schema("rating-scale"))
    problems += found

    def source_loader(path: Path, root: Path, schema: Path):
        return load_source(path, root, schema, check_sha256=path.stem not in corrected_sources)

    source_files = sorted(layout.sources.glob("*.yml"))
    sources = _load_all(source_files, source_loader, root, layout.schema("source"), problems)
    entities = _load_all(sorted(layout.entities.glob("*.yml")), load_entity, root, layout.schema("entity"), problems)
    claims = _load_all(sorted(layout.claims.glob("*/*.yml")), load_claim, root, layout.schema("claim"), problems)
    for stray in sorted(layout.claims.glob("*.yml")):
        problems.append(Problem(stray.relative_to(root).as_posix(), 1, 1, "(file)",
                                "claims live in claims/<source id>/<claim id>.yml; move this file into its source's folder"))

    # A source that exists but failed to load has been reported already; its claims are not "unknown source".
    unusable = {path.stem for path in source_files} - set(sources)
    problems += _check_references(scale, sources, entities, claims, unusable)
    if problems:
        raise FactcheckError(problems)
    assert scale is not None
    return Repository(scale, sources, entities, claims)


def _load_all(paths, loader, root: Path, schema: Path, problems: list[Problem]) -> dict:
    """Load each file; a second file with an id already seen is a problem, not a silent overwrite."""
    loaded: dict = {}
    for path in paths:
        item, found = loader(path, root, schema)
        problems += found
        if item is None:
            continue
        if item.id in loaded:
            problems.append(Problem(item.file, 1, 1, "id", f"duplicate id {item.id!r}, already used by {loaded[item.id].file}"))
            continue
        loaded[item.id] = item
    return loaded


def _unknown_entity(entity_id: str) -> str:
    return f"unknown entity {entity_id!r}; add entities/{entity_id}.yml or fix the id"


def _check_references(
    scale: RatingScale | None, sources: dict[str, Source], entities: dict[str, Entity], claims: dict[str, Claim],
    unusable_sources: set[str],
) -> list[Problem]:
    problems = []
    verdict_ids = [v.id for v in scale.verdicts] if scale else []
    for claim in claims.values():
        folder = claim.file.split("/")[-2]
        if claim.source in unusable_sources:
            pass
        elif claim.source not in sources:
            problems.append(claim.problem(("source",), f"unknown source {claim.source!r}; known sources: {', '.join(sorted(sources)) or 'none'}"))
        elif folder != claim.source:
            problems.append(claim.problem(("source",), f"the claim is in claims/{folder}/ but its source is {claim.source!r}; move it to claims/{claim.source}/"))
        if scale and claim.verdict not in verdict_ids:
            problems.append(claim.problem(("verdict",), f"unknown verdict {claim.verdict!r}; use one of: {', '.join(verdict_ids)}"))
        if claim.claimant and claim.claimant not in entities:
            problems.append(claim.problem(("claimant",), _unknown_entity(claim.claimant)))
        for index, entity_id in enumerate(claim.entities):
            if entity_id not in entities:
                problems.append(claim.problem(("entities", index), _unknown_entity(entity_id)))
    for entity in entities.values():
        for index, related in enumerate(entity.related):
            if related not in entities:
                problems.append(entity.problem(("related", index), _unknown_entity(related)))
    for source in sources.values():
        if source.assessment and scale and source.assessment.verdict not in verdict_ids:
            problems.append(source.problem(("assessment", "verdict"),
                                           f"unknown verdict {source.assessment.verdict!r}; use one of: {', '.join(verdict_ids)}"))
    return problems
