"""The cache of checked files changes nothing an editor or reader sees: after each kind of
change, a run that reuses the cache reports and renders byte for byte what a clean run does."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import ScratchRepo, secret_from
from factdesk.checkcache import CACHE_FOLDER
from factdesk.cli import main
from factdesk.problems import FactcheckError
from factdesk.publishing import SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.sources import sha256_of

TEXT = "Acme Corp said profits rose by 12 percent in 2015. The regulator in Paris disagreed with Acme Corp."


def outcome(root: Path) -> str:
    """What an editor and a reader get: `factcheck validate`'s report, then every page of the site."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--root", str(root), "validate"])
    parts = [f"exit {status}", out.getvalue(), err.getvalue()]
    try:
        model = build_site(load_repository(root))
    except FactcheckError as exc:
        parts.append(exc.report())
    else:
        for page in Renderer(model, SiteInfo("Desk")).pages():
            parts += [page.url, page.html]
    return "\n".join(parts)


def scratch(repo: ScratchRepo) -> ScratchRepo:
    repo.settings()
    repo.source("report", TEXT)
    repo.entity("acme", "Acme Corp")
    repo.entity("paris", "Paris", description="A city.")
    repo.claim("profits", "report", "profits rose by 12 percent", 15, 41, entities=["acme"])
    repo.claim("regulator", "report", "The regulator in Paris disagreed", 51, 83, verdict="misleading")
    return repo


def edit_claim(repo: ScratchRepo) -> None:
    repo.claim("profits", "report", "profits rose by 12 percent", 15, 41, entities=["acme"], verdict="inaccurate",
               summary="The accounts show a fall.")


def edit_aliases(repo: ScratchRepo) -> None:
    repo.entity("acme", "Acme Corp", aliases=["regulator"])


def edit_source_text(repo: ScratchRepo) -> None:
    text = "Last year " + TEXT
    repo.source("report", text)  # the text and its sha256, as `factcheck reanchor` leaves them


def edit_schema(repo: ScratchRepo) -> None:
    path = repo.root / "schemas" / "claim.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["summary"] = {"type": "string", "maxLength": 5}
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def edit_rating_scale(repo: ScratchRepo) -> None:
    repo.replace("rating-scale.yml", "label: Misleading", "label: Misleading in part")


def remove_verdict(repo: ScratchRepo) -> None:
    repo.replace("rating-scale.yml", "id: misleading", "id: deceptive")


CHANGES: dict[str, Callable[[ScratchRepo], None]] = {
    "claim": edit_claim, "entity aliases": edit_aliases, "source text": edit_source_text, "schema": edit_schema,
    "rating scale label": edit_rating_scale, "rating scale verdict removed": remove_verdict,
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_kind_of_change_the_cache_gives_what_a_clean_run_gives(repo: ScratchRepo, change: str):
    scratch(repo)
    before = outcome(repo.root)
    entries = sorted((repo.root / CACHE_FOLDER).rglob("*.json"))
    assert entries, "the first run stores what it checked"
    CHANGES[change](repo)
    incremental = outcome(repo.root)
    assert incremental != before, "the change shows"
    shutil.rmtree(repo.root / CACHE_FOLDER)
    clean = outcome(repo.root)
    assert incremental == clean
    # And a run on the warm cache after the change agrees too.
    assert outcome(repo.root) == clean


def test_unchanged_files_are_served_from_the_cache(repo: ScratchRepo):
    scratch(repo)
    outcome(repo.root)
    # An entry written again is a new file (written beside it, then moved into place); one read only keeps its
    # file, with a new modification time (see checkcache.read_entry).
    entries = {path: (path.stat().st_ino, path.read_bytes()) for path in (repo.root / CACHE_FOLDER).rglob("*.json")}
    edit_claim(repo)
    outcome(repo.root)
    after = {path: (path.stat().st_ino, path.read_bytes()) for path in (repo.root / CACHE_FOLDER).rglob("*.json")}
    assert {path: after[path] for path in entries} == entries, "entries of unchanged files are kept as they were"
    assert len(after) == len(entries) + 1, "only the edited claim was checked again"


def test_entries_planted_in_the_repository_never_match(repo: ScratchRepo, tmp_path: Path, monkeypatch):
    """A pull request may commit a cache folder; made without this machine's secret, its entries are ignored."""
    scratch(repo)
    repo.claim("profits", "report", "profits rose by 12 percent", 15, 41, verdict="TODO")
    with secret_from(monkeypatch, tmp_path / "elsewhere"):
        outcome(repo.root)
    planted = sorted((repo.root / CACHE_FOLDER).rglob("*.json"))
    for entry in planted:  # every outcome rewritten as "no problem"
        stored = json.loads(entry.read_text(encoding="utf-8"))
        stored["problems"] = []
        entry.write_text(json.dumps(stored), encoding="utf-8")
    with secret_from(monkeypatch, tmp_path / "here"):
        report = outcome(repo.root)
    assert "claims/report/profits.yml" in report and "placeholder" in report


@pytest.mark.parametrize("secret", ["", "abcd"])
def test_no_cache_with_a_secret_that_could_be_guessed(repo: ScratchRepo, tmp_path: Path, monkeypatch, secret: str):
    scratch(repo)
    (tmp_path / "weak" / "factcheck").mkdir(parents=True)
    (tmp_path / "weak" / "factcheck" / "cache-secret").write_text(secret, encoding="ascii")
    with secret_from(monkeypatch, tmp_path / "weak"):
        report = outcome(repo.root)
    assert report.startswith("exit 0")
    assert not (repo.root / CACHE_FOLDER).exists()


def test_a_damaged_entry_still_reports_each_problem_at_its_line(repo: ScratchRepo):
    """Field positions stay undecoded in an entry until a problem needs them: damaged, they come from the file again."""
    scratch(repo)
    repo.claim("regulator", "report", "The regulator in Paris disagreed", 51, 83, verdict="misleading",
               entities=["paris", "nobody"])
    clean = outcome(repo.root)
    assert "claims/report/regulator.yml:9:21: entities[1]: unknown entity 'nobody'" in clean
    damaged = 0
    for entry in (repo.root / CACHE_FOLDER).rglob("*.json"):
        stored = json.loads(entry.read_text(encoding="utf-8"))
        if isinstance(stored, dict) and stored.get("document"):
            stored["document"]["positions"] = '[[["entities", 1], 1'
            entry.write_text(json.dumps(stored), encoding="utf-8")
            damaged += 1
    assert damaged
    assert outcome(repo.root) == clean
