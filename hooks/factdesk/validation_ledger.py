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
read and checked. A file whose status is less than `file_status.RACY_NS` old when a run looks at it is not
kept, so the next run loads it again (a second save in the same clock tick could leave its status as it was).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from time import time_ns
from typing import Any, Callable, Mapping

from PIL import features

from .boundary import MAX_YAML_BYTES, OutsideBoundary, read_bytes
from .card_text import card_text_problems, claim_card_problems
from .checkcache import _engine_version, keyed_entry, read_entry, store
from .claims import Selector, load_claim
from .coverage import source_coverage
from .entities import load_entity
from .file_status import settled, status
from .hand_written import page_problems
from .problems import FactcheckError, Problem, at_most_per_file, errors, field_name, problem_at
from .publishing import about_problems, load_site_info, logo_problems
from .repository import (RESERVED_IDS, FileLoads, Layout, Repository, boundary_problems, check_aliases, check_references,
                         load_repository, stray_files)
from .schemas import Schema
from .site import MentionFinder, SiteModel, build_site
from .sources import Source, load_source
from .standards import MAX_UNCOVERED_LISTED, claim_standards, coverage_problems, unnamed_entities
from .typefaces import CardFonts, card_fonts
from .validation import Validation, validate
from .verdicts import load_scale

FORMAT = b"validation-ledger 2"
MAX_LEDGER_BYTES = 512 * 1024 * 1024
JsonPath = tuple[Any, ...]


class _Unrecorded(Exception):
    """A check asked for a field line the ledger does not keep: the run falls back to a full validation."""


# The fields whose lines a kept file's problems may be reported at, in the order the ledger keeps them; then one
# per entry of a claim's `entities`, an entity's `aliases` and its `related`.
CLAIM_LINES: list[JsonPath] = [("id",), ("source",), ("verdict",), ("claimant",), ("speaker",), ("claim",), ("translation",), ("searched",),
                               ("selector", "exact"), ("selector", "start"), ("selector", "end")]
SOURCE_LINES: list[JsonPath] = [("id",), ("assessment", "verdict")]
ENTITY_LINES: list[JsonPath] = [("id",), ("aliases",)]


@dataclass(frozen=True)
class _Reply:
    """Of a right-of-reply entry, what the checks between files read: the party."""
    party: str


def _claim_paths(claim: Any) -> list[JsonPath]:
    """The fields of a claim whose lines the ledger keeps: those the checks between files report at."""
    return (CLAIM_LINES + [("entities", index) for index in range(len(claim.entities))]
            + [("right_of_reply", index, "party") for index in range(len(claim.right_of_reply))])


class _Recorded:
    """A file as the ledger keeps it: the fields the checks between files read on every run, at once; the
    rest (a claim's quote, the lines of the fields problems are reported at) decoded when first asked for."""

    def __init__(self, file: str, details: Callable[[], str]):
        self.file = file
        self._details = details

    @functools.cached_property
    def _fields(self) -> list[Any]:
        return json.loads(self._details())

    def _paths(self) -> list[JsonPath]:
        raise NotImplementedError

    @functools.cached_property
    def positions(self) -> dict[JsonPath, tuple[int, int]]:
        lines = self._fields[-1]
        return {path: (lines[2 * index], lines[2 * index + 1]) for index, path in enumerate(self._paths())}

    def problem(self, path: JsonPath, message: str, severity: str = "error") -> Problem:
        if path not in self.positions:
            raise _Unrecorded(path)
        line, column = self.positions[path]
        return Problem(self.file, line, column, field_name(path), message, severity)


class RecordedClaim(_Recorded):
    def __init__(self, file: str, eager: list[Any], details: Callable[[], str]):
        super().__init__(file, details)
        self.id, self.source, self.verdict, self.claimant, entities, self.speaker, parties = eager
        self.entities = tuple(entities)
        self.right_of_reply = tuple(_Reply(party) for party in parties)

    def _paths(self) -> list[JsonPath]:
        return _claim_paths(self)

    @functools.cached_property
    def selector(self) -> Selector:
        return Selector(*self._fields[3])

    @property
    def claim(self) -> str:
        return self._fields[0]

    @property
    def translation(self) -> str | None:
        return self._fields[1]

    @property
    def searched(self) -> tuple[str, ...]:
        return tuple(self._fields[2])


