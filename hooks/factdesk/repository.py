"""Load and validate every file of a fact-check repository, and check the references between them."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from time import time_ns
from typing import Any, Callable, Iterable, Mapping

from .boundary import LINK, MAX_SOURCE_BYTES, MAX_YAML_BYTES, OutsideBoundary, check_readable, read_bytes, unsafe_entries
from .checkcache import CACHE_FOLDER
from .claims import Claim, load_claim
from .entities import Entity, load_entity
from .file_status import settled, status
from .languages import primary_language
from .reuse import Reuse
from .problems import FactcheckError, Problem
from .schemas import Schema, read_schema
from .sources import Source, load_source
from .verdicts import RatingScale, load_scale


# Ids whose pages would be overwritten by a generated page: each folder's index.
RESERVED_IDS = frozenset({"index"})
# What every id is (the schemas' `$defs.id` pattern): also a file name that stays in its folder.
ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def is_id(text: str) -> bool:
    return ID_PATTERN.fullmatch(text) is not None and text not in RESERVED_IDS


@dataclass(frozen=True)
class Layout:
    """Where each kind of file lives, relative to the repository root."""

    root: Path
    # The hand-written pages and the theme's overrides, as the site generator's settings name them
    # (MkDocs' docs_dir and custom_dir); docs/ and overrides/ unless told.
    docs_dir: Path | None = None
    theme_dir: Path | None = None

    @property
    def docs(self) -> Path:
        return self.docs_dir or self.root / "docs"

    @property
    def overrides(self) -> Path:
        return self.theme_dir or self.root / "overrides"

    @property
    def cache(self) -> Path:
        return self.root / CACHE_FOLDER

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

    def read_schema(self, kind: str) -> Schema:
        """The schema of one kind of file, read once for every file of that kind."""
        return read_schema(self.schema(kind), self.root)

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
    # What each folder's files gave (see FolderLoad): the next load reuses it for the files that are unchanged.
    folders: dict[str, FolderLoad] = field(default_factory=dict, compare=False, repr=False)
    # What checking each folder's claims' references found (see check_references), for the next load.
    references: Reuse = field(default_factory=Reuse, compare=False, repr=False)


def load_repository(root: Path, corrected_sources: frozenset[str] = frozenset(),
                    previous: Repository | None = None, loads: FileLoads | None = None) -> Repository:
    """Everything, validated; raises FactcheckError listing every problem found.

    `corrected_sources` names sources whose text was deliberately corrected: their
    sha256 is not checked, so that claims can be re-anchored to the new text.
    With `previous` (an earlier load of the same repository), a file whose bytes (and schema) are unchanged
    gives the object it gave then, without being parsed and checked again; a file whose status is unchanged
    is not even read (see FileLoads). `loads` replaces how each file is loaded (see `validation_ledger`)."""
    root = root.resolve()
    layout = Layout(root)
    problems: list[Problem] = []
    reused = loads or FileLoads(root, previous.folders if previous else {})

    if layout.scale.exists() or layout.scale.is_symlink():
        scale_schema = layout.read_schema("rating-scale")
        [scale] = reused.get_folder(str(layout.scale), (((str(layout.scale),), ""),), scale_schema,
                                    lambda paths: load_scale(layout.scale, "rating-scale.yml", scale_schema, root), problems)
    else:
        scale = None
        problems.append(Problem("rating-scale.yml", 1, 1, "(file)",
                                "rating-scale.yml is missing: it defines the verdicts; restore it from the site's history, "
                                "or copy the one a new site starts with (`factcheck init DIR`)"))

    def source_loader(path: Path, root: Path, schema: Schema):
        return load_source(path, root, schema, check_sha256=path.stem not in corrected_sources)

    source_files = _yaml_files(layout.sources)
    sources = _load_all([(str(layout.sources), tuple(((path, path.removesuffix(".yml") + ".txt"),
                                                       "unchecked" if _stem(path) in corrected_sources else "")
                                                      for path in source_files))],
                        source_loader, root, layout.read_schema("source"), problems, reused)
    entity_files = _yaml_files(layout.entities)
    entities = _load_all([(str(layout.entities), tuple(((path,), "") for path in entity_files))], load_entity, root,
                         layout.read_schema("entity"), problems, reused)
    claim_folders = _claim_folders(layout.claims)
    claims = _load_all([(folder, files) for folder, files, _ in claim_folders], load_claim, root,
                       layout.read_schema("claim"), problems, reused)
    # A folder that holds only *.yml files, each loaded without a problem, holds no stray file: not walked again.
    problems += stray_files(layout, {folder for folder, _, names in claim_folders
                                     if reused.folders[folder].statuses is not None and len(names) == len(reused.folders[folder].items)
                                     and not any(name.startswith(".") for name in names)})

    # A source or entity that exists but failed to load has been reported already: what refers to it
    # is not "unknown" too (one broken alias is one error, not one per claim that names the entity).
    unusable = {_stem(path) for path in source_files} - set(sources)
    unusable_entities = {_stem(path) for path in entity_files} - set(entities)
    # Without a problem so far, every claim of each folder loaded: checked a folder at a time, a folder whose claims
    # are the very objects of the previous load (and what they refer to as it was) giving what it gave then.
    references = Reuse(previous.references if previous and not problems else None)
    problems += check_references(scale, sources, entities, claims, unusable, unusable_entities, None if problems else (
        references, [reused.folders[folder].items for folder, _, _ in claim_folders]))
    references.finish()
    problems += check_aliases(entities, {source.language for source in sources.values()})
    if problems:
        raise FactcheckError(problems)
    assert scale is not None
    return Repository(scale, sources, entities, claims, reused.folders, references)


def boundary_problems(layout: Layout) -> list[Problem]:
    """Every symbolic link (to a file or a folder, inside or outside) and every special file in the folders a
    build reads or writes besides the content files: the hand-written pages and the theme's overrides, which
    the site generator copies and publishes as they are, and the cache (its folders). The content files, site.yml, the
    rating scale and the schemas are checked as each is read (`boundary.read_bytes`)."""
    problems = []
    # The cache's folders only, not the entries in them (thousands, and more with each engine version): an
    # entry is read and written without following a link, and a share card is handed on only once read so.
    for folder, depth, remedy in (
        (layout.docs, None, "the site is built only from regular files inside the repository: replace the link "
                            "with the file or folder itself"),
        (layout.overrides, None, "the theme is built only from regular files inside the repository: replace the "
                                 "link with the file or folder itself"),
        (layout.cache, 1, f"the cache is written only inside the repository: delete {CACHE_FOLDER} (the next "
                          "build makes it again)"),
    ):
        try:
            found = unsafe_entries(folder, layout.root, depth)
        except OutsideBoundary:
            problems.append(Problem(str(folder), 1, 1, "(folder)", "is outside the repository; a build reads only "
                                    "its folders: name a folder inside it (docs_dir or the theme's custom_dir in "
                                    "mkdocs.yml)"))
            continue
        for path, what in found:
            problems.append(Problem(path, 1, 1, "(file)", f"{path} {what}; "
                                    + (remedy if what == LINK else "remove it")))
    return problems


@dataclass(frozen=True)
class FolderLoad:
    """What one load made of a folder's files (or of one file, such as the rating scale)."""

    key: tuple  # the schema's name and digest, and each file's paths and variant, in order
    items: tuple  # the object each file gave (None for one that gave none), in order
    # Every file's status, when every file loaded without a problem and each status was old enough to be trusted
    # (see file_status): the next load whose files have these statuses is given `items` without a look at each.
    statuses: tuple[str, ...] | None
    by_digest: dict[bytes, object]  # each object loaded without a problem, by the digest of its files' bytes
    by_status: dict[tuple, tuple[tuple[str, ...], bytes]]  # that digest by the status of the files it was read from


