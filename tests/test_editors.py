"""Editors' workflow on fixture repositories: adding sources, finding quotes, scaffolding, re-anchoring,
and files that would otherwise disappear in silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ScratchRepo
from factdesk.cli import main
from factdesk.problems import FactcheckError
from factdesk.repository import load_repository
from factdesk.sources import sha256_of

SITE = "name: Desk\nlanguage: en\npublisher:\n  name: Desk\n"


def run(repo: ScratchRepo, capsys, *args: str) -> tuple[int, str]:
    code = main(["--root", str(repo.root), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def problems(repo: ScratchRepo) -> list[str]:
    with pytest.raises(FactcheckError) as caught:
        load_repository(repo.root)
    return [str(p) for p in caught.value.problems]


@pytest.fixture
def desk(repo: ScratchRepo) -> ScratchRepo:
    repo.write("site.yml", SITE)
    return repo


# --- Nothing disappears in silence ---------------------------------------------------------

@pytest.mark.parametrize("kind", ["claim", "entity", "source"])
def test_a_reserved_id_is_refused_at_its_line(desk: ScratchRepo, kind: str):
    desk.source("s", "Acme opened an office.")
    if kind == "claim":
        desk.claim("index", "s", "Acme opened", 0, 11)
        expected = "claims/s/index.yml:1:1: id: 'index' is reserved"
    elif kind == "entity":
        desk.entity("index", "Acme")
        expected = "entities/index.yml:1:1: id: 'index' is reserved"
    else:
        desk.source("index", "Another text.")
        expected = "sources/index.yml:1:1: id: 'index' is reserved"
    found = problems(desk)
    assert any(p.startswith(expected) and "the folder's index page has that address; choose another id" in p
               for p in found), found


@pytest.mark.parametrize("path, message", [
    ("claims/s/late.yaml", "claims/s/late.yaml:1:1: (file): this file is not read: claims live in "
                           "claims/<source id>/<claim id>.yml; rename it to late.yml"),
    ("claims/s/drafts/late.yml", "claims/s/drafts/late.yml:1:1: (file): this file is not read: claims live in "
                                 "claims/<source id>/<claim id>.yml; move it up to claims/s/late.yml"),
    ("claims/late.yml", "claims/late.yml:1:1: (file): this file is not read: claims live in "
                        "claims/<source id>/<claim id>.yml; move it into its source's folder"),
    ("entities/acme.yaml", "entities/acme.yaml:1:1: (file): this file is not read: entities live in "
                           "entities/<entity id>.yml; rename it to acme.yml"),
    ("entities/people/ada.yml", "entities/people/ada.yml:1:1: (file): this file is not read: entities live in "
                                "entities/<entity id>.yml; move it to entities/ada.yml"),
    ("sources/notes.md", "sources/notes.md:1:1: (file): this file is not read: a source is sources/<id>.txt "
                         "(its text) with sources/<id>.yml (its metadata)"),
    ("sources/orphan.txt", "sources/orphan.txt:1:1: (file): this file is not read: a source text needs its metadata "
                           "beside it, in sources/orphan.yml (`factcheck new-source` writes both)"),
])
def test_a_file_the_loader_would_not_read_is_an_error_saying_where_it_belongs(desk: ScratchRepo, path: str, message: str):
    desk.source("s", "Acme opened an office.")
    desk.claim("opened", "s", "Acme opened", 0, 11)
    desk.write(path, "id: late\n")
    assert problems(desk) == [message]


def test_hidden_files_are_left_alone(desk: ScratchRepo):
    desk.source("s", "Acme opened an office.")
    desk.write("claims/.gitkeep", "")
    desk.write("entities/.acme.yml.swp", "")
    assert load_repository(desk.root).sources


def test_validate_refuses_a_path_that_does_not_exist_or_lies_outside(desk: ScratchRepo, capsys, tmp_path: Path):
    desk.source("s", "Acme opened an office.")
    code, output = run(desk, capsys, "validate", str(desk.root / "claims/s/nothing.yml"))
    assert code == 2 and "nothing.yml: no such file; name a file of the repository, or none to check everything" in output
    outside = tmp_path / "elsewhere.yml"
    outside.write_text("id: x\n")
    code, output = run(desk, capsys, "validate", str(outside))
    assert code == 2 and f"{outside}: outside the repository {desk.root}" in output


def test_a_claim_id_used_in_two_sources_is_one_clear_error(desk: ScratchRepo):
    desk.source("a", "Acme opened an office.")
    desk.source("b", "Acme opened a shop.")
    desk.claim("opened", "a", "Acme opened", 0, 11)
    desk.claim("opened", "b", "Acme opened", 0, 11)
    assert problems(desk) == [
        "claims/b/opened.yml:1:1: id: duplicate id 'opened', already used by claims/a/opened.yml; ids are one space "
        "across every source: choose another, and rename the file to match"]


# --- Field errors name the field -------------------------------------------------------------

def test_a_misspelt_unverifiable_verdict_is_named_at_its_line(desk: ScratchRepo):
    desk.source("s", "Acme opened an office.")
    desk.claim("opened", "s", "Acme opened", 0, 11, verdict="unverifable", evidence=None, searched=["a", "b"])
    assert problems(desk) == [
        "claims/s/opened.yml:5:1: verdict: 'unverifable' is not 'unverifiable', so the claim needs `evidence`; the claim "
        "lists what was `searched`, so if you meant 'unverifiable', correct the verdict"]


def test_a_changed_source_text_names_the_command_that_accepts_it(desk: ScratchRepo):
    desk.source("s", "Acme opened an office.")
    (desk.root / "sources/s.txt").write_text("Acme opened two offices.", encoding="utf-8")
    [found] = problems(desk)
    assert found.startswith("sources/s.yml:4:1: sha256: sources/s.txt has changed")
    assert "run `factcheck reanchor --source s`" in found


# --- Adding a source, finding quotes, scaffolding --------------------------------------------

def test_new_source_copies_the_text_byte_for_byte_and_writes_its_metadata(desk: ScratchRepo, capsys, tmp_path: Path):
    raw = "Première ligne.\r\nDeuxième\u00a0ligne, sans fin de ligne".encode("utf-8")
    given = tmp_path / "Brève du jour.txt"
    given.write_bytes(raw)
    code, output = run(desk, capsys, "new-source", str(given))
    assert code == 0, output
    assert (desk.root / "sources/breve-du-jour.txt").read_bytes() == raw
    meta = (desk.root / "sources/breve-du-jour.yml").read_text(encoding="utf-8")
    assert meta.startswith("# yaml-language-server: $schema=../schemas/source.schema.json\nid: breve-du-jour\n")
    assert f"sha256: {sha256_of(raw.decode('utf-8'))}\n" in meta
    code, output = run(desk, capsys, "validate")
    assert code == 1 and "sources/breve-du-jour.yml:3:1: title: still holds the placeholder text" in output
    assert "sha256" not in output
    code, output = run(desk, capsys, "new-source", str(given))
    assert code == 1 and "sources/breve-du-jour.txt already exists; choose another --id" in output


def test_new_source_never_writes_through_a_link(desk: ScratchRepo, capsys, tmp_path: Path):
    given = tmp_path / "brief.txt"
    given.write_text("A brief.", encoding="utf-8")
    target = tmp_path / "outside.txt"
    (desk.root / "sources/brief.txt").symlink_to(target)
    code, output = run(desk, capsys, "new-source", str(given))
    assert code == 1 and "sources/brief.txt already exists" in output
    assert not target.exists()


def test_new_source_refuses_text_that_is_not_utf8(desk: ScratchRepo, capsys, tmp_path: Path):
    given = tmp_path / "latin.txt"
    given.write_bytes("Société".encode("latin-1"))
    code, output = run(desk, capsys, "new-source", str(given), "--id", "latin")
    assert code == 1 and "is not UTF-8 text (byte 4)" in output
    assert not (desk.root / "sources/latin.txt").exists()


REPEATED = "BT a réalisé l’acquisition de EE. Plus tard, BT a réalisé l’acquisition de EE, puis d’autres."


def test_locate_reports_passages_differing_only_by_their_end_punctuation(desk: ScratchRepo, capsys):
    desk.source("s", REPEATED, language="fr")
    code, output = run(desk, capsys, "locate", "s", "BT a réalisé l’acquisition de EE.")
    assert code == 0
    assert "1 occurrence(s)" in output and "0–33" in output
    assert "Also 1 passage(s) that differ only by the punctuation or spaces at the quote's ends" in output
    second = REPEATED.index("BT a", 5)
    assert f"{second}–{second + 32}" in output and "[BT a réalisé l’acquisition de EE], puis" in output


def test_new_is_not_blocked_by_another_claim_still_being_written(desk: ScratchRepo, capsys):
    desk.source("s", REPEATED, language="fr")
    desk.claim("draft", "s", "Plus tard", REPEATED.index("Plus"), REPEATED.index("Plus") + 9, summary="TODO: later")
    code, output = run(desk, capsys, "new", "s", "puis d’autres", "--id", "others", "--today", "2026-11-25")
    assert code == 0, output
    assert (desk.root / "claims/s/others.yml").exists()
    code, output = run(desk, capsys, "new", "s", "Plus tard", "--id", "draft")
    assert code == 1 and "already used by claims/s/draft.yml" in output


def test_reanchor_reports_broken_set_aside_passages_and_keeps_final_newlines(desk: ScratchRepo, capsys):
    text = "Acme opened an office. Share this article. Acme hired staff."
    desk.source("s", text)
    meta = desk.root / "sources/s.yml"
    # Block style, as editors write it, ending with the sha256 line and its newline.
    meta.write_text("id: s\ntitle: Acme\nlanguage: en\nnot_checked:\n  - quote: Share this article.\n"
                    f"    reason: A page artefact, not a statement.\nsha256: {sha256_of(text)}\n", encoding="utf-8")
    start = text.index("Acme hired")
    desk.write("claims/s/hired.yml", desk.claim("hired", "s", "Acme hired staff", start, start + 16).read_text().replace(
        f'selector: {{"exact": "Acme hired staff", "start": {start}, "end": {start + 16}}}',
        f"selector:\n  exact: Acme hired staff\n  start: {start}\n  end: {start + 16}"))
    corrected = "Acme opened an office. Acme hired staff."
    (desk.root / "sources/s.txt").write_text(corrected, encoding="utf-8")
    code, output = run(desk, capsys, "reanchor", "--source", "s")
    assert code == 1, output
    assert "sources/s.yml:5:5: not_checked[0].quote: this passage is no longer in the corrected text" in output
    assert "claims/s/hired.yml: moved to 23–39" in output
    assert meta.read_text().endswith(f"sha256: {sha256_of(corrected)}\n")
    assert (desk.root / "claims/s/hired.yml").read_text().endswith("reviewer: \"Desk\"\n")
