"""CONTRIBUTING.md, followed step by step: a new editor adds a second source with claims and an entity."""

from __future__ import annotations

import re

from factdesk.cli import main
from conftest import mkdocs_build

TEXT = "Acme Telecom a annoncé 120 millions d’abonnés en 2015.\n\nLe groupe Acme Telecom vise la Chine."


def run(project, capsys, *args):
    code = main(["--root", str(project), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_new_editor_adds_a_source_claims_and_an_entity(project_copy, capsys, tmp_path):
    # Section 4: the text as published, and its metadata with a placeholder checksum.
    (project_copy / "sources/acme.txt").write_bytes(TEXT.encode("utf-8"))
    (project_copy / "sources/acme.yml").write_text(
        "# yaml-language-server: $schema=../schemas/source.schema.json\n"
        "id: acme\ntitle: Acme Telecom vise la Chine\ntitle_en: Acme Telecom targets China\nlanguage: fr\n"
        "publisher: Exemple\nurl: https://example.org/acme\n"
        "sha256: TODO\n", encoding="utf-8")
    code, output = run(project_copy, capsys, "validate")
    assert code == 1
    sha = re.search(r"sources/acme.yml:\d+:1: sha256: still holds the placeholder text; fill it in; "
                    r"the sha256 of acme.txt is ([0-9a-f]{64})", output).group(1)
    path = project_copy / "sources/acme.yml"
    path.write_text(path.read_text().replace("TODO", sha), encoding="utf-8")

    # Section 3: an entity, with the forms of its name used in the text.
    (project_copy / "entities/acme-telecom.yml").write_text(
        "# yaml-language-server: $schema=../schemas/entity.schema.json\n"
        "id: acme-telecom\nname: Acme Telecom\ntype: organisation\ndescription: A telecom operator.\n"
        "aliases:\n  - text: groupe Acme Telecom\n    language: fr\n", encoding="utf-8")

    # Section 2: a claim scaffolded with `new`, then completed.
    code, output = run(project_copy, capsys, "new", "acme", "120 millions d'abonnés en 2015", "--id", "acme-subscribers")
    assert code == 0, output
    claim = project_copy / "claims/acme/acme-subscribers.yml"
    text = claim.read_text(encoding="utf-8")
    assert "entities: []" in text  # the quote names no entity
    completed = (text
                 .replace('"TODO: the claim restated as one neutral English sentence"', '"Acme had 120 million subscribers in 2015."')
                 .replace('"TODO: English translation of the quote"', '"120 million subscribers in 2015"')
                 .replace("verdict: TODO  # one of the ids in rating-scale.yml", "verdict: unverifiable")
                 .replace('"TODO: one or two sentences: why this verdict"', '"No published figure was found."')
                 .replace("  TODO: the reasoning, in Markdown. Show every calculation; keep what changed\n"
                          "  after publication in a separate **Since publication.** paragraph.", "  Nothing was found.")
                 .replace('"TODO: your name"', '"New Editor"')
                 .replace("entities: []", "entities: [acme-telecom]"))
    completed = re.sub(r"evidence:\n(    .*\n|  - .*\n)+", "searched:\n  - Acme annual reports\n  - News archives\n", completed)
    claim.write_text(completed, encoding="utf-8")
    code, output = run(project_copy, capsys, "validate")
    assert code == 0, output

    # Section 4, step 5: the site shows the new source.
    site = tmp_path / "site"
    result = mkdocs_build(project_copy, site)
    assert result.returncode == 0, result.stderr
    assert 'href="sources/acme.html"' in (site / "index.html").read_text()
    page = (site / "sources/acme.html").read_text()
    assert "../claims/acme-subscribers.html" in page and "../entities/acme-telecom.html" in page
    assert "Unverifiable" in (site / "claims/acme-subscribers.html").read_text()
