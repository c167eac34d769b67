"""The desk's standards: checked on small fixture repositories, then held by whatever content this repository has."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, ScratchRepo
from factcheck.cli import main
from factcheck.coverage import source_coverage
from factcheck.problems import FactcheckError, errors
from factcheck.publishing import load_site_info
from factcheck.repository import load_repository
from factcheck.site import build_site
from factcheck.sources import sha256_of
from factcheck.standards import standards_problems


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in standards_problems(build_site(load_repository(root)))]


# --- The standards, on fixture repositories ------------------------------------------------

FRENCH = "BT a demandé une licence VPN en Chine. Le groupe emploie 100 000 personnes."


def test_a_quote_in_another_language_needs_a_translation(repo: ScratchRepo):
    repo.source("fr", FRENCH, language="fr")
    quote = "BT a demandé une licence VPN en Chine."
    repo.claim("asked", "fr", quote, 0, len(quote))
    repo.claim("short", "fr", "100 000 personnes", FRENCH.index("100"), FRENCH.index("100") + 17)
    # A claim file has one field a line; `translation` is absent, so the problem is at the file's start.
    assert problems_of(repo.root) == [
        "claims/fr/asked.yml:1:1: translation: the quote is in 'fr': add `translation`, the quote in 'en', "
        "for readers who do not read it"]
    repo.claim("asked", "fr", quote, 0, len(quote), translation="BT applied for a VPN licence in China.")
    assert problems_of(repo.root) == []


def test_an_unverifiable_verdict_lists_at_least_two_searches(repo: ScratchRepo):
    text = "The office opened in 2015."
    repo.source("s", text)
    repo.claim("opened", "s", text[:-1], 0, len(text) - 1, verdict="unverifiable", evidence=None,
               searched=["The company's site, for 'office 2015'"])
    assert problems_of(repo.root) == [
        "claims/s/opened.yml:12:1: searched: a verdict of 'Unverifiable' needs at least 2 searches listed here: "
        "what was searched for, and where"]
    repo.claim("opened", "s", text[:-1], 0, len(text) - 1, verdict="unverifiable", evidence=None,
               searched=["The company's site, for 'office 2015'", "News archives, 2015–2016"])
    assert problems_of(repo.root) == []


def test_an_uncovered_sentence_is_an_error_once_the_check_is_declared_complete(repo: ScratchRepo):
    text = "First sentence here. Second sentence here."
    repo.source("s", text)
    repo.claim("first", "s", "First sentence", 0, 14)
    [warning] = standards_problems(build_site(load_repository(repo.root)))
    assert warning.severity == "warning"
    assert str(warning).startswith("sources/s.yml:1:1: warning: not_checked: no claim covers the sentence "
                                   "'Second sentence here.' (sources/s.txt, characters 21–42)")
    repo.source("s", text, assessment={"verdict": "accurate", "summary": "Right."})
    [error] = standards_problems(build_site(load_repository(repo.root)))
    assert error.severity == "error" and str(error).startswith("sources/s.yml:5:1: assessment: no claim covers")
    repo.source("s", text, assessment={"verdict": "accurate", "summary": "Right."},
                not_checked=[{"quote": "Second sentence here.", "reason": "A greeting, not a statement of fact."}])
    assert problems_of(repo.root) == []


def test_a_stale_exclusion_is_an_error(repo: ScratchRepo):
    repo.source("s", "One sentence. Another one.", not_checked=[{"quote": "Not in the text.", "reason": "Because."}])
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    assert "sources/s.yml:5:" in str(caught.value.problems[0])
    assert "not_checked[0].quote: this passage is not in the source text" in str(caught.value.problems[0])


def test_an_entity_no_source_names_and_no_claim_concerns_is_an_error(repo: ScratchRepo):
    repo.source("s", "Acme opened. Nothing else.", not_checked=[{"quote": "Nothing else.", "reason": "No fact."}])
    repo.claim("opened", "s", "Acme opened", 0, 11)
    repo.entity("acme", "Acme")
    repo.entity("orphan", "Orphan Ltd")
    assert problems_of(repo.root) == [
        "entities/orphan.yml:1:1: aliases: no source names this entity and no claim is about it or made by it; "
        "add the names the sources use to `aliases`, or remove the file"]


def test_validate_reports_the_standards_with_file_and_line(repo: ScratchRepo, capsys):
    repo.source("fr", FRENCH, language="fr")
    repo.claim("asked", "fr", "BT a demandé une licence VPN en Chine.", 0, 38)
    repo.write("site.yml", "name: Desk\nlanguage: en\npublisher:\n  name: Desk\n")
    assert main(["--root", str(repo.root), "validate"]) == 1
    output = capsys.readouterr().out
    assert "claims/fr/asked.yml:1:1: translation: the quote is in 'fr'" in output
    assert "sources/fr.yml:1:1: warning: not_checked: no claim covers the sentence 'Le groupe emploie 100 000 personnes.'" in output


# --- The content of this repository -----------------------------------------------------------

@pytest.fixture(scope="module")
def model():
    return build_site(load_repository(ROOT))


def test_the_content_meets_every_standard(model):
    info, _ = load_site_info(ROOT, {})
    problems = standards_problems(model, info.language if info else "en")
    assert [str(p) for p in errors(problems)] == []


def test_every_source_declared_complete_is_covered_sentence_by_sentence(model):
    for source_id, source in model.sources.items():
        if source.assessment is not None:
            coverage = source_coverage(model, source_id)
            assert [s.text for s in coverage.uncovered] == [], source_id
            assert model.repository.scale.get(source.assessment.verdict) is not None


def test_every_verdict_rests_on_evidence_or_says_what_was_searched(model):
    for item in model.claims.values():
        if item.verdict.rank is not None:
            assert item.claim.evidence, item.id
            assert all(e.url.startswith(("http://", "https://")) for e in item.claim.evidence)


def test_every_yaml_file_names_its_schema_for_editor_completion():
    files = [ROOT / "rating-scale.yml", ROOT / "site.yml", *sorted((ROOT / "sources").glob("*.yml")),
             *sorted((ROOT / "entities").glob("*.yml")), *sorted((ROOT / "claims").glob("*/*.yml"))]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert schema.exists() and schema.parent == ROOT / "schemas", path


# --- A second source, added as CONTRIBUTING.md says, passes make test's checks ----------------

BRIEF = (
    "Northwind Telecom opened an office in Lyon in 2015. The office employs 40 people.\n\n"
    "Northwind Telecom opened an office in Lyon in 2015. Its chief executive called the office a success.\n"
)


def add_brief(project: Path) -> None:
    """A short brief in English, not a translation, not yet assessed, with one sentence twice, and three claims."""
    (project / "sources/northwind-brief.txt").write_bytes(BRIEF.encode("utf-8"))
    (project / "sources/northwind-brief.yml").write_text(
        "# yaml-language-server: $schema=../schemas/source.schema.json\n"
        "id: northwind-brief\ntitle: Northwind opens in Lyon\nlanguage: en\npublisher: Lyon Business Brief\n"
        "published: 2016-03-01\n"
        f"sha256: {sha256_of(BRIEF)}\n", encoding="utf-8")
    (project / "entities/northwind-telecom.yml").write_text(
        "# yaml-language-server: $schema=../schemas/entity.schema.json\n"
        "id: northwind-telecom\nname: Northwind Telecom\ntype: organisation\n"
        "description: A telecoms company named in the Lyon brief.\naliases: [Northwind]\n", encoding="utf-8")
    repeated = "Northwind Telecom opened an office in Lyon in 2015."
    second = BRIEF.index(repeated, 1)
    quotes = {
        # The repeated sentence: its second occurrence, told apart by its offsets.
        "northwind-lyon-2015": (repeated, second, "accurate", None),
        "northwind-lyon-staff": ("The office employs 40 people.", None, "mostly-accurate", None),
        "northwind-lyon-success": ("called the office a success", None, "unverifiable",
                                   ["Northwind's press releases for 2015 and 2016, for 'Lyon'",
                                    "French business press archives, 2015–2016, for 'Northwind Lyon'"]),
    }
    for claim_id, (quote, start, verdict, searched) in quotes.items():
        start = BRIEF.index(quote) if start is None else start
        fields = {
            "id": claim_id, "source": "northwind-brief",
            "selector": {"exact": quote, "start": start, "end": start + len(quote)},
            "claim": f"The brief's statement: {quote}", "verdict": verdict, "summary": "Checked.",
            "notes": "Reasoning in the notes.", "entities": ["northwind-telecom"],
            "reviewed": "2026-11-25", "updated": "2026-11-25", "reviewer": "Desk",
        }
        if searched:
            fields["searched"] = searched
        else:
            fields["evidence"] = [{"url": "https://registry.test/northwind", "title": "Northwind's filing",
                                   "publisher": "Company registry", "date": "2016-01-10", "shows": "The office and its staff."}]
        folder = project / "claims/northwind-brief"
        folder.mkdir(exist_ok=True)
        (folder / f"{claim_id}.yml").write_text(
            "# yaml-language-server: $schema=../../schemas/claim.schema.json\n"
            + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items()), encoding="utf-8")


def test_a_second_source_passes_the_checks_of_make_test_with_no_test_edited(project_copy: Path):
    add_brief(project_copy)
    model = build_site(load_repository(project_copy))
    assert model.claims["northwind-lyon-2015"].span.start == BRIEF.index("Northwind Telecom opened", 1)
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "REPO_URL")}
    validate = subprocess.run([sys.executable, "-m", "factcheck", "validate"], cwd=project_copy, env=env,
                              capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    # The first sentence is neither claimed nor set aside: a warning while the brief has no assessment.
    assert "sources/northwind-brief.yml:2:1: warning: not_checked: no claim covers the sentence 'Northwind Telecom opened an office in Lyon in 2015.' (sources/northwind-brief.txt, characters 0–51)" in validate.stdout
    # The content, build, rendering and structured-data tests, run on the copy as `make test` runs them.
    tests = ["tests/test_content.py", "tests/test_build.py", "tests/test_rendering.py", "tests/test_structured_data.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests,
         "-k", "not second_source and not make_site and not mkdocs_alone"],
        cwd=project_copy, env={**env, "PYTHONPATH": str(project_copy / "hooks")}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
