"""`make serve`: a live preview that follows edits to the content and to the engine itself, and
after each edit writes only what changed, leaving exactly what a clean build leaves."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable

import pytest

from conftest import ENV, ROOT, ScratchRepo

# `make serve` runs `mkdocs serve $(SERVE_FLAGS)`: the tests run the same command.
SERVE_FLAGS = re.search(r"^SERVE_FLAGS \?=(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1).split()
# Files MkDocs and its search plugin write at every build, changed or not.
ALWAYS_WRITTEN = {"404.html", "sitemap.xml", "sitemap.xml.gz", "search/search_index.json"}
TEXT = ("Acme Corp said profits rose by 12 percent in 2015. The regulator in Paris disagreed with Acme Corp. "
        "Rivals reported flat sales.")
OTHER_TEXT = "Paris hosts the regulator. Its budget grew by 3 percent."


def quote(text: str, exact: str) -> tuple[str, int, int]:
    """A claim's quote and its offsets in `text`."""
    start = text.index(exact)
    return exact, start, start + len(exact)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, wanted: str, server: subprocess.Popen, log: Path, seconds: float = 180) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the preview server stopped (exit {server.returncode}):\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            page = fetch(url)
            if wanted in page:
                return page
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{wanted!r} did not appear at {url} within {seconds} s; server log:\n"
                         f"{log.read_text(encoding='utf-8')[-3000:]}")


def stop(server: subprocess.Popen) -> int:
    """Ctrl-C, as an editor stops the preview: MkDocs shuts down and removes its build folder."""
    server.send_signal(signal.SIGINT)
    try:
        return server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise AssertionError("the preview server did not stop within 60 s of Ctrl-C") from None


def serve(project: Path, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *SERVE_FLAGS, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=ENV, stdout=log.open("w"), stderr=subprocess.STDOUT,  # a file: the log never blocks
    )


def test_the_preview_uses_an_edited_engine_without_a_restart(project_copy: Path, tmp_path: Path):
    port, log = free_port(), tmp_path / "serve.log"
    server = serve(project_copy, port, log)
    try:
        wait_for(f"http://127.0.0.1:{port}/index.html", "fc-overview", server, log)
        # An edit to the engine's Python code, not a template (templates are read at each build anyway).
        generation = project_copy / "hooks" / "factdesk" / "generation.py"
        source = generation.read_text(encoding="utf-8")
        generation.write_text(source.replace('<div class="fc-page">', '<div class="fc-page" data-edited="yes">'), encoding="utf-8")
        claim_page = next((project_copy / "claims").rglob("*.yml"))
        wait_for(f"http://127.0.0.1:{port}/claims/{claim_page.stem}.html", 'data-edited="yes"', server, log)
    finally:
        assert stop(server) == 0


# A project on a scratch repository: the project's settings, hand-written pages, theme
# overrides and hook, and content small enough to build in seconds.

def preview_project(repo: ScratchRepo) -> Path:
    root = repo.root
    settings = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    settings = settings.replace("  - hooks/factcheck_hook.py", f"  - {ROOT / 'hooks' / 'factcheck_hook.py'}")
    (root / "mkdocs.yml").write_text(settings, encoding="utf-8")
    shutil.copytree(ROOT / "docs", root / "docs")
    shutil.copytree(ROOT / "overrides", root / "overrides")
    repo.settings()
    repo.source("report", TEXT)
    repo.source("budget", OTHER_TEXT)
    repo.entity("acme", "Acme Corp")
    repo.entity("paris", "Paris", description="A city.")
    repo.claim("profits", "report", *quote(TEXT, "profits rose by 12 percent"), entities=["acme"])
    repo.claim("regulator", "report", *quote(TEXT, "The regulator in Paris disagreed"), verdict="misleading", entities=["paris"])
    write_rivals_claim(repo)
    repo.claim("budget", "budget", *quote(OTHER_TEXT, "Its budget grew by 3 percent"))
    return root


