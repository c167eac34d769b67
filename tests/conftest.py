"""Shared fixtures: a scratch fact-check repository that tests fill with their own files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: on a shared, loaded machine it fails correct code. Speed is
# measured by `make bench`, never by a test's timing.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from factcheck import checkcache  # noqa: E402
from factcheck.repository import load_repository  # noqa: E402
from factcheck.site import build_site  # noqa: E402
from factcheck.sources import sha256_of  # noqa: E402


class ScratchRepo:
    """A repository in a temporary directory, with the real schemas and rating scale."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copytree(ROOT / "schemas", root / "schemas")
        shutil.copy(ROOT / "rating-scale.yml", root / "rating-scale.yml")
        for folder in ("sources", "claims", "entities"):
            (root / folder).mkdir()

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def replace(self, relative: str, old: str, new: str, count: int = -1) -> None:
        """An editor's change inside one file: `old` replaced by `new`."""
        path = self.root / relative
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, count), encoding="utf-8")

    def source(self, source_id: str, text: str, language: str = "en", **extra: str) -> None:
        self.write(f"sources/{source_id}.txt", text.encode("utf-8"))
        fields = {"id": source_id, "title": f"Title of {source_id}", "language": language, "sha256": sha256_of(text), **extra}
        self.write(f"sources/{source_id}.yml", "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items()))

    def entity(self, entity_id: str, name: str, aliases: list[str] = (), **extra: str) -> None:
        lines = [f"id: {entity_id}", f"name: {json.dumps(name, ensure_ascii=False)}", "type: organisation",
                 f"description: {json.dumps(extra.pop('description', 'An organisation.'), ensure_ascii=False)}"]
        if aliases:
            lines.append("aliases: " + json.dumps(list(aliases), ensure_ascii=False))
        lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in extra.items()]
        self.write(f"entities/{entity_id}.yml", "\n".join(lines) + "\n")

    def claim(self, claim_id: str, source_id: str, exact: str, start: int, end: int, **overrides) -> Path:
        """A complete, valid claim file; `overrides` replace or add top-level fields (None removes one)."""
        fields = {
            "id": claim_id,
            "source": source_id,
            "selector": {"exact": exact, "start": start, "end": end},
            "claim": f"Claim {claim_id}.",
            "verdict": "accurate",
            "summary": "Summary.",
            "notes": "Notes.",
            "evidence": [{"url": "https://example.org/evidence", "title": "Evidence", "publisher": "Publisher",
                          "date": "2016-05-05", "shows": "What it shows."}],
            "entities": [],
            "reviewed": "2026-11-25",
            "updated": "2026-11-25",
            "reviewer": "Desk",
        }
        for key, value in overrides.items():
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        # JSON is YAML: one field per line keeps line numbers predictable.
        text = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items())
        return self.write(f"claims/{source_id}/{claim_id}.yml", text)


@contextlib.contextmanager
def secret_from(monkeypatch, cache_home: Path):
    """The cache's secret read from `cache_home`, and forgotten afterwards so that other tests read their own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    checkcache._secret.cache_clear()
    try:
        yield
    finally:
        checkcache._secret.cache_clear()


@pytest.fixture
def repo(tmp_path: Path) -> ScratchRepo:
    return ScratchRepo(tmp_path / "repo")


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of this project's files (not its virtual environment or built site)."""
    target = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".venv-*", ".zensical", "site", ".site-*", ".git", "__pycache__", ".pytest_cache", "artifacts", "node_modules")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


# A build as on a fresh machine: none of the variables that name the site's addresses.
ENV = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "REPO_URL")}
ENV["NO_MKDOCS_2_WARNING"] = "1"
PUBLISHED = {"SITE_URL": "https://desk.news.test/checks/", "REPO_URL": "https://git.news.test/desk/checks"}
VENV_BIN = Path(sys.executable).parent


def mkdocs_build(project: Path, site: Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, env={**ENV, **environment}, capture_output=True, text=True,
    )


def build_into(folder: Path, project: Path = ROOT, **environment: str) -> Path:
    site = folder / "site"
    result = mkdocs_build(project, site, **environment)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's own content, built once per run as on a fresh machine (no addresses set)."""
    return build_into(tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Path:
    """Built as the deploy workflow builds it, with the site's and the repository's addresses."""
    return build_into(tmp_path_factory.mktemp("published"), **PUBLISHED)


@pytest.fixture(scope="session")
def real_model():
    """The site model of the repository's own content."""
    return build_site(load_repository(ROOT))
