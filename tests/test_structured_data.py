"""Readers' standards in the built pages: ClaimReview, Web Annotations, CSV, link previews, charts, contrast."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from markupsafe import escape



@pytest.fixture(scope="module")
def site(published_site):
    """Built with the published address, which ClaimReview and link previews state."""
    return published_site


@pytest.fixture(scope="module")
def model(real_model):
    return real_model


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def test_every_claim_page_carries_a_complete_claim_review(real_desk, site, model):
    scale = model.repository.scale
    for item in model.claims.values():
        [review] = json_ld((site / item.url).read_text())
        source = model.sources[item.claim.source]
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["claimReviewed"] == item.claim.claim
        assert review["url"] == real_desk.url + item.url
        assert review["datePublished"] == item.claim.reviewed
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"] == item.verdict.label
        if item.verdict.rank is not None:
            assert rating["bestRating"] == scale.best_rank and rating["worstRating"] == scale.worst_rank
            assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["name"]
        assert claim["appearance"].get("url") == source.url
        if source.original:
            assert claim["firstAppearance"]["url"] == source.original.url
        else:
            assert "firstAppearance" not in claim
        if item.claim.claimant:
            assert claim["author"]["name"] == model.entities[item.claim.claimant].name
        if item.claim.corrections:
            assert review["dateModified"] == item.claim.updated


def test_json_ld_cannot_be_closed_by_text_in_a_claim():
    from factdesk.structured_data import json_ld_script

    script = str(json_ld_script({"claimReviewed": "</script><script>alert(1)</script>"}))
    assert script.count("</script>") == 1
    assert json.loads(script[len('<script type="application/ld+json">'):-len("</script>")])["claimReviewed"].startswith("</script>")


def test_claims_csv_matches_claims_json(site):
    rows = list(csv.DictReader(io.StringIO((site / "claims.csv").read_text(encoding="utf-8"))))
    claims = json.loads((site / "claims.json").read_text())
    assert [row["id"] for row in rows] == [c["id"] for c in claims]
    for row, claim in zip(rows, claims):
        assert row["quote"] == claim["quote"] and int(row["start"]) == claim["start"]
        assert row["evidence"].split() == claim["evidence"]


def test_open_data_is_linked_from_the_home_page(site, model):
    home = (site / "index.html").read_text()
    annotations = [f"sources/{source_id}.annotations.jsonld" for source_id in model.sources]
    for name in ("claims.json", "claims.csv", "sources.json", "entities.json", *annotations):
        assert f'href="{name}"' in home


def test_claim_pages_have_link_previews_with_verdict_and_summary(real_desk, site, model):
    for item in model.claims.values():
        html = (site / item.url).read_text()
        assert f'<meta property="og:title" content="{escape(item.verdict.label)}: {escape(item.claim.claim)}">' in html
        assert f'<meta property="og:description" content="{escape(item.verdict.label)}. {escape(item.claim.summary)}' in html
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        assert f'<meta property="og:url" content="{real_desk.url}{item.url}">' in html


def test_verdict_charts_are_svg_with_text_labels(site, model):
    charted = {"index.html": list(model.claims.values())}
    charted.update({f"sources/{source_id}.html": claims for source_id, claims in model.claims_by_source.items()})
    for page, claims in charted.items():
        html = (site / page).read_text()
        svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", html, re.S).group()
        assert "<title" in svg and "<desc" in svg
        for verdict, count in model.verdict_counts(claims):
            assert f">{verdict.label}</text>" in svg


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_white_text_on_every_verdict_colour_meets_wcag_aa(model):
    for verdict in model.repository.scale.verdicts:
        ratio = (1.0 + 0.05) / (relative_luminance(verdict.colour) + 0.05)
        assert ratio >= 4.5, f"{verdict.id}: {ratio:.2f}"