class FileLoads:
    """Objects of a previous load by the digest of their files' bytes, their schema's and how they were
    loaded; and this load's, for the next one. Files are read within the repository's boundary: one that
    may not be read is loaded as usual, which reports why.

    A file is not read at all when its status (see `file_status`) is the one it had when the previous load
    read it, old enough to be trusted then: the digest read then stands for its bytes. A folder whose files
    all have such statuses is given what it gave then, with no work for each file beyond its status."""

    def __init__(self, root: Path, previous: Mapping[str, FolderLoad] | None = None):
        self.root = root
        self.previous_folders = previous or {}
        self.folders: dict[str, FolderLoad] = {}
        # The folder being loaded: its previous load's objects and statuses, and this load's.
        self.previous: Mapping[bytes, object] = {}
        self.previous_statuses: Mapping[tuple, tuple[tuple[str, ...], bytes]] = {}
        self.loaded: dict[bytes, object] = {}
        self.statuses: dict[tuple, tuple[tuple[str, ...], bytes]] = {}
        self.started = time_ns()  # statuses newer than this (less RACY_NS) are not trusted by the next load
        self._folders: set[str] = set()  # checked to be no links during this load (see check_readable)

    def get_folder(self, folder: str, files: tuple[tuple[tuple[str, ...], str], ...], schema: Schema,
                   load: Callable[[tuple[str, ...]], tuple[Any, list[Problem]]], problems: list[Problem]) -> tuple:
        """The object each file (its paths and variant) of `folder` gives, in order: the previous load's if the
        folder's files are unchanged, each file's own (see `get`) otherwise."""
        key = (schema.display, schema.digest, files)
        known = self.previous_folders.get(folder)
        if known is not None and known.statuses is not None and known.key == key and known.statuses == self._statuses(files):
            self.folders[folder] = known
            return known.items
        self.previous, self.previous_statuses = (known.by_digest, known.by_status) if known else ({}, {})
        self.loaded, self.statuses = {}, {}
        before = len(problems)
        items = tuple(self.get(paths, schema, variant, lambda paths=paths: load(paths), problems) for paths, variant in files)
        clean = len(problems) == before and len(self.loaded) == len(self.statuses) == len(files)
        statuses = tuple(each for found, _ in self.statuses.values() for each in found) if clean else None
        self.folders[folder] = FolderLoad(key, items, statuses, self.loaded, self.statuses)
        return items

    def _statuses(self, files: tuple[tuple[tuple[str, ...], str], ...]) -> tuple[str, ...] | None:
        """Every file's status, in order; None if one cannot be read. Only the first file of a folder is checked
        on its way from the root (see check_readable): a file whose status is one a load read before is a
        regular file of that size."""
        try:
            if files:
                self._checked(files[0][0][0], MAX_YAML_BYTES)
            return tuple(status(os.lstat(path)) for paths, _ in files for path in paths)
        except (OutsideBoundary, OSError):
            return None

    def digest(self, paths: tuple[str | Path, ...], schema: Schema, variant: str) -> bytes | None:
        if schema.content is None:
            return None
        paths = tuple(os.fspath(path) for path in paths)
        limits = [MAX_SOURCE_BYTES if path.endswith(".txt") else MAX_YAML_BYTES for path in paths]
        try:
            # Taken before the bytes are read: a save while they are read shows in the next load's status.
            found = [self._checked(path, limit) for path, limit in zip(paths, limits)]
        except (OutsideBoundary, OSError):
            return None
        key = (variant, schema.display, schema.digest, paths)
        statuses = tuple(status(each) for each in found)
        known = self.previous_statuses.get(key)
        if known is not None and known[0] == statuses:
            self.statuses[key] = known
            return known[1]
        digest = hashlib.sha256(f"{variant}\0{schema.display}\0".encode() + schema.digest)
        for path, limit in zip(paths, limits):
            try:
                data = read_bytes(Path(path), self.root, limit, self._folders)
            except (OutsideBoundary, OSError):
                return None
            relative = os.path.relpath(path, self.root).replace(os.sep, "/")
            digest.update(f"\0{relative}\0{len(data)}\0".encode() + data)
        if all(settled(each, self.started) for each in found):
            self.statuses[key] = (statuses, digest.digest())
        return digest.digest()

    def _checked(self, path: str, limit: int) -> os.stat_result:
        """`check_readable`'s status of the file; in a folder this load found to be no link, one look at the file
        itself (what the check does there, without its walk from the root)."""
        if os.path.dirname(path) in self._folders:
            found = os.lstat(path)
            if stat.S_ISREG(found.st_mode) and found.st_size <= limit:
                return found
        return check_readable(Path(path), self.root, limit, self._folders)

    def get(self, paths: tuple[str | Path, ...], schema: Schema, variant: str, load: Callable[[], tuple[Any, list[Problem]]],
            problems: list[Problem]) -> Any:
        """The object these files give: the previous load's if they are unchanged, else `load()`'s."""
        key = self.digest(paths, schema, variant)
        item = self.previous.get(key) if key is not None else None
        if item is None:
            item, found = load()
            problems += found
            if item is None or found or key is None:
                return item
        self.loaded[key] = item
        return item


