"""`factcheck validate` after an edit reads only what the edit can affect (`validation_ledger`), and reports
exactly what a full validation reports: compared problem for problem after random sequences of edits,
breaking ones included (quotes, ids, references, texts, site.yml). Reads are counted, not timed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ScratchRepo, secret_from
from factdesk import validation_ledger
from factdesk.checkcache import CACHE_FOLDER
from factdesk.cli import main
from factdesk.validation import validate
from factdesk.validation_ledger import validate_changes
from test_incremental_generation import CHANGES, ENV, REPORT, claim, edit_field, fill


def broken_quote(repo: ScratchRepo) -> None:
    edit_field(repo, "claims/report/regulator.yml", "selector", {"exact": "The regulator in Rome agreed", "start": 51, "end": 79})


def renamed_entity(repo: ScratchRepo) -> None:
    """The entity's file and id renamed; claims still name the old id."""
    path = repo.root / "entities" / "acme.yml"
    text = path.read_text(encoding="utf-8").replace("id: acme", "id: acme-corp")
    path.unlink()
    repo.write("entities/acme-corp.yml", text)


def id_not_file_name(repo: ScratchRepo) -> None:
    repo.replace("entities/paris.yml", "id: paris", "id: paris-city")


def changed_text_unrecorded(repo: ScratchRepo) -> None:
    """The source text edited without its sha256: an error."""
    (repo.root / "sources" / "memo.txt").write_bytes(("Changed. " + "The Paris office of Acme Corp closed in 2016. "
                                                      "Nobody at the regulator commented.").encode("utf-8"))


def french_site(repo: ScratchRepo) -> None:
    """Every English quote now needs a translation."""
    repo.replace("site.yml", "language: en", "language: fr")


def checked_source(repo: ScratchRepo) -> None:
    """An assessment: the source's uncovered sentences become errors."""
    edit_field(repo, "sources/report.yml", "assessment", {"verdict": "misleading", "summary": "Partly wrong."})


def duplicate_claim(repo: ScratchRepo) -> None:
    shutil.copy(repo.root / "claims" / "report" / "profits.yml", repo.root / "claims" / "memo" / "profits.yml")


def wrong_folder(repo: ScratchRepo) -> None:
    (repo.root / "claims" / "notes").mkdir(exist_ok=True)
    (repo.root / "claims" / "report" / "merger.yml").rename(repo.root / "claims" / "notes" / "merger.yml")


def unsearched(repo: ScratchRepo) -> None:
    edit_field(repo, "claims/report/profits.yml", "verdict", "unverifiable")


def restore_claim(repo: ScratchRepo) -> None:
    claim(repo, "merger", "report", "the merger was approved", REPORT, claimant="jane", entities=["acme"],
          verdict="mostly-accurate")


def not_yaml(repo: ScratchRepo) -> None:
    repo.write("claims/memo/office.yml", "id: office\nsource: [memo\n")


def stray_file(repo: ScratchRepo) -> None:
    repo.write("claims/memo/notes.txt", "a note")


def unnamed_entity(repo: ScratchRepo) -> None:
    """Lyon is named only in a source: without its name there, it is named nowhere."""
    edit_field(repo, "entities/lyon.yml", "name", "Lyons")


def not_checked_missing(repo: ScratchRepo) -> None:
    edit_field(repo, "sources/memo.yml", "not_checked", [{"quote": "Somebody commented.", "reason": "Nothing to check."}])


def touched(repo: ScratchRepo) -> None:
    """Saved without a change: only the file's status moves."""
    path = repo.root / "claims" / "report" / "profits.yml"
    path.write_bytes(path.read_bytes())


def linked_claim(repo: ScratchRepo) -> None:
    """The claim replaced by a link to a copy outside the repository: refused, as a full validation refuses it."""
    path = repo.root / "claims" / "memo" / "office.yml"
    outside = repo.root.parent / "outside-office.yml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)


def linked_folder(repo: ScratchRepo) -> None:
    """A claims folder moved out of the repository and linked back: its files keep their status."""
    folder = repo.root / "claims" / "report"
    outside = repo.root.parent / "outside-report"
    folder.rename(outside)
    folder.symlink_to(outside, target_is_directory=True)


