"""The fact-check itself: every checkable sentence covered, every verdict backed."""

from __future__ import annotations

import pytest

from conftest import ROOT, ScratchRepo
from factcheck.coverage import sentences, source_coverage
from factcheck.problems import FactcheckError
from factcheck.repository import load_repository
from factcheck.site import build_site


@pytest.fixture(scope="module")
def model():
    return build_site(load_repository(ROOT))


def test_every_checkable_sentence_is_covered_by_a_claim(model):
    for source_id in model.sources:
        coverage = source_coverage(model, source_id)
        uncovered = [s.text for s in coverage.uncovered]
        assert uncovered == [], f"{source_id}: sentences with no claim and no reason to leave them out: {uncovered}"
        assert coverage.ratio == 1.0


def test_sentences_left_out_are_few_and_each_has_a_reason(model):
    source = model.sources["bt-vpn-chine"]
    coverage = source_coverage(model, "bt-vpn-chine")
    assert [s.text for s in coverage.excluded][0] == "13"
    assert len(coverage.excluded) <= len(sentences(source.text)) // 4
    assert all(len(item.reason) > 30 for item in source.not_checked)


def test_a_stale_exclusion_is_an_error(repo: ScratchRepo):
    repo.source("s", "One sentence. Another one.", not_checked=[{"quote": "Not in the text.", "reason": "Because."}])
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    assert "sources/s.yml:5:" in str(caught.value.problems[0])
    assert "not_checked[0].quote: this passage is not in the source text" in str(caught.value.problems[0])


def test_the_article_is_checked_in_fifteen_to_thirty_claims(model):
    assert 15 <= len(model.claims_by_source["bt-vpn-chine"]) <= 30


def test_every_verdict_rests_on_evidence_or_says_what_was_searched(model):
    for item in model.claims.values():
        if item.verdict.rank is None:
            assert len(item.claim.searched) >= 2, item.id
        else:
            assert item.claim.evidence, item.id
            assert all(e.url.startswith(("http://", "https://")) for e in item.claim.evidence)


def test_every_french_quote_of_more_than_a_name_is_translated(model):
    for item in model.claims.values():
        source = model.sources[item.claim.source]
        quote = source.text[item.span.start:item.span.end]
        if source.language != "en" and len(quote.split()) > 3:
            assert item.claim.translation, item.id


def test_every_entity_is_named_in_a_source_or_a_claim(model):
    for entity_id in model.entities:
        assert model.mentions_by_entity.get(entity_id) or model.claims_by_entity.get(entity_id), entity_id


def test_the_source_has_an_overall_assessment_on_the_scale(model):
    source = model.sources["bt-vpn-chine"]
    assert source.assessment is not None
    assert model.repository.scale.get(source.assessment.verdict) is not None
    assert source.original is not None and source.url


def test_every_yaml_file_names_its_schema_for_editor_completion():
    files = [ROOT / "rating-scale.yml", *sorted((ROOT / "sources").glob("*.yml")),
             *sorted((ROOT / "entities").glob("*.yml")), *sorted((ROOT / "claims").glob("*/*.yml"))]
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert schema.exists() and schema.parent == ROOT / "schemas", path
