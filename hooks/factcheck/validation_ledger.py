"""Validation after an edit that reads only what the edit can affect.

`factcheck validate` runs after every save. A full validation (`validation.validate`) reads every
file; this one keeps, in a ledger in `.factcheck-cache/`, what each file gave the run before: its
problems and the facts the checks between files need (its id, the ids it names, its quote's
selector, the lines of those fields), and for each source what anchoring its claims, covering its
text and the claims' cards gave. A run looks at every file's status (size, times, inode; nothing is
read), loads again only the files whose status changed, anchors again only the sources whose file
or claims changed, and runs every check between files (references, duplicate ids, aliases, entities
no source names) again on the facts. It reports what a full validation reports: the tests compare
the two, problem for problem, over random sequences of edits.

The ledger is trusted as far as the checked-file cache is: its name mixes in this machine's secret,
so a ledger committed to the repository never matches, and it is read and written without following
a link. It is not used at all for a deployment or in CI (`--deploy`, `CI` set): there every file is
read and checked. A file whose status changed within RACY_NS before the ledger's run is loaded again
(a change in the same clock tick as the run before could leave its status as it was).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from time import time_ns
from pathlib import Path
from typing import Any, Callable, Mapping

from PIL import features

from .boundary import MAX_YAML_BYTES, OutsideBoundary, read_bytes
from .card_text import card_text_problems, claim_card_problems
from .checkcache import _engine_version, keyed_entry, read_entry, store
from .claims import Claim, Selector, load_claim
from .coverage import source_coverage
from .entities import load_entity
from .hand_written import page_problems
from .problems import FactcheckError, Problem, errors, field_name, problem_at
from .publishing import about_problems, load_site_info, logo_problems
from .repository import FileLoads, Layout, Repository, boundary_problems, load_repository
from .schemas import Schema
from .site import MentionFinder, SiteModel, build_site
from .sources import Source, load_source
from .standards import claim_standards, coverage_problems, unnamed_entities
from .typefaces import CardFonts, card_fonts
from .validation import Validation, validate

FORMAT = b"validation-ledger 1"
MAX_LEDGER_BYTES = 512 * 1024 * 1024
RACY_NS = 2_000_000_000
JsonPath = tuple[Any, ...]


class _Unrecorded(Exception):
    """A check asked for a field line the ledger does not keep: the run falls back to a full validation."""


class Recorded:
    """A file as the ledger keeps it: the attributes the checks between files read, and the lines of the
    fields they report problems at."""

    def __init__(self, file: str, lines: Mapping[JsonPath, tuple[int, int]], **fields: Any):
        self.file = file
        self.positions = dict(lines)
        self.__dict__.update(fields)

    def problem(self, path: JsonPath, message: str, severity: str = "error") -> Problem:
        if path not in self.positions:
            raise _Unrecorded(path)
        line, column = self.positions[path]
        return Problem(self.file, line, column, field_name(path), message, severity)


class _Assessment:
    def __init__(self, verdict: str):
        self.verdict = verdict


class _Alias:
    def __init__(self, text: str, language: str | None, explicit: bool):
        self.text, self.language, self.explicit = text, language, explicit


def _lines(item: Any, paths: list[JsonPath]) -> list[list[Any]]:
    """Where a problem at each of these fields of a loaded file is reported."""
    found = []
    for path in paths:
        problem = problem_at(item.file, item.positions, path, "")
        found.append([list(path), problem.line, problem.column])
    return found


def _facts(kind: str, item: Any) -> dict[str, Any]:
    """What the ledger keeps of a loaded claim, source or entity."""
    if kind == "claims":
        selector = item.selector
        return {"id": item.id, "source": item.source, "verdict": item.verdict, "claimant": item.claimant,
                "entities": list(item.entities), "claim": item.claim, "translation": item.translation,
                "searched": list(item.searched),
                "selector": [selector.exact, selector.start, selector.end, selector.prefix, selector.suffix, selector.field],
                "lines": _lines(item, [("id",), ("source",), ("verdict",), ("claimant",), ("claim",), ("translation",),
                                       ("searched",), ("selector", "exact"), ("selector", "start"), ("selector", "end"),
                                       *[("entities", index) for index in range(len(item.entities))]])}
    if kind == "sources":
        return {"id": item.id, "language": item.language, "text_file": item.text_file,
                "assessment": item.assessment.verdict if item.assessment else None,
                "lines": _lines(item, [("id",), ("assessment", "verdict")])}
    return {"id": item.id, "related": list(item.related), "forms": [list(form) for form in item.forms],
            "aliases": [[alias.text, alias.language, alias.explicit] for alias in item.aliases],
            "lines": _lines(item, [("id",), ("aliases",), *[("aliases", index) for index in range(len(item.aliases))],
                                   *[("related", index) for index in range(len(item.related))]])}


def _recorded(kind: str, file: str, facts: dict[str, Any]) -> Recorded:
    fields = dict(facts)
    lines = {tuple(path): (line, column) for path, line, column in fields.pop("lines")}
    if kind == "claims":
        fields["selector"] = Selector(*fields["selector"])
        fields["entities"] = tuple(fields["entities"])
        fields["searched"] = tuple(fields["searched"])
    elif kind == "sources":
        fields["assessment"] = _Assessment(fields["assessment"]) if fields["assessment"] is not None else None
    else:
        fields["related"] = tuple(fields["related"])
        fields["forms"] = tuple(tuple(form) for form in fields["forms"])
        fields["aliases"] = tuple(_Alias(*alias) for alias in fields["aliases"])
    return Recorded(file, lines, **fields)


def _problems(stored: list[list[Any]]) -> list[Problem]:
    return [Problem(*fields) for fields in stored]


def _stored(problems: list[Problem]) -> list[list[Any]]:
    return [[p.path, p.line, p.column, p.field, p.message, p.severity] for p in problems]


class LedgerLoads(FileLoads):
    """Loads a file only when its status differs from the ledger's; otherwise gives what the ledger kept."""

    def __init__(self, root: Path, previous: Mapping[str, Any], started: int, opened: list[str] | None = None):
        super().__init__(root, {})
        self.previous_files: Mapping[str, Any] = previous.get("files", {})
        self.started = started
        self.trusted_before = started - RACY_NS  # a status newer than this is not kept (see RACY_NS)
        self.files: dict[str, Any] = {}  # this run's ledger, by path
        self.refreshed: set[str] = set()  # paths loaded by this run
        self.items: dict[str, Any] = {}  # what each loaded path gave (the real object)
        self._real_folders: dict[str, bool] = {}
        self.opened = opened  # paths this run loaded, for the tests

    def _status(self, path: Path) -> list[int] | None:
        """The file's status, or None when it or a folder above it is not what a plain load accepts."""
        relative = path.relative_to(self.root)
        for depth in range(1, len(relative.parts)):
            folder = os.path.join(self.root, *relative.parts[:depth])
            if folder not in self._real_folders:
                try:
                    self._real_folders[folder] = stat.S_ISDIR(os.lstat(folder).st_mode)
                except OSError:
                    self._real_folders[folder] = False
            if not self._real_folders[folder]:
                return None
        try:
            found = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]

    def version(self, file: str) -> list[list[int]] | None:
        """The status of a file (and its companion) this run kept in the ledger; None when not kept."""
        kept = self.files.get(file)
        return None if kept is None else kept[0]

    def get(self, paths: tuple[Path, ...], schema: Schema, variant: str, load: Callable[[], tuple[Any, list[Problem]]],
            problems: list[Problem]) -> Any:
        file = paths[0].relative_to(self.root).as_posix()
        kind = file.split("/")[0]
        if kind not in ("claims", "sources", "entities"):  # the rating scale: one small file, always loaded
            return super().get(paths, schema, variant, load, problems)
        statuses = [self._status(path) for path in paths]
        kept = self.previous_files.get(file)
        if kept is not None and None not in statuses and kept[0] == statuses:
            self.files[file] = kept
            problems += _problems(kept[1])
            return None if kept[2] is None else _recorded(kind, file, kept[2])
        # Status taken before the load: a change while it reads is seen by the next run.
        item, found = load()
        if self.opened is not None:
            self.opened.append(file)
        problems += found
        self.refreshed.add(file)
        self.items[file] = item
        if None not in statuses and all(max(status[3], status[4]) < self.trusted_before for status in statuses):
            self.files[file] = [statuses, _stored(found), None if item is None else _facts(kind, item)]
        return item

    def real(self, kind: str, item: Any, layout: Layout) -> Any:
        """The loaded object behind what the ledger kept of it (loaded now if this run has not)."""
        if not isinstance(item, Recorded):
            return item
        if item.file not in self.items:
            path = self.root / item.file
            loaded = (load_source(path, self.root, layout.read_schema("source")) if kind == "sources"
                      else load_claim(path, self.root, layout.read_schema("claim")))[0]
            if self.opened is not None:
                self.opened.append(item.file)
            if loaded is None:  # changed since its status was taken: the next run loads it afresh
                raise _Unrecorded(item.file)
            self.items[item.file] = loaded
        return self.items[item.file]