def find_root(start: Path) -> Path | None:
    """The top folder of the site that `start` is in: the nearest folder, from `start` upwards, that holds
    site.yml and rating-scale.yml, or the settings of a site generator (mkdocs.yml); None outside any site."""
    for folder in (start, *start.parents):
        if ((folder / "site.yml").is_file() and (folder / "rating-scale.yml").is_file()) or (folder / "mkdocs.yml").is_file():
            return folder
    return None


class UnknownSource(LookupError):
    """A source id no file of the repository has; the message names those it has."""


@dataclass(frozen=True)
class Drafting:
    """What scaffolding a claim needs: its source, the entities that load, and every claim file's id."""

    source: Source
    entities: dict[str, Entity]
    claim_files: dict[str, str]  # claim id (the file name) → repository-relative path


def load_for_drafting(root: Path, source_id: str) -> tuple[Drafting | None, list[Problem]]:
    """Only the named source must be valid: other files still being written (with TODOs, say) do not
    stop an editor from locating a quote or scaffolding the next claim. Raises UnknownSource when
    there is no sources/`source_id`.yml."""
    layout = Layout(root)
    path = layout.sources / f"{source_id}.yml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in layout.sources.glob("*.yml"))) or "none"
        raise UnknownSource(f"unknown source {source_id!r} (no sources/{source_id}.yml); known: {known}; "
                            "add a source with 'factcheck new-source FILE'")
    source, problems = load_source(path, root, layout.read_schema("source"))
    if source is None:
        return None, problems
    entities = {}
    entity_schema = layout.read_schema("entity")
    for entity_path in sorted(layout.entities.glob("*.yml")):
        entity, _ = load_entity(entity_path, root, entity_schema)
        if entity is not None:
            entities.setdefault(entity.id, entity)
    claim_files = {p.stem: p.relative_to(root).as_posix() for p in sorted(layout.claims.glob("*/*.yml"))}
    return Drafting(source, entities, claim_files), []


