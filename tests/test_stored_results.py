"""Pages kept in `.factcheck-cache/` between builds (as the deploy keeps it) change nothing a reader gets:
a build that reads them writes, file for file and byte for byte, what a build without any cache writes,
after an edit to a claim, an entity, the engine's templates or site.yml; and an entry the machine did not
make itself (committed by a pull request, say) or a damaged one is never served."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import ScratchRepo, mkdocs_build, secret_from
from factdesk.checkcache import CACHE_FOLDER
from factdesk.generation import generate
from factdesk.stored_results import DIGEST_BYTES
from test_incremental import edit_claim, scratch

ENV = {"SITE_URL": "", "REPO_URL": ""}
CLAIM = "claims/bt-vpn-chine/21vianet-diyixian-vpn.yml"


def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def stored_pages(root: Path) -> set[Path]:
    return set((root / CACHE_FOLDER).rglob("*.result"))


def build(project: Path, site: Path, cache_home: Path) -> dict[str, bytes]:
    result = mkdocs_build(project, site, XDG_CACHE_HOME=str(cache_home))
    assert result.returncode == 0, result.stderr
    return site_files(site)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_build_from_the_cache_writes_what_a_build_without_one_writes(project_copy: Path, tmp_path: Path):
    # The deploy's machine keeps its secret; a machine with another secret matches none of its entries, so a build
    # with another one is a build without a cache (it also checks every file and draws every card again).
    deploy, fresh = tmp_path / "deploy-home", tmp_path / "fresh-home"
    first = build(project_copy, tmp_path / "first", deploy)
    kept = stored_pages(project_copy)
    assert kept, "the first build keeps its pages"
    assert build(project_copy, tmp_path / "again", deploy) == first
    assert stored_pages(project_copy) == kept, "an unchanged site renders no page again"

    changes = {
        "claim": lambda: replace(project_copy / CLAIM, "summary: \"No document", "summary: \"Not one document"),
        "entity": lambda: replace(project_copy / "entities" / "att.yml", "telecommunications company",
                                  "telecommunications operator"),
        "template": lambda: replace(project_copy / "hooks" / "factdesk" / "templates" / "claim.html.j2",
                                    "</article>", "</article><!-- edited -->"),
        "site.yml": lambda: replace(project_copy / "site.yml", "A statement-by-statement", "A sentence-by-sentence"),
    }
    before = first
    for number, (change, edit) in enumerate(changes.items()):
        edit()
        stored_before = stored_pages(project_copy)
        cached = build(project_copy, tmp_path / f"cached-{number}", deploy)
        rendered = len(stored_pages(project_copy) - stored_before)
        if change in ("claim", "entity"):
            assert 0 < rendered < len(kept) / 3, f"a {change} edit renders only the pages that show it"
        else:
            assert rendered >= len(kept) / 3, f"a {change} edit renders the pages again"
        clean = build(project_copy, tmp_path / f"clean-{number}", fresh / change)
        assert cached.keys() == clean.keys(), change
        assert [name for name in cached if cached[name] != clean[name]] == [], change
        assert cached != before, f"the {change} edit shows"
        before = cached


def _plant(entry: Path, marker: str) -> None:
    """Rewrite a stored page with `marker` in its HTML, its digest made to match (as a forger would)."""
    page = json.loads(entry.read_bytes()[DIGEST_BYTES:])
    page["html"] = marker + page["html"]
    data = json.dumps(page).encode()
    entry.write_bytes(hashlib.sha256(data).digest() + data)


def _pages(repo: ScratchRepo) -> dict[str, str]:
    return {url: page.html for url, page in generate(repo.root, ENV).pages.items()}


def test_stored_pages_another_machine_made_are_never_served(repo: ScratchRepo, tmp_path: Path, monkeypatch):
    """A pull request may commit a cache folder, or its runs may save one: made without the deploy's secret,
    its pages match no name this machine looks for, however well formed."""
    scratch(repo)
    with secret_from(monkeypatch, tmp_path / "here"):
        clean = _pages(repo)
    (repo.root / CACHE_FOLDER).rename(tmp_path / "clean-cache")
    with secret_from(monkeypatch, tmp_path / "elsewhere"):
        _pages(repo)
    planted = stored_pages(repo.root)
    assert planted
    for entry in planted:
        _plant(entry, "<script>planted()</script>")
    with secret_from(monkeypatch, tmp_path / "here"):
        assert _pages(repo) == clean


def test_a_damaged_stored_page_is_rendered_again(repo: ScratchRepo, tmp_path: Path, monkeypatch):
    scratch(repo)
    with secret_from(monkeypatch, tmp_path / "here"):
        clean = _pages(repo)
        for entry in stored_pages(repo.root):
            data = entry.read_bytes()
            entry.write_bytes(data[:DIGEST_BYTES] + data[DIGEST_BYTES:].replace(b"Acme", b"Evil"))
        assert _pages(repo) == clean
        edit_claim(repo)
        edited = _pages(repo)
        (repo.root / CACHE_FOLDER).rename(tmp_path / "kept")
        assert _pages(repo) == edited