def _ledger_entry(root: Path, layout: Layout, fonts: CardFonts | None) -> Path | None:
    """The ledger's name: it mixes in everything a kept result depends on besides the content files (the
    engine, the schemas, site.yml, the rating scale, the card fonts), so a change to any is a fresh start."""
    parts = [FORMAT, _engine_version(), os.fsencode(root), fonts.key() if fonts else b"",
             b"raqm" if features.check("raqm") else b""]
    for path in (layout.scale, root / "site.yml", *sorted((root / "schemas").glob("*.json"))):
        try:
            parts += [os.fsencode(path), read_bytes(path, root, MAX_YAML_BYTES)]
        except (OutsideBoundary, OSError):
            return None
    return keyed_entry(root, parts, ".ledger.json")


def _read_ledger(entry: Path | None) -> dict[str, Any]:
    if entry is None:
        return {}
    try:
        data = read_entry(entry, MAX_LEDGER_BYTES)
        ledger = json.loads(data.decode("utf-8"))
        return ledger if isinstance(ledger, dict) else {}
    except (OSError, ValueError):
        return {}


def validate_changes(root: Path, environ: Mapping[str, str], deploy: bool = False, layout: Layout | None = None,
                     opened: list[str] | None = None) -> Validation:
    """What `validation.validate` reports, reading only the files changed since the last run and those they
    affect. Every file is read for a deployment, in CI, and when no ledger of an earlier run is usable.
    `opened` collects the content files this run loaded."""
    layout = layout or Layout(root)
    if deploy or environ.get("CI"):
        return validate(root, environ, deploy=deploy, layout=layout)
    linked = boundary_problems(layout)
    if linked:
        return Validation(None, None, linked)
    root = root.resolve()
    layout = Layout(root, layout.docs_dir, layout.theme_dir)
    started = time_ns()
    info, site_problems = load_site_info(root, environ)
    fonts = card_fonts(info.language) if info else None
    entry = _ledger_entry(root, layout, fonts)
    previous = _read_ledger(entry)
    loads = LedgerLoads(root, previous, started, opened)
    try:
        problems, totals, kept = _content_problems(root, layout, loads, previous, info.language if info else "en", fonts)
    except _Unrecorded:
        return validate(root, environ, layout=layout)
    if info is not None:
        site_problems = site_problems + logo_problems(info, root, layout.docs)
    problems = problems + site_problems + (about_problems(info, deploy=False) if info else [])
    problems += page_problems(root, layout.docs)
    if totals is not None and info is not None and fonts is not None:
        assert kept["scale"] is not None
        problems += card_text_problems(SiteModel(kept["scale"], {}, {}, {}), info, fonts)  # the site's and verdicts' own
        problems += kept.pop("cards")
    if entry is not None:
        kept.pop("scale")
        kept.pop("cards", None)
        store(entry, json.dumps({"started": started, "files": loads.files, **kept}, ensure_ascii=False).encode("utf-8"))
    return Validation(None, info, problems, totals)