def edit_claim(repo: ScratchRepo) -> None:
    repo.claim("profits", "report", *quote(TEXT, "profits rose by 12 percent"), entities=["acme"],
               summary="The accounts show a fall.", notes="Revenue fell from 10 to 9: (9 - 10) / 10 = -10 percent.")


def edit_entity(repo: ScratchRepo) -> None:
    repo.entity("acme", "Acme Corp", description="A maker of anvils.")


def edit_source_text(repo: ScratchRepo) -> None:
    repo.source("budget", OTHER_TEXT + " Nobody objected.")


def add_claim(repo: ScratchRepo) -> None:
    repo.claim("paris-budget", "budget", *quote(OTHER_TEXT, "Paris hosts the regulator"), entities=["paris"], verdict="accurate")


def delete_claim(repo: ScratchRepo) -> None:
    (repo.root / "claims" / "report" / "rivals.yml").unlink()


def write_rivals_claim(repo: ScratchRepo) -> None:
    """A claim of the project; written again after delete_claim (an undone deletion), its page comes back."""
    repo.claim("rivals", "report", *quote(TEXT, "Rivals reported flat sales"), verdict="unverifiable", evidence=None,
               searched=["Company registers for Rivals", "Trade press archive for 2015"])


def edit_hand_written_page(repo: ScratchRepo) -> None:
    page = repo.root / "docs" / "methodology.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nWe answer every letter.\n", encoding="utf-8")


def edit_theme_template(repo: ScratchRepo) -> None:
    template = repo.root / "overrides" / "main.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% block container %}\n", "{% block container %}\n  <p>Corrections: write to us.</p>\n", 1),
                        encoding="utf-8")


def edit_site_settings(repo: ScratchRepo) -> None:
    path = repo.root / "site.yml"
    text = path.read_text(encoding="utf-8")
    name = re.search(r"^name: (.*)$", text, re.M).group(1)
    path.write_text(text.replace(f"name: {name}", "name: The Scratch Desk", 1), encoding="utf-8")


# In the order an editor might make them: each build follows the one before.
CHANGES: dict[str, Callable[[ScratchRepo], None]] = {
    "claim edited": edit_claim, "entity edited": edit_entity, "source text changed": edit_source_text,
    "claim added": add_claim, "claim deleted": delete_claim, "claim restored": write_rivals_claim,
    "hand-written page edited": edit_hand_written_page,
    "theme template edited": edit_theme_template, "site.yml changed": edit_site_settings,
}

# Builds as `mkdocs serve --dirty` does at each change it sees (serve's own builder, without
# the web server and the file watching): one build per line read, "built" or "failed" after each.
PREVIEW_BUILDER = """
import logging
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

# MkDocs names each page it is given ("Reading: claims/x.md"), read or not: the log shows what a build was handed.
handler = logging.StreamHandler()
handler.setFormatter(logging.Formatter("%(message)s"))
logging.getLogger("mkdocs.commands.build").addHandler(handler)
logging.getLogger("mkdocs.commands.build").setLevel(logging.DEBUG)

site_dir, serve_url = sys.argv[1], "http://127.0.0.1:8000/"
config = load_config(site_dir=site_dir, strict=False)
config.plugins.on_startup(command="serve", dirty=True)
for _line in sys.stdin:
    if config is None:
        config = load_config(site_dir=site_dir, strict=False)
    config.site_url = serve_url
    try:
        build(config, serve_url=serve_url, dirty=True)
        print("built", flush=True)
    except BaseException:
        print("failed", flush=True)
    config = None
"""


