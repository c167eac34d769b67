"""Loading and validation: every problem is reported at the file, line and field to fix."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT, ScratchRepo
from factdesk.boundary import OutsideBoundary, read_bytes
from factdesk.checkcache import CACHE_FOLDER
from factdesk.problems import FactcheckError
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.sources import sha256_of

TEXT = "BT applied for a licence in Shanghai. The ministry has not answered yet."


def problems_of(repo: ScratchRepo) -> list[str]:
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    return [str(p) for p in caught.value.problems]


def reported(problems: list[str], expected: str) -> bool:
    """Whether a problem matches `path:line:COLUMN: field: message…`, whatever the column."""
    path, line, _column, rest = expected.split(":", 3)
    for problem in problems:
        p_path, p_line, _p_column, p_rest = problem.split(":", 3)
        if (p_path, p_line) == (path, line) and p_rest.startswith(rest):
            return True
    return False


@pytest.fixture
def base(repo: ScratchRepo) -> ScratchRepo:
    repo.source("article", TEXT)
    repo.entity("bt", "BT")
    return repo


def test_the_projects_own_files_load_and_anchor(real_model):
    # A desk's files load without an error (warnings, such as a check in progress, are allowed).
    assert real_model.sources and real_model.claims and real_model.entities
    assert all(warning.severity == "warning" for warning in real_model.warnings)


def test_a_valid_claim_loads(base):
    base.claim("c1", "article", "BT applied for a licence", 0, 24, entities=["bt"])
    model = build_site(load_repository(base.root))
    assert model.claims["c1"].span.start == 0
    assert model.claims["c1"].verdict.label == "Accurate"


# Field lines in ScratchRepo.claim files: id 1, source 2, selector 3, claim 4, verdict 5,
# summary 6, notes 7, evidence 8, entities 9, reviewed 10, updated 11, reviewer 12.
@pytest.mark.parametrize("overrides, expected", [
    ({"verdict": "flase"}, "claims/article/c1.yml:5:1: verdict: unknown verdict 'flase'; use one of: accurate, mostly-accurate"),
    ({"source": "nowhere"}, "claims/article/c1.yml:2:1: source: unknown source 'nowhere'"),
    ({"entities": ["bt", "ghost"]}, "claims/article/c1.yml:9:1: entities[1]: unknown entity 'ghost'; add entities/ghost.yml"),
    ({"summary": None}, "claims/article/c1.yml:1:1: summary: required field is missing; add it"),
    ({"summary": 42}, "claims/article/c1.yml:6:1: summary: expected text, found a number (42)"),
    ({"entities": "bt"}, "claims/article/c1.yml:9:1: entities: expected a list, found text ('bt')"),
    ({"reviewed": "25/11/2026"}, "claims/article/c1.yml:10:1: reviewed: '25/11/2026' is not a date: use YYYY-MM-DD"),
    ({"reviewed": "2026-02-30"}, "claims/article/c1.yml:10:1: reviewed: '2026-02-30' is not a valid date"),
    ({"colour": "red"}, "claims/article/c1.yml:13:1: colour: unknown field; allowed fields are:"),
    ({"id": "Claim One"}, "claims/article/c1.yml:1:1: id: 'Claim One' is not a valid id"),
    ({"id": "c2"}, "claims/article/c1.yml:1:1: id: id 'c2' differs from the file name"),
    ({"evidence": []}, "claims/article/c1.yml:8:1: evidence: needs at least 1 item"),
    ({"evidence": None}, "claims/article/c1.yml:1:1: evidence: required field is missing"),
    ({"verdict": "unverifiable"}, "claims/article/c1.yml:1:1: searched: required field is missing"),
    ({"evidence": [{"url": "javascript:alert(1)", "title": "t", "publisher": "p", "date": "2016-01-01", "shows": "s"}]},
     "claims/article/c1.yml:8:1: evidence[0].url: 'javascript:alert(1)' is not a web address"),
    ({"selector": {"exact": "BT applied", "start": 5, "end": 2}}, "claims/article/c1.yml:3:1: selector.end: end (2) must be greater than start (5)"),
    ({"selector": {"exact": "BT applied", "start": 0}}, "claims/article/c1.yml:3:1: selector.end: required field is missing"),
])
def test_claim_problems_name_file_line_and_field(base, overrides, expected):
    base.claim("c1", "article", "BT applied for a licence", 0, 24, **overrides)
    problems = problems_of(base)
    assert reported(problems, expected), problems


def test_nested_fields_are_reported_at_their_own_line(base):
    base.write("claims/article/c1.yml", """\
