"""The repository is the boundary for every file a build or a command reads or writes.

Each reproduction plants what a pull request can plant (a symbolic link in the pages, the
theme overrides or the cache, a logo path leaving docs/) or passes what an editor could
mistype (an id with `..`, a settings file over the project's own) and checks that the build
or command stops with a message naming the file, a non-zero exit, and that nothing outside
the scratch repository was read, written or published.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT, ScratchRepo, mkdocs_build
from factdesk.cli import RENDER_MARK, main
from factdesk.repository import ID_PATTERN

SECRET = "runner-secret-value-7d21"


def run(root: Path, capsys, *args: str) -> tuple[int, str]:
    """A command as an editor runs it: its exit code (argparse's usage errors included) and all it printed."""
    try:
        code = main(["--root", str(root), *args])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below `folder` (links as links) with the bytes of each regular file."""
    found = {}
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent, name)
            found[path.relative_to(folder).as_posix()] = None if path.is_dir() or path.is_symlink() else path.read_bytes()
    return found


def published(folder: Path) -> str:
    """All the text of what was built or written there, empty when nothing was."""
    if not folder.exists():
        return ""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Files of the machine outside the repository, which a build must never read nor write."""
    folder = tmp_path / "outside"
    (folder / "folder").mkdir(parents=True)
    (folder / "cache").mkdir()
    (folder / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (folder / "secret.md").write_text(f"# {SECRET}\n\n{SECRET} in a page.\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(f"\x89PNG {SECRET}".encode())
    (folder / "folder" / "leak.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (folder / "folder" / "leak.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    return folder


def _link(relative: str, target: str, inside: bool = False) -> Callable[[Path, Path], None]:
    def plant(project: Path, outside: Path) -> None:
        link = project / relative
        if link.is_dir():  # the cache a copy of the project may hold
            shutil.rmtree(link)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to((project if inside else outside) / target)
    return plant


def _linked_logo(project: Path, outside: Path) -> None:
    _link("docs/assets/logo.png", "secret.png")(project, outside)
    _set_logo(project, "assets/logo.png")


# (name, what a pull request plants, the path reported)
PLANTED = [
    ("file in docs", _link("docs/leak.txt", "secret.txt"), "docs/leak.txt"),
    ("page in docs", _link("docs/leak.md", "secret.md"), "docs/leak.md"),
    ("folder in docs/assets", _link("docs/assets/linked", "folder"), "docs/assets/linked"),
    ("page linked to a page inside", _link("docs/copy.md", "docs/index.md", inside=True), "docs/copy.md"),
    ("file in overrides", _link("overrides/leak.txt", "secret.txt"), "overrides/leak.txt"),
    ("folder in overrides", _link("overrides/partials/linked", "folder"), "overrides/partials/linked"),
    ("logo linked outside", _linked_logo, "docs/assets/logo.png"),
    ("cache folder linked", _link(".factcheck-cache", "cache"), ".factcheck-cache"),
    ("folder in the cache linked", _link(".factcheck-cache/ab", "cache"), ".factcheck-cache/ab"),
]


def _build(how: str, project: Path, out: Path, capsys) -> tuple[int, str]:
    if how == "mkdocs":
        result = mkdocs_build(project, out)
        return result.returncode, result.stdout + result.stderr
    if how == "render":
        return run(project, capsys, "render", "--out", str(out), "--settings", str(out.parent / "settings" / "mkdocs.yml"))
    return run(project, capsys, "validate")


@pytest.mark.parametrize("how", ["mkdocs", "render", "validate"])
@pytest.mark.parametrize("name, plant, reported", PLANTED, ids=[case[0] for case in PLANTED])
def test_a_link_where_a_build_reads_or_writes_stops_it_and_nothing_leaves_the_machine(
        project_copy, outside, tmp_path, capsys, how, name, plant, reported):
    plant(project_copy, outside)
    before = snapshot(outside)
    out = tmp_path / "built" / "site"
    code, output = _build(how, project_copy, out, capsys)
    assert code == 1, output
    assert f"{reported}:1:1: (file): {reported} is a symbolic link; " in output
    remedy = "delete .factcheck-cache (the next build makes it again)" if reported.startswith(".factcheck-cache") \
        else "replace the link with the file or folder itself"
    assert remedy in output
    assert "Traceback" not in output
    assert SECRET not in output
    assert not out.exists() and not (tmp_path / "built" / "settings").exists()
    assert snapshot(outside) == before  # nothing written there, the cache's entries included


def test_a_link_in_the_theme_folder_mkdocs_yml_names_is_refused(project_copy, outside):
    (project_copy / "overrides").rename(project_copy / "theme")
    settings = project_copy / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("custom_dir: overrides", "custom_dir: theme"),
                        encoding="utf-8")
    (project_copy / "theme/leak.txt").symlink_to(outside / "secret.txt")
    result = mkdocs_build(project_copy, project_copy / "site")
    assert result.returncode == 1
    assert "theme/leak.txt:1:1: (file): theme/leak.txt is a symbolic link" in result.stderr
    assert SECRET not in published(project_copy / "site") + result.stderr


def test_pages_or_theme_outside_the_repository_are_refused(project_copy, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "index.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    settings = project_copy / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("docs_dir: docs", f"docs_dir: {pages}"),
                        encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project_copy, site)
    assert result.returncode == 1
    assert f"{pages}:1:1: (folder): is outside the repository" in result.stderr
    assert not site.exists()


def test_a_pipe_in_the_pages_is_refused_rather_than_waited_on(project_copy, capsys):
    os.mkfifo(project_copy / "docs/pipe.md")
    code, output = run(project_copy, capsys, "validate")
    assert code == 1
    assert "docs/pipe.md:1:1: (file): docs/pipe.md is neither a file nor a folder; remove it" in output


def test_no_command_reads_or_writes_through_a_linked_cache(repo: ScratchRepo, outside, capsys):
    """Commands that are no build (locate, new) read and write the cache too: never through a link."""
    repo.source("s", "BT applied for a licence.")
    (repo.root / ".factcheck-cache").symlink_to(outside / "cache")
    assert run(repo.root, capsys, "locate", "s", "BT applied")[0] == 0
    assert run(repo.root, capsys, "new", "s", "BT applied", "--id", "c1")[0] == 0
    assert snapshot(outside / "cache") == {}
    # The same commands do keep a cache when it is a folder: the check above could fail.
    (repo.root / ".factcheck-cache").unlink()
    assert run(repo.root, capsys, "locate", "s", "BT applied")[0] == 0
    assert any(path.is_file() for path in (repo.root / ".factcheck-cache").rglob("*"))


def test_a_link_in_place_of_a_cache_entry_is_replaced_not_written_through(repo: ScratchRepo, outside, capsys):
    repo.source("s", "BT applied for a licence.")
    assert run(repo.root, capsys, "locate", "s", "BT applied")[0] == 0
    entries = [path for path in (repo.root / ".factcheck-cache").rglob("*") if path.is_file()]
    assert entries
    for entry in entries:
        entry.unlink()
        entry.symlink_to(outside / "secret.txt")
    assert run(repo.root, capsys, "locate", "s", "BT applied")[0] == 0
    assert (outside / "secret.txt").read_text(encoding="utf-8") == f"{SECRET}\n"
    assert all(entry.is_file() and not entry.is_symlink() for entry in entries)


# --- site.yml publisher.logo ---

def _set_logo(project: Path, value: str) -> int:
    """Put `value` as the publisher's logo; returns its line in site.yml."""
    path = project / "site.yml"
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r'^  logo: .*$', f"  logo: {json.dumps(value)}", text, count=1, flags=re.M)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    return text[:text.index("  logo: ")].count("\n") + 1


@pytest.mark.parametrize("logo, message", [
    ("/etc/passwd", "'/etc/passwd' is neither a web address nor a path inside docs/"),
    ("../../../../../../etc/passwd", "is neither a web address nor a path inside docs/"),
    ("assets/../../site.yml", "is neither a web address nor a path inside docs/"),
    ("javascript:alert(document.domain)", "is neither a web address nor a path inside docs/"),
    ("data:image/png;base64,iVBORw0KGgo=", "is neither a web address nor a path inside docs/"),
    ("//evil.test/logo.png", "is neither a web address nor a path inside docs/"),
    ("assets/factcheck.css", "'assets/factcheck.css' is not an image"),
    ("assets/missing.png", "docs/assets/missing.png is missing"),
    ("assets/logo du desk.png", "is neither a web address nor a path inside docs/"),
    ('https://desk.test/logo.png"onload="alert(1)', "is neither a web address nor a path inside docs/"),
])
def test_a_logo_that_is_no_web_address_nor_an_image_of_the_pages_is_an_error_at_its_line(
        project_copy, capsys, logo, message):
    line = _set_logo(project_copy, logo)
    code, output = run(project_copy, capsys, "validate")
    assert code == 1
    assert re.search(rf"^site\.yml:{line}:\d+: publisher\.logo: .*{re.escape(message)}", output, re.M), output
    assert "use an https:// address, or the path of an image under docs/ such as assets/logo.png" in output


def test_a_logo_folder_named_like_an_image_is_an_error(project_copy, capsys):
    (project_copy / "docs/assets/logo.png").mkdir()
    line = _set_logo(project_copy, "assets/logo.png")
    code, output = run(project_copy, capsys, "validate")
    assert code == 1
    assert re.search(rf"^site\.yml:{line}:\d+: publisher\.logo: docs/assets/logo\.png is a folder", output, re.M)


@pytest.mark.parametrize("logo", ["https://cdn.news.test/desk/logo.png", "assets/logo.png", "assets/Logo_du-desk.WEBP"])
def test_a_web_address_or_an_image_under_docs_is_a_logo(project_copy, capsys, logo):
    (project_copy / "docs/assets/logo.png").write_bytes(_image("PNG"))
    (project_copy / "docs/assets/Logo_du-desk.WEBP").write_bytes(_image("WEBP"))
    _set_logo(project_copy, logo)
    code, output = run(project_copy, capsys, "validate")
    assert code == 0, output
    assert "logo" not in output


def _image(kind: str) -> bytes:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(data, kind)
    return data.getvalue()


# --- files in docs/ that are not pages: published as they are, so only what runs nothing ---

@pytest.mark.parametrize("name, content, message", [
    ("x.html", b"<script>alert(1)</script>", "an HTML file would be published with its script; write the page in Markdown (.md)"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
     "an SVG file can hold script that would run on the site; convert it to PNG"),
    ("assets/x.js", b"alert(1)", "script on the site comes only from the project's own assets/factcheck.js, changed by "
                                 "its maintainers; remove it"),
    ("assets/extra.css", b"body{}", "the site's style comes only from the project's own assets/factcheck.css; put the rules there"),
    (".hidden.htm", b"<script>alert(1)</script>", "an HTML file would be published with its script"),
    ("report.pdf", b"%PDF-1.4", "remove it, or link to it where it is published elsewhere"),
])
def test_a_file_in_docs_that_could_run_script_is_refused_at_its_path(project_copy, capsys, tmp_path, name, content, message):
    (project_copy / "docs" / name).write_bytes(content)
    code, output = run(project_copy, capsys, "validate")
    assert code == 1
    assert (f"docs/{name}:1:1: (file): only Markdown pages (.md) and raster images (AVIF, GIF, ICO, JPEG, PNG, WEBP) are "
            "published from docs/, besides the site's own assets/factcheck.css and assets/factcheck.js: " + message) in output
    before = snapshot(project_copy)
    code, output = run(project_copy, capsys, "render", "--out", str(tmp_path / "out"))
    assert code == 1 and f"docs/{name}:1:1: (file)" in output and not (tmp_path / "out").exists()
    assert snapshot(project_copy) == before
    result = mkdocs_build(project_copy, tmp_path / "site")
    assert result.returncode != 0 and f"docs/{name}:1:1: (file)" in result.stderr + result.stdout
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("name, content, message", [
    ("fake.png", b"<script>alert(1)</script>", "is named as a PNG image but holds no image Pillow can read; save it as PNG "
                                               "or name it for what it is"),
    ("photo.jpg", "PNG", "is named as a JPEG image but holds a PNG image; save it as JPEG or name it for what it is"),
])
def test_an_image_in_docs_must_be_what_its_name_says(project_copy, capsys, name, content, message):
    (project_copy / "docs" / name).write_bytes(content if isinstance(content, bytes) else _image(content))
    code, output = run(project_copy, capsys, "validate")
    assert code == 1 and f"docs/{name}:1:1: (file): {message}" in output


def test_images_and_the_projects_own_assets_in_docs_pass(project_copy, capsys):
    for kind, ending in (("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("WEBP", "webp"), ("ICO", "ico")):
        (project_copy / f"docs/assets/picture.{ending}").write_bytes(_image(kind))
    code, output = run(project_copy, capsys, "validate")
    assert code == 0, output
    assert "docs/" not in output


def test_an_svg_logo_under_docs_is_refused(project_copy, capsys):
    (project_copy / "docs/assets/logo.svg").write_text("<svg/>", encoding="utf-8")
    line = _set_logo(project_copy, "assets/logo.svg")
    code, output = run(project_copy, capsys, "validate")
    assert code == 1
    assert re.search(rf"^site\.yml:{line}:\d+: publisher\.logo: 'assets/logo\.svg' is not an image: use an https:// "
                     r"address, or the path of an image under docs/ such as assets/logo\.png \(png, jpg, jpeg, gif, webp, "
                     r"avif\)", output, re.M), output
    assert "docs/assets/logo.svg:1:1: (file)" in output


# --- ids and paths on the command line ---

@pytest.fixture
def desk(repo: ScratchRepo) -> ScratchRepo:
    repo.source("s", "BT applied for a licence to run a VPN in China.")
    repo.entity("bt-group", "BT Group")
    repo.claim("c1", "s", "BT applied", 0, 10)
    return repo


def test_the_command_line_takes_the_ids_the_schemas_take():
    for kind in ("claim", "source", "entity"):
        schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert schema["$defs"]["id"]["pattern"] == f"^{ID_PATTERN.pattern}$", kind


@pytest.mark.parametrize("claim_id", ["../../entities/bt-group", "../../../x", "Bad Id", "index", "c1.yml", "", "-x"])
def test_new_refuses_an_id_that_is_not_one_and_writes_nothing(desk: ScratchRepo, tmp_path, capsys, claim_id):
    before = snapshot(tmp_path)
    code, output = run(desk.root, capsys, "new", "s", "a licence", f"--id={claim_id}")
    assert code == 2
    assert "is not an id: use lower-case letters, digits and single hyphens" in output
    assert snapshot(tmp_path) == before


def test_new_refuses_an_absolute_id(desk: ScratchRepo, tmp_path, capsys):
    target = tmp_path / "elsewhere" / "x"
    code, output = run(desk.root, capsys, "new", "s", "a licence", "--id", str(target))
    assert code == 2 and "is not an id" in output
    assert not target.parent.exists() and not target.with_suffix(".yml").exists()


def test_new_never_overwrites_a_claim(desk: ScratchRepo, capsys):
    before = (desk.root / "claims/s/c1.yml").read_bytes()
    code, output = run(desk.root, capsys, "new", "s", "a licence", "--id", "c1")
    assert code == 1 and "already used by claims/s/c1.yml" in output
    assert (desk.root / "claims/s/c1.yml").read_bytes() == before


def test_new_never_writes_through_a_linked_claims_folder(repo: ScratchRepo, outside, capsys):
    repo.source("s", "BT applied for a licence.")
    (repo.root / "claims/s").symlink_to(outside / "cache", target_is_directory=True)
    code, output = run(repo.root, capsys, "new", "s", "BT applied", "--id", "c2")
    assert code == 1
    assert "claims/s/c2.yml cannot be written inside the repository" in output
    assert snapshot(outside / "cache") == {}


def test_new_source_never_writes_through_a_linked_sources_folder(repo: ScratchRepo, outside, tmp_path, capsys):
    (repo.root / "sources").rmdir()
    (repo.root / "sources").symlink_to(outside / "cache", target_is_directory=True)
    given = tmp_path / "brief.txt"
    given.write_text("A text.\n", encoding="utf-8")
    code, output = run(repo.root, capsys, "new-source", str(given), "--id", "brief")
    assert code == 1
    assert "sources/brief.txt cannot be written inside the repository" in output
    assert snapshot(outside / "cache") == {}


@pytest.mark.parametrize("source_id", ["../x", "../../../tmp/x", "Bad Id"])
def test_new_source_refuses_an_id_that_is_not_one(repo: ScratchRepo, tmp_path, capsys, source_id):
    given = tmp_path / "brief.txt"
    given.write_text("A text.\n", encoding="utf-8")
    before = snapshot(tmp_path)
    code, output = run(repo.root, capsys, "new-source", str(given), "--id", source_id)
    assert code == 2 and "cannot be a source id: use lower-case letters" in output
    assert snapshot(tmp_path) == before


def test_new_source_refuses_a_text_larger_than_a_source_may_be(repo: ScratchRepo, tmp_path, capsys):
    given = tmp_path / "huge.txt"
    given.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    code, output = run(repo.root, capsys, "new-source", str(given))
    assert code == 1 and "is more than the limit of 2,097,152 bytes" in output
    assert not list((repo.root / "sources").iterdir())


@pytest.mark.parametrize("args", [("locate", "../sources/s", "BT"), ("new", "../s", "BT"), ("reanchor", "--source", "../s")],
                         ids=["locate", "new", "reanchor"])
def test_a_source_argument_that_is_no_id_is_a_usage_error(desk: ScratchRepo, capsys, args):
    code, output = run(desk.root, capsys, *args)
    assert code == 2 and "is not an id" in output


def test_validate_reports_a_linked_file_it_is_asked_about(desk: ScratchRepo, capsys):
    (desk.root / "claims/s/leak.yml").symlink_to(desk.root / "claims/s/c1.yml")
    code, output = run(desk.root, capsys, "validate", str(desk.root / "claims/s/leak.yml"))
    assert code == 1
    assert "claims/s/leak.yml:1:1: (file): claims/s/leak.yml is reached through a symbolic link" in output


def test_validate_refuses_a_file_outside_the_repository(desk: ScratchRepo, outside, capsys):
    code, output = run(desk.root, capsys, "validate", str(desk.root / "claims/../../outside/secret.txt"))
    assert code == 2 and "outside the repository" in output
    assert SECRET not in output


def test_a_revision_cannot_pass_an_option_to_git(desk: ScratchRepo, tmp_path, capsys):
    written = tmp_path / "written-by-git"
    code, output = run(desk.root, capsys, "diff", "--", f"--output={written}")
    assert code == 2 and "is not a git revision" in output
    assert not written.exists()


# --- render writes only what it owns ---

def _render(project: Path, capsys, *args: str) -> tuple[int, str]:
    return run(project, capsys, "render", *args)


def test_render_refuses_to_write_the_projects_own_settings(project_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(project_copy)
    before = snapshot(project_copy)
    code, output = _render(project_copy, capsys, "--out", str(tmp_path / "out"), "--settings", "mkdocs.yml")
    assert code == 2
    assert "mkdocs.yml would be written in the repository's own folder" in output
    assert "Traceback" not in output
    assert snapshot(project_copy) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("settings_there", [True, False], ids=["with its settings", "overrides only"])
def test_render_refuses_to_replace_another_projects_settings_or_overrides(project_copy, tmp_path, capsys, settings_there):
    other = tmp_path / "other"
    (other / "overrides").mkdir(parents=True)
    (other / "overrides/keep.html").write_text("mine", encoding="utf-8")
    if settings_there:
        (other / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    before = snapshot(other)
    code, output = _render(project_copy, capsys, "--out", str(tmp_path / "out"), "--settings", str(other / "mkdocs.yml"))
    assert code == 2
    assert ("mkdocs.yml exists and was not written by 'factcheck render'" if settings_there
            else "overrides exists and was not written by 'factcheck render'") in output
    assert snapshot(other) == before
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["docs/mkdocs.yml", "overrides/mkdocs.yml"])
def test_render_refuses_settings_among_the_pages_or_the_theme(project_copy, tmp_path, capsys, where):
    before = snapshot(project_copy)
    code, output = _render(project_copy, capsys, "--out", str(tmp_path / "out"), "--settings", str(project_copy / where))
    assert code == 2 and "choose a folder of its own" in output
    assert snapshot(project_copy) == before


def test_render_refuses_a_partial_folder_it_did_not_write(project_copy, tmp_path, capsys):
    partial = tmp_path / "out.partial"
    partial.mkdir()
    (partial / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = _render(project_copy, capsys, "--out", str(tmp_path / "out"))
    assert code == 2 and "out.partial exists and was not written by 'factcheck render'" in output
    assert (partial / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target, message", [
    ("README.md", "README.md is a file, not a folder"),
    ("docs", "holds the repository's own files"),
    ("docs/assets", "holds the repository's own files"),
    ("overrides/partials", "holds the repository's own files"),
    ("linked", "linked is a symbolic link"),
])
def test_render_refuses_an_out_it_may_not_replace(project_copy, tmp_path, capsys, monkeypatch, target, message):
    (project_copy / "linked").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.chdir(project_copy)
    before = snapshot(project_copy)
    code, output = _render(project_copy, capsys, "--out", target)
    assert code == 2 and message in output
    assert "Traceback" not in output
    assert snapshot(project_copy) == before


def test_render_refuses_pages_from_outside_the_repository(project_copy, outside, tmp_path, capsys):
    code, output = _render(project_copy, capsys, "--out", str(tmp_path / "out"), "--docs", str(outside / "folder"))
    assert code == 2 and "is not a folder of the repository" in output
    assert not (tmp_path / "out").exists()


def test_render_replaces_only_what_it_wrote_as_the_zensical_build_runs_it(project_copy, capsys, monkeypatch):
    """The Makefile's Zensical recipe, twice: the second run replaces the first, and a render stopped midway."""
    monkeypatch.chdir(project_copy)
    (project_copy / ".zensical").mkdir()
    args = ("--out", ".zensical/docs", "--settings", ".zensical/mkdocs.yml")
    assert _render(project_copy, capsys, *args)[0] == 0
    assert (project_copy / ".zensical/overrides/partials/search.html").is_file()  # which the recipe removes
    (project_copy / ".zensical/overrides/partials/search.html").unlink()
    (project_copy / ".zensical/docs.partial").mkdir()
    (project_copy / ".zensical/docs.partial" / RENDER_MARK).write_text("", encoding="utf-8")
    (project_copy / ".zensical/docs/stale.md").write_text("stale", encoding="utf-8")
    code, output = _render(project_copy, capsys, *args)
    assert code == 0, output
    assert not (project_copy / ".zensical/docs/stale.md").exists()
    assert not (project_copy / ".zensical/docs.partial").exists()
    assert (project_copy / ".zensical/overrides/partials/search.html").is_file()
    assert (project_copy / ".zensical/mkdocs.yml").read_text(encoding="utf-8").startswith("# Written by 'factcheck render'")
    assert (project_copy / "mkdocs.yml").read_text(encoding="utf-8") == (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_a_linked_settings_file_builds_nothing_from_where_it_points(project_copy, tmp_path):
    """mkdocs.yml linked to another project's: the build must not take that project's folder for the repository."""
    other = tmp_path / "other"
    shutil.copytree(project_copy, other)
    (project_copy / "mkdocs.yml").unlink()
    (project_copy / "mkdocs.yml").symlink_to(other / "mkdocs.yml")
    site = tmp_path / "site"
    result = mkdocs_build(project_copy, site)
    assert result.returncode == 1
    assert "mkdocs.yml is a symbolic link; the site is built only from regular files inside the repository" in result.stderr
    assert not site.exists()


def test_a_file_with_a_thousand_problems_lists_a_hundred(repo: ScratchRepo, capsys):
    """A 256 KiB claim file of wrong items gave 130,000 lines and took 4.5 s: each file's problems are listed
    up to a hundred, with one more saying there are others, and the rest are not looked for."""
    repo.settings()
    repo.source("s", "The desk checks this sentence.")
    repo.claim("c", "s", "The desk checks this sentence.", 0, 30, evidence=[1] * 1_000)
    code, output = run(repo.root, capsys, "validate")
    assert code == 1
    listed = [line for line in output.splitlines() if line.startswith("claims/s/c.yml:")]
    assert len(listed) == 101
    assert "claims/s/c.yml:1:1: (file): has more than 100 problems; the first 100 are listed: fix those and validate " \
           "again" in listed
    assert "claims/s/c.yml:8:12: evidence[0]: expected a mapping of fields, found a number (1)" in listed, listed[:3]


@pytest.mark.parametrize("kind", ["claim", "entity", "site.yml"])
def test_a_list_of_more_than_a_thousand_items_is_one_problem_at_its_line(repo: ScratchRepo, capsys, kind):
    """Each item of a list is checked against the schema (about 30 µs each): a 256 KiB file of 43,000 aliases
    took 2 s. A list longer than any real one is refused as such, before anything in it is checked."""
    repo.settings()
    repo.source("s", "The desk checks this sentence.")
    repo.claim("c", "s", "The desk checks this sentence.", 0, 30)
    if kind == "claim":
        repo.claim("c", "s", "The desk checks this sentence.", 0, 30, entities=["x"] * 40_000)
        where = "claims/s/c.yml:9:1: entities: has 40,000 items"
    elif kind == "entity":
        repo.entity("e", "E", aliases=["a"] * 40_000)
        where = "entities/e.yml:5:1: aliases: has 40,000 items"
    else:
        repo.write("site.yml", SITE_SETTINGS_WITH_LIST)
        where = "site.yml:2:1: name: has 40,000 items"
    code, output = run(repo.root, capsys, "validate")
    assert code == 1
    assert f"{where}, more than the limit of 1,000; shorten the list" in output, output[:500]
    assert output.count(where.split(":")[0] + ":") == 1, output[:2000]


SITE_SETTINGS_WITH_LIST = "language: en\nname: [" + "1, " * 39_999 + "1]\n"
