"""The site's identity, from site.yml: addresses stated only when known, the About page, deploy checks."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from conftest import ROOT, ScratchRepo
from factdesk.cli import main
from factdesk.publishing import CONTENT_LICENCE_URL, load_site_info, about_problems
from factdesk.rendering import Renderer, social_meta
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.structured_data import annotation_collection, claim_review

COMPLETE = """\
name: The Desk's checks
language: en
url: https://checks.desk.test/
repository: https://git.desk.test/desk/checks
publisher:
  name: The Desk
  url: https://desk.test/
  logo: assets/logo.png
  description: The Desk is a newsroom's <b>verification</b> team.
contact:
  email: corrections@desk.test
funding: Paid for by the newsroom; no grants.
corrections:
  policy: Verdicts change only with a dated correction.
  how_to_ask: Write to corrections@desk.test.
"""

MINIMAL = """\
name: A new desk
language: fr
publisher:
  name: New desk
"""

# A one-pixel PNG: docs/ publishes only images that are what their name says.
PNG = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc`\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82'


@pytest.fixture
def content(repo: ScratchRepo) -> ScratchRepo:
    text = "The company earned 5 billion in 2015."
    repo.source("s", text)
    repo.claim("earned", "s", "earned 5 billion", text.index("earned"), text.index("earned") + 16)
    return repo


def site_of(repo: ScratchRepo, text: str, environ: dict | None = None):
    repo.write("site.yml", text)
    info, problems = load_site_info(repo.root, environ or {})
    return info, [str(p) for p in problems]


def test_a_complete_site_yml_states_every_address(content: ScratchRepo):
    info, problems = site_of(content, COMPLETE)
    assert problems == [] and about_problems(info, deploy=True) == []
    model = build_site(load_repository(content.root))
    review = claim_review(model, model.claims["earned"], info)
    assert review["url"] == "https://checks.desk.test/claims/earned.html"
    assert review["author"] == {"@type": "Organization", "name": "The Desk", "url": "https://desk.test/",
                                "logo": {"@type": "ImageObject", "url": "https://checks.desk.test/assets/logo.png"}}
    assert info.edit_url("claims/s/earned.yml") == "https://git.desk.test/desk/checks/edit/main/claims/s/earned.yml"


def test_without_addresses_structured_data_leaves_out_what_it_cannot_state(content: ScratchRepo):
    info, problems = site_of(content, MINIMAL)
    assert problems == []
    assert info.url == "" and info.repository == "" and info.edit_url("claims/s/earned.yml") is None
    model = build_site(load_repository(content.root))
    review = claim_review(model, model.claims["earned"], info)
    assert "url" not in review
    assert review["author"] == {"@type": "Organization", "name": "New desk"}
    page = next(p for p in Renderer(model, info).pages() if p.url == "claims/earned.html")
    assert "og:url" not in social_meta(page, info)
    collection = annotation_collection(model, "s", info)
    text = json.dumps(collection)
    # Only the vocabulary's and the content licence's addresses, which do not depend on the site's.
    assert "http" not in text.replace("http://www.w3.org/ns/anno.jsonld", "").replace(CONTENT_LICENCE_URL, "")
    # Identifiers stay absolute, as the Web Annotation model requires: urns derived from the claim, not addresses.
    assert collection["first"]["items"][0]["id"] == info.identifier("claims/earned.html#annotation")
    assert collection["first"]["items"][0]["id"].startswith("urn:uuid:")


def test_the_environment_overrides_site_yml_and_must_give_web_addresses(content: ScratchRepo):
    info, problems = site_of(content, MINIMAL, {"SITE_URL": "https://pages.test/desk", "REPO_URL": "https://git.test/d/r/"})
    assert problems == []
    assert info.url == "https://pages.test/desk/" and info.repository == "https://git.test/d/r"
    _, problems = site_of(content, MINIMAL, {"SITE_URL": "/"})
    assert problems == ["site.yml:1:1: url: '/' (from the SITE_URL environment variable) is not a web address: use a full https:// URL, without spaces, < > or \""]


@pytest.mark.parametrize("field, line, value", [
    ("url", 3, "https://your-org.github.io/fact-check/"),
    ("repository", 4, "https://github.com/your-org/fact-check"),
])
def test_a_placeholder_address_is_refused_at_its_line(content: ScratchRepo, field: str, line: int, value: str):
    text = COMPLETE.replace(COMPLETE.splitlines()[line - 1], f"{field}: {value}")
    _, problems = site_of(content, text)
    assert problems == [f"site.yml:{line}:1: {field}: {value!r} (from this field) is a placeholder address, not this site's; "
                        "put the real address, or leave the field empty"]


def test_a_placeholder_from_the_environment_is_refused_too(content: ScratchRepo):
    _, problems = site_of(content, MINIMAL, {"REPO_URL": "https://github.com/your-org/fact-check"})
    assert problems and "(from the REPO_URL environment variable) is a placeholder address" in problems[0]


def test_empty_about_fields_are_warnings_locally_and_errors_for_a_deploy(content: ScratchRepo):
    info, _ = site_of(content, MINIMAL)
    local = about_problems(info, deploy=False)
    assert {p.severity for p in local} == {"warning"}
    assert {p.field for p in local} == {"publisher.description", "contact.email", "funding", "corrections.policy",
                                        "corrections.how_to_ask"}
    deploy = [str(p) for p in about_problems(info, deploy=True)]
    assert "site.yml:1:1: url: a deployed site needs its published address: set SITE_URL or url in site.yml" in deploy
    # An absent field is named, at the line of the part it belongs in.
    assert "site.yml:3:1: publisher.description: empty: the About page cannot say who publishes the site; fill it in" in deploy


def test_validate_warns_about_an_empty_about_page_but_refuses_it_for_a_deploy(content: ScratchRepo, capsys, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("REPO_URL", raising=False)
    content.write("site.yml", MINIMAL)
    assert main(["--root", str(content.root), "validate"]) == 0
    assert "site.yml:3:1: warning: publisher.description: empty" in capsys.readouterr().out
    assert main(["--root", str(content.root), "validate", "--deploy"]) == 1
    output = capsys.readouterr().out
    assert "site.yml:1:1: url: a deployed site needs its published address" in output
    assert "site.yml:3:1: publisher.description: empty" in output
    content.write("site.yml", COMPLETE)
    content.write("docs/assets/logo.png", PNG)  # the logo COMPLETE names
    assert main(["--root", str(content.root), "validate", "--deploy"]) == 0


def test_the_about_page_shows_what_is_stated_and_says_what_is_not(content: ScratchRepo):
    model = build_site(load_repository(content.root))
    info, _ = site_of(content, COMPLETE)
    about = next(p for p in Renderer(model, info).pages() if p.url == "about.html").html
    assert "The Desk is a newsroom's &lt;b&gt;verification&lt;/b&gt; team." in about
    assert 'href="mailto:corrections@desk.test"' in about
    assert "Paid for by the newsroom; no grants." in about and 'href="corrections.html"' in about
    info, _ = site_of(content, MINIMAL)
    about = next(p for p in Renderer(model, info).pages() if p.url == "about.html").html
    assert "The publisher has not yet stated how the site is funded." in about
    assert "The publisher has not yet stated how to reach it." in about
    assert "/edit/" not in about and "repository" not in about


def test_a_missing_site_yml_is_an_error_saying_what_it_is_for(content: ScratchRepo):
    info, problems = load_site_info(content.root, {})
    assert info is None
    assert [str(p) for p in problems] == [
        "site.yml:1:1: (file): site.yml is missing; it names the site and its publisher (see README.md)"]


def test_the_deploy_workflow_stops_with_a_clear_message_without_the_published_address(tmp_path):
    workflow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("name", "") for step in steps]
    check = next(step for step in steps if "make validate-deploy" in step.get("run", ""))
    assert names.index(check["name"]) < next(i for i, step in enumerate(steps) if step.get("run", "").startswith("make site"))
    environment = {"PATH": "/usr/bin:/bin", "PAGES_URL": "", "GITHUB_ENV": str(tmp_path / "env")}
    result = subprocess.run(["bash", "-e", "-c", check["run"]], env=environment, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "::error title=No published address::" in result.stdout and "enable Pages" in result.stdout
    assert "validate --deploy" in (ROOT / "Makefile").read_text(encoding="utf-8")


# Fields the theme writes into every page (the name in <title> and the header's labels, the description in a meta
# element, addresses and the branch in links), each with a value that would close an element or an attribute.
THEMED_FIELDS = [
    ("name", 1, "BT </title><script>alert(13)</script><img src=x onerror=alert(14)>", "contains < > or \""),
    ("name", 1, 'BT" onmouseover="alert(1)', "contains < > or \""),
    ("description", 2, "<img src=x onerror=alert(1)>", "contains < > or \""),
    ("branch", 3, 'main"><script>alert(1)</script>', "is not a branch name"),
    ("branch", 3, "main branch", "is not a branch name"),
    ("url", 4, 'https://checks.desk.test/"><script>alert(1)</script>', "is not a web address"),
    ("repository", 5, 'https://git.desk.test/d/c"onmouseover="alert(1)', "is not a web address"),
    ("repository", 5, "https://git.desk.test/<svg/onload=alert(1)>", "is not a web address"),
    ("publisher.name", 8, "<b onmouseover=alert(1)>Desk</b>", "contains < > or \""),
    ("publisher.url", 9, 'https://desk.test/" autofocus onfocus="alert(1)', "is not a web address"),
    ("contact.email", 11, '"><script>alert(1)</script>@desk.test', "is not an e-mail address"),
    ("contact.url", 12, "https://desk.test/<script>", "is not a web address"),
]


def _site_yml(**values: str) -> str:
    fields = {"name": "The Desk's checks", "description": "Checks & corrections.", "branch": "main",
              "url": "https://checks.desk.test/", "repository": "https://git.desk.test/desk/checks", "language": "en",
              "publisher": None, "publisher.name": "Smith & Jones' desk", "publisher.url": "https://desk.test/",
              "contact": None, "contact.email": "desk@desk.test", "contact.url": "https://desk.test/contact", **values}
    return "".join(f"{key}:\n" if value is None else
                   f"{'  ' if '.' in key else ''}{key.rsplit('.', 1)[-1]}: {json.dumps(value, ensure_ascii=False)}\n"
                   for key, value in fields.items())


def test_plain_text_with_ampersands_and_apostrophes_is_a_valid_identity(content: ScratchRepo):
    info, problems = site_of(content, _site_yml())
    assert problems == [] and info.name == "The Desk's checks" and info.publisher.name == "Smith & Jones' desk"


@pytest.mark.parametrize("field, line, value, message", THEMED_FIELDS)
def test_markup_in_a_field_the_theme_writes_is_refused_at_its_line(content: ScratchRepo, field, line, value, message):
    _, problems = site_of(content, _site_yml(**{field: value}))
    [problem] = problems
    column = 3 if "." in field else 1
    assert problem.startswith(f"site.yml:{line}:{column}: {field}: {value!r} {message}")


def test_the_home_page_opens_with_the_sites_name_and_its_introduction_from_site_yml(content: ScratchRepo):
    """A fork says its own name and introduction on its home page; Markdown there is cleaned like any other."""
    from factdesk.generation import generate

    content.write("docs/assets/logo.png", PNG)  # the logo COMPLETE names
    introduction = ("We check **telecoms** news for [the Desk](https://desk.test/).\n\n"
                    "<script>window.__pwned=1</script> [x](javascript:alert(1))")
    content.write("site.yml", COMPLETE.replace("name: The Desk's checks\n", "name: Lyon & Co's checks\n")
                  + f"introduction: {json.dumps(introduction)}\ndescription: One line on the desk.\n")
    home = generate(content.root, {}).fill_markers("<!-- factcheck:introduction -->", "index.html")
    assert '<h1 id="site-name">Lyon &amp; Co&#39;s checks</h1>' in home
    assert re.search(r'<p>We check <strong>telecoms</strong> news for <a href="https://desk.test/"[^>]*>the Desk</a>.</p>', home)
    assert "<script>" not in home and 'href="javascript:' not in home and "One line on the desk." not in home
    # Without an introduction, the description says what the site checks.
    content.write("site.yml", COMPLETE + "description: One line on the desk.\n")
    home = generate(content.root, {}).fill_markers("<!-- factcheck:introduction -->", "index.html")
    assert "<p>One line on the desk.</p>" in home and "The Desk&#39;s checks</h1>" in home


# --- How readers reach a site with no contact of its own: the repository's issue tracker ---------------------------

NO_CONTACT = COMPLETE.replace("contact:\n  email: corrections@desk.test\n", "").replace(
    "repository: https://git.desk.test/desk/checks\n", "")


def _about(content: ScratchRepo, text: str, environ: dict | None = None) -> str:
    info, problems = site_of(content, text, environ)
    assert problems == []
    model = build_site(load_repository(content.root))
    return next(p for p in Renderer(model, info).pages() if p.url == "about.html").html


def _section(html: str, heading_id: str) -> str:
    return re.search(rf'<section aria-labelledby="{heading_id}">.*?</section>', html, re.S).group(0)


def test_without_a_contact_the_about_page_sends_readers_to_the_repositorys_issues(content: ScratchRepo):
    repository = {"REPO_URL": "https://git.desk.test/desk/checks"}
    about = _about(content, NO_CONTACT, repository)
    contact = _section(about, "contact")
    assert ("Open an issue in the site's repository, at <a href=\"https://git.desk.test/desk/checks/issues\">"
            "https://git.desk.test/desk/checks/issues</a>") in contact
    assert "has not yet stated" not in contact
    # The corrections procedure names the repository it points at, and links it.
    asking = _section(about, "ask-for-a-correction")
    assert ("The site's repository is <a href=\"https://git.desk.test/desk/checks\">https://git.desk.test/desk/checks</a>, "
            "and its issues are at" in asking and 'href="https://git.desk.test/desk/checks/issues"' in asking)
    # The issue tracker is a way to reach the publisher: a deploy is not refused for want of a contact.
    info, _ = site_of(content, NO_CONTACT, repository)
    assert about_problems(info, deploy=True) == []


def test_with_neither_contact_nor_repository_the_about_page_says_so_and_a_deploy_is_refused(content: ScratchRepo):
    about = _about(content, NO_CONTACT)
    assert "The publisher has not yet stated how to reach it." in _section(about, "contact")
    assert "/issues" not in about and "repository is" not in about
    info, _ = site_of(content, NO_CONTACT)
    [problem] = [str(p) for p in about_problems(info, deploy=True)]
    assert problem.startswith("site.yml:1:1: contact.email: empty: the About page cannot say how to reach the publisher; "
                              "fill in contact.email or contact.url, or set the repository's address")


def test_a_stated_contact_is_shown_and_the_repository_still_named_for_corrections(content: ScratchRepo):
    about = _about(content, COMPLETE)
    contact = _section(about, "contact")
    assert 'href="mailto:corrections@desk.test"' in contact and "/issues" not in contact
    assert "The site's repository is <a href=\"https://git.desk.test/desk/checks\">" in _section(about, "ask-for-a-correction")


def test_the_about_page_links_the_methodologys_standards_and_the_methodology_has_them(content: ScratchRepo):
    from test_interests import methodology_headings

    about = _about(content, MINIMAL)
    links = re.findall(r'href="methodology\.html#([\w-]+)"', _section(about, "standards"))
    assert links == ["right-of-reply", "non-partisanship", "tools"]
    assert set(links) <= methodology_headings()