def _entries(folder: str) -> list[os.DirEntry]:
    """A folder's entries, none if it is missing or unreadable (as pathlib's glob)."""
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []


# Files are named by strings until one is loaded: a rebuild after one edit makes no Path for each of thousands.
def _yaml_files(folder: Path) -> list[str]:
    """`folder`/*.yml, whatever each is (a link or a folder is reported by the loader), in name order."""
    return [os.path.join(folder, name)
            for name in sorted(entry.name for entry in _entries(str(folder)) if entry.name.endswith(".yml"))]


def _claim_folders(claims: Path) -> list[tuple[str, tuple[tuple[tuple[str, ...], str], ...], list[str]]]:
    """Each folder of claims/ with its *.yml files (as the loader takes them: see FileLoads.get_folder) and the
    names of all its entries, in path order: a linked folder is looked into too, so that the loader reports its link."""
    found = []
    for name in sorted(folder.name for folder in _entries(str(claims)) if _is_dir(folder)):
        folder = os.path.join(claims, name)
        names = sorted(entry.name for entry in _entries(folder))
        found.append((folder, tuple(((folder + os.sep + file,), "") for file in names if file.endswith(".yml")), names))
    return found


def _stem(path: str) -> str:
    return os.path.basename(path).removesuffix(".yml")


def _is_dir(entry: os.DirEntry, follow_symlinks: bool = True) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow_symlinks)
    except OSError:
        return False