def _content_problems(root: Path, layout: Layout, loads: LedgerLoads, previous: Mapping[str, Any], language: str,
                      fonts: CardFonts | None) -> tuple[list[Problem], tuple[int, int, int] | None, dict[str, Any]]:
    """The problems of the content files, as `validation.validate` finds them (loading, then anchoring, then the
    desk's standards); the number of sources, claims and entities when they all load and anchor; and what the
    ledger keeps besides each file's own facts."""
    # Kept as they were when the files do not all load: each says which versions of its files it came from.
    kept: dict[str, Any] = {"units": dict(previous.get("units", {})), "mentions": dict(previous.get("mentions", {})),
                            "scale": None}
    try:
        repository = load_repository(root, loads=loads)
    except FactcheckError as exc:
        return exc.problems, None, kept
    kept["units"], kept["mentions"] = {}, {}
    kept["scale"] = Repository(repository.scale, {}, {}, {})
    claims_of: dict[str, list[str]] = {source_id: [] for source_id in repository.sources}
    for claim_id, claim in repository.claims.items():
        claims_of[claim.source].append(claim_id)
    previous_units = previous.get("units", {})
    anchoring: list[Problem] = []
    units = {}
    for source_id, source in repository.sources.items():
        files = [source.file] + [repository.claims[claim_id].file for claim_id in claims_of[source_id]]
        versions = [[file, loads.version(file)] for file in files]
        unit = previous_units.get(source_id)
        if unit is None or unit["files"] != versions or any(version is None for _, version in versions):
            unit = _source_unit(repository, source, claims_of[source_id], loads, layout, language, fonts)
            unit["files"] = versions
        units[source_id] = unit
        if all(version is not None for _, version in versions):
            kept["units"][source_id] = unit
        anchoring += _problems(unit["anchoring"])
    if errors(anchoring):
        return sorted(errors(anchoring)), None, kept
    problems = anchoring + [problem for unit in units.values() for problem in _problems(unit["standards"])]
    kept["cards"] = [problem for unit in units.values() for problem in _problems(unit["cards"])]
    named = {entity_id for claim in repository.claims.values() for entity_id in claim.entities}
    named |= {claim.claimant for claim in repository.claims.values() if claim.claimant}
    mentioned = _mentions(repository, loads, layout, previous.get("mentions", {}), kept) \
        if set(repository.entities) - named else set()
    problems += unnamed_entities(repository.entities, lambda entity_id: entity_id in named or entity_id in mentioned)
    return problems, (len(repository.sources), len(repository.claims), len(repository.entities)), kept


