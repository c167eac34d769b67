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

from factdesk import checkcache  # noqa: E402
from factdesk.repository import load_repository  # noqa: E402
from factdesk.site import build_site  # noqa: E402
from factdesk.sources import sha256_of  # noqa: E402
from desks import FORK_ADDRESSES, Desk, copy_project, configure, fork  # noqa: E402


SITE_SETTINGS = """\
name: Scratch checks
description: Checks of the statements in a few short test documents.
language: en
url: ""
repository: ""
branch: main
publisher:
  name: Scratch desk
  description: A desk that exists for the tests.
contact:
  email: desk@news.test
funding: Nobody pays for it.
corrections:
  policy: Every change to a verdict is recorded on the claim.
  how_to_ask: Open an issue in the repository.
"""


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

    def settings(self) -> None:
        """A complete site.yml of the test's own (not the checkout's, which a desk changes)."""
        self.write("site.yml", SITE_SETTINGS)

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


def file_bytes(content: str | bytes | Path) -> bytes:
    """What a file of `GeneratedSite.files()` holds: its text, its bytes, or the bytes of the file it names."""
    if isinstance(content, Path):
        return content.read_bytes()
    return content.encode("utf-8") if isinstance(content, str) else content


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
    """A copy of this project's files (not its virtual environment or built site), with no addresses set."""
    return copy_project(tmp_path / "project")


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


# --- The real content, on every desk ---------------------------------------------------------------------
# Tests of the real content take `real_desk`, `built_site`, `published_site` or `real_model`, and so run on the
# checkout's content and on a fork of it (tests/desks.py), each built from a copy whose site.yml is set here.

@pytest.fixture(scope="session")
def checkout_desk(tmp_path_factory) -> Desk:
    return Desk("checkout", copy_project(tmp_path_factory.mktemp("checkout") / "project"), PUBLISHED["SITE_URL"],
                PUBLISHED["REPO_URL"])


@pytest.fixture(scope="session")
def fork_desk(tmp_path_factory) -> Desk:
    project = copy_project(tmp_path_factory.mktemp("fork") / "project")
    fork(project)
    return Desk("fork", project, *FORK_ADDRESSES)


@pytest.fixture(scope="session", params=["checkout", "fork"])
def real_desk(request) -> Desk:
    return request.getfixturevalue(f"{request.param}_desk")


@pytest.fixture(scope="session")
def built_site(real_desk: Desk, request) -> Path:
    """The desk's content, built once per run as on a fresh machine (no addresses set)."""
    return request.getfixturevalue(f"{real_desk.name}_site")


@pytest.fixture(scope="session")
def checkout_site(checkout_desk: Desk, tmp_path_factory) -> Path:
    """The checkout's content, built with no addresses set (the browser tests use it alone: they are slow)."""
    return build_into(tmp_path_factory.mktemp("built-checkout"), checkout_desk.root)


@pytest.fixture(scope="session")
def fork_site(fork_desk: Desk, tmp_path_factory) -> Path:
    return build_into(tmp_path_factory.mktemp("built-fork"), fork_desk.root)


@pytest.fixture(scope="session")
def published_site(real_desk: Desk, tmp_path_factory) -> Path:
    """Built as the desk publishes it: its site.yml names the site's and the repository's addresses."""
    folder = tmp_path_factory.mktemp(f"published-{real_desk.name}")
    project = copy_project(folder / "project", real_desk.root)
    configure(project, url=real_desk.url, repository=real_desk.repository)
    return build_into(folder, project)


@pytest.fixture(scope="session")
def real_model(real_desk: Desk):
    """The site model of the desk's content."""
    return build_site(load_repository(real_desk.root))