def stray_files(layout: Layout, plain: set[str] = frozenset()) -> list[Problem]:  # type: ignore[assignment]
    """Files under sources/, claims/ and entities/ that the loader would not read: errors, never silence. The
    folders of claims/ in `plain` are known to hold none."""
    problems = []
    root = layout.root

    def stray(path: Path, message: str) -> None:
        problems.append(Problem(path.relative_to(root).as_posix(), 1, 1, "(file)", f"this file is not read: {message}"))

    def rename_hint(path: Path, place: str) -> str:
        if path.suffix.lower() in (".yaml", ".yml") and path.suffix != ".yml":
            return f"{place}; rename it to {path.stem}.yml"
        return place

    for parts in _visible_files(layout.claims, plain):
        if len(parts) == 2 and parts[1].endswith(".yml"):
            continue
        path = layout.claims.joinpath(*parts)
        where = "claims live in claims/<source id>/<claim id>.yml"
        if len(parts) == 1:
            stray(path, rename_hint(path, where + "; move it into its source's folder"))
        elif len(parts) > 2:
            stray(path, where + f"; move it up to claims/{parts[0]}/{path.stem}.yml")
        else:
            stray(path, rename_hint(path, where))
    for parts in _visible_files(layout.entities):
        if len(parts) == 1 and parts[0].endswith(".yml"):
            continue
        path = layout.entities.joinpath(*parts)
        where = "entities live in entities/<entity id>.yml"
        stray(path, rename_hint(path, where) if len(parts) == 1 else where + f"; move it to entities/{path.stem}.yml")
    for parts in _visible_files(layout.sources):
        if len(parts) == 1 and parts[0].endswith(".yml"):
            continue
        path = layout.sources.joinpath(*parts)
        if len(parts) == 1 and path.suffix == ".txt":
            if not path.with_suffix(".yml").exists():
                stray(path, f"a source text needs its metadata beside it, in sources/{path.stem}.yml "
                            "(`factcheck new-source` writes both)")
            continue
        where = "a source is sources/<id>.txt (its text) with sources/<id>.yml (its metadata)"
        stray(path, rename_hint(path, where) if len(parts) == 1 else where + "; move it to sources/")
    return problems


def _visible_files(folder: Path, skipped: set[str] = frozenset()) -> list[tuple[str, ...]]:  # type: ignore[assignment]
    """Every file below `folder` (a link to a file too; a linked folder is not entered, nor one in `skipped`), as
    its names relative to `folder`, hidden ones (.gitkeep, editors' swap files) aside."""
    found = []
    below = [((), str(folder))]
    while below:
        parts, path = below.pop()
        for entry in _entries(path):
            if entry.name.startswith("."):
                continue
            names = parts + (entry.name,)
            if _is_dir(entry, follow_symlinks=False):
                if entry.path not in skipped:
                    below.append((names, entry.path))
            elif entry.is_file():
                found.append(names)
    return sorted(found)


def _load_all(folders: list[tuple[str, tuple[tuple[tuple[str, ...], str], ...]]], loader, root: Path, schema: Schema,
              problems: list[Problem], reused: FileLoads) -> dict:
    """Load each file of each folder (its paths and variant: see FileLoads.get_folder); a second file with an id
    already seen is a problem, not a silent overwrite."""
    loaded: dict = {}
    for folder, files in folders:
        items = reused.get_folder(folder, files, schema, lambda paths: loader(Path(paths[0]), root, schema), problems)
        # The usual folder, all at once: every file loaded, no id reserved or seen before.
        by_id = {item.id: item for item in items if item is not None}
        if len(by_id) == len(items) and RESERVED_IDS.isdisjoint(by_id) and loaded.keys().isdisjoint(by_id):
            loaded.update(by_id)
            continue
        for item in items:
            if item is None:
                continue
            if item.id in RESERVED_IDS:
                problems.append(item.problem(("id",), f"{item.id!r} is reserved: the folder's index page has that address; "
                                                      "choose another id (and rename the file to match)"))
                continue
            if item.id in loaded:
                problems.append(item.problem(("id",), f"duplicate id {item.id!r}, already used by {loaded[item.id].file}; "
                                                      "ids are one space across every source: choose another, and rename the file to match"))
                continue
            loaded[item.id] = item
    return loaded


def _unknown_entity(entity_id: str) -> str:
    return f"unknown entity {entity_id!r}; add entities/{entity_id}.yml or fix the id"