def _source_unit(repository: Repository, source: Any, claim_ids: list[str], loads: LedgerLoads, layout: Layout,
                 language: str, fonts: CardFonts | None) -> dict[str, Any]:
    """A source and its claims checked together, as a full validation checks them: anchoring (errors only
    when there is one, as a full validation reports then), then each claim's standards and card, and the
    source's coverage."""
    real: Source = loads.real("sources", source, layout)
    claims = {claim_id: repository.claims[claim_id] for claim_id in claim_ids}
    alone = Repository(repository.scale, {real.id: real}, {}, claims)  # type: ignore[arg-type]
    try:
        model = build_site(alone)
    except FactcheckError as exc:
        return {"anchoring": _stored(exc.problems), "standards": [], "cards": []}
    standards = [problem for item in model.claims.values() for problem in claim_standards(item, real, language)]
    standards += coverage_problems(real, source_coverage(model, real.id).uncovered)
    cards = [problem for item in model.claims.values() for problem in claim_card_problems(item.claim, fonts)] \
        if fonts else []
    return {"anchoring": _stored(model.warnings), "standards": _stored(standards), "cards": _stored(cards)}


def _mentions(repository: Repository, loads: LedgerLoads, layout: Layout, previous: Mapping[str, Any],
              kept: dict[str, Any]) -> set[str]:
    """The entities some source names: each source's kept for as long as its file and every entity's forms are
    as they were."""
    forms = hashlib.sha256(json.dumps(sorted([entity.id, list(entity.forms)] for entity in repository.entities.values()),
                                      ensure_ascii=False).encode("utf-8")).hexdigest()
    finder: MentionFinder | None = None
    mentioned: set[str] = set()
    for source_id, source in repository.sources.items():
        found, version = previous.get(source_id), loads.version(source.file)
        if found is None or found[:2] != [forms, version] or version is None:
            finder = finder or MentionFinder(repository.entities)  # type: ignore[arg-type]
            found = [forms, version, sorted({mention.entity_id
                                             for mention in finder.find(loads.real("sources", source, layout))})]
        if version is not None:
            kept["mentions"][source_id] = found
        mentioned.update(found[2])
    return mentioned
