"""The editors' command line, run on a small desk of its own: the site's files with fixture content."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from factdesk.anchoring import Span, context as context_of
from factdesk.cli import main
from factdesk.sources import sha256_of

# A French dispatch with what editors meet: a figure written three times, typographic apostrophes,
# a stray line set aside, claims with and without evidence.
TEXT = (
    "Le 29 Janvier 2016, BT a réalisé l’acquisition de l’EE.\n\n"
    "13\n\n"
    "L’EE a été achetée pour environ 12.5 GPB milliards. Le chiffre d’affaires de BT atteint 18.9 GPB milliards.\n\n"
    "BT est le plus grand opérateur à large bande du Royaume-Uni, et EE le plus grand opérateur de téléphonie mobile, "
    "avec 3.1 GPB milliards de bénéfice.\n"
)
SOURCE_ID = "depeche"
CLAIM = f"claims/{SOURCE_ID}/ee-price.yml"
GPB = f"claims/{SOURCE_ID}/currency-written-gpb.yml"
UNVERIFIABLE = f"claims/{SOURCE_ID}/broadband-largest.yml"
ENTITY = "entities/ee.yml"
SOURCE = f"sources/{SOURCE_ID}.yml"
PRICE = "pour environ 12.5 GPB milliards"
PRICE_START = TEXT.index(PRICE)
GPB_STARTS = [m.start() for m in re.finditer("GPB", TEXT)]
# Offsets exactly halfway between the first two "GPB": without prefix and suffix, neither is nearer.
GPB_MIDDLE = (GPB_STARTS[0] + GPB_STARTS[1]) // 2
assert GPB_MIDDLE - GPB_STARTS[0] == GPB_STARTS[1] - GPB_MIDDLE


def claim_file(claim_id: str, quote: str, start: int, body: str, context: bool = False) -> str:
    prefix, suffix = context_of(TEXT, Span(start, start + len(quote)))
    # As `factcheck new` writes them: JSON strings, one line each.
    selector = f"  exact: {json.dumps(quote, ensure_ascii=False)}\n"
    if context:
        selector += f"  prefix: {json.dumps(prefix, ensure_ascii=False)}\n  suffix: {json.dumps(suffix, ensure_ascii=False)}\n"
    selector += f"  start: {start}\n  end: {start + len(quote)}\n"
    return (f"# yaml-language-server: $schema=../../schemas/claim.schema.json\nid: {claim_id}\nsource: {SOURCE_ID}\n"
            f"selector:\n{selector}{body}reviewed: 2026-11-25\nupdated: 2026-11-25\nreviewer: \"Desk\"\n")


EVIDENCE = ('evidence:\n  - url: "https://computing.co.uk/news/bt-completes-ee"\n    title: "BT completes EE purchase"\n'
            '    publisher: "Computing"\n    date: "2016-01-29"\n    shows: "The price BT paid."\n')


def write_desk(root: Path) -> None:
    for folder in ("sources", "claims", "entities"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir()
    (root / f"sources/{SOURCE_ID}.txt").write_bytes(TEXT.encode("utf-8"))
    (root / SOURCE).write_text(
        "# yaml-language-server: $schema=../schemas/source.schema.json\n"
        f"id: {SOURCE_ID}\ntitle: BT rachète EE\ntitle_en: BT buys EE\nlanguage: fr\npublisher: La Dépêche Télécom\n"
        "url: https://depeche.test/bt-ee\npublished: 2016-05-31\nnot_checked:\n"
        '  - quote: "13"\n    reason: A stray line with no meaning in the text, probably a share counter.\n'
        f"sha256: {sha256_of(TEXT)}\n", encoding="utf-8")
    (root / "entities/bt-group.yml").write_text(
        "# yaml-language-server: $schema=../schemas/entity.schema.json\n"
        "id: bt-group\nname: BT Group\ntype: organisation\ndescription: The British operator.\n"
        "aliases:\n  - {text: BT, whole_word: true, case_sensitive: true}\n",
        encoding="utf-8")
    (root / ENTITY).write_text(
        "# yaml-language-server: $schema=../schemas/entity.schema.json\n"
        'id: ee\nname: "EE"\ntype: organisation\ndescription: A British mobile operator.\nrelated: [bt-group]\n',
        encoding="utf-8")
    folder = root / f"claims/{SOURCE_ID}"
    folder.mkdir()
    (root / CLAIM).write_text(claim_file("ee-price", PRICE, PRICE_START, (
        'claim: "BT paid about £12.5 billion for EE."\ntranslation: "for about 12.5 GPB billion"\nverdict: accurate\n'
        'summary: "The deal was valued at £12.5 billion."\nnotes: |\n  The announced price.\n'
        + EVIDENCE + "entities: [bt-group, ee]\n"), context=True), encoding="utf-8")
    (root / GPB).write_text(claim_file("currency-written-gpb", "GPB", GPB_STARTS[0], (
        'claim: "The pound is written GPB."\nverdict: inaccurate\nsummary: "The code is GBP."\nnotes: |\n  ISO 4217.\n'
        + EVIDENCE + "entities: []\n"), context=True), encoding="utf-8")
    mobile = "EE le plus grand opérateur de téléphonie mobile"
    (root / f"claims/{SOURCE_ID}/ee-largest-uk-mobile.yml").write_text(claim_file("ee-largest-uk-mobile", mobile, TEXT.index(mobile), (
        'claim: "EE was the largest UK mobile operator."\ntranslation: "EE the largest mobile operator"\nverdict: accurate\n'
        'summary: "EE had 24.2 million mobile customers."\nnotes: |\n  Ofcom figures.\n'
        + EVIDENCE + "entities: [ee]\n")), encoding="utf-8")
    broadband = "le plus grand opérateur à large bande du Royaume-Uni"
    (root / UNVERIFIABLE).write_text(claim_file("broadband-largest", broadband, TEXT.index(broadband), (
        'claim: "BT was the largest UK broadband operator."\ntranslation: "the largest broadband operator in the UK"\n'
        'verdict: unverifiable\nsummary: "No market-share figure was found."\nnotes: |\n  Nothing found.\n'
        "searched:\n  - Ofcom market reports, 2015–2016\n  - BT annual report 2016\nentities: [bt-group]\n")),
        encoding="utf-8")


@pytest.fixture
def project_copy(project_copy: Path) -> Path:
    """The project's files with the fixture content in place of the real one."""
    write_desk(project_copy)
    return project_copy


