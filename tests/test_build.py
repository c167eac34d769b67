"""The whole site, built by MkDocs exactly as `make site` builds it, for whatever content the repository holds."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
from pathlib import Path

from markdown_it import MarkdownIt

from conftest import ENV, VENV_BIN, mkdocs_build
from desks import Desk, add_french_brief
from factdesk.linkcheck import check_internal
from factdesk.publishing import load_site_info
from factdesk.yamlfile import load_yaml
from htmltext import annotated_paragraphs, read

def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def load_json(site: Path, name: str):
    return json.loads((site / name).read_text(encoding="utf-8"))


def test_every_kind_of_page_is_built(real_desk: Desk, built_site: Path):
    assert (built_site / "index.html").exists()
    assert (built_site / "methodology.html").exists()
    assert (built_site / "about.html").exists()
    source_ids = sorted(path.stem for path in (real_desk.root / "sources").glob("*.yml"))
    assert [s["id"] for s in load_json(built_site, "sources.json")] == source_ids
    for source_id in source_ids:
        assert (built_site / f"sources/{source_id}.html").exists()
    for claim in load_json(built_site, "claims.json"):
        assert (built_site / claim["url"]).exists()
    for entity in load_json(built_site, "entities.json"):
        assert (built_site / entity["url"]).exists()


def test_every_internal_link_and_anchor_resolves(built_site: Path, published_site: Path):
    assert [str(link) for link in check_internal(built_site)] == []
    assert [str(link) for link in check_internal(published_site)] == []


def test_each_annotated_source_in_the_built_site_shows_its_text_exactly(real_desk: Desk, built_site: Path):
    for source in load_json(built_site, "sources.json"):
        text = (real_desk.root / f"sources/{source['id']}.txt").read_text(encoding="utf-8")
        paragraphs = annotated_paragraphs((built_site / source["url"]).read_text())
        assert "\n\n".join(visible for _, _, visible in paragraphs) == text.strip(), source["id"]


def test_open_data_files_describe_every_source_claim_and_entity(real_desk: Desk, built_site: Path):
    sources = load_json(built_site, "sources.json")
    claims = load_json(built_site, "claims.json")
    entities = load_json(built_site, "entities.json")
    texts = {s["id"]: (real_desk.root / f"sources/{s['id']}.txt").read_text(encoding="utf-8") for s in sources}
    assert sorted(c for s in sources for c in s["claims"]) == sorted(c["id"] for c in claims)
    for claim in claims:
        source = next(s for s in sources if s["id"] == claim["source"])
        quoted = source["title"] if claim["field"] == "title" else texts[claim["source"]]
        assert quoted[claim["start"]:claim["end"]] == claim["quote"]
        assert claim["id"] in source["claims"]
        assert claim["evidence"] or claim["verdict"] == "unverifiable"
        assert all(url.startswith("http") for url in claim["evidence"])
        for entity_id in claim["entities"]:
            assert claim["id"] in next(e for e in entities if e["id"] == entity_id)["claims"]
    assert all(not e["url"].startswith("/") for e in entities)


def test_home_page_lists_every_source_and_methodology_shows_the_scale(real_desk: Desk, built_site: Path):
    home = (built_site / "index.html").read_text()
    for source in load_json(built_site, "sources.json"):
        assert f'href="{source["url"]}"' in home
    methodology = (built_site / "methodology.html").read_text()
    for verdict in load_yaml(real_desk.root / "rating-scale.yml", "rating-scale.yml").data["verdicts"]:
        assert f">{verdict['label']}</span>" in methodology


def test_the_home_page_opens_with_the_desks_own_name_and_introduction(real_desk: Desk, built_site: Path):
    """Nothing on the home page is the checkout's but what the desk's site.yml says (a fork says its own)."""
    info, _ = load_site_info(real_desk.root)
    home = (built_site / "index.html").read_text(encoding="utf-8")
    opening = home[home.index('<div class="fc-introduction">'):]
    opening = opening[:opening.index("</div>")]
    assert f'<h1 id="site-name">{html.escape(info.name)}</h1>' in opening.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    def words(markup: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())

    expected = words(MarkdownIt("commonmark").render(info.introduction or info.description))
    assert expected and expected == words(opening.split("</h1>", 1)[1])
    assert home.count("<h1") == 1


def test_claim_and_entity_pages_stay_out_of_the_navigation_but_in_search(built_site: Path):
    claims = load_json(built_site, "claims.json")
    entities = load_json(built_site, "entities.json")
    page = (built_site / claims[0]["url"]).read_text()
    nav = page[page.find('<nav class="md-nav md-nav--primary"'):page.find("</nav>", page.find('md-nav--primary'))]
    assert not any(claim["url"].removeprefix("claims/") in nav for claim in claims)
    search = json.loads((built_site / "search/search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in search["docs"]}
    assert claims[0]["url"] in locations and entities[0]["url"] in locations


def test_search_finds_each_paragraph_as_published_without_markers_or_notes_run_into_it(real_desk: Desk, built_site: Path):
    search = json.loads((built_site / "search/search_index.json").read_text())
    for source in load_json(built_site, "sources.json"):
        text = (real_desk.root / "sources" / f"{source['id']}.txt").read_text(encoding="utf-8")
        # Words of scripts written without spaces are told apart by an invisible U+200B, as the theme does.
        found = [html.unescape(doc["text"]).replace("\u200b", "") for doc in search["docs"]
                 if doc["location"].startswith(f"{source['url']}#paragraph-")]
        published = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        assert found == published, source["id"]


# --- The site's identity ---------------------------------------------------------------

PLACEHOLDERS = re.compile(r"your-org|your-name|your-user|example\.(com|org|net)|localhost", re.IGNORECASE)
# What a page asks for by itself, without the reader clicking.
REQUESTS = re.compile(r"<(?:script|img|iframe|source|link)\b[^>]*?\b(?:src|href)=\"((?:https?:)?//[^\"]+)\"", re.IGNORECASE)


def test_a_build_without_configuration_has_no_placeholder_address(built_site: Path):
    for path in sorted(built_site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".jsonld", ".csv", ".xml", ".js", ".css"):
            found = PLACEHOLDERS.search(path.read_text(encoding="utf-8", errors="replace"))
            assert found is None, f"{path.relative_to(built_site)}: {found.group()}"


def test_no_page_asks_a_third_party_host_for_anything(real_desk: Desk, built_site: Path, published_site: Path):
    for site, allowed in ((built_site, ()), (published_site, (real_desk.url,))):
        for path in pages(site):
            html = path.read_text(encoding="utf-8")
            for address in REQUESTS.findall(html):
                assert address.startswith(allowed) and allowed, f"{path.relative_to(site)} requests {address}"
            assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
            # Material's repository button fetches stars and forks from the GitHub API through this hook.
            assert 'data-md-component="source"' not in html, path


def test_without_a_repository_address_there_are_no_edit_links_and_no_repository_button(built_site: Path):
    for path in pages(built_site):
        html = path.read_text(encoding="utf-8")
        assert "md-source" not in html, path
        assert "md-content__button" not in html, path
        assert not any("/edit/" in link for link in read(html).links), path


def test_without_a_site_address_links_stay_relative_and_previews_state_no_address(built_site: Path):
    claim = load_json(built_site, "claims.json")[0]
    html = (built_site / claim["url"]).read_text()
    assert 'rel="canonical"' not in html
    assert 'property="og:url"' not in html
    assert not any(link.startswith("/") for link in read(html).links)


def test_with_a_repository_address_each_page_edits_its_own_file(real_desk: Desk, published_site: Path):
    info, _ = load_site_info(real_desk.root)
    edit = f"{real_desk.repository}/edit/{info.branch}"
    for claim in load_json(published_site, "claims.json"):
        html = (published_site / claim["url"]).read_text()
        assert f"{edit}/claims/{claim['source']}/{claim['id']}.yml" in read(html).links, claim["id"]
    for entity in load_json(published_site, "entities.json"):
        assert f"{edit}/entities/{entity['id']}.yml" in read((published_site / entity["url"]).read_text()).links, entity["id"]
    home = (published_site / "index.html").read_text()
    assert f'href="{real_desk.repository}"' in home and "md-source" in home
    assert f'<link rel="canonical" href="{real_desk.url}index.html">' in home


def test_the_about_page_is_in_the_navigation_and_states_the_publisher(real_desk: Desk, built_site: Path):
    site_yml = load_yaml(real_desk.root / "site.yml", "site.yml").data
    about = (built_site / "about.html").read_text()
    assert site_yml["publisher"]["name"] in about
    for heading in ("Who publishes this site", "How to reach us", "How we are funded", "Corrections policy",
                    "How to ask for a correction"):
        assert heading in about
    assert 'href="about.html"' in (built_site / "index.html").read_text()
    assert f"<title>About us - {site_yml['name']}" in about.replace("&#39;", "'")


# --- A failed build keeps the last good site ----------------------------------------------

def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def break_a_quote(project: Path) -> tuple[str, int, int]:
    """Change a word of a claim's quote (one on the source's text, with a word of three letters or more) so that
    it is in no source; where the quote is."""
    claim, document = next(
        (path, document) for path in sorted((project / "claims").glob("*/*.yml"))
        for document in [load_yaml(path, path.relative_to(project).as_posix())]
        if document.data["selector"].get("field", "text") == "text" and re.search(r"\w{3,}", document.data["selector"]["exact"]))
    relative = claim.relative_to(project).as_posix()
    line, column = document.position(("selector", "exact"))
    word = re.findall(r"\w{3,}", document.data["selector"]["exact"])[0]
    lines = claim.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(number for number in range(line - 1, len(lines)) if word in lines[number])
    lines[at] = lines[at].replace(word, "Zqxwv", 1)
    claim.write_text("".join(lines), encoding="utf-8")
    return relative, line, column


def test_a_quote_missing_from_its_source_fails_make_site_and_keeps_the_last_good_site(project_copy: Path):
    make = ["make", "--no-print-directory", "site", f"VENV={VENV_BIN.parent}", "-o", f"{VENV_BIN.parent}/.installed"]
    first = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    before = digest(project_copy / "site")

    relative, line, column = break_a_quote(project_copy)
    second = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    output = second.stdout + second.stderr
    assert second.returncode != 0
    assert f"{relative}:{line}:{column}: selector.exact: the quote is not in source" in output
    assert "Traceback" not in output
    assert digest(project_copy / "site") == before


def test_make_site_recovers_the_last_good_site_after_a_stop_in_the_middle_of_its_swap(project_copy: Path):
    make = ["make", "--no-print-directory", "site", f"VENV={VENV_BIN.parent}", "-o", f"{VENV_BIN.parent}/.installed"]
    first = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    before = digest(project_copy / "site")
    # Stopped after `mv site .site-old`, before `mv .site-build site`: no site/ at all.
    (project_copy / "site").rename(project_copy / ".site-old")
    (project_copy / ".site-build").mkdir()
    (project_copy / ".site-build" / "index.html").write_text("half written")
    # The next run fails on a bad file, and still gives the last good site back.
    break_a_quote(project_copy)
    second = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    assert second.returncode != 0 and "Traceback" not in second.stdout + second.stderr
    assert digest(project_copy / "site") == before
    assert not (project_copy / ".site-old").exists()


def test_make_site_shows_the_checks_warnings_and_stops_on_their_errors(project_copy: Path):
    """The build runs every check `factcheck validate` runs: a warning is shown and passes, an error of the
    desk's standards (here a check declared complete that leaves a sentence uncovered) stops it."""
    make = ["make", "--no-print-directory", "site", f"VENV={VENV_BIN.parent}", "-o", f"{VENV_BIN.parent}/.installed"]
    add_french_brief(project_copy)
    first = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    output = first.stdout + first.stderr
    assert first.returncode == 0, output
    assert re.search(r"^sources/brief\.yml:\d+:\d+: warning: not_checked: no claim covers the sentence "
                     r"'Personne ne sait encore pourquoi\.'", output, re.M), output
    before = digest(project_copy / "site")

    add_french_brief(project_copy, assessment={"verdict": "accurate", "summary": "The brief holds."})
    second = subprocess.run(make, cwd=project_copy, env=ENV, capture_output=True, text=True)
    output = second.stdout + second.stderr
    assert second.returncode != 0
    assert re.search(r"^ *sources/brief\.yml:\d+:\d+: assessment: no claim covers the sentence "
                     r"'Personne ne sait encore pourquoi\.'", output, re.M), output
    assert "Traceback" not in output
    assert digest(project_copy / "site") == before