id: c1
source: article
selector:
  exact: BT applied
  start: zero
  end: 10
claim: A claim.
verdict: accurate
summary: S.
notes: N.
evidence:
  - url: https://example.org/
    title: T
    publisher: P
    date: 2016-13-01
    shows: S.
entities: []
reviewed: 2026-11-25
updated: 2026-11-25
reviewer: Desk
""")
    problems = problems_of(base)
    assert "claims/article/c1.yml:5:3: selector.start: expected a whole number, found text ('zero')" in problems
    assert any(p.startswith("claims/article/c1.yml:15:5: evidence[0].date:") for p in problems), problems


def test_every_problem_of_the_run_is_reported(base):
    base.claim("c1", "article", "BT applied for a licence", 0, 24, verdict="nope")
    base.claim("c2", "article", "BT applied for a licence", 0, 24, source="ghost")
    base.write("entities/broken.yml", "id: broken\nname: [unclosed\n")
    problems = problems_of(base)
    assert any(p.startswith("claims/article/c1.yml:5:1: verdict:") for p in problems)
    assert any(p.startswith("claims/article/c2.yml:2:1: source:") for p in problems)
    assert any(p.startswith("entities/broken.yml:") and "YAML syntax" in p for p in problems)


@pytest.mark.parametrize("content, expected", [
    ("id: c1\nsource: [article\n", "claims/article/c1.yml:3:1: (file): YAML syntax:"),
    ("", "claims/article/c1.yml:1:1: (file): the file is empty"),
    ("# only a comment\n", "claims/article/c1.yml:1:1: (file): the file is empty"),
    ("- a list\n- not a mapping\n", "claims/article/c1.yml:1:1: (file): the file must hold a mapping"),
    ("id: c1\nid: c1\n", "claims/article/c1.yml:2:1: (file): duplicate key 'id'"),
    ("id: !!python/object/apply:os.system [echo hacked]\n", "claims/article/c1.yml:1:5: (file): YAML syntax: YAML tags such as"),
    ("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "claims/article/c1.yml:1:4: (file): YAML anchors and aliases (&name, *name) are not allowed"),
])
def test_unsafe_or_broken_yaml_is_refused_with_its_line(base, content, expected):
    base.write("claims/article/c1.yml", content)
    problems = problems_of(base)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_file_that_is_not_utf8_is_refused_at_the_bad_byte(base):
    base.write("claims/article/c1.yml", "id: c1\nclaim: caf\xe9\n".encode("latin-1"))
    problems = problems_of(base)
    assert any(p.startswith("claims/article/c1.yml:2:11: (file): the file is not UTF-8") for p in problems), problems


def test_byte_order_mark_and_crlf_line_endings_are_accepted(base):
    path = base.claim("c1", "article", "BT applied for a licence", 0, 24)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    model = build_site(load_repository(base.root))
    assert "c1" in model.claims


def test_duplicate_ids_across_files_are_refused(base):
    base.claim("c1", "article", "BT applied for a licence", 0, 24)
    base.write("claims/other/c1.yml", (base.root / "claims/article/c1.yml").read_text())
    problems = problems_of(base)
    assert any("duplicate id 'c1', already used by claims/article/c1.yml" in p for p in problems), problems


def test_a_claim_must_sit_in_its_sources_folder(base):
    base.claim("c1", "article", "BT applied for a licence", 0, 24)
    moved = base.root / "claims/wrong/c1.yml"
    moved.parent.mkdir()
    (base.root / "claims/article/c1.yml").rename(moved)
    problems = problems_of(base)
    assert any(p.startswith("claims/wrong/c1.yml:2:1: source:") and "move it to claims/article/" in p for p in problems)


def test_an_edited_source_text_is_refused_until_its_checksum_is_updated(base):
    (base.root / "sources/article.txt").write_text(TEXT.replace("BT", "B.T."), encoding="utf-8")
    problems = problems_of(base)
    assert any(p.startswith("sources/article.yml:4:1: sha256:") and "has changed" in p for p in problems), problems


def test_an_unknown_entity_in_related_is_reported(base):
    base.entity("cisco", "Cisco", related=["ghost"])
    problems = problems_of(base)
    assert reported(problems, "entities/cisco.yml:5:1: related[0]: unknown entity 'ghost'"), problems


def test_an_unverifiable_claim_needs_what_was_searched_instead_of_evidence(base):
    base.claim("c1", "article", "BT applied for a licence", 0, 24, verdict="unverifiable", evidence=None,
               searched=["Company filings for 2016", "News archives"])
    model = build_site(load_repository(base.root))
    assert model.claims["c1"].claim.searched == ("Company filings for 2016", "News archives")


def test_rating_scale_problems_are_reported(base):
    base.write("rating-scale.yml", "verdicts:\n  - id: true\n    label: True\n")
    problems = problems_of(base)
    assert any(p.startswith("rating-scale.yml:2:5: verdicts[0].id: expected text, found a true/false value") for p in problems), problems


def test_every_schema_is_a_valid_json_schema():
    import json

    from jsonschema import Draft202012Validator

    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


# --- Untrusted input through the command line: a message at the right line, exit 1, never a traceback. ---

def validate(repo: ScratchRepo, capsys, *arguments: str) -> tuple[int, str]:
    from factdesk import cli

    code = cli.main(["--root", str(repo.root), "validate", *arguments])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _claim_text(repo: ScratchRepo, replace_line: int, new_line: str) -> None:
    """Replace one line (1-based) of the valid claim c1."""
    path = repo.root / "claims/article/c1.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[replace_line - 1] = new_line
    path.write_text("\n".join(lines), encoding="utf-8")


def _symlink(repo: ScratchRepo, relative: str, target: Path) -> None:
    link = repo.root / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def _outside_secret(repo: ScratchRepo) -> Path:
    secret = repo.root.parent / "outside" / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    return secret


SECRET = "runner-secret-token-4f2a"
LONG = "x" * 5_001


def _entity_with_aliases(aliases: str, language_line: str = "") -> Callable[[ScratchRepo], None]:
    def apply(repo: ScratchRepo) -> None:
        repo.write("entities/acme.yml", f"id: acme\nname: Acme Corporation\ntype: organisation\ndescription: D.\naliases: {aliases}\n")
    return apply


def _line(n: int, text: str) -> Callable[[ScratchRepo], None]:
    return lambda repo: _claim_text(repo, n, text)


def _write(relative: str, content: str | bytes) -> Callable[[ScratchRepo], None]:
    return lambda repo: repo.write(relative, content) and None


def _source_yaml_with_text(text_bytes: bytes) -> Callable[[ScratchRepo], None]:
    def apply(repo: ScratchRepo) -> None:
        repo.write("sources/other.txt", text_bytes)
        repo.write("sources/other.yml", f"id: other\ntitle: Other\nlanguage: en\nsha256: {hashlib.sha256(text_bytes).hexdigest()}\n")
    return apply


def _table(columns: int, rows: int) -> str:
    """A Markdown table whose rows are one short word each: Markdown fills in the other cells."""
    return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "a\n" * rows + "\n"


C1 = "claims/article/c1.yml"
# (name, how to break the scratch repository, file reported, line, text of the message)
UNTRUSTED_INPUTS = [
    ("offset written as a decimal", _line(3, 'selector: {"exact": "BT applied", "start": 0.0, "end": 10}'), C1, 3,
     "selector.start: expected a whole number, found a number (0.0)"),
    ("offset written as true", _line(3, 'selector: {"exact": "BT applied", "start": true, "end": 10}'), C1, 3,
     "selector.start: expected a whole number, found a true/false value"),
    ("negative offset", _line(3, 'selector: {"exact": "BT applied", "start": -5, "end": 10}'), C1, 3,
     "selector.start: -5 is less than the minimum of 0"),
    ("rank written as a decimal", lambda repo: repo.write("rating-scale.yml", (repo.root / "rating-scale.yml").read_text().replace("rank: 4", "rank: 4.0", 1)) and None,
     "rating-scale.yml", 8, "verdicts[0].rank: expected a whole number or nothing (null), found a number (4.0)"),
    ("dangling symbolic link", lambda repo: _symlink(repo, "claims/article/c2.yml", repo.root / "nowhere.yml"),
     "claims/article/c2.yml", 1, "claims/article/c2.yml is reached through a symbolic link"),
    ("claim linked to a file outside", lambda repo: _symlink(repo, "claims/article/c2.yml", _outside_secret(repo)),
     "claims/article/c2.yml", 1, "claims/article/c2.yml is reached through a symbolic link"),
    ("claim linked to a file inside", lambda repo: _symlink(repo, "claims/article/c2.yml", repo.root / C1),
     "claims/article/c2.yml", 1, "is reached through a symbolic link; the site is built only from regular files"),
    ("claims folder linked outside", lambda repo: (_outside_secret(repo), _symlink(repo, "claims/linked", repo.root.parent / "outside"),
                                                   repo.write("../outside/x.yml", "id: x\n")) and None,
     "claims/linked/x.yml", 1, "(its folder claims/linked/ is a link)"),
    ("entity linked outside", lambda repo: _symlink(repo, "entities/leak.yml", _outside_secret(repo)),
     "entities/leak.yml", 1, "entities/leak.yml is reached through a symbolic link"),
    ("source metadata linked", lambda repo: _symlink(repo, "sources/leak.yml", repo.root / "sources/article.yml"),
     "sources/leak.yml", 1, "sources/leak.yml is reached through a symbolic link"),
    ("source text linked outside", lambda repo: (_source_yaml_with_text(f"{SECRET}\n".encode())(repo),
                                                 (repo.root / "sources/other.txt").unlink(),
                                                 _symlink(repo, "sources/other.txt", _outside_secret(repo))) and None,
     "sources/other.txt", 1, "sources/other.txt is reached through a symbolic link"),
    ("rating scale linked", lambda repo: ((repo.root / "rating-scale.yml").rename(repo.root / "scale-copy.yml"),
                                          _symlink(repo, "rating-scale.yml", repo.root / "scale-copy.yml")) and None,
     "rating-scale.yml", 1, "rating-scale.yml is reached through a symbolic link"),
    ("schema linked outside", lambda repo: ((repo.root / "schemas/claim.schema.json").unlink(),
                                            _symlink(repo, "schemas/claim.schema.json", _outside_secret(repo))) and None,
     C1, 1, "the schema schemas/claim.schema.json is reached through a symbolic link"),
    ("folder named like a claim", lambda repo: (repo.root / "claims/article/c2.yml").mkdir(), "claims/article/c2.yml", 1,
     "claims/article/c2.yml is a folder, not a file"),
    ("folder named like an entity", lambda repo: (repo.root / "entities/x.yml").mkdir(), "entities/x.yml", 1,
     "entities/x.yml is a folder, not a file"),
    ("rating scale missing", lambda repo: (repo.root / "rating-scale.yml").unlink(), "rating-scale.yml", 1,
     "rating-scale.yml is missing: it defines the verdicts"),
    ("rating scale is a folder", lambda repo: ((repo.root / "rating-scale.yml").unlink(), (repo.root / "rating-scale.yml").mkdir()) and None,
     "rating-scale.yml", 1, "rating-scale.yml is a folder, not a file"),
    ("schema that is not JSON", _write("schemas/claim.schema.json", "{not json"), C1, 1,
     "cannot be checked: the schema schemas/claim.schema.json cannot be used"),
    ("schema missing", lambda repo: (repo.root / "schemas/entity.schema.json").unlink(), "entities/bt.yml", 1,
     "the schema schemas/entity.schema.json is missing"),
    ("raw bell character", _line(6, "summary: bad \x07 bell"), C1, 6, "the control character U+0007 is not allowed in the file"),
    ("raw escape character", _line(12, "reviewer: Desk\x1b[31m"), C1, 12, "the control character U+001B is not allowed in the file"),
    ("raw NUL", _line(4, "claim: a\x00b"), C1, 4, "the control character U+0000 is not allowed in the file"),
    ("NUL written as a YAML escape", _line(6, r'summary: "a\0b"'), C1, 6, "summary: the text contains the control character U+0000"),
    ("escape written as a YAML escape", _line(7, r'notes: "\e[2J cleared"'), C1, 7, "notes: the text contains the control character U+001B"),
    ("bell written as a YAML escape", _line(4, r'claim: "ring \a"'), C1, 4, "claim: the text contains the control character U+0007"),
    ("C1 control as a YAML escape", _line(12, r'reviewer: "\x9b31m"'), C1, 12, "reviewer: the text contains the control character U+009B"),
    ("carriage return as a YAML escape", _line(6, r'summary: "a\rb"'), C1, 6, "summary: the text contains the control character U+000D"),
    ("control character in an evidence field", _line(8, r'evidence: [{"url": "https://e.org/", "title": "T\u0008", "publisher": "P", "date": "2016-01-01", "shows": "S"}]'),
     C1, 8, "evidence[0].title: the text contains the control character U+0008"),
    ("escape in a field name", lambda repo: _claim_text(repo, 13, '"colour\\e[31m": red'), C1, 13,
     "the field name contains the control character U+001B"),
    ("line break and annotation in a field name", lambda repo: _claim_text(repo, 13, '"x\\n::error file=README.md::forged": 1'), C1, 13,
     "the field name contains the control character U+000A"),
    ("unclosed double quote", _line(6, 'summary: "Summary.'), C1, 6, "the quoted text opened here"),
    ("unclosed single quote", _line(12, "reviewer: 'Desk"), C1, 12, "the quoted text opened here is never closed"),
    ("unclosed quote before another quoted field", lambda repo: (_claim_text(repo, 4, 'claim: "A claim.'), _claim_text(repo, 6, 'summary: "S."')) and None,
     C1, 4, "the quoted text opened here"),
    ("binary tag", _line(6, "summary: !!binary aGVsbG8="), C1, 6, "YAML tags such as '!!binary' are not allowed"),
    ("set tag", _line(9, "entities: !!set {bt}"), C1, 9, "YAML tags such as '!!set' are not allowed"),
    ("timestamp tag", _line(10, "reviewed: !!timestamp 2026-11-25"), C1, 10, "YAML tags such as '!!timestamp' are not allowed"),
    ("ordered-map tag", _line(9, "entities: !!omap [a: 1]"), C1, 9, "YAML tags such as '!!omap' are not allowed"),
    ("local tag", _line(5, "verdict: !accurate x"), C1, 5, "YAML tags such as '!accurate' are not allowed"),
    ("merge key", _line(13, "<<: {a: 1}"), C1, 13, "YAML merge keys (<<) are not allowed"),
    ("a list as a key", _line(13, "? [a, b]\n: x"), C1, 13, "keys must be plain words"),
    ("a number as a key", _line(13, "1: x"), C1, 13, "[1]: unknown field"),
    ("nesting too deep", _line(7, "notes: " + "[" * 40 + "]" * 40), C1, 7, "values are nested more than 32 levels deep"),
    ("libyaml's own nesting limit", _line(7, "notes: " + "[" * 2000 + "]" * 2000), C1, 7, "nested more than 32 levels deep"),
    ("file too large", lambda repo: repo.claim("c1", "article", "BT applied", 0, 10, notes="n" * 300_000), C1, 1,
     "claims/article/c1.yml is 300,"),
    ("source text too large", _source_yaml_with_text(b"word " * 500_000), "sources/other.txt", 1, "is 2,500,000 bytes, more than the limit"),
    ("summary too long", lambda repo: repo.claim("c1", "article", "BT applied", 0, 10, summary=LONG), C1, 6,
     "summary: is 5,001 characters long, more than the limit of 5,000"),
    ("quote too long", lambda repo: repo.claim("c1", "article", "BT applied", 0, 10, selector={"exact": LONG, "start": 0, "end": 10}), C1, 3,
     "selector.exact: is 5,001 characters long"),
    ("notes too long", lambda repo: repo.claim("c1", "article", "BT applied", 0, 10, notes="[" * 30_000), C1, 7,
     "notes: is 30,000 characters long, more than the limit of 10,000"),
    ("Markdown table too wide", lambda repo: repo.claim("c1", "article", "BT applied", 0, 10, notes=_table(21, 2)), C1, 7,
     "notes: a table has 21 columns, more than the limit of 20; split it"),
    # Short rows under a wide header: each is as many cells as the header has columns.
    ("Markdown table of filled-in cells", lambda repo: repo.claim("c1", "article", "BT applied", 0, 10, notes=_table(20, 100)), C1, 7,
     "notes: its tables have more than 2,000 cells"),
    ("Markdown tables in a source's about", lambda repo: repo.replace("sources/article.yml", "language:",
                                                                      f"about: {json.dumps(_table(10, 150) * 2)}\nlanguage:"),
     "sources/article.yml", 3, "about: its tables have more than 2,000 cells"),
    ("Markdown table in site.yml", _write("site.yml", f"name: Desk\nlanguage: en\npublisher:\n  name: Desk\nfunding: {json.dumps(_table(20, 120))}\n"),
     "site.yml", 5, "funding: its tables have more than 2,000 cells"),
    ("too many passages set aside", lambda repo: repo.replace("sources/article.yml", "language:", "not_checked: [" + ", ".join(
        ['{quote: "BT applied", reason: "Context."}'] * 201) + "]\nlanguage:"),
     "sources/article.yml", 3, "not_checked: has 201 items, more than the limit of 200; set aside neighbouring sentences together"),
    ("duplicate id reported at its line", lambda repo: repo.write("claims/other/c1.yml", (repo.root / C1).read_text()) and None,
     "claims/other/c1.yml", 1, "id: duplicate id 'c1', already used by claims/article/c1.yml"),
    ("empty alias", _entity_with_aliases('[""]'), "entities/acme.yml", 5, "aliases[0]: must not be empty"),
    ("null alias", _entity_with_aliases("[null]"), "entities/acme.yml", 5, "aliases[0]: expected text, found nothing (null)"),
    ("one-letter alias", _entity_with_aliases("[a]"), "entities/acme.yml", 5, "aliases[0]: the alias 'a' is shorter than 3 characters"),
    ("two-letter alias object", _entity_with_aliases("[{text: AC}]"), "entities/acme.yml", 5, "the alias 'AC' is shorter than 3 characters"),
    ("alias half-settled", _entity_with_aliases("[{text: AC, whole_word: true}]"), "entities/acme.yml", 5, "the alias 'AC' is shorter"),
    ("common English word as an alias", _entity_with_aliases("[Acme, The]"), "entities/acme.yml", 5,
     "aliases[1]: the alias 'The' is a common word in 'en'"),
    ("common French word as a French alias", _entity_with_aliases("[{text: pour, language: fr}]"), "entities/acme.yml", 5,
     "the alias 'pour' is a common word in 'fr'"),
    ("alias setting that is not true or false", _entity_with_aliases("[{text: AC, whole_word: 'yes', case_sensitive: true}]"),
     "entities/acme.yml", 5, "aliases[0].whole_word: expected true or false, found text ('yes')"),
    ("raw control character in a source text", _source_yaml_with_text(b"A text.\nWith an \x1b[2J escape.\n"), "sources/other.txt", 2,
     "the source text contains the control character U+001B"),
    ("NUL in a source text", _source_yaml_with_text(b"A\x00text."), "sources/other.txt", 1, "the source text contains the control character U+0000"),
    ("source text not UTF-8", _source_yaml_with_text("Line one.\nSoci\xe9t\xe9.\n".encode("latin-1")), "sources/other.txt", 2,
     "the source text is not UTF-8 (byte 0xe9"),
    ("UTF-16 claim file", _write("claims/article/c2.yml", "id: c2\n".encode("utf-16")), "claims/article/c2.yml", 1, "the file is not UTF-8 text (byte 0xff)"),
    ("UTF-16 without byte-order mark", _write("claims/article/c2.yml", "id: c2\n".encode("utf-16-le")), "claims/article/c2.yml", 1,
     "the control character U+0000 is not allowed"),
    ("Windows-1252 claim file", _write("claims/article/c2.yml", "id: c2\nclaim: \u201cquoted\u201d\n".encode("cp1252")), "claims/article/c2.yml", 2,
     "the file is not UTF-8 text (byte 0x93)"),
    ("a file holding only null", _write("claims/article/c2.yml", "~\n"), "claims/article/c2.yml", 1, "the file must hold a mapping"),
    ("a file holding only text", _write("claims/article/c2.yml", "just words\n"), "claims/article/c2.yml", 1, "the file must hold a mapping"),
    ("an empty mapping", _write("claims/article/c2.yml", "{}\n"), "claims/article/c2.yml", 1, "id: required field is missing"),
    ("encoded javascript: evidence address", _line(8, 'evidence: [{"url": "java&#115;cript:alert(1)", "title": "T", "publisher": "P", "date": "2016-01-01", "shows": "S"}]'),
     C1, 8, "is not a web address"),
    ("javascript: entity address", _entity_with_aliases("[Acme]\nurl: javascript:alert(1)"), "entities/acme.yml", 6, "url: 'javascript:alert(1)' is not a web address"),
    ("huge offsets", _line(3, 'selector: {"exact": "BT applied", "start": 100000000000000000000, "end": 100000000000000000010}'), C1, 3,
     "are beyond the end of the source text"),
]


@pytest.mark.parametrize("name, breakage, reported_file, line, fragment", UNTRUSTED_INPUTS, ids=[case[0] for case in UNTRUSTED_INPUTS])
def test_untrusted_input_is_a_message_at_its_line(base, capsys, name, breakage, reported_file, line, fragment):
    base.claim("c1", "article", "BT applied", 0, 10)
    breakage(base)
    code, output = validate(base, capsys)
    assert code == 1, output
    assert "Traceback" not in output and SECRET not in output
    rows = [row for row in output.splitlines()
            if row.startswith(f"{reported_file}:{line if line is not None else ''}") and fragment in row]
    assert rows, f"expected {reported_file}:{line}: …{fragment}… in:\n{output}"


@pytest.mark.parametrize("name, breakage, reported_file, line, fragment", UNTRUSTED_INPUTS, ids=[case[0] for case in UNTRUSTED_INPUTS])
def test_untrusted_input_gets_the_same_report_from_the_cache_as_from_a_clean_check(base, capsys, name, breakage,
                                                                                    reported_file, line, fragment):
    """What one run stored (problems or parsed data) is what the next run reports, to the column."""
    base.claim("c1", "article", "BT applied", 0, 10)
    breakage(base)
    first = validate(base, capsys)
    assert (base.root / CACHE_FOLDER).is_dir(), "the first run stores what it checked"
    assert validate(base, capsys) == first
    shutil.rmtree(base.root / CACHE_FOLDER)
    assert validate(base, capsys) == first


def test_at_least_eighty_kinds_of_bad_input_are_covered():
    from test_cli import BAD_INPUTS

    kinds = {case[0] for case in UNTRUSTED_INPUTS} | {case[0] for case in BAD_INPUTS}
    assert len(kinds) >= 80


def test_an_empty_alias_is_one_error_not_one_per_claim(base, capsys):
    base.write("entities/acme.yml", 'id: acme\nname: Acme Corporation\ntype: organisation\ndescription: D.\naliases: [""]\nrelated: [bt]\n')
    base.entity("other", "Other", related=["acme"])
    for number in range(1, 6):
        base.claim(f"c{number}", "article", "BT applied", 0, 10, entities=["acme"], claimant="acme")
    code, output = validate(base, capsys)
    assert code == 1
    assert [row for row in output.splitlines() if row.count(":") >= 3 and not row.startswith("site.yml")] == [
        "entities/acme.yml:5:11: aliases[0]: must not be empty"]


def test_a_short_alias_with_explicit_settings_is_linked_only_as_said(base):
    base.write("sources/article.txt", "AC won. The ac unit and ACE stayed; AC lost.")
    base.write("sources/article.yml", f"id: article\ntitle: T\nlanguage: en\nsha256: {sha256_of('AC won. The ac unit and ACE stayed; AC lost.')}\n")
    base.write("entities/acme.yml", "id: acme\nname: Acme Corporation\ntype: organisation\ndescription: D.\n"
                                    "aliases: [{text: AC, whole_word: true, case_sensitive: true}]\n")
    model = build_site(load_repository(base.root))
    found = [(m.span.start, m.span.end) for m in model.mentions["article"] if m.entity_id == "acme"]
    assert found == [(0, 2), (36, 38)]


def test_alias_settings_can_widen_matching(base):
    text = "Acmeco and ACMECO and acmeco-like."
    base.write("sources/article.txt", text)
    base.write("sources/article.yml", f"id: article\ntitle: T\nlanguage: en\nsha256: {sha256_of(text)}\n")
    base.write("entities/acme.yml", "id: acme\nname: Acme Corporation\ntype: organisation\ndescription: D.\n"
                                    "aliases: [{text: acmeco, whole_word: false, case_sensitive: false}]\n")
    model = build_site(load_repository(base.root))
    assert [text[m.span.start:m.span.end] for m in model.mentions["article"]] == ["Acmeco", "ACMECO", "acmeco"]


def test_a_missing_schema_field_is_reported_once(base, capsys):
    base.write("claims/article/c2.yml", "{}\n")
    code, output = validate(base, capsys)
    assert output.count("claims/article/c2.yml:1:1: summary: required field is missing") == 1


@pytest.mark.parametrize("arguments, message", [
    (["validate", "/etc/passwd"], "/etc/passwd: outside the repository"),
    (["validate", "../../../../../../../../etc/passwd"], "outside the repository"),
])
def test_files_outside_the_repository_are_a_usage_error(base, capsys, arguments, message):
    from factdesk import cli

    code = cli.main(["--root", str(base.root), *arguments])
    error = capsys.readouterr().err
    assert code == 2 and message in error and "Traceback" not in error


def test_a_root_that_does_not_exist_is_a_usage_error(tmp_path, capsys):
    from factdesk import cli

    code = cli.main(["--root", str(tmp_path / "nonexistent"), "validate"])
    error = capsys.readouterr().err
    assert code == 2 and "is not a folder" in error


def test_a_symlinked_file_is_never_read_nor_published(base, tmp_path):
    secret = _outside_secret(base)
    (base.root / "sources/article.txt").unlink()
    _symlink(base, "sources/article.txt", secret)
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(base.root))
    assert SECRET not in caught.value.report()
    assert "sources/article.txt is reached through a symbolic link" in caught.value.report()


def test_an_ambiguous_quote_names_a_bounded_number_of_places(repo: ScratchRepo):
    """A one-letter quote in a long text: the message stays one readable line, not 50,000 offsets."""
    from factdesk.site import MAX_PLACES_LISTED

    text = "a " * 50_000
    repo.source("s", text)
    repo.claim("c1", "s", "a", 1, 2)  # equally far from the occurrences at 0 and 2
    problems = problems_of(repo)
    assert len(problems) == 1 and problems[0].startswith("claims/s/c1.yml:3:")
    assert "the quote occurs 50000 times" in problems[0]
    assert problems[0].count("–") == MAX_PLACES_LISTED and f"and {50_000 - MAX_PLACES_LISTED} more" in problems[0]


# --- The boundary: what is read is a regular file inside the repository, reached without links. ---

def test_a_named_pipe_named_like_a_claim_is_refused_without_waiting_for_a_writer(base, capsys):
    base.claim("c1", "article", "BT applied", 0, 10)
    os.mkfifo(base.root / "claims/article/c2.yml")
    code, output = validate(base, capsys)
    assert code == 1
    assert "claims/article/c2.yml:1:1: (file): claims/article/c2.yml is not a regular file" in output


def test_a_claims_folder_linked_to_another_folder_of_the_repository_is_refused(base, capsys):
    base.claim("c1", "article", "BT applied", 0, 10)
    (base.root / "claims/copy").symlink_to(base.root / "claims/article", target_is_directory=True)
    code, output = validate(base, capsys)
    assert code == 1
    assert "claims/copy/c1.yml:1:1: (file): claims/copy/c1.yml is reached through a symbolic link " \
           "(its folder claims/copy/ is a link)" in output


def test_a_repository_opened_through_a_link_is_read_and_its_links_still_refused(base, tmp_path, capsys):
    from factdesk import cli

    base.claim("c1", "article", "BT applied", 0, 10)
    (tmp_path / "desk").symlink_to(base.root, target_is_directory=True)

    def through_the_link() -> tuple[int, str]:
        code = cli.main(["--root", str(tmp_path / "desk"), "validate"])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    assert through_the_link() == validate(base, capsys)
    assert "claims/article/c1.yml" not in through_the_link()[1]
    _symlink(base, "claims/article/c2.yml", _outside_secret(base))
    code, output = through_the_link()
    assert code == 1 and (code, output) == validate(base, capsys)
    assert "claims/article/c2.yml is reached through a symbolic link" in output and SECRET not in output


@pytest.mark.parametrize("relative", ["claims/../../outside/secret.txt", "claims/article/../../../outside/secret.txt",
                                      "sources/../sources/article.txt"])
def test_a_path_that_climbs_with_dots_is_not_read(base, relative):
    _outside_secret(base)
    with pytest.raises(OutsideBoundary, match="outside the repository"):
        read_bytes(base.root / relative, base.root, 1_000_000)


def test_a_link_put_in_place_after_the_check_is_not_followed(base, monkeypatch):
    """Between the check and the opening, a file can be swapped for a link: the opening refuses it."""
    from factdesk import boundary

    _symlink(base, "claims/article/c2.yml", _outside_secret(base))
    monkeypatch.setattr(boundary, "check_readable", lambda *arguments: None)
    with pytest.raises(OSError):
        boundary.read_bytes(base.root / "claims/article/c2.yml", base.root, 1_000_000)


def test_a_file_over_the_limit_is_refused_before_it_is_read(base):
    big = base.write("claims/article/big.yml", b"x" * 2_000)
    with pytest.raises(OutsideBoundary, match="is 2,000 bytes, more than the limit of 1,999"):
        read_bytes(big, base.root, 1_999)
    assert read_bytes(big, base.root, 2_000) == b"x" * 2_000