def run(root: Path, *args: str, capsys) -> tuple[int, str]:
    code = main(["--root", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def edit(root: Path, relative: str, old: str, new: str, count: int = 1) -> str:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def line_of(text: str, marker: str) -> int:
    return text[:text.index(marker)].count("\n") + 1


# Each bad input: (name, how to break the copy, file reported, expected line or marker, message fragment).
# A marker string means "the line where this text now is".
def replace(relative: str, old: str, new: str):
    return lambda root: edit(root, relative, old, new)


def write(relative: str, content: str | bytes):
    def apply(root: Path) -> str:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        return content if isinstance(content, str) else ""
    return apply


def remove_line(relative: str, prefix: str):
    def apply(root: Path) -> str:
        path = root / relative
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join(line for line in lines if not line.startswith(prefix)), encoding="utf-8")
        return ""
    return apply


BAD_INPUTS = [
    ("yaml syntax error", replace(CLAIM, "verdict: accurate", "verdict: [accurate"), CLAIM, "summary: \"The deal", "YAML syntax:"),
    ("tab indentation", replace(CLAIM, "  exact:", "\texact:"), CLAIM, "\texact:", "YAML syntax:"),
    ("duplicate key", replace(CLAIM, "verdict: accurate", "verdict: accurate\nverdict: misleading"), CLAIM, "verdict: misleading", "duplicate key 'verdict'"),
    ("wrong type for an offset", replace(CLAIM, f"start: {PRICE_START}", "start: ten"), CLAIM, "start: ten", "selector.start: expected a whole number, found text ('ten')"),
    ("list where text is expected", replace(CLAIM, 'claim: "BT paid about £12.5 billion for EE."', 'claim: ["BT paid about £12.5 billion for EE."]'), CLAIM, "claim: [", "claim: expected text, found a list"),
    ("mapping where a list is expected", replace(CLAIM, "entities: [bt-group, ee]", "entities: {bt-group: ee}"), CLAIM, "entities:", "entities: expected a list, found a mapping"),
    ("unknown verdict", replace(CLAIM, "verdict: accurate", "verdict: acurate"), CLAIM, "verdict: acurate", "unknown verdict 'acurate'; use one of: accurate, mostly-accurate"),
    ("unknown entity", replace(CLAIM, "entities: [bt-group, ee]", "entities: [bt-group, ee-ltd]"), CLAIM, "entities:", "entities[1]: unknown entity 'ee-ltd'"),
    ("unknown source", replace(CLAIM, f"source: {SOURCE_ID}", "source: depeches"), CLAIM, "source: depeches", "unknown source 'depeches'"),
    ("missing field", remove_line(CLAIM, "summary:"), CLAIM, "id: ee-price", "summary: required field is missing; add it"),
    ("unknown field", replace(CLAIM, "verdict: accurate", "verdict: accurate\nrating: 5"), CLAIM, "rating: 5", "rating: unknown field"),
    ("id differs from file name", replace(CLAIM, "id: ee-price", "id: ee-cost"), CLAIM, "id: ee-cost", "id 'ee-cost' differs from the file name"),
    ("id with capitals", replace(CLAIM, "id: ee-price", "id: EE-Price"), CLAIM, "id: EE-Price", "is not a valid id"),
    ("duplicate id", lambda root: shutil.copy(root / CLAIM, (root / "claims/other").mkdir() or root / "claims/other/ee-price.yml") and "",
     "claims/other/ee-price.yml", "id: ee-price", f"duplicate id 'ee-price', already used by {CLAIM}; ids are one space across every source"),
    ("quote not in the source", replace(CLAIM, "pour environ 12.5 GPB", "pour environ 13.5 GPB"), CLAIM, "exact:", f"the quote is not in source '{SOURCE_ID}'"),
    ("ambiguous quote", lambda root: edit(root, GPB, re.search(r"  prefix: .*\n  suffix: .*\n  start: \d+\n  end: \d+", (root / GPB).read_text()).group(), f"  start: {GPB_MIDDLE}\n  end: {GPB_MIDDLE + 3}"),
     GPB, "exact:", f"the quote occurs 3 times in '{SOURCE_ID}'"),
    ("offsets out of range", replace(CLAIM, f"start: {PRICE_START}\n  end: {PRICE_START + len(PRICE)}", "start: 5210\n  end: 5241"), CLAIM, "end: 5241", f"are beyond the end of the source text ({len(TEXT)} characters)"),
    ("end before start", replace(CLAIM, f"end: {PRICE_START + len(PRICE)}", f"end: {PRICE_START - 10}"), CLAIM, f"end: {PRICE_START - 10}", f"end ({PRICE_START - 10}) must be greater than start ({PRICE_START})"),
    ("javascript: evidence URL", replace(CLAIM, 'url: "https://computing.co.uk', 'url: "javascript:alert(1)//'), CLAIM, "javascript:", "is not a web address"),
    ("data: evidence URL", replace(CLAIM, 'url: "https://computing.co.uk', 'url: "data:text/html,<script>x</script>'), CLAIM, "data:text", "is not a web address"),
    ("URL without a scheme", replace(CLAIM, 'url: "https://computing.co.uk', 'url: "www.computing.co.uk'), CLAIM, "www.computing", "is not a web address"),
    ("invalid date", replace(CLAIM, "reviewed: 2026-11-25", "reviewed: 2026-02-30"), CLAIM, "reviewed:", "is not a valid date"),
    ("no evidence for a rated claim", lambda root: edit(root, CLAIM, (root / CLAIM).read_text().split("evidence:\n")[1].split("entities:")[0], "", 1) and edit(root, CLAIM, "evidence:\n", "evidence: []\n"),
     CLAIM, "evidence: []", "evidence: needs at least 1 item"),
    ("unverifiable without what was searched", replace(UNVERIFIABLE, "searched:", "sought:"), UNVERIFIABLE, "sought:", "sought: unknown field"),
    ("placeholder left in", replace(CLAIM, 'summary: "The deal', 'summary: "TODO: The deal'), CLAIM, "summary:", "still holds the placeholder text"),
    ("python object tag", replace(CLAIM, "verdict: accurate", "verdict: !!python/object/apply:os.system [id]"), CLAIM, "verdict:", "YAML tags such as"),
    ("alias bomb", write(f"claims/{SOURCE_ID}/bomb.yml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"),
     f"claims/{SOURCE_ID}/bomb.yml", 1, "YAML anchors and aliases (&name, *name) are not allowed"),
    ("empty file", write(f"claims/{SOURCE_ID}/empty.yml", ""), f"claims/{SOURCE_ID}/empty.yml", 1, "the file is empty"),
    ("not UTF-8", write(f"claims/{SOURCE_ID}/latin1.yml", "id: latin1\nclaim: \"Soci\xe9t\xe9\"\n".encode("latin-1")),
     f"claims/{SOURCE_ID}/latin1.yml", 2, "the file is not UTF-8 text (byte 0xe9)"),
    ("a list instead of a mapping", write(f"claims/{SOURCE_ID}/list.yml", "- id: list\n"), f"claims/{SOURCE_ID}/list.yml", 1, "the file must hold a mapping"),
    ("claim outside a source folder", write("claims/stray.yml", "id: stray\n"), "claims/stray.yml", 1, "this file is not read: claims live in claims/<source id>/<claim id>.yml; move it into its source's folder"),
    ("entity of an unknown type", replace(ENTITY, "type: organisation", "type: company"), ENTITY, "type: company", "'company' is not allowed; use one of: organisation"),
    ("entity alias that is a number", replace(ENTITY, 'name: "EE"', 'name: "EE"\naliases: [42]'), ENTITY, "aliases:", "expected text, found a number (42)"),
    ("entity related to an unknown entity", replace(ENTITY, "related: [bt-group]", "related: [bt-groupe]"), ENTITY, "related:", "related[0]: unknown entity 'bt-groupe'"),
    ("edited source text", lambda root: (root / f"sources/{SOURCE_ID}.txt").write_bytes((root / f"sources/{SOURCE_ID}.txt").read_bytes().replace(b"GPB", b"GBP", 1)) and "",
     SOURCE, "sha256:", f"sources/{SOURCE_ID}.txt has changed (its sha256 is now"),
    ("missing source text", lambda root: (root / f"sources/{SOURCE_ID}.txt").unlink() or "", SOURCE, 1, f"the source text sources/{SOURCE_ID}.txt is missing"),
    ("stale exclusion", replace(SOURCE, 'quote: "13"', 'quote: "14"'), SOURCE, 'quote: "14"', "not_checked[0].quote: this passage is not in the source text"),
    ("duplicate verdict in the scale", replace("rating-scale.yml", "id: misleading", "id: accurate"), "rating-scale.yml", "id: accurate\n    label: Misleading", "duplicate verdict id 'accurate'"),
    ("bad colour in the scale", replace("rating-scale.yml", 'colour: "#a11b1b"', 'colour: "red"'), "rating-scale.yml", 'colour: "red"', "is not a colour: use #rrggbb"),
]


def expected_line(root: Path, relative: str, where) -> int:
    if isinstance(where, int):
        return where
    return line_of((root / relative).read_text(encoding="utf-8", errors="replace"), where)


@pytest.mark.parametrize("name, breakage, reported_file, where, fragment", BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_reported_at_its_file_and_line(project_copy, capsys, name, breakage, reported_file, where, fragment):
    breakage(project_copy)
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 1
    assert "Traceback" not in output
    line = expected_line(project_copy, reported_file, where)
    matching = [row for row in output.splitlines() if row.startswith(f"{reported_file}:{line}:") and fragment in row]
    assert matching, f"expected {reported_file}:{line}: …{fragment}… in:\n{output}"


def test_there_are_at_least_thirty_kinds_of_bad_input():
    assert len(BAD_INPUTS) >= 30


@pytest.mark.parametrize("name", ["alias bomb", "not UTF-8", "python object tag"])
def test_hostile_files_fail_cleanly_from_the_shell(project_copy, name):
    breakage = next(case[1] for case in BAD_INPUTS if case[0] == name)
    breakage(project_copy)
    result = subprocess.run([sys.executable, "-m", "factdesk", "validate"], cwd=project_copy, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_byte_order_mark_and_crlf_are_accepted(project_copy, capsys):
    path = project_copy / CLAIM
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 0, output


def test_validate_reports_only_the_files_named(project_copy, capsys):
    edit(project_copy, CLAIM, "verdict: accurate", "verdict: acurate")
    code, output = run(project_copy, "validate", str(project_copy / ENTITY), capsys=capsys)
    assert code == 0 and "acurate" not in output
    code, output = run(project_copy, "validate", str(project_copy / CLAIM), capsys=capsys)
    assert code == 1 and "acurate" in output


def test_github_format_prints_annotations(project_copy, capsys):
    text = edit(project_copy, CLAIM, "verdict: accurate", "verdict: acurate")
    code, output = run(project_copy, "validate", "--format", "github", capsys=capsys)
    assert code == 1
    line = line_of(text, "verdict: acurate")
    assert f"::error file={CLAIM},line={line},col=1,title=verdict::unknown verdict 'acurate'" in output


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


@pytest.fixture
def git_copy(project_copy: Path) -> Path:
    git(project_copy, "init", "-q", "-b", "main")
    git(project_copy, "add", "-A")
    git(project_copy, "commit", "-q", "-m", "published")
    return project_copy


def test_a_changed_verdict_needs_a_correction(git_copy, capsys):
    text = edit(git_copy, CLAIM, "verdict: accurate", "verdict: misleading")
    code, output = run(git_copy, "validate", "--base", "HEAD", capsys=capsys)
    assert code == 1
    assert f"{CLAIM}:{line_of(text, 'verdict: misleading')}:1: verdict: the verdict changed from 'accurate' to 'misleading' since HEAD without a correction" in output
    edit(git_copy, CLAIM, "reviewed:", "corrections:\n  - date: 2026-12-01\n    change: Verdict changed from Accurate to Misleading.\n    reason: New evidence.\nreviewed:")
    code, output = run(git_copy, "validate", "--base", "HEAD", capsys=capsys)
    assert code == 0, output


def test_diff_lists_verdict_changes_first_then_added_removed_and_edited(git_copy, capsys):
    edit(git_copy, CLAIM, "verdict: accurate", "verdict: misleading")
    edit(git_copy, f"claims/{SOURCE_ID}/ee-largest-uk-mobile.yml", "24.2 million", "24.19 million")
    (git_copy / UNVERIFIABLE).unlink()
    code, output = run(git_copy, "diff", "HEAD", capsys=capsys)
    assert code == 0
    assert output.index("### Verdict changes") < output.index("### Removed") < output.index("### Edited")
    assert "| `ee-price` BT paid about £12\\.5 billion for EE\\. | Accurate | Misleading | **missing** |" in output
    assert "- `broadband-largest` (Unverifiable):" in output
    assert "- `ee-largest-uk-mobile`: summary" in output


def test_diff_of_an_unknown_revision_is_a_clear_error(git_copy, capsys):
    code, output = run(git_copy, "diff", "no-such-branch", capsys=capsys)
    assert code == 2 and "cannot read claims at no-such-branch" in output


def test_locate_lists_every_occurrence_with_context(project_copy, capsys):
    code, output = run(project_copy, "locate", SOURCE_ID, "GPB", capsys=capsys)
    assert code == 0
    second = GPB_STARTS[1]
    assert "3 occurrence(s)" in output and f"{second}–{second + 3}" in output and "18.9 [GPB] milliards" in output


def test_new_scaffolds_a_claim_that_validates_only_once_completed(project_copy, capsys):
    quote = "le plus grand opérateur à large bande"
    code, output = run(project_copy, "new", SOURCE_ID, quote, "--today", "2026-12-01", capsys=capsys)
    assert code == 0, output
    path = project_copy / f"claims/{SOURCE_ID}/le-plus-grand-operateur-a-large.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/claim.schema.json\n")
    assert f"start: {TEXT.index(quote)}" in text and f"end: {TEXT.index(quote) + len(quote)}" in text
    assert 'prefix: "' in text and "reviewed: 2026-12-01" in text
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 1 and "still holds the placeholder text" in output


def test_new_finds_entities_named_in_the_quote(project_copy, capsys):
    code, _ = run(project_copy, "new", SOURCE_ID, "Le 29 Janvier 2016, BT a réalisé l’acquisition de l’EE", "--id", "ee-date-2", capsys=capsys)
    assert code == 0
    assert "entities: [bt-group, ee]" in (project_copy / f"claims/{SOURCE_ID}/ee-date-2.yml").read_text()


def test_new_tolerates_straight_apostrophes_but_writes_the_source_text(project_copy, capsys):
    code, _ = run(project_copy, "new", SOURCE_ID, "l'acquisition de l'EE", "--id", "apostrophes", capsys=capsys)
    assert code == 0
    assert 'exact: "l’acquisition de l’EE"' in (project_copy / f"claims/{SOURCE_ID}/apostrophes.yml").read_text()


def test_new_lists_candidates_of_an_ambiguous_quote(project_copy, capsys):
    code, output = run(project_copy, "new", SOURCE_ID, "GPB milliards", capsys=capsys)
    assert code == 1
    assert "occurs 3 times" in output and "--occurrence" in output
    code, output = run(project_copy, "new", SOURCE_ID, "GPB milliards", "--occurrence", "3", "--id", "third-gpb", capsys=capsys)
    assert code == 0 and f"start: {GPB_STARTS[2]}" in (project_copy / f"claims/{SOURCE_ID}/third-gpb.yml").read_text()


def test_new_suggests_the_closest_passage_for_a_misquote(project_copy, capsys):
    code, output = run(project_copy, "new", SOURCE_ID, "le plus grand opérateur de téléphone mobile", capsys=capsys)
    assert code == 1
    assert f"not in sources/{SOURCE_ID}.txt" in output and "le plus grand opérateur de téléphonie mobile" in output


def test_reanchor_follows_a_deliberate_correction_of_the_source(project_copy, capsys):
    text_path = project_copy / f"sources/{SOURCE_ID}.txt"
    text = text_path.read_text(encoding="utf-8")
    text_path.write_text(text.replace("13\n\n", "", 1), encoding="utf-8")  # remove the stray line
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 1 and "has changed" in output

    edit(project_copy, SOURCE, 'not_checked:\n  - quote: "13"\n    reason: A stray line with no meaning in the text, probably a share counter.\n', "")
    code, output = run(project_copy, "reanchor", "--source", SOURCE_ID, capsys=capsys)
    assert code == 0, output
    moved = sum(1 for path in (project_copy / "claims").rglob("*.yml") if "start: " in path.read_text())  # every claim is after it
    assert "sha256 updated" in output and f"{moved} claim(s) re-anchored" in output
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 0, output
    assert f"start: {PRICE_START - 4}" in (project_copy / CLAIM).read_text()


def test_reanchor_lists_claims_that_no_longer_anchor(project_copy, capsys):
    text_path = project_copy / f"sources/{SOURCE_ID}.txt"
    text_path.write_text(text_path.read_text(encoding="utf-8").replace("12.5 GPB", "12,5 GBP"), encoding="utf-8")
    code, output = run(project_copy, "reanchor", "--source", SOURCE_ID, capsys=capsys)
    assert code == 1
    assert "no longer match the text" in output and f"{CLAIM}:5:3: selector.exact: the quote is not in source" in output


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def local_server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    (root / "ok.html").write_text("fine")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _QuietHandler(*a, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def build(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=project,
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr


def test_links_finds_broken_internal_links_and_anchors(project_copy, capsys):
    build(project_copy)
    code, output = run(project_copy, "links", capsys=capsys)
    assert code == 0, output
    page = project_copy / "site/claims/ee-price.html"
    page.write_text(page.read_text().replace('href="../entities/ee.html"', 'href="../entities/ee-ltd.html"', 1)
                    .replace("#claim-ee-price", "#claim-nowhere", 1))
    code, output = run(project_copy, "links", capsys=capsys)
    assert code == 1
    assert "claims/ee-price.html: ../entities/ee-ltd.html: no such page" in output
    assert f"claims/ee-price.html: ../sources/{SOURCE_ID}.html#claim-nowhere: no #claim-nowhere on that page" in output


def test_links_online_names_the_file_citing_a_broken_address(project_copy, capsys, local_server):
    build(project_copy)
    for path in (project_copy / "claims").rglob("*.yml"):
        path.write_text(re.sub(r'url: "https?://[^"]+"', f'url: "{local_server}/ok.html"', path.read_text(encoding="utf-8")), encoding="utf-8")
    for path in [project_copy / SOURCE]:
        path.write_text(re.sub(r"url: https?://\S+", f"url: {local_server}/ok.html", path.read_text(encoding="utf-8")), encoding="utf-8")
    edit(project_copy, CLAIM, f'url: "{local_server}/ok.html"', f'url: "{local_server}/gone.html"')
    code, output = run(project_copy, "links", "--online", "--timeout", "5", "--retries", "0", capsys=capsys)
    assert code == 1
    assert [row for row in output.splitlines() if "gone.html" in row] == [f"{CLAIM}: {local_server}/gone.html: HTTP 404"]


def test_every_command_has_help():
    for command in ("validate", "new", "new-source", "locate", "reanchor", "diff", "links", "render", "init"):
        result = subprocess.run([sys.executable, "-m", "factdesk", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: factcheck" in result.stdout


def test_commands_find_the_site_from_any_of_its_folders(project_copy, capsys, monkeypatch):
    monkeypatch.chdir(project_copy / "claims" / SOURCE_ID)
    assert main(["validate"]) == 0
    assert "OK: 1 source(s), 4 claim(s)" in capsys.readouterr().err
    monkeypatch.chdir(project_copy / "sources")
    assert main(["locate", SOURCE_ID, PRICE]) == 0
    assert f"{PRICE_START}–{PRICE_START + len(PRICE)}" in capsys.readouterr().out


def test_outside_a_site_a_command_says_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 2
    captured = capsys.readouterr()
    assert not captured.out
    assert "not in a fact-check site" in captured.err and "factcheck init" in captured.err
    assert "git" not in captured.err


def test_an_unknown_source_is_an_error_on_stderr_naming_the_known_ones(project_copy, capsys):
    assert main(["--root", str(project_copy), "new", "nosuchsource", "x"]) == 1
    captured = capsys.readouterr()
    assert not captured.out
    assert "unknown source 'nosuchsource'" in captured.err and SOURCE_ID in captured.err
    assert "sources/nosuchsource.yml:1:1" not in captured.err, "no location in a file that does not exist"


def test_init_writes_a_site_that_validates(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "desk"]) == 0
    assert "cd desk" in capsys.readouterr().out
    written = {path.relative_to(tmp_path / "desk").as_posix() for path in (tmp_path / "desk").rglob("*") if path.is_file()}
    assert {"site.yml", "mkdocs.yml", "rating-scale.yml", "Makefile", "CONTRIBUTING.md", ".github/workflows/ci.yml",
            ".github/workflows/deploy.yml", "schemas/claim.schema.json", "docs/index.md"} <= written
    assert sum(name.startswith("claims/") for name in written) == 1
    assert set(tmp_path.iterdir()) == {tmp_path / "desk"}, "nothing written outside the folder"
    monkeypatch.chdir(tmp_path / "desk" / "sources")
    assert main(["validate"]) == 0
    assert "OK: 1 source(s), 1 claim(s), 1 entities." in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["not empty", "a file", "a link to an empty folder"])
def test_init_refuses_a_folder_it_would_not_own(tmp_path, capsys, kind):
    target, elsewhere = tmp_path / "desk", tmp_path / "elsewhere"
    elsewhere.mkdir()
    if kind == "not empty":
        target.mkdir()
        (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    elif kind == "a file":
        target.write_text("mine\n", encoding="utf-8")
    else:
        target.symlink_to(elsewhere)
    before = {path: path.read_bytes() if path.is_file() and not path.is_symlink() else None for path in tmp_path.rglob("*")}
    assert main(["init", str(target)]) == 2
    captured = capsys.readouterr()
    assert "factcheck:" in captured.err and not captured.out
    assert {path: path.read_bytes() if path.is_file() and not path.is_symlink() else None
            for path in tmp_path.rglob("*")} == before, "nothing written"
    assert not any(elsewhere.iterdir())


def test_the_status_line_stays_out_of_logs_and_pipes():
    import io

    from factdesk.progress import Progress

    log = io.StringIO()  # not a terminal, as in CI
    progress = Progress(stream=log, delay=0, interval=0.01)
    progress.stage("Writing the pages", total=3)
    progress.advance(2)
    progress.close()
    assert log.getvalue() == ""


def test_on_a_terminal_the_status_line_shows_the_stage_and_count_then_goes():
    import io
    import time

    from factdesk.progress import Progress

    terminal = io.StringIO()
    progress = Progress(stream=terminal, delay=0, interval=0.01, enabled=True)
    progress.stage("Writing the pages", total=3)
    progress.advance(2)
    deadline = time.monotonic() + 30
    while "Writing the pages 2/3" not in terminal.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    progress.close()
    shown = terminal.getvalue()
    assert "Writing the pages 2/3 (" in shown
    assert shown.endswith("\r\033[K"), "cleared at the end, leaving the terminal as it was"
    assert "\n" not in shown, "one line, redrawn in place"