class _Assessment:
    def __init__(self, verdict: str):
        self.verdict = verdict


class RecordedSource(_Recorded):
    def __init__(self, file: str, eager: list[Any], details: Callable[[], str]):
        super().__init__(file, details)
        self.id, self.language, self.text_file, assessment = eager
        self.assessment = None if assessment is None else _Assessment(assessment)

    def _paths(self) -> list[JsonPath]:
        return SOURCE_LINES


class _Alias:
    def __init__(self, text: str, language: str | None, explicit: bool):
        self.text, self.language, self.explicit = text, language, explicit


class RecordedEntity(_Recorded):
    def __init__(self, file: str, eager: list[Any], details: Callable[[], str]):
        super().__init__(file, details)
        self.id, related, forms, aliases = eager
        self.related = tuple(related)
        self.forms = tuple(tuple(form) for form in forms)
        self.aliases = tuple(_Alias(*alias) for alias in aliases)

    def _paths(self) -> list[JsonPath]:
        return (ENTITY_LINES + [("aliases", index) for index in range(len(self.aliases))]
                + [("related", index) for index in range(len(self.related))])


RECORDED: dict[str, Any] = {"claims": RecordedClaim, "sources": RecordedSource, "entities": RecordedEntity}


def _lines(item: Any, paths: list[JsonPath]) -> list[int]:
    """Where a problem at each of these fields of a loaded file is reported: line, column, line, column…"""
    found = []
    for path in paths:
        problem = problem_at(item.file, item.positions, path, "")
        found += [problem.line, problem.column]
    return found


def _facts(kind: str, item: Any) -> tuple[list[Any], str]:
    """What the ledger keeps of a loaded claim, source or entity: what every run reads, and the rest."""
    if kind == "claims":
        selector = item.selector
        eager = [item.id, item.source, item.verdict, item.claimant, list(item.entities), item.speaker,
                 [reply.party for reply in item.right_of_reply]]
        details = [item.claim, item.translation, list(item.searched),
                   [selector.exact, selector.start, selector.end, selector.prefix, selector.suffix, selector.field]]
        paths = _claim_paths(item)
    elif kind == "sources":
        eager = [item.id, item.language, item.text_file, item.assessment.verdict if item.assessment else None]
        details, paths = [], SOURCE_LINES
    else:
        eager = [item.id, list(item.related), [list(form) for form in item.forms],
                 [[alias.text, alias.language, alias.explicit] for alias in item.aliases]]
        details = []
        paths = (ENTITY_LINES + [("aliases", index) for index in range(len(item.aliases))]
                 + [("related", index) for index in range(len(item.related))])
    return eager, json.dumps(details + [_lines(item, paths)], ensure_ascii=False, separators=(",", ":"))


def _problems(stored: list[list[Any]]) -> list[Problem]:
    return [Problem(*fields) for fields in stored]


def _stored(problems: list[Problem]) -> list[list[Any]]:
    return [[p.path, p.line, p.column, p.field, p.message, p.severity] for p in problems]


def _shard(file: str) -> str:
    """The part of the ledger a file is kept in: a source with its claims' folder, or the entities."""
    kind, _, rest = file.partition("/")
    if kind == "entities":
        return "entities"
    return "source " + (rest.split("/")[0] if kind == "claims" else rest.rsplit(".", 1)[0])