EDITS: dict[str, Callable[[ScratchRepo], None]] = {
    **{name: change for name, change in CHANGES.items() if name != "schema"},
    "broken quote": broken_quote, "renamed entity": renamed_entity, "id not the file name": id_not_file_name,
    "source text without sha256": changed_text_unrecorded, "French site": french_site, "checked source": checked_source,
    "duplicate claim": duplicate_claim, "claim in the wrong folder": wrong_folder, "unverifiable unsearched": unsearched,
    "claim restored": restore_claim, "not YAML": not_yaml, "stray file": stray_file, "entity named nowhere": unnamed_entity,
    "set-aside passage missing": not_checked_missing, "saved unchanged": touched,
    "linked claim": linked_claim, "linked claims folder": linked_folder,
}


# Edits a validation reports (the others change what a page shows, not what validation says).
SHOWN = {"broken quote", "renamed entity", "id not the file name", "source text without sha256", "French site",
         "checked source", "duplicate claim", "claim in the wrong folder", "unverifiable unsearched", "not YAML",
         "stray file", "entity named nowhere", "set-aside passage missing", "claim offsets gone stale",
         "linked claim", "linked claims folder"}


class Clock:
    """Runs seen as a few seconds after the edits before them, and each edit's files given a time of their own:
    as on a disk where saves are seconds apart. (Edits a test makes within one clock tick could otherwise leave a
    file's status as it was; the ledger does not trust a status that recent, so nothing would be kept.)"""

    def __init__(self, monkeypatch):
        self.offset = 10_000_000_000
        monkeypatch.setattr(validation_ledger, "time_ns", lambda: time.time_ns() + self.offset)
        self.saves = 0

    def saved(self, root: Path, before: dict[str, bytes]) -> None:
        """Give every file whose bytes changed since `before` a modification time of its own."""
        for relative, data in files_of(root).items():
            if before.get(relative) != data:
                self.saves += 1
                stamp = time.time_ns() - 1_000_000_000 + self.saves * 1000
                os.utime(root / relative, ns=(stamp, stamp))


def files_of(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and CACHE_FOLDER not in path.parts}


def assert_as_full(root: Path, opened: list[str] | None = None) -> list:
    """The ledger's validation against a full one: the same problems, the same totals."""
    changes = validate_changes(root, ENV, opened=opened)
    assert changes.model is None, "from the ledger, not a full validation in its place"
    full = validate(root, ENV)
    assert sorted(changes.problems) == sorted(full.problems)
    assert changes.totals == full.totals
    return sorted(full.problems)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=6))
def test_after_any_edits_it_reports_what_a_full_validation_reports(monkeypatch, tmp_path_factory, edits: list[str]):
    with secret_from(monkeypatch, tmp_path_factory.mktemp("secret")):
        clock = Clock(monkeypatch)
        root = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp())) / "repo"
        repo = fill(ScratchRepo(root))
        assert_as_full(root)
        for edit in edits:
            before = files_of(root)
            try:
                EDITS[edit](repo)
            except (FileNotFoundError, FileExistsError, OSError):  # an earlier edit removed or moved its file
                continue
            clock.saved(root, before)
            assert_as_full(root)
        # Nothing changed since: nothing is loaded again, but what a link stands in for (refused each time).
        opened: list[str] = []
        assert_as_full(root, opened)
        assert all(root.joinpath(file).is_symlink() or root.joinpath(file).parent.is_symlink() for file in opened)


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_each_kind_of_edit_is_reported_as_a_full_validation_reports_it(monkeypatch, tmp_path, edit: str):
    with secret_from(monkeypatch, tmp_path / "secret"):
        clock = Clock(monkeypatch)
        repo = fill(ScratchRepo(tmp_path / "repo"))
        clean = assert_as_full(repo.root)
        before = files_of(repo.root)
        EDITS[edit](repo)
        clock.saved(repo.root, before)
        after = assert_as_full(repo.root)
        if edit in SHOWN:
            assert after != clean, "the edit shows in the problems"


