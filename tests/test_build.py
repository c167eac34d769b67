"""The whole site, built by MkDocs exactly as `make site` builds it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from factcheck.linkcheck import check_internal
from htmltext import annotated_paragraphs, read

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
VENV_BIN = Path(sys.executable).parent


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, env=ENV, capture_output=True, text=True,
    )


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("built") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def test_every_kind_of_page_is_built(built_site: Path):
    claims = json.loads((built_site / "claims.json").read_text())
    assert (built_site / "index.html").exists()
    assert (built_site / "methodology.html").exists()
    assert (built_site / "sources/bt-vpn-chine.html").exists()
    for claim in claims:
        assert (built_site / claim["url"]).exists()
    for entity in json.loads((built_site / "entities.json").read_text()):
        assert (built_site / entity["url"]).exists()


def test_every_internal_link_and_anchor_resolves(built_site: Path):
    assert [str(link) for link in check_internal(built_site)] == []


def test_the_annotated_article_in_the_built_site_shows_the_source_exactly(built_site: Path):
    text = (ROOT / "sources/bt-vpn-chine.txt").read_text(encoding="utf-8")
    paragraphs = annotated_paragraphs((built_site / "sources/bt-vpn-chine.html").read_text())
    assert "\n\n".join(visible for _, _, visible in paragraphs) == text


def test_open_data_files_describe_every_source_claim_and_entity(built_site: Path):
    sources = json.loads((built_site / "sources.json").read_text())
    claims = json.loads((built_site / "claims.json").read_text())
    entities = json.loads((built_site / "entities.json").read_text())
    text = (ROOT / "sources/bt-vpn-chine.txt").read_text(encoding="utf-8")
    assert [s["id"] for s in sources] == ["bt-vpn-chine"]
    assert sorted(sources[0]["claims"]) == sorted(c["id"] for c in claims)
    for claim in claims:
        assert text[claim["start"]:claim["end"]] == claim["quote"]
        assert claim["evidence"] or claim["verdict"] == "unverifiable"
        assert all(url.startswith("http") for url in claim["evidence"])
        for entity_id in claim["entities"]:
            assert claim["id"] in next(e for e in entities if e["id"] == entity_id)["claims"]
    assert all(not e["url"].startswith("/") for e in entities)


def test_claim_pages_offer_an_edit_link_to_their_yaml_file(built_site: Path):
    html = (built_site / "claims/bt-revenue-fy2016.html").read_text()
    assert any(link.endswith("/edit/main/claims/bt-vpn-chine/bt-revenue-fy2016.yml") for link in read(html).links)


def test_home_page_counts_verdicts_and_methodology_shows_the_scale(built_site: Path):
    home = (built_site / "index.html").read_text()
    assert "sources/bt-vpn-chine.html" in home
    assert "claims checked" in home
    methodology = (built_site / "methodology.html").read_text()
    for label in ("Accurate", "Mostly accurate", "Misleading", "Inaccurate", "Unverifiable"):
        assert f">{label}</span>" in methodology


def test_claim_and_entity_pages_stay_out_of_the_navigation_but_in_search(built_site: Path):
    page = (built_site / "claims/bt-revenue-fy2016.html").read_text()
    nav = page[page.find('<nav class="md-nav md-nav--primary"'):page.find("</nav>", page.find('md-nav--primary'))]
    assert "bt-revenue-in-yuan.html" not in nav
    search = json.loads((built_site / "search/search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in search["docs"]}
    assert "claims/bt-revenue-fy2016.html" in locations
    assert "entities/bt-group.html" in locations


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def test_a_quote_missing_from_its_source_fails_make_site_and_keeps_the_last_good_site(project_copy: Path):
    make = ["make", "--no-print-directory", "site", f"VENV={VENV_BIN.parent}", "-o", f"{VENV_BIN.parent}/.installed"]
    first = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    before = digest(project_copy / "site")

    claim = project_copy / "claims/bt-vpn-chine/bt-revenue-fy2016.yml"
    claim.write_text(claim.read_text(encoding="utf-8").replace("18.9 GPB", "19.8 GPB", 1), encoding="utf-8")
    second = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    output = second.stdout + second.stderr
    assert second.returncode != 0
    assert "claims/bt-vpn-chine/bt-revenue-fy2016.yml:5:3: selector.exact: the quote is not in source 'bt-vpn-chine'" in output
    assert "Traceback" not in output
    assert digest(project_copy / "site") == before


def test_mkdocs_alone_also_refuses_a_bad_file_before_touching_the_output(project_copy: Path, tmp_path: Path):
    site = tmp_path / "out"
    site.mkdir()
    (site / "keep.html").write_text("last good build")
    claim = project_copy / "claims/bt-vpn-chine/bt-revenue-fy2016.yml"
    claim.write_text(claim.read_text(encoding="utf-8").replace("verdict: accurate", "verdict: acurate"), encoding="utf-8")
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0
    assert "bt-revenue-fy2016.yml" in result.stderr and "unknown verdict 'acurate'" in result.stderr
    assert (site / "keep.html").read_text() == "last good build"