class Ledger:
    """What the run before kept, in parts (a source with its claims, the entities), each a cache entry read when
    first needed and written again only when this run changed it. What a run seldom needs of a file (its
    `details`: a claim's quote, the lines of its fields) is kept in an entry of its own beside each part, read
    only when asked for."""

    def __init__(self, root: Path, key: bytes | None):
        self.root = root
        self.key = key  # None: no ledger (the inputs every file depends on could not be read)
        self.before: dict[str, dict[str, Any]] = {}
        self.now: dict[str, dict[str, Any]] = {}
        self.details_before: dict[str, dict[str, Any]] = {}
        self.details_now: dict[str, dict[str, str]] = {}  # of the files this run loaded

    def _entry(self, shard: str, suffix: str = ".ledger.json") -> Path | None:
        return None if self.key is None else keyed_entry(self.root, (FORMAT, self.key, shard.encode()), suffix)

    def previous(self, shard: str) -> dict[str, Any]:
        if shard not in self.before:
            self.before[shard] = _read_shard(self._entry(shard), ("files", "units", "mentions"))
        return self.before[shard]

    def current(self, shard: str) -> dict[str, Any]:
        if shard not in self.now:
            self.now[shard] = {"files": {}, "units": {}, "mentions": {}}
        return self.now[shard]

    def details(self, shard: str, file: str) -> str:
        """A kept file's details: this run's if it loaded the file, else the run before's."""
        if file in self.details_now.get(shard, {}):
            return self.details_now[shard][file]
        if shard not in self.details_before:
            self.details_before[shard] = _read_shard(self._entry(shard, ".details.json"), ("files",))
        found = self.details_before[shard]["files"].get(file)
        if not isinstance(found, str):
            raise _Unrecorded(file)
        return found

    def carry(self, section: str) -> None:
        """Keep the run before's `section` (each entry says which versions of its files it came from)."""
        for shard, kept in self.before.items():
            self.current(shard)[section] = kept[section]

    def save(self) -> None:
        for shard, kept in self.now.items():
            entry = self._entry(shard)
            if entry is None or kept == self.previous(shard):
                continue
            details = {}
            for file in list(kept["files"]):
                try:
                    details[file] = self.details(shard, file)
                except _Unrecorded:  # lost: the file is loaded again next time
                    del kept["files"][file]
            details_entry = self._entry(shard, ".details.json")
            if details_entry is not None:
                store(details_entry, json.dumps({"files": details}, ensure_ascii=False, separators=(",", ":")).encode())
            store(entry, json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _read_shard(entry: Path | None, sections: tuple[str, ...]) -> dict[str, Any]:
    empty: dict[str, Any] = {section: {} for section in sections}
    if entry is None:
        return empty
    try:
        kept = json.loads(read_entry(entry, MAX_LEDGER_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return empty
    if not (isinstance(kept, dict) and all(isinstance(kept.get(section), dict) for section in empty)):
        return empty
    return kept


class LedgerLoads(FileLoads):
    """Loads a file only when its status differs from the ledger's; otherwise gives what the ledger kept."""

    def __init__(self, root: Path, ledger: Ledger, started: int, opened: list[str] | None = None):
        super().__init__(root, {})
        self.ledger = ledger
        self.prefix = os.fspath(root) + os.sep
        self.started = started  # a status newer than this run's start by RACY_NS is not kept (see file_status)
        self.refreshed: set[str] = set()  # paths loaded by this run
        self.items: dict[str, Any] = {}  # what each loaded path gave (the real object)
        self._real: dict[str, bool] = {}  # per folder: whether it and the one above are folders, not links
        self._shards: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # the ledger's files, before and now
        self.opened = opened  # paths this run loaded, for the tests

    def _real_folder(self, folder: str) -> bool:
        if folder not in self._real:
            real = True
            for above in (folder, os.path.dirname(folder)):  # sources/, entities/, claims/X/ and claims/
                try:
                    real = real and stat.S_ISDIR(os.lstat(above).st_mode)
                except OSError:
                    real = False
            self._real[folder] = real
        return self._real[folder]

    def _files(self, shard: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if shard not in self._shards:
            self._shards[shard] = (self.ledger.previous(shard)["files"], self.ledger.current(shard)["files"])
        return self._shards[shard]

    def _status(self, name: str) -> tuple[str, bool] | None:
        """A file's status and whether it is old enough to keep; None when it is not a regular file."""
        try:
            found = os.lstat(name)
        except OSError:
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        return status(found), settled(found, self.started)

    def versions(self, files: list[str]) -> list[str | None]:
        """The status of each file (and its companion) this run kept in the ledger, None for one not kept: files
        of one part of the ledger (a source with its claims)."""
        kept = self.ledger.current(_shard(files[0]))["files"] if files else {}
        return [None if found is None else found[0] for found in map(kept.get, files)]

    def get(self, paths: tuple[str | Path, ...], schema: Schema, variant: str, load: Callable[[], tuple[Any, list[Problem]]],
            problems: list[Problem]) -> Any:
        name = os.fspath(paths[0])
        file = name[len(self.prefix):]
        if file.partition("/")[0] not in RECORDED or not name.startswith(self.prefix):  # the rating scale
            return super().get(paths, schema, variant, load, problems)
        item, found = self.load(file, [name] + [os.fspath(path) for path in paths[1:]], load)
        problems += found
        return item

    def load(self, file: str, names: list[str], load: Callable[[], tuple[Any, list[Problem]]]) -> tuple[Any, list[Problem]]:
        """What a content file (`names`: its path, and its text's for a source) gives: as the ledger kept it when
        its status is unchanged, else `load()`'s, kept for the next run."""
        kind = file.partition("/")[0]
        shard = _shard(file)
        before, now = self._files(shard)
        found = self._status(names[0]) if self._real_folder(names[0][:names[0].rfind(os.sep)]) else None
        status, old_enough = found if found is not None else (None, False)
        for companion in names[1:]:  # a source's text
            found = self._status(companion) if status is not None else None
            status, old_enough = (f"{status}|{found[0]}", old_enough and found[1]) if found is not None else (None, False)
        kept = before.get(file)
        if status is not None and kept.__class__ is list and len(kept) == 3 and kept[0] == status:
            now[file] = kept
            return self._kept(kind, shard, file, kept)
        # Status taken before the load: a change while it reads is seen by the next run.
        item, problems = load()
        if self.opened is not None:
            self.opened.append(file)
        self.refreshed.add(file)
        self.items[file] = item
        if status is not None and old_enough:
            eager, details = _facts(kind, item) if item is not None else (None, "")
            now[file] = [status, _stored(problems), eager]
            self.ledger.details_now.setdefault(shard, {})[file] = details
        return item, problems

    def _kept(self, kind: str, shard: str, file: str, kept: list[Any]) -> tuple[Any, list[Problem]]:
        """What the ledger kept of an unchanged file: the object the checks read, and its problems."""
        item = None if kept[2] is None else RECORDED[kind](file, kept[2], functools.partial(self.ledger.details, shard, file))
        return item, _problems(kept[1]) if kept[1] else []

    def load_folder(self, kind: str, files: list[str], load: Callable[[str], tuple[Any, list[Problem]]]
                    ) -> list[tuple[Any, list[Problem]]]:
        """`load` for the files of one folder of claims (one part of the ledger), in order: those whose status is
        the kept one are taken from the ledger in one pass (this is nearly every file of a run, tens of thousands
        at a time), the others loaded as `load` does it."""
        if not files:
            return []
        shard = _shard(files[0])
        before, now = self._files(shard)
        prefix, results = self.prefix, []
        real = self._real_folder(prefix + files[0].rpartition("/")[0])
        for file in files:
            kept = before.get(file)
            if real and kept.__class__ is list and len(kept) == 3:
                try:
                    found = os.lstat(prefix + file)
                except OSError:
                    found = None
                if found is not None and stat.S_ISREG(found.st_mode) and status(found) == kept[0]:
                    now[file] = kept
                    results.append(self._kept(kind, shard, file, kept))
                    continue
            results.append(self.load(file, [prefix + file], lambda file=file: load(file)))
        return results

    def real(self, kind: str, item: Any, layout: Layout) -> Any:
        """The loaded object behind what the ledger kept of it (loaded now if this run has not)."""
        if not isinstance(item, _Recorded):
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


def _ledger_key(root: Path, layout: Layout, fonts: CardFonts | None) -> bytes | None:
    """What every kept result depends on besides the content files (the engine, the schemas, site.yml, the
    rating scale, the card fonts): a change to any is a fresh start."""
    digest = hashlib.sha256(b"\0".join([FORMAT, _engine_version(), os.fsencode(root), fonts.key() if fonts else b"",
                                        b"raqm" if features.check("raqm") else b""]))
    for path in (layout.scale, root / "site.yml", *sorted((root / "schemas").glob("*.json"))):
        try:
            data = read_bytes(path, root, MAX_YAML_BYTES)
        except (OutsideBoundary, OSError):
            return None
        digest.update(b"\0" + os.fsencode(path) + b"\0" + hashlib.sha256(data).digest())
    return digest.digest()


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
    ledger = Ledger(root, _ledger_key(root, layout, fonts))
    loads = LedgerLoads(root, ledger, started, opened)
    try:
        problems, totals, kept = _content_problems(root, layout, loads, info.language if info else "en", fonts)
    except (_Unrecorded, LookupError, TypeError, ValueError, AttributeError):
        # A field line not kept, or a ledger damaged on this machine: a full validation says what is wrong.
        return validate(root, environ, layout=layout)
    if info is not None:
        site_problems = site_problems + logo_problems(info, root, layout.docs)
    problems = problems + site_problems + (about_problems(info, deploy=False) if info else [])
    problems += page_problems(root, layout.docs)
    if totals is not None and info is not None and fonts is not None:
        assert kept["scale"] is not None
        problems += card_text_problems(SiteModel(kept["scale"], {}, {}, {}), info, fonts)  # the site's and verdicts' own
        problems += kept.pop("cards")
    ledger.save()
    return Validation(None, info, at_most_per_file(problems), totals)


def _content_problems(root: Path, layout: Layout, loads: LedgerLoads, language: str,
                      fonts: CardFonts | None) -> tuple[list[Problem], tuple[int, int, int] | None, dict[str, Any]]:
    """The problems of the content files, as `validation.validate` finds them (loading, then anchoring, then the
    desk's standards); the number of sources, claims and entities when they all load and anchor; and, then, the
    rating scale and the claims' card problems."""
    ledger = loads.ledger
    kept: dict[str, Any] = {}
    try:
        repository = _clean_repository(root, layout, loads) or load_repository(root, loads=loads)
    except FactcheckError as exc:
        # What anchoring and mentions gave is kept as it was: each says which versions of files it came from.
        ledger.carry("units")
        ledger.carry("mentions")
        return exc.problems, None, kept
    kept["scale"] = Repository(repository.scale, {}, {}, {})
    claims_of: dict[str, list[str]] = {source_id: [] for source_id in repository.sources}
    for claim_id, claim in repository.claims.items():
        claims_of[claim.source].append(claim_id)
    anchoring: list[Problem] = []
    units = {}
    for source_id, source in repository.sources.items():
        files = [source.file] + [repository.claims[claim_id].file for claim_id in claims_of[source_id]]
        versions = loads.versions(files)
        # Which versions of which files the unit came from, in one digest.
        digest = None if None in versions else hashlib.sha256(
            json.dumps([files, versions]).encode("utf-8", "surrogatepass")).hexdigest()
        shard = _shard(source.file)
        unit = ledger.previous(shard)["units"].get(source_id)
        if digest is None or not isinstance(unit, dict) or unit.get("files") != digest:
            unit = _source_unit(repository, source, claims_of[source_id], loads, layout, language, fonts)
            unit["files"] = digest
        units[source_id] = unit
        if digest is not None:
            ledger.current(shard)["units"][source_id] = unit
        anchoring += _problems(unit["anchoring"])
    if errors(anchoring):
        ledger.carry("mentions")
        return sorted(errors(anchoring)), None, kept
    problems = anchoring + [problem for unit in units.values() for problem in _problems(unit["standards"])]
    kept["cards"] = [problem for unit in units.values() for problem in _problems(unit["cards"])]
    named = {entity_id for claim in repository.claims.values() for entity_id in claim.entities}
    named |= {claim.claimant for claim in repository.claims.values() if claim.claimant}
    # Quoted by a claim, or asked for a reply, counts as made by it (as in standards_problems).
    named |= {claim.speaker for claim in repository.claims.values() if claim.speaker}
    named |= {reply.party for claim in repository.claims.values() for reply in claim.right_of_reply}
    if set(repository.entities) - named:
        mentioned = _mentions(repository, loads, layout)
    else:
        mentioned = set()
        ledger.carry("mentions")
    problems += unnamed_entities(repository.entities, lambda entity_id: entity_id in named or entity_id in mentioned)
    return problems, (len(repository.sources), len(repository.claims), len(repository.entities)), kept


def _listing(folder: str) -> list[os.DirEntry] | None:
    """A folder's entries; None when it is missing, unreadable or a link."""
    try:
        if stat.S_ISLNK(os.lstat(folder).st_mode):
            return None
        with os.scandir(folder) as listing:
            return list(listing)
    except OSError:
        return None


def _clean_repository(root: Path, layout: Layout, loads: LedgerLoads) -> Repository | None:
    """The repository when every content file loads without a problem and no check between files finds one, as
    `load_repository` would find it; unchanged files as the ledger kept them, changed ones loaded (without
    pathlib for each of thousands of files: this is most of a run). None at the first sign of a problem (a
    file that does not load cleanly, a link, a duplicate or reserved id, a stray file, a reference): the
    files are then loaded by `load_repository`, which reports it."""
    if not layout.scale.is_file() or layout.scale.is_symlink():
        return None
    scale, problems = load_scale(layout.scale, "rating-scale.yml", layout.read_schema("rating-scale"), root)
    if scale is None or problems:
        return None
    loaded: dict[str, dict[str, Any]] = {"sources": {}, "entities": {}, "claims": {}}
    schemas = {kind: layout.read_schema(kind[:-1] if kind != "entities" else "entity") for kind in loaded}
    loaders = {"sources": load_source, "entities": load_entity, "claims": load_claim}

    def loader(kind: str) -> Callable[[str], tuple[Any, list[Problem]]]:
        return lambda file: loaders[kind](Path(loads.prefix + file), root, schemas[kind])

    def accepted(kind: str, item: Any, problems: list[Problem]) -> bool:
        if item is None or problems or item.id in RESERVED_IDS or item.id in loaded[kind]:
            return False
        loaded[kind][item.id] = item
        return True

    def add(kind: str, file: str) -> bool:
        path = loads.prefix + file
        names = [path, path[:-4] + ".txt"] if kind == "sources" else [path]
        return accepted(kind, *loads.load(file, names, lambda: loader(kind)(file)))

    for kind in ("sources", "entities"):
        entries = _listing(loads.prefix + kind)
        if entries is None:
            return None
        for name in sorted(entry.name for entry in entries if entry.name.endswith(".yml")):
            if not add(kind, f"{kind}/{name}"):
                return None
    folders = _listing(loads.prefix + "claims")
    if folders is None:
        return None
    found: dict[str, list[str]] = {}
    plain = set()  # folders of claims/ holding nothing but claim files, which the stray-file check need not walk
    for folder in folders:
        if folder.is_symlink():
            return None
        if folder.is_dir():
            entries = _listing(folder.path)
            if entries is None:
                return None
            found[folder.name] = names = sorted(entry.name for entry in entries if entry.name.endswith(".yml"))
            if len(names) == len(entries):
                plain.add(folder.path)
    load_claim_file = loader("claims")
    for folder_name in sorted(found):
        files = [f"claims/{folder_name}/{name}" for name in found[folder_name]]
        for item, problems in loads.load_folder("claims", files, load_claim_file):
            if not accepted("claims", item, problems):
                return None
    sources, entities, claims = loaded["sources"], loaded["entities"], loaded["claims"]
    if (stray_files(layout, plain) or check_references(scale, sources, entities, claims, set(), set())
            or check_aliases(entities, {source.language for source in sources.values()})):
        return None
    return Repository(scale, sources, entities, claims)


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
    standards += coverage_problems(real, source_coverage(model, real.id, listed=MAX_UNCOVERED_LISTED))
    cards = [problem for item in model.claims.values() for problem in claim_card_problems(item.claim, fonts)] \
        if fonts else []
    return {"anchoring": _stored(model.warnings), "standards": _stored(standards), "cards": _stored(cards)}


def _mentions(repository: Repository, loads: LedgerLoads, layout: Layout) -> set[str]:
    """The entities some source names: each source's kept for as long as its file and every entity's forms are
    as they were."""
    forms = hashlib.sha256(json.dumps(sorted([entity.id, list(entity.forms)] for entity in repository.entities.values()),
                                      ensure_ascii=False).encode("utf-8")).hexdigest()
    finder: MentionFinder | None = None
    mentioned: set[str] = set()
    for source_id, source in repository.sources.items():
        shard = _shard(source.file)
        found, (version,) = loads.ledger.previous(shard)["mentions"].get(source_id), loads.versions([source.file])
        if not isinstance(found, list) or found[:2] != [forms, version] or version is None:
            finder = finder or MentionFinder(repository.entities)  # type: ignore[arg-type]
            found = [forms, version, sorted({mention.entity_id
                                             for mention in finder.find(loads.real("sources", source, layout))})]
        if version is not None:
            loads.ledger.current(shard)["mentions"][source_id] = found
        mentioned.update(found[2])
    return mentioned
