"""Loading and validation: every problem is reported at the file, line and field to fix."""

from __future__ import annotations

import pytest

from conftest import ROOT, ScratchRepo
from factcheck.problems import FactcheckError
from factcheck.repository import load_repository
from factcheck.site import build_site

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


def test_the_projects_own_files_load_and_anchor():
    model = build_site(load_repository(ROOT))
    assert model.sources and model.claims and model.entities
    assert model.warnings == []


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