def test_every_generator_refuses_what_validation_refuses(project_copy: Path, tmp_path: Path, capsys):
    """A bare `mkdocs build` (and `make serve`, ProperDocs: the same hook) and `factcheck render` (Zensical's
    path) stop on a problem of the desk's standards, before writing anything."""
    from factdesk import cli

    add_french_brief(project_copy)
    claim = project_copy / "claims/brief/brief-answer.yml"
    claim.write_text(re.sub(r"^translation: .*\n", "", claim.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    assert cli.main(["--root", str(project_copy), "validate"]) == 1
    expected = re.compile(r"claims/brief/brief-answer\.yml:\d+:\d+: translation: the quote is in 'fr': add `translation`")
    assert expected.search(capsys.readouterr().out)

    site = tmp_path / "out"
    site.mkdir()
    (site / "keep.html").write_text("last good build")
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0 and expected.search(result.stderr), result.stderr
    assert [path.name for path in site.iterdir()] == ["keep.html"]

    rendered = tmp_path / "rendered"
    assert cli.main(["--root", str(project_copy), "render", "--out", str(rendered)]) == 1
    assert expected.search(capsys.readouterr().err), "an error of the command: on stderr"
    assert not rendered.exists()


def rated_claim(project: Path) -> Path:
    """A claim whose verdict rests on evidence: misspelling its verdict is then its one problem."""
    return next(path for path in sorted((project / "claims").glob("*/*.yml"))
                if load_yaml(path, path.relative_to(project).as_posix()).data.get("evidence"))


def test_mkdocs_alone_also_refuses_a_bad_file_before_touching_the_output(project_copy: Path, tmp_path: Path):
    site = tmp_path / "out"
    site.mkdir()
    (site / "keep.html").write_text("last good build")
    claim = rated_claim(project_copy)
    text = claim.read_text(encoding="utf-8")
    claim.write_text(re.sub(r"^verdict: .*$", "verdict: acurate", text, count=1, flags=re.M), encoding="utf-8")
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0
    assert claim.name in result.stderr and "unknown verdict 'acurate'" in result.stderr
    assert (site / "keep.html").read_text() == "last good build"