class PreviewBuilds:
    def __init__(self, project: Path, site: Path, log: Path):
        assert "--dirty" in SERVE_FLAGS, "make serve writes only what changed"
        self.site = site
        self.process = subprocess.Popen([sys.executable, "-c", PREVIEW_BUILDER, str(site)], cwd=project, env=ENV,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"), text=True)

    def build(self) -> str:
        self.process.stdin.write("build\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def writes(folder: Path) -> dict[str, tuple[int, int]]:
    """What shows whether a file was written: its inode and its modification time."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


def clean_build(project: Path, site: Path) -> dict[str, bytes]:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=project, env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return files_in(site)


@pytest.fixture
def preview(repo: ScratchRepo, tmp_path: Path):
    project = preview_project(repo)
    builds = PreviewBuilds(project, tmp_path / "preview", tmp_path / "preview.log")
    try:
        assert builds.build() == "built", (tmp_path / "preview.log").read_text(encoding="utf-8")
        yield builds
    finally:
        builds.close()


def test_after_each_kind_of_change_the_preview_holds_what_a_clean_build_makes(repo: ScratchRepo, preview: PreviewBuilds,
                                                                              tmp_path: Path):
    assert files_in(preview.site) == clean_build(repo.root, tmp_path / "clean-first")
    for number, (change, make) in enumerate(CHANGES.items()):
        before, written_before = files_in(preview.site), writes(preview.site)
        make(repo)
        assert preview.build() == "built", change
        clean = clean_build(repo.root, tmp_path / f"clean-{number}")
        after = files_in(preview.site)
        assert sorted(after) == sorted(clean), f"{change}: the same files, no more (a deleted claim's page goes)"
        differing = [name for name in clean if after[name] != clean[name]]
        assert not differing, f"{change}: these differ from a clean build: {differing}"
        assert after != before, f"{change}: the change shows"
        written_after = writes(preview.site)
        rewritten_unchanged = [name for name in before if name in after and before[name] == after[name]
                               and written_before[name] != written_after[name] and name not in ALWAYS_WRITTEN]
        assert not rewritten_unchanged, f"{change}: files rewritten though their content did not change: {rewritten_unchanged}"


def test_pages_a_claim_edit_does_not_touch_are_not_written_again(repo: ScratchRepo, preview: PreviewBuilds):
    before = writes(preview.site)
    edit_claim(repo)
    assert preview.build() == "built"
    after = writes(preview.site)
    rewritten = {name for name in before if before[name] != after[name]} - ALWAYS_WRITTEN
    assert "claims/profits.html" in rewritten and "sources/report.html" in rewritten
    assert not rewritten & {"claims/budget.html", "sources/budget.html", "claims/regulator.html", "entities/paris.html",
                            "methodology.html", "assets/factcheck.css"}


def test_a_save_hands_mkdocs_only_the_pages_it_changed(repo: ScratchRepo, preview: PreviewBuilds, tmp_path: Path):
    """MkDocs makes a page object for every page it is given, so a save that gave it every page would cost
    what the whole site costs; a page that renders hand-written Markdown is given every page, to check links."""
    log = tmp_path / "preview.log"

    def handed_after(change: Callable[[ScratchRepo], None]) -> set[str]:
        start = len(log.read_text(encoding="utf-8"))
        change(repo)
        assert preview.build() == "built"
        return set(re.findall(r"^Reading: (.+)$", log.read_text(encoding="utf-8")[start:], re.M))

    first = set(re.findall(r"^Reading: (.+)$", log.read_text(encoding="utf-8"), re.M))
    assert {"claims/profits.md", "claims/budget.md", "sources/budget.md", "entities/paris.md"} <= first
    handed = handed_after(edit_claim)
    assert {"claims/profits.md", "sources/report.md", "claims/index.md", "methodology.md"} <= handed, \
        "the changed pages, the hand-written pages and those the navigation names"
    assert not handed & {"claims/budget.md", "claims/regulator.md", "sources/budget.md", "entities/paris.md"}
    assert handed_after(edit_hand_written_page) == first


def test_the_preview_prints_every_warning_once_then_what_each_save_brings(repo: ScratchRepo, preview: PreviewBuilds,
                                                                          tmp_path: Path):
    log = tmp_path / "preview.log"
    first = log.read_text(encoding="utf-8")
    standing = [line for line in first.splitlines() if ": warning: " in line]
    assert any("Paris hosts the regulator." in line for line in standing), first
    edit_source_text(repo)
    assert preview.build() == "built"
    second = log.read_text(encoding="utf-8")[len(first):]
    assert any("Nobody objected." in line and ": warning: " in line for line in second.splitlines()), \
        "the warning the save brought is printed"
    assert not any(line in second for line in standing), "a warning printed before is not printed again"
    assert f"{len(standing):,} earlier warning" in second, "how many still stand is said"


def test_a_build_that_fails_leaves_the_last_good_preview_and_the_next_one_catches_up(repo: ScratchRepo,
                                                                                     preview: PreviewBuilds, tmp_path: Path):
    good = files_in(preview.site)
    edit_claim(repo)
    repo.claim("budget", "budget", *quote(OTHER_TEXT, "Its budget grew by 3 percent"), verdict="TODO")
    assert preview.build() == "failed"
    assert files_in(preview.site) == good, "the last good preview stays as it was"
    repo.claim("budget", "budget", *quote(OTHER_TEXT, "Its budget grew by 3 percent"))
    assert preview.build() == "built"
    assert files_in(preview.site) == clean_build(repo.root, tmp_path / "clean")


def test_a_saved_claim_shows_in_the_served_page(repo: ScratchRepo, tmp_path: Path):
    project = preview_project(repo)
    port, log = free_port(), tmp_path / "serve.log"
    server = serve(project, port, log)
    try:
        page = f"http://127.0.0.1:{port}/claims/profits.html"
        wait_for(page, "Summary.", server, log)
        edit_claim(repo)
        wait_for(page, "The accounts show a fall.", server, log)
        assert "The accounts show a fall." not in fetch(f"http://127.0.0.1:{port}/claims/budget.html")
    finally:
        assert stop(server) == 0, log.read_text(encoding="utf-8")[-3000:]


def preview_server(watched: Path) -> object:
    """MkDocs' preview server (not started) watching `watched` as `mkdocs serve` does."""
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(watched))
    server.watch(str(watched))
    return server


def rebuild_wanted_after_a_save(server, watched: Path) -> bool:
    """Whether saving a file asks for a rebuild; reading one (as every build does) must not."""
    (watched / "claim.yml").write_text("summary: First.\n", encoding="utf-8")
    server.observer.start()
    try:
        time.sleep(0.5)
        server._want_rebuild = False  # as after the build the first save started
        (watched / "claim.yml").read_text(encoding="utf-8")
        time.sleep(1.5)
        assert not server._want_rebuild, "reading a watched file asks for a rebuild: each build would start the next"
        (watched / "claim.yml").write_text("summary: Saved.\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not server._want_rebuild:
            time.sleep(0.1)
        return server._want_rebuild
    finally:
        server.observer.stop()
        server.observer.join()


def test_the_preview_learns_of_a_saved_file_without_polling(tmp_path: Path, caplog):
    from watchdog.observers.polling import PollingObserver

    from factdesk_mkdocs.preview import watch_with_notifications

    server = preview_server(tmp_path)
    with caplog.at_level("INFO"):
        watch_with_notifications(server, [str(tmp_path)])
    if "notifications are unavailable" in caplog.text:
        pytest.skip(caplog.text)
    assert not isinstance(server.observer, PollingObserver)
    assert rebuild_wanted_after_a_save(server, tmp_path)


def test_where_notifications_cannot_start_the_preview_polls(tmp_path: Path, monkeypatch):
    from watchdog.observers.polling import PollingObserver

    from factdesk_mkdocs import preview

    server = preview_server(tmp_path)

    def refuse(observer):
        raise OSError(24, "inotify instance limit reached")

    monkeypatch.setattr(preview.NotifiedObserver, "start", refuse)
    preview.watch_with_notifications(server, [str(tmp_path)])
    assert isinstance(server.observer, PollingObserver)
    assert rebuild_wanted_after_a_save(server, tmp_path)
