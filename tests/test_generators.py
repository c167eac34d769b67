"""One site, three generators: `factcheck render` (the generator-neutral output), ProperDocs and
Zensical, each compared with the MkDocs build on what readers rely on."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from conftest import ROOT
from factdesk.cli import main
from factdesk.generation import generate
from sitecomparison import differences, generated_content

# Built as for publishing: absolute addresses in the exports and link previews are compared too.
ENV = {key: value for key, value in os.environ.items() if key not in ("SITE_URL", "REPO_URL")}
ENV.update(NO_MKDOCS_2_WARNING="1", SITE_URL="https://desk.news.test/checks/", REPO_URL="https://git.news.test/desk/checks")


def run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def generator(name: str, command: str) -> Path:
    """A generator's command from its own virtual environment (made by `make generators`)."""
    path = ROOT / f".venv-{name}" / "bin" / command
    if not path.exists():
        message = f"{name} is not installed: run `make generators` (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def render(out: Path, *extra: str, root: Path = ROOT) -> int:
    saved = {key: os.environ.get(key) for key in ("SITE_URL", "REPO_URL")}
    os.environ.update(SITE_URL=ENV["SITE_URL"], REPO_URL=ENV["REPO_URL"])
    try:
        return main(["--root", str(root), "render", "--out", str(out), *extra])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def engine():
    return generate(ROOT, ENV)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The MkDocs build, with the hook: the default of `make site`."""
    site = tmp_path_factory.mktemp("mkdocs") / "site"
    run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)], ROOT)
    return site


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """`factcheck render` output with its settings file, as the Zensical build uses it."""
    folder = tmp_path_factory.mktemp("rendered")
    assert render(folder / "docs", "--settings", str(folder / "mkdocs.yml")) == 0
    return folder


def split_page(path: Path) -> tuple[dict, str]:
    return split_page_text(path.read_text(encoding="utf-8"))


def test_render_writes_every_generated_page_as_front_matter_and_the_built_html(engine, rendered, reference):
    docs = rendered / "docs"
    for url, page in engine.pages.items():
        front, body = split_page(docs / (url.removesuffix(".html") + ".md"))
        assert front["title"] == str(escape(page.title)) and front["description"] == str(escape(page.description))
        assert ["property", "og:url", ENV["SITE_URL"] + url] in front["social"]
        written, built = generated_content(body), generated_content(reference / url)
        assert written.found and built.found, url
        assert (written.links, written.ids, written.highlights) == (built.links, built.ids, built.highlights), url
    claims = [item for page in engine.pages.values() if page.kind == "source"
              for item in generated_content(split_page(docs / (page.url[:-5] + ".md"))[1]).highlights]
    assert {claim_id for claim_id, _ in claims} == set(engine.model.claims)


def test_render_writes_the_data_files_the_mkdocs_build_publishes(engine, rendered, reference):
    for name in engine.files():
        assert (rendered / "docs" / name).read_bytes() == (reference / name).read_bytes(), name


def test_render_fills_the_generated_blocks_of_the_hand_written_pages(rendered):
    for page in (ROOT / "docs").rglob("*.md"):
        text = (rendered / "docs" / page.relative_to(ROOT / "docs")).read_text(encoding="utf-8")
        assert "<!-- factcheck:" not in text, page
        # Link previews too, which the hook gives MkDocs' hand-written pages and a generator without it lacks.
        front, _ = split_page(rendered / "docs" / page.relative_to(ROOT / "docs"))
        assert ["property", "og:url", ENV["SITE_URL"] + page.relative_to(ROOT / "docs").with_suffix(".html").as_posix()] \
            in front["social"], page
    assert 'class="fc-overview"' in (rendered / "docs" / "index.md").read_text(encoding="utf-8")


def test_mkdocs_without_the_hook_builds_the_rendered_folder_like_the_hook(engine, rendered, reference, tmp_path):
    settings = yaml.safe_load((rendered / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "hooks" not in settings and settings["site_name"] == engine.info.name
    site = tmp_path / "site"
    run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(rendered / "mkdocs.yml"),
         "--site-dir", str(site)], rendered)
    assert differences(engine, reference, site) == []


def test_properdocs_builds_the_project_unchanged(engine, reference, tmp_path):
    properdocs = generator("properdocs", "properdocs")
    site = tmp_path / "site"
    run([str(properdocs), "build", "--strict", "--quiet", "--site-dir", str(site)], ROOT)
    assert differences(engine, reference, site) == []
    assert "ProperDocs" in (site / "index.html").read_text(encoding="utf-8")
    # The hook runs there too: the same search index, the engine's entries merged in.
    assert search_index(site) == search_index(reference)


def head_metadata(page: Path) -> list[tuple[str, str]]:
    """The page's window title and link-preview fields, as a reader's browser decodes them."""
    text = page.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()
    fields = re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)"', text)
    return [("title", html.unescape(title))] + sorted((key, html.unescape(value)) for key, value in fields)


def search_index(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_properdocs_refuses_a_bad_claim_with_the_same_report(project_copy: Path, tmp_path: Path):
    properdocs = generator("properdocs", "properdocs")
    claim = next((project_copy / "claims").rglob("*.yml"))
    claim.write_text(re.sub(r"^verdict: .*$", "verdict: acurate", claim.read_text(encoding="utf-8"), count=1, flags=re.M),
                     encoding="utf-8")
    result = subprocess.run([str(properdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=project_copy, env=ENV, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert re.search(rf"{re.escape(claim.relative_to(project_copy).as_posix())}:\d+:\d+: verdict: unknown verdict 'acurate'",
                     result.stderr)
    assert not (tmp_path / "site").exists()


def test_zensical_builds_the_rendered_folder(engine, rendered, reference, tmp_path):
    zensical = generator("zensical", "zensical")
    project = tmp_path / "zensical"
    shutil.copytree(rendered, project)  # the rendered folder is self-contained
    (project / "overrides" / "partials" / "search.html").unlink()  # as `make site GENERATOR=zensical` does
    run([str(zensical), "build", "--strict"], project)
    site = project / "site"
    # As `make site GENERATOR=zensical` does: the engine's sitemap replaces Zensical's own.
    for path in site.glob("sitemap*.xml*"):
        path.unlink()
    for path in (project / "docs").glob("sitemap*.xml*"):
        shutil.copy(path, site / path.name)
    assert differences(engine, reference, site) == []
    # What Zensical's theme alone would lose: the sitemap's dates and gzip copy, the link previews of the
    # hand-written pages, the home page's window title.
    for name in ("sitemap.xml", "sitemap.xml.gz", "robots.txt"):
        assert (site / name).read_bytes() == (reference / name).read_bytes(), name
    for page in ("index.html", "methodology.html"):
        assert head_metadata(site / page) == head_metadata(reference / page), page
        assert ("og:image", ENV["SITE_URL"] + "cards/site.png") in head_metadata(site / page), page
    claim_page = next(url for url, page in engine.pages.items() if page.kind == "claim")
    assert 'property="og:title"' in (site / claim_page).read_text(encoding="utf-8")  # overrides/main.html ran
    # Zensical runs no hook: its own search indexes every rendered page, generated ones included.
    indexed = {item["location"].split("#")[0] for item in json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]}
    assert set(engine.pages) <= indexed


def test_the_comparison_notices_what_a_reader_would(engine, reference, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(reference, other)
    source_page = next(url for url, page in engine.pages.items() if page.kind == "source")
    html = (other / source_page).read_text(encoding="utf-8")
    claim = next(iter(engine.model.claims_by_source[next(iter(engine.model.claims_by_source))]))
    (other / source_page).write_text(html.replace(f'data-claim="{claim.id}"', 'data-claim="x"'), encoding="utf-8")
    (other / "claims.json").write_text((reference / "claims.json").read_text(encoding="utf-8") + " ", encoding="utf-8")
    (other / claim.url).unlink()
    found = "\n".join(differences(engine, reference, other))
    assert f"claim {claim.id} is not highlighted" in found
    assert "claims.json: differs" in found
    assert f"{claim.url}: missing" in found
    assert "no such page" in found


def test_render_refuses_a_folder_it_did_not_write_and_keeps_the_last_render_on_bad_input(project_copy, tmp_path, capsys):
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    assert render(foreign, root=project_copy) == 2
    assert (foreign / "mine.txt").read_text() == "keep"
    out = tmp_path / "out"
    assert render(out, root=project_copy) == 0
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    claim = next((project_copy / "claims").rglob("*.yml"))
    claim.write_text(re.sub(r"^verdict: .*$", "verdict: acurate", claim.read_text(encoding="utf-8"), count=1, flags=re.M),
                     encoding="utf-8")
    capsys.readouterr()
    assert render(out, root=project_copy) == 1
    assert re.search(r":\d+:\d+: verdict: unknown verdict 'acurate'", capsys.readouterr().err)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_templates_use_only_what_jinja2_and_minijinja_both_have():
    # MiniJinja (Zensical) has no Python string or dict methods: key.startswith(...) fails there.
    methods = r"\.(startswith|endswith|lower|upper|strip|split|replace|format|join|items|keys|values|get|update)\("
    for template in sorted((ROOT / "overrides").rglob("*.html")):
        for expression in re.findall(r"\{[{%](.*?)[}%]\}", template.read_text(encoding="utf-8"), re.S):
            assert not re.search(methods, expression), f"{template.relative_to(ROOT)}: {expression.strip()}"


def test_a_hand_written_pages_own_front_matter_titles_its_link_preview(project_copy):
    from factdesk.generation import with_link_previews

    site = generate(project_copy, {**ENV, "SITE_URL": "https://desk.news.test/checks/"})
    text = with_link_previews(site, "---\ntitle: How we work\ndescription: Our rules.\n---\n\n# Rules\n\nText.\n", "rules.html")
    front, body = split_page_text(text)
    social = {key: value for _, key, value in front["social"]}
    assert front["title"] == "How we work" and social["og:title"] == "How we work"
    assert social["og:description"] == "Our rules." and social["og:url"] == "https://desk.news.test/checks/rules.html"
    assert body.strip() == "# Rules\n\nText."
    assert split_page_text(with_link_previews(site, "# Rules\n\nText.\n", "rules.html"))[0]["social"]
    kept = "---\nsocial: []\n---\n\n# Rules\n"
    assert with_link_previews(site, kept, "rules.html") == kept, "a page's own link previews are its own"
    multimarkdown = "title: Rules\n\n# Rules\n"
    assert with_link_previews(site, multimarkdown, "rules.html") == multimarkdown


def split_page_text(text: str) -> tuple[dict, str]:
    match = re.fullmatch(r"---\n(.*?)\n---\n(.*)", text, re.S)
    assert match, text
    return yaml.safe_load(match.group(1)), match.group(2)


def make_command(variable: str) -> str:
    """A variable of the Makefile (one `:=` assignment, its continued lines joined) as a shell command."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    value = re.search(rf"^{re.escape(variable)} := (.*)$", text, re.M).group(1)
    return value.replace("$(BIN)", str(Path(sys.executable).parent))


@pytest.mark.parametrize("address", ["", "https://desk.news.test/checks/"], ids=["without an address", "with an address"])
def test_make_site_with_zensical_publishes_the_engines_sitemap_or_none(project_copy, address):
    zensical = generator("zensical", "zensical")
    (project_copy / ".venv-zensical").symlink_to(zensical.parent.parent)
    environment = {**ENV, "SITE_URL": address} if address else {k: v for k, v in ENV.items() if k != "SITE_URL"}
    result = subprocess.run(["sh", "-c", make_command("BUILD_zensical")], cwd=project_copy, env=environment,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project_copy / ".site-build"
    if address:
        sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
        assert "<lastmod>" in sitemap and f"<loc>{address}index.html</loc>" in sitemap
        assert (site / "sitemap.xml.gz").is_file()
    else:
        assert not list(site.glob("sitemap*")), "no address: no sitemap, Zensical's own removed"
    assert re.search(r"<title>([^<]*)</title>", (site / "index.html").read_text(encoding="utf-8")).group(1).strip() \
        == generate(project_copy, environment).info.name