def many_sources(repo: ScratchRepo, count: int) -> None:
    repo.settings()
    repo.entity("acme", "Acme Corp")
    for number in range(count):
        text = f"Acme Corp said profits rose by {number} percent. Nothing else happened."
        repo.source(f"report-{number}", text)
        repo.claim(f"profits-{number}", f"report-{number}", "Acme Corp said profits rose", 0, 27, entities=["acme"])
        repo.claim(f"nothing-{number}", f"report-{number}", "Nothing else happened", text.index("Nothing"),
                   text.index("Nothing") + 21)


def reads_after_one_edit(monkeypatch, root: Path, sources: int, clock: Clock) -> tuple[list[str], list[str]]:
    """The content files an edit of one claim makes validation load, and those it opens."""
    repo = ScratchRepo(root)
    many_sources(repo, sources)
    validate_changes(root, ENV)
    before = files_of(root)
    edit_field(repo, "claims/report-1/profits-1.yml", "summary", "Edited.")
    clock.saved(root, before)
    opened_files: list[str] = []
    real_open = os.open

    def counting_open(path, *args, **kwargs):
        name = os.fspath(path)
        if name.endswith((".yml", ".txt")) and "/" + CACHE_FOLDER not in name:
            opened_files.append(name)
        return real_open(path, *args, **kwargs)

    loaded: list[str] = []
    monkeypatch.setattr(os, "open", counting_open)
    try:
        assert_problems = validate_changes(root, ENV, opened=loaded).problems
    finally:
        monkeypatch.setattr(os, "open", real_open)
    assert sorted(assert_problems) == sorted(validate(root, ENV).problems)
    return loaded, sorted(Path(name).relative_to(root).as_posix() if Path(name).is_absolute() else name
                          for name in opened_files)


def test_one_edit_reads_the_same_few_files_however_large_the_repository(monkeypatch, tmp_path):
    with secret_from(monkeypatch, tmp_path / "secret"):
        clock = Clock(monkeypatch)
        small_loaded, small_opened = reads_after_one_edit(monkeypatch, tmp_path / "small", 3, clock)
        large_loaded, large_opened = reads_after_one_edit(monkeypatch, tmp_path / "large", 40, clock)
    # The claim, then its source (to anchor it again): nothing else of the content.
    assert small_loaded == large_loaded == ["claims/report-1/profits-1.yml", "sources/report-1.yml"]
    # Opened: those, the source's text, and the few files every run reads (site.yml, the rating scale).
    assert small_opened == large_opened
    assert set(large_opened) <= {"claims/report-1/profits-1.yml", "sources/report-1.yml", "sources/report-1.txt",
                                 "site.yml", "rating-scale.yml"}, large_opened


@pytest.mark.parametrize("edit, loaded", [
    ("entity description", ["entities/acme.yml"]),
    ("source text", ["sources/report.yml"]),  # its claims anchored again from what the ledger kept of them
    ("new claim", ["claims/report/acme-said.yml", "sources/report.yml"]),
    ("deleted claim", ["sources/report.yml"]),  # the source's coverage, without that claim
    # New forms of a name: the sources are searched for them (an entity no claim names must be in a source).
    ("entity aliases", ["entities/lyon.yml", "sources/memo.yml", "sources/notes.yml", "sources/report.yml"]),
])
def test_an_edit_loads_only_the_files_it_affects(monkeypatch, tmp_path, edit: str, loaded: list[str]):
    with secret_from(monkeypatch, tmp_path / "secret"):
        clock = Clock(monkeypatch)
        repo = fill(ScratchRepo(tmp_path / "repo"))
        assert_as_full(repo.root)
        before = files_of(repo.root)
        EDITS[edit](repo)
        clock.saved(repo.root, before)
        opened: list[str] = []
        assert_as_full(repo.root, opened)
        assert opened == loaded


def test_a_file_saved_just_before_a_run_is_loaded_again_by_the_next(monkeypatch, tmp_path):
    """Its status could hide a second save in the same clock tick: it is not kept in the ledger."""
    with secret_from(monkeypatch, tmp_path / "secret"):
        repo = fill(ScratchRepo(tmp_path / "repo"))
        validate_changes(repo.root, ENV)
        edit_field(repo, "claims/report/profits.yml", "summary", "Edited.")
        for _ in range(2):
            opened: list[str] = []
            assert_as_full(repo.root, opened)
            assert "claims/report/profits.yml" in opened