def check_references(
    scale: RatingScale | None, sources: dict[str, Source], entities: dict[str, Entity], claims: dict[str, Claim],
    unusable_sources: set[str], unusable_entities: set[str],
    by_folder: tuple[Reuse, list[tuple[Claim, ...]]] | None = None,
) -> list[Problem]:
    """What the files refer to that is not there. With `by_folder` (a Reuse of the previous load's, and every
    claim in its folder's order), a folder whose claims, and the sources, entities and verdicts they may refer to,
    are as in the previous load gives what it gave then (nothing: a load with a problem is not kept)."""
    problems = []
    known_entities = set(entities) | unusable_entities
    verdict_ids = [v.id for v in scale.verdicts] if scale else []
    if by_folder is None:
        problems += _claim_references(claims.values(), sources, unusable_sources, known_entities, verdict_ids, scale)
    else:
        reuse, folders = by_folder
        refer_to = (frozenset(sources), frozenset(unusable_sources), frozenset(known_entities), tuple(verdict_ids), scale)
        refer_to = reuse.get(("refer to",), refer_to, lambda: refer_to)  # one object while equal: compared by identity below
        for group in folders:
            if group:
                problems += reuse.get(("claims", group[0].file), (group, refer_to), lambda group=group: _claim_references(
                    group, sources, unusable_sources, known_entities, verdict_ids, scale))
    for entity in entities.values():
        for index, related in enumerate(entity.related):
            if related not in known_entities:
                problems.append(entity.problem(("related", index), _unknown_entity(related)))
    for source in sources.values():
        if source.assessment and scale and source.assessment.verdict not in verdict_ids:
            problems.append(source.problem(("assessment", "verdict"),
                                           f"unknown verdict {source.assessment.verdict!r}; use one of: {', '.join(verdict_ids)}"))
    return problems


def _claim_references(claims: Iterable[Claim], sources: dict[str, Source], unusable_sources: set[str],
                      known_entities: set[str], verdict_ids: list[str], scale: RatingScale | None) -> list[Problem]:
    problems = []
    for claim in claims:
        folder = claim.file.split("/")[-2]
        if claim.source in unusable_sources:
            pass
        elif claim.source not in sources:
            problems.append(claim.problem(("source",), f"unknown source {claim.source!r}; known sources: {', '.join(sorted(sources)) or 'none'}"))
        elif folder != claim.source:
            problems.append(claim.problem(("source",), f"the claim is in claims/{folder}/ but its source is {claim.source!r}; move it to claims/{claim.source}/"))
        if scale and claim.verdict not in verdict_ids:
            problems.append(claim.problem(("verdict",), f"unknown verdict {claim.verdict!r}; use one of: {', '.join(verdict_ids)}"))
        for role in ("claimant", "speaker"):
            entity_id = getattr(claim, role)
            if entity_id and entity_id not in known_entities:
                problems.append(claim.problem((role,), _unknown_entity(entity_id)))
        for index, reply in enumerate(claim.right_of_reply):
            if reply.party not in known_entities:
                problems.append(claim.problem(("right_of_reply", index, "party"), _unknown_entity(reply.party)))
        for index, entity_id in enumerate(claim.entities):
            if entity_id not in known_entities:
                problems.append(claim.problem(("entities", index), _unknown_entity(entity_id)))
    return problems


# Below this length a form is usually a word or an abbreviation of the language itself.
MIN_ALIAS_LENGTH = 3


def check_aliases(entities: dict[str, Entity], languages: set[str]) -> list[Problem]:
    """Short forms and common words would be linked all over a text ("a" in French): the editor must
    say explicitly how such an alias is matched."""
    problems = []
    for entity in entities.values():
        for index, alias in enumerate(entity.aliases):
            if alias.explicit:
                continue
            reason = None
            if len(alias.text.strip()) < MIN_ALIAS_LENGTH:
                reason = f"is shorter than {MIN_ALIAS_LENGTH} characters"
            else:
                language = next((lang for lang in sorted({alias.language, *languages} - {None})
                                 if alias.text.strip().lower() in common_words(lang)), None)
                if language:
                    reason = f"is a common word in {language!r}"
            if reason:
                problems.append(entity.problem(("aliases", index), (
                    f"the alias {alias.text!r} {reason}, so it would be linked wherever that word occurs; remove it, or "
                    f"write it as `{{text: {alias.text!r}, whole_word: true, case_sensitive: true}}` to say how it is matched"
                )))
    return problems


@functools.lru_cache(maxsize=None)
def common_words(language: str) -> frozenset[str]:
    """The language's stop words (a maintained list), lower-case; none for a language the list lacks."""
    from stop_words import StopWordError, get_stop_words

    try:
        return frozenset(word.lower() for word in get_stop_words(primary_language(language)))
    except StopWordError:
        return frozenset()
