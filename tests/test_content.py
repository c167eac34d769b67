"""The desk's standards: checked on small fixture repositories, then held by whatever content this repository has."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ScratchRepo
from desks import NORTHWIND_BRIEF, Desk
from factdesk.cli import main
from factdesk.coverage import source_coverage
from factdesk.problems import FactcheckError, errors
from factdesk.publishing import load_site_info
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.standards import standards_problems


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


# --- The content of every desk (tests/desks.py) ---------------------------------------------------------

@pytest.fixture(scope="module")
def model(real_model):
    return real_model


def test_the_content_meets_every_standard(real_desk: Desk, model):
    info, _ = load_site_info(real_desk.root, {})
    problems = standards_problems(model, info.language if info else "en")
    assert [str(p) for p in errors(problems)] == []


def test_every_source_declared_complete_is_covered_sentence_by_sentence(model):
    for source_id, source in model.sources.items():
        if source.assessment is not None:
            coverage = source_coverage(model, source_id, listed=5)
            assert [s.text for s in coverage.listed] == [] and coverage.uncovered == 0, source_id
            assert model.repository.scale.get(source.assessment.verdict) is not None


def test_every_verdict_rests_on_evidence_or_says_what_was_searched(model):
    for item in model.claims.values():
        if item.verdict.rank is not None:
            assert item.claim.evidence, item.id
            assert all(e.url.startswith(("http://", "https://")) for e in item.claim.evidence)
        else:
            assert len(item.claim.searched) >= 2, item.id


def test_every_yaml_file_names_its_schema_for_editor_completion(real_desk: Desk):
    root = real_desk.root
    files = [root / "rating-scale.yml", root / "site.yml", *sorted((root / "sources").glob("*.yml")),
             *sorted((root / "entities").glob("*.yml")), *sorted((root / "claims").glob("*/*.yml"))]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert schema.exists() and schema.parent == root / "schemas", path


# --- A fork: sources added as CONTRIBUTING.md says pass validation, with the warnings it promises ----------

def test_a_fork_with_sources_of_its_own_validates_with_a_warning_for_each_check_in_progress(fork_desk: Desk):
    model = build_site(load_repository(fork_desk.root))
    # The repeated sentence is claimed at its second occurrence, told apart by its offsets.
    assert model.claims["northwind-lyon-2015"].span.start == NORTHWIND_BRIEF.index("Northwind Telecom opened", 1)
    env = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "REPO_URL")}
    validate = subprocess.run([sys.executable, "-m", "factdesk", "validate"], cwd=fork_desk.root, env=env,
                              capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    # The first sentence is neither claimed nor set aside: a warning while the brief has no assessment.
    assert re.search(r"^sources/northwind-brief\.yml:\d+:\d+: warning: not_checked: no claim covers the sentence "
                     r"'Northwind Telecom opened an office in Lyon in 2015\.' \(sources/northwind-brief\.txt, "
                     r"characters 0–51\)", validate.stdout, re.M), validate.stdout
    assert re.search(r"^sources/brief\.yml:\d+:\d+: warning: not_checked: no claim covers the sentence "
                     r"'Personne ne sait encore pourquoi\.'", validate.stdout, re.M), validate.stdout