def test_a_ledger_is_not_used_in_ci_nor_for_a_deployment(monkeypatch, tmp_path):
    with secret_from(monkeypatch, tmp_path / "secret"):
        Clock(monkeypatch)
        repo = fill(ScratchRepo(tmp_path / "repo"))
        validate_changes(repo.root, ENV)
        for environ, deploy in (({**ENV, "CI": "true"}, False), (ENV, True)):
            opened: list[str] = []
            checked = validate_changes(repo.root, environ, deploy=deploy, opened=opened)
            assert opened == [] and checked.model is not None, "a full validation, which builds the model"


def test_a_planted_or_damaged_ledger_changes_nothing(monkeypatch, tmp_path):
    """A ledger committed to the repository never matches (its names need this machine's secret); one damaged
    on this machine is a fresh start."""
    with secret_from(monkeypatch, tmp_path / "secret"):
        clock = Clock(monkeypatch)
        repo = fill(ScratchRepo(tmp_path / "repo"))
        expected = assert_as_full(repo.root)
        ledgers = sorted((repo.root / CACHE_FOLDER).glob("*/*.ledger.json"))
        assert len(ledgers) == 4, "one part per source (with its claims), one for the entities"
        # Planted: every file and source said to have no problem, under names of the planter's choosing.
        for number, path in enumerate(ledgers):
            ledger = json.loads(path.read_text(encoding="utf-8"))
            for kept in ledger["files"].values():
                kept[1] = []
            for unit in ledger["units"].values():
                unit["anchoring"] = unit["standards"] = []
            repo.write(f"{CACHE_FOLDER}/00/planted-{number}.ledger.json", json.dumps(ledger))
        before = files_of(repo.root)
        checked_source(repo)
        clock.saved(repo.root, before)
        assert assert_as_full(repo.root) != expected
        # Damaged in place: a fresh start, the same problems.
        for path in ledgers:
            path.write_text("{not json", encoding="utf-8")
        opened: list[str] = []
        assert_as_full(repo.root, opened)
        assert len(opened) == 3 + 5 + 5, "every source, entity and claim loaded afresh"
        # Damaged inside (a record of the wrong shape): a full validation in its place, the same problems.
        for path in ledgers:
            ledger = json.loads(path.read_text(encoding="utf-8"))
            for file in ledger["files"]:
                ledger["files"][file] = [ledger["files"][file][0], [["too few fields"]], None]
            path.write_text(json.dumps(ledger), encoding="utf-8")
        checked = validate_changes(repo.root, ENV)
        assert sorted(checked.problems) == sorted(validate(repo.root, ENV).problems)


def test_an_oversized_ledger_is_a_fresh_start(monkeypatch, tmp_path):
    with secret_from(monkeypatch, tmp_path / "secret"):
        Clock(monkeypatch)
        repo = fill(ScratchRepo(tmp_path / "repo"))
        assert_as_full(repo.root)
        monkeypatch.setattr(validation_ledger, "MAX_LEDGER_BYTES", 10)
        opened: list[str] = []
        assert_as_full(repo.root, opened)
        assert len(opened) == 3 + 5 + 5, "every source, entity and claim loaded afresh"


def test_a_linked_ledger_folder_is_refused_not_followed(monkeypatch, tmp_path):
    with secret_from(monkeypatch, tmp_path / "secret"):
        repo = fill(ScratchRepo(tmp_path / "repo"))
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (repo.root / CACHE_FOLDER).symlink_to(outside)
        checked = validate_changes(repo.root, ENV)
        assert [problem.path for problem in checked.problems] == [CACHE_FOLDER]
        assert list(outside.iterdir()) == []


def test_the_command_reports_the_same_from_the_ledger(monkeypatch, tmp_path, capsys):
    with secret_from(monkeypatch, tmp_path / "secret"):
        Clock(monkeypatch)
        repo = fill(ScratchRepo(tmp_path / "repo"))
        monkeypatch.delenv("CI", raising=False)
        outputs = []
        for _ in range(2):
            assert main(["--root", str(repo.root), "validate"]) == 0
            outputs.append(capsys.readouterr())
        assert outputs[0] == outputs[1]
        assert "OK: 3 source(s), 5 claim(s), 5 entities." in outputs[1].err
