"""The editors' command line, run on a temporary copy of the repository."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from factcheck.cli import main

CLAIM = "claims/bt-vpn-chine/ee-price.yml"
GPB = "claims/bt-vpn-chine/currency-written-gpb.yml"
ENTITY = "entities/ee.yml"
SOURCE = "sources/bt-vpn-chine.yml"


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
    ("yaml syntax error", replace(CLAIM, "verdict: accurate", "verdict: [accurate"), CLAIM, 13, "YAML syntax:"),
    ("tab indentation", replace(CLAIM, "  exact:", "\texact:"), CLAIM, 5, "YAML syntax:"),
    ("duplicate key", replace(CLAIM, "verdict: accurate", "verdict: accurate\nverdict: misleading"), CLAIM, "verdict: misleading", "duplicate key 'verdict'"),
    ("wrong type for an offset", replace(CLAIM, "start: 3210", "start: ten"), CLAIM, "start: ten", "selector.start: expected a whole number, found text ('ten')"),
    ("list where text is expected", replace(CLAIM, 'claim: "BT paid about £12.5 billion for EE."', 'claim: ["BT paid about £12.5 billion for EE."]'), CLAIM, "claim: [", "claim: expected text, found a list"),
    ("mapping where a list is expected", replace(CLAIM, "entities: [bt-group, ee]", "entities: {bt-group: ee}"), CLAIM, "entities:", "entities: expected a list, found a mapping"),
    ("unknown verdict", replace(CLAIM, "verdict: accurate", "verdict: acurate"), CLAIM, "verdict: acurate", "unknown verdict 'acurate'; use one of: accurate, mostly-accurate"),
    ("unknown entity", replace(CLAIM, "entities: [bt-group, ee]", "entities: [bt-group, ee-ltd]"), CLAIM, "entities:", "entities[1]: unknown entity 'ee-ltd'"),
    ("unknown source", replace(CLAIM, "source: bt-vpn-chine", "source: bt-vpn-china"), CLAIM, "source: bt-vpn-china", "unknown source 'bt-vpn-china'"),
    ("missing field", remove_line(CLAIM, "summary:"), CLAIM, "id: ee-price", "summary: required field is missing; add it"),
    ("unknown field", replace(CLAIM, "verdict: accurate", "verdict: accurate\nrating: 5"), CLAIM, "rating: 5", "rating: unknown field"),
    ("id differs from file name", replace(CLAIM, "id: ee-price", "id: ee-cost"), CLAIM, "id: ee-cost", "id 'ee-cost' differs from the file name"),
    ("id with capitals", replace(CLAIM, "id: ee-price", "id: EE-Price"), CLAIM, "id: EE-Price", "is not a valid id"),
    ("duplicate id", lambda root: shutil.copy(root / CLAIM, (root / "claims/other").mkdir() or root / "claims/other/ee-price.yml") and "",
     "claims/other/ee-price.yml", "id: ee-price", "duplicate id 'ee-price', already used by claims/bt-vpn-chine/ee-price.yml; ids are one space across every source"),
    ("quote not in the source", replace(CLAIM, "pour environ 12.5 GPB", "pour environ 13.5 GPB"), CLAIM, "exact:", "the quote is not in source 'bt-vpn-chine'"),
    ("ambiguous quote", lambda root: edit(root, GPB, re.search(r"  prefix: .*\n  suffix: .*\n  start: \d+\n  end: \d+", (root / GPB).read_text()).group(), "  start: 3140\n  end: 3143"),
     GPB, "exact:", "the quote occurs 3 times in 'bt-vpn-chine'"),
    ("offsets out of range", replace(CLAIM, "start: 3210\n  end: 3241", "start: 5210\n  end: 5241"), CLAIM, "end: 5241", "are beyond the end of the source text (3242 characters)"),
    ("end before start", replace(CLAIM, "end: 3241", "end: 3200"), CLAIM, "end: 3200", "end (3200) must be greater than start (3210)"),
    ("javascript: evidence URL", replace(CLAIM, 'url: "https://computing.co.uk', 'url: "javascript:alert(1)//'), CLAIM, "javascript:", "is not a web address"),
    ("data: evidence URL", replace(CLAIM, 'url: "https://computing.co.uk', 'url: "data:text/html,<script>x</script>'), CLAIM, "data:text", "is not a web address"),
    ("URL without a scheme", replace(CLAIM, 'url: "https://computing.co.uk', 'url: "www.computing.co.uk'), CLAIM, "www.computing", "is not a web address"),
    ("invalid date", replace(CLAIM, "reviewed: 2026-11-25", "reviewed: 2026-02-30"), CLAIM, "reviewed:", "is not a valid date"),
    ("no evidence for a rated claim", lambda root: edit(root, CLAIM, (root / CLAIM).read_text().split("evidence:\n")[1].split("entities:")[0], "", 1) and edit(root, CLAIM, "evidence:\n", "evidence: []\n"),
     CLAIM, "evidence: []", "evidence: needs at least 1 item"),
    ("unverifiable without what was searched", replace("claims/bt-vpn-chine/neusoft-vpn.yml", "searched:", "sought:"), "claims/bt-vpn-chine/neusoft-vpn.yml", "sought:", "sought: unknown field"),
    ("placeholder left in", replace(CLAIM, 'summary: "The deal', 'summary: "TODO: The deal'), CLAIM, "summary:", "still holds the placeholder text"),
    ("python object tag", replace(CLAIM, "verdict: accurate", "verdict: !!python/object/apply:os.system [id]"), CLAIM, "verdict:", "YAML tags such as"),
    ("alias bomb", write("claims/bt-vpn-chine/bomb.yml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"),
     "claims/bt-vpn-chine/bomb.yml", 1, "YAML anchors and aliases (&name, *name) are not allowed"),
    ("empty file", write("claims/bt-vpn-chine/empty.yml", ""), "claims/bt-vpn-chine/empty.yml", 1, "the file is empty"),
    ("not UTF-8", write("claims/bt-vpn-chine/latin1.yml", "id: latin1\nclaim: \"Soci\xe9t\xe9\"\n".encode("latin-1")),
     "claims/bt-vpn-chine/latin1.yml", 2, "the file is not UTF-8 text (byte 0xe9)"),
    ("a list instead of a mapping", write("claims/bt-vpn-chine/list.yml", "- id: list\n"), "claims/bt-vpn-chine/list.yml", 1, "the file must hold a mapping"),
    ("claim outside a source folder", write("claims/stray.yml", "id: stray\n"), "claims/stray.yml", 1, "this file is not read: claims live in claims/<source id>/<claim id>.yml; move it into its source's folder"),
    ("entity of an unknown type", replace(ENTITY, "type: organisation", "type: company"), ENTITY, "type: company", "'company' is not allowed; use one of: organisation"),
    ("entity alias that is a number", replace(ENTITY, 'name: "EE"', 'name: "EE"\naliases: [42]'), ENTITY, "aliases:", "expected text, found a number (42)"),
    ("entity related to an unknown entity", replace(ENTITY, "related: [bt-group]", "related: [bt-groupe]"), ENTITY, "related:", "related[0]: unknown entity 'bt-groupe'"),
    ("edited source text", lambda root: (root / "sources/bt-vpn-chine.txt").write_bytes((root / "sources/bt-vpn-chine.txt").read_bytes().replace(b"GPB", b"GBP", 1)) and "",
     SOURCE, "sha256:", "sources/bt-vpn-chine.txt has changed (its sha256 is now"),
    ("missing source text", lambda root: (root / "sources/bt-vpn-chine.txt").unlink() or "", SOURCE, 1, "the source text sources/bt-vpn-chine.txt is missing"),
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
    result = subprocess.run([sys.executable, "-m", "factcheck", "validate"], cwd=project_copy, capture_output=True, text=True, timeout=60)
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
    edit(git_copy, "claims/bt-vpn-chine/ee-largest-uk-mobile.yml", "24.2 million", "24.19 million")
    (git_copy / "claims/bt-vpn-chine/neusoft-vpn.yml").unlink()
    code, output = run(git_copy, "diff", "HEAD", capsys=capsys)
    assert code == 0
    assert output.index("### Verdict changes") < output.index("### Removed") < output.index("### Edited")
    assert "| `ee-price` BT paid about £12.5 billion for EE. | Accurate | Misleading | **missing** |" in output
    assert "- `neusoft-vpn` (Unverifiable):" in output
    assert "- `ee-largest-uk-mobile`: summary" in output


def test_diff_of_an_unknown_revision_is_a_clear_error(git_copy, capsys):
    code, output = run(git_copy, "diff", "no-such-branch", capsys=capsys)
    assert code == 2 and "cannot read claims at no-such-branch" in output


def test_locate_lists_every_occurrence_with_context(project_copy, capsys):
    code, output = run(project_copy, "locate", "bt-vpn-chine", "GPB", capsys=capsys)
    assert code == 0
    assert "3 occurrence(s)" in output and "2957–2960" in output and "18.9 [GPB] milliards" in output


def test_new_scaffolds_a_claim_that_validates_only_once_completed(project_copy, capsys):
    code, output = run(project_copy, "new", "bt-vpn-chine", "le plus grand opérateur à large bande", "--today", "2026-12-01", capsys=capsys)
    assert code == 0, output
    path = project_copy / "claims/bt-vpn-chine/le-plus-grand-operateur-a-large.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/claim.schema.json\n")
    assert "start: 2815" in text and "end: 2852" in text
    assert 'prefix: "' in text and "reviewed: 2026-12-01" in text
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 1 and "still holds the placeholder text" in output


def test_new_finds_entities_named_in_the_quote(project_copy, capsys):
    code, _ = run(project_copy, "new", "bt-vpn-chine", "Le 29 Janvier 2016, BT a réalisé l’acquisition de l’EE", "--id", "ee-date-2", capsys=capsys)
    assert code == 0
    assert "entities: [bt-group, ee]" in (project_copy / "claims/bt-vpn-chine/ee-date-2.yml").read_text()


def test_new_tolerates_straight_apostrophes_but_writes_the_source_text(project_copy, capsys):
    code, _ = run(project_copy, "new", "bt-vpn-chine", "l'acquisition de l'EE", "--id", "apostrophes", capsys=capsys)
    assert code == 0
    assert 'exact: "l’acquisition de l’EE"' in (project_copy / "claims/bt-vpn-chine/apostrophes.yml").read_text()


def test_new_lists_candidates_of_an_ambiguous_quote(project_copy, capsys):
    code, output = run(project_copy, "new", "bt-vpn-chine", "GPB milliards", capsys=capsys)
    assert code == 1
    assert "occurs 3 times" in output and "--occurrence" in output
    code, output = run(project_copy, "new", "bt-vpn-chine", "GPB milliards", "--occurrence", "3", "--id", "third-gpb", capsys=capsys)
    assert code == 0 and "start: 3228" in (project_copy / "claims/bt-vpn-chine/third-gpb.yml").read_text()


def test_new_suggests_the_closest_passage_for_a_misquote(project_copy, capsys):
    code, output = run(project_copy, "new", "bt-vpn-chine", "le plus grand opérateur de téléphone mobile", capsys=capsys)
    assert code == 1
    assert "not in sources/bt-vpn-chine.txt" in output and "le plus grand opérateur de téléphonie mobile" in output


def test_reanchor_follows_a_deliberate_correction_of_the_source(project_copy, capsys):
    text_path = project_copy / "sources/bt-vpn-chine.txt"
    text = text_path.read_text(encoding="utf-8")
    text_path.write_text(text.replace("13\n\n", "", 1), encoding="utf-8")  # remove the stray line
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 1 and "has changed" in output

    edit(project_copy, SOURCE, '  - quote: "13"\n    reason: A stray line with no meaning in the text, probably a page artefact such as a share counter; it is absent from the English original.\n', "")
    code, output = run(project_copy, "reanchor", "--source", "bt-vpn-chine", capsys=capsys)
    assert code == 0, output
    assert "sha256 updated" in output and "29 claim(s) re-anchored" in output
    code, output = run(project_copy, "validate", capsys=capsys)
    assert code == 0, output
    assert "start: 3206" in (project_copy / CLAIM).read_text()


def test_reanchor_lists_claims_that_no_longer_anchor(project_copy, capsys):
    text_path = project_copy / "sources/bt-vpn-chine.txt"
    text_path.write_text(text_path.read_text(encoding="utf-8").replace("12.5 GPB", "12,5 GBP"), encoding="utf-8")
    code, output = run(project_copy, "reanchor", "--source", "bt-vpn-chine", capsys=capsys)
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
    assert "claims/ee-price.html: ../sources/bt-vpn-chine.html#claim-nowhere: no #claim-nowhere on that page" in output


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
    for command in ("validate", "new", "new-source", "locate", "reanchor", "diff", "links"):
        result = subprocess.run([sys.executable, "-m", "factcheck", command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: factcheck" in result.stdout
