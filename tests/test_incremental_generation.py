"""A site generated from the previous one (`generate(..., previous=...)`, as `make serve` does after each
save) is the site a clean run gives, whatever changed: every page, every export byte for byte, every
warning. And what a change does not affect is not rendered again: those pages are the previous run's."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, ScratchRepo, file_bytes
from factdesk import repository
from factdesk.file_status import RACY_NS
from factdesk.generation import OVERVIEW_MARKER, SCALE_MARKER, GeneratedSite, generate, page_file
from factdesk.problems import FactcheckError
from factdesk.rendering import RenderedPage
from test_incremental import edit_schema as stricter_schema

REPORT_TITLE = "Acme Corp profits soar in 2015"
REPORT = ("Acme Corp said profits rose by 12 percent in 2015. The regulator in Paris disagreed with Acme Corp.\n\n"
          "Jane Doe told reporters the merger was approved. Acme expects growth in Lyon.")
MEMO = "The Paris office of Acme Corp closed in 2016. Nobody at the regulator commented."
NOTES = "Lyon is a city. Nothing here is checked yet."
ENV = {"SITE_URL": "", "REPO_URL": ""}


def claim(repo: ScratchRepo, claim_id: str, source_id: str, quote: str, text: str, **fields) -> None:
    """A claim on the first occurrence of `quote` in `text` (the source's text, or its title with field=title)."""
    start = text.index(quote)
    selector = {"exact": quote, "start": start, "end": start + len(quote)}
    if fields.pop("in_title", False):
        selector["field"] = "title"
    repo.claim(claim_id, source_id, quote, start, start + len(quote), selector=selector, **fields)


def fill(repo: ScratchRepo) -> ScratchRepo:
    repo.settings()
    repo.source("report", REPORT, title=REPORT_TITLE, publisher="Daily Paper", published="2016-05-04")
    repo.source("memo", MEMO, publisher="Weekly", published="2017-01-02",
                not_checked=[{"quote": "Nobody at the regulator commented.", "reason": "Nothing to check."}])
    repo.source("notes", NOTES)
    repo.entity("acme", "Acme Corp", aliases=["Acme"])
    repo.entity("paris", "Paris", description="A city.", related=["lyon"])
    repo.entity("lyon", "Lyon", description="Another city.")
    repo.entity("jane", "Jane Doe", description="Chief executive of Acme Corp.", interest="She runs Acme Corp.")
    repo.entity("regulator", "The Regulator", aliases=["regulator"], description="The market regulator.")
    claim(repo, "profits", "report", "profits rose by 12 percent", REPORT, entities=["acme"])
    claim(repo, "regulator", "report", "The regulator in Paris disagreed", REPORT, verdict="misleading",
          entities=["paris"])
    claim(repo, "merger", "report", "the merger was approved", REPORT, claimant="jane", entities=["acme"],
          verdict="mostly-accurate")
    claim(repo, "headline", "report", "profits soar", REPORT_TITLE, in_title=True, entities=["acme"])
    claim(repo, "office", "memo", "The Paris office of Acme Corp closed in 2016", MEMO, entities=["acme", "paris"],
          verdict="inaccurate", updated="2026-12-01",
          corrections=[{"date": "2026-12-01", "change": "Verdict changed from Misleading to Inaccurate.",
                        "reason": "The company's filing was found."}])
    return repo


def edit_field(repo: ScratchRepo, relative: str, field: str, value: object) -> None:
    """Replace one top-level field of a file the fixtures wrote (one field per line, as JSON)."""
    path = repo.root / relative
    lines = path.read_text(encoding="utf-8").splitlines()
    prefix = f"{field}: "
    replaced = [f"{prefix}{json.dumps(value, ensure_ascii=False)}" if line.startswith(prefix) else line for line in lines]
    if replaced == lines:
        replaced.append(f"{prefix}{json.dumps(value, ensure_ascii=False)}")
    path.write_text("\n".join(replaced) + "\n", encoding="utf-8")


def new_verdict(repo: ScratchRepo) -> None:
    edit_field(repo, "claims/report/profits.yml", "verdict", "inaccurate")
    edit_field(repo, "claims/report/profits.yml", "updated", "2026-12-02")
    edit_field(repo, "claims/report/profits.yml", "corrections", [
        {"date": "2026-12-02", "change": "Verdict changed from Accurate to Inaccurate.", "reason": "The accounts were restated."}])


def new_selector(repo: ScratchRepo) -> None:
    claim(repo, "profits", "report", "Acme expects growth in Lyon", REPORT, entities=["acme", "lyon"])


def stale_offsets(repo: ScratchRepo) -> None:
    """The quote is unchanged but its offsets are not: it is found again, with a warning."""
    edit_field(repo, "claims/report/profits.yml", "selector", {"exact": "profits rose by 12 percent", "start": 3, "end": 29})


def new_claim(repo: ScratchRepo) -> None:
    claim(repo, "acme-said", "report", "Acme Corp said", REPORT, entities=["acme"], verdict="unverifiable", evidence=None,
          searched=["The company's filings for 2015.", "The regulator's register."])


def new_entity(repo: ScratchRepo) -> None:
    repo.entity("office", "Paris office", description="An office.")


def delete_entity(repo: ScratchRepo) -> None:
    (repo.root / "entities" / "regulator.yml").unlink()


def new_source_text(repo: ScratchRepo) -> None:
    # The text and its sha256, as `factcheck reanchor` leaves them: offsets now move, with warnings.
    repo.source("report", "Last year " + REPORT, title=REPORT_TITLE, publisher="Daily Paper", published="2016-05-04")


def new_schema(repo: ScratchRepo) -> None:
    path = repo.root / "schemas" / "entity.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$comment"] = "Edited."
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def new_scale(repo: ScratchRepo) -> None:
    repo.replace("rating-scale.yml", "label: Misleading", "label: Misleading in part")


def new_site(repo: ScratchRepo) -> None:
    repo.replace("site.yml", "name: ", "name: Renamed ", 1)


CHANGES: dict[str, Callable[[ScratchRepo], None]] = {
    "claim summary": lambda repo: edit_field(repo, "claims/report/profits.yml", "summary", "The accounts say otherwise."),
    "claim statement": lambda repo: edit_field(repo, "claims/memo/office.yml", "claim", "The office closed."),
    "claim verdict with correction": new_verdict,
    "claim selector": new_selector,
    "claim offsets gone stale": stale_offsets,
    "claim claimant": lambda repo: edit_field(repo, "claims/report/regulator.yml", "claimant", "jane"),
    "claim speaker": lambda repo: edit_field(repo, "claims/report/regulator.yml", "speaker", "jane"),
    "claim right of reply": lambda repo: edit_field(repo, "claims/report/regulator.yml", "right_of_reply", [
        {"party": "regulator", "status": "answered", "asked": "2026-11-20", "answered": "2026-11-21",
         "reply": "It stands by its view."}]),
    "new claim": new_claim,
    "deleted claim": lambda repo: (repo.root / "claims" / "report" / "merger.yml").unlink(),
    "entity description": lambda repo: edit_field(repo, "entities/acme.yml", "description", "A maker of everything."),
    "entity name": lambda repo: edit_field(repo, "entities/paris.yml", "name", "Paris, France"),
    "entity aliases": lambda repo: edit_field(repo, "entities/lyon.yml", "aliases", ["city"]),
    "entity interest": lambda repo: edit_field(repo, "entities/jane.yml", "interest", "She owns shares."),
    "entity related": lambda repo: edit_field(repo, "entities/acme.yml", "related", ["jane"]),
    "new entity": new_entity,
    "deleted entity": delete_entity,
    "source text": new_source_text,
    "source title": lambda repo: edit_field(repo, "sources/memo.yml", "title", "An internal memo"),
    "source date": lambda repo: edit_field(repo, "sources/notes.yml", "published", "2020-01-01"),
    "source publisher": lambda repo: edit_field(repo, "sources/report.yml", "publisher", "Evening Paper"),
    "rating scale": new_scale,
    "site.yml": new_site,
    "schema": new_schema,
}


def snapshot(site: GeneratedSite) -> dict:
    """Everything the site hands on: each page (every field, and its file with front matter), each
    export, the warnings, and the blocks hand-written pages place."""
    return {
        "pages": {url: (page, page_file(page, site.info)) for url, page in site.pages.items()},
        "files": {name: file_bytes(content) for name, content in site.files().items()},
        "search": [entry.as_json() for entry in site.search_entries()],
        "sitemap": site.sitemap_files(["index.html"]),
        "warnings": [str(warning) for warning in site.warnings],
        "blocks": [site.fill_markers(f"{OVERVIEW_MARKER}\n{SCALE_MARKER}", url) for url in ("index.html", "about/x.html")],
    }


def outcome(root: Path, env: dict, previous: GeneratedSite | None = None) -> GeneratedSite | str:
    try:
        return generate(root, env, previous=previous)
    except FactcheckError as exc:
        return exc.report()


def assert_same_as_clean(root: Path, env: dict, previous: GeneratedSite | None) -> GeneratedSite | None:
    incremental = outcome(root, env, previous)
    clean = outcome(root, env)
    if isinstance(clean, str):
        assert incremental == clean, "the same problems are reported"
        return None
    assert isinstance(incremental, GeneratedSite), incremental
    assert snapshot(incremental) == snapshot(clean)
    return incremental


@pytest.fixture
def filled(repo: ScratchRepo) -> ScratchRepo:
    return fill(repo)


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_kind_of_change_the_site_is_the_one_a_clean_run_gives(filled: ScratchRepo, change: str):
    before = generate(filled.root, ENV)
    before.files()
    CHANGES[change](filled)
    after = assert_same_as_clean(filled.root, ENV, before)
    assert after is not None
    if change == "schema":  # a schema that changes nothing shown: the files it checks are checked again
        assert after.model.repository.entities["acme"] is not before.model.repository.entities["acme"]
    else:
        assert snapshot(after) != snapshot(before), "the change shows"


@pytest.mark.parametrize("variable, value", [("SITE_URL", "https://desk.news.test/checks/"),
                                             ("REPO_URL", "https://git.news.test/desk/checks")])
def test_an_address_from_the_environment_is_an_input_of_every_page(filled: ScratchRepo, variable: str, value: str):
    before = generate(filled.root, ENV)
    before.files()
    after = assert_same_as_clean(filled.root, {**ENV, variable: value}, before)
    assert after is not None
    if variable == "SITE_URL":
        assert all(after.pages[url] is not page for url, page in before.pages.items())
    # And back again.
    assert_same_as_clean(filled.root, ENV, after)


def test_a_stricter_schema_reports_what_a_clean_run_reports_and_the_next_good_run_recovers(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    stricter_schema(filled)  # summaries of at most 5 characters
    broken = outcome(filled.root, ENV, before)
    assert isinstance(broken, str) and "summary" in broken
    assert broken == outcome(filled.root, ENV)
    shutil.copy(ROOT / "schemas" / "claim.schema.json", filled.root / "schemas" / "claim.schema.json")
    assert_same_as_clean(filled.root, ENV, before)


def test_a_file_broken_then_mended_gives_the_clean_site(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    path = filled.root / "claims" / "report" / "profits.yml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("verdict: ", "verdict: [", 1), encoding="utf-8")
    assert isinstance(outcome(filled.root, ENV, before), str)
    path.write_text(good.replace("Summary.", "Mended."), encoding="utf-8")
    assert_same_as_clean(filled.root, ENV, before)


def test_a_rebuild_reads_only_the_content_files_whose_status_changed(filled: ScratchRepo, monkeypatch):
    # Every save seen as long past: each file's status is old enough to be trusted (see file_status).
    monkeypatch.setattr(repository, "time_ns", lambda: time.time_ns() + 10 * RACY_NS)
    before = generate(filled.root, ENV)
    read: list[str] = []
    real = repository.read_bytes
    monkeypatch.setattr(repository, "read_bytes",
                        lambda path, *args: read.append(path.relative_to(filled.root).as_posix()) or real(path, *args))
    edit_field(filled, "claims/report/profits.yml", "summary", "The accounts say otherwise.")
    after = generate(filled.root, ENV, previous=before)
    assert read == ["claims/report/profits.yml"]
    assert after.model.repository.claims["regulator"] is before.model.repository.claims["regulator"]
    assert snapshot(after) == snapshot(generate(filled.root, ENV))


LONG_SAVED_CHANGES: dict[str, Callable[[ScratchRepo], None]] = {
    **CHANGES,
    "stray file in a claims folder": lambda repo: (repo.root / "claims" / "memo" / "draft.txt").write_text("Notes.\n"),
    "entity that claims name deleted": lambda repo: (repo.root / "entities" / "paris.yml").unlink(),
    "claim moved to another source's folder": lambda repo: (repo.root / "claims" / "memo" / "office.yml").rename(
        repo.root / "claims" / "report" / "office.yml"),
}


@pytest.mark.parametrize("change", LONG_SAVED_CHANGES)
def test_after_each_kind_of_change_to_files_saved_long_ago_the_site_is_the_one_a_clean_run_gives(
        filled: ScratchRepo, change: str, monkeypatch):
    """Every status old enough to be trusted: a folder whose files all kept theirs is taken whole from the previous
    run, with what was checked of its claims; what changed elsewhere (an entity they name) still shows in it."""
    monkeypatch.setattr(repository, "time_ns", lambda: time.time_ns() + 10 * RACY_NS)
    before = generate(filled.root, ENV)
    unchanged = generate(filled.root, ENV, previous=before)
    assert unchanged.model.repository.claims["office"] is before.model.repository.claims["office"]
    LONG_SAVED_CHANGES[change](filled)
    assert_same_as_clean(filled.root, ENV, unchanged)
    if change.startswith("stray file"):
        assert "claims/memo/draft.txt" in outcome(filled.root, ENV, unchanged)


def test_a_file_saved_again_within_its_clock_tick_at_the_same_size_is_still_seen(filled: ScratchRepo, monkeypatch):
    """A file system whose time stamps are coarse (FAT's are two seconds apart) can leave a file's status as it
    was after a second save of the same size: a status that recent is not trusted, and the next run reads the file."""
    monkeypatch.setattr(repository, "status", lambda found: f"{found.st_size}:{found.st_mtime_ns // RACY_NS}")
    path = filled.root / "claims" / "report" / "profits.yml"
    before = generate(filled.root, ENV)
    stamp, status = path.stat().st_mtime_ns, repository.status(path.stat())
    path.write_text(path.read_text(encoding="utf-8").replace("Summary.", "Mended!."), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert repository.status(path.stat()) == status, "the status is as it was"
    after = assert_same_as_clean(filled.root, ENV, before)
    assert after is not None and "Mended!." in after.pages["claims/profits.html"].html


def rendered_again(before: GeneratedSite, after: GeneratedSite) -> set[str]:
    """The pages of `after` that are not the very objects of `before`."""
    return {url for url, page in after.pages.items() if before.pages.get(url) is not page}


def test_nothing_changed_nothing_rendered_and_every_export_kept(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    files = before.files()
    after = generate(filled.root, ENV, previous=before)
    assert rendered_again(before, after) == set()
    assert after.model.repository.claims["profits"] is before.model.repository.claims["profits"], "not loaded again"
    assert after.model.claims["profits"] is before.model.claims["profits"], "not anchored again"
    assert after.model.mentions["report"] is before.model.mentions["report"], "mentions not searched for again"
    kept = after.files()
    assert kept == files
    assert all(kept[name] is files[name] for name in files if name.endswith((".jsonld", ".png")) and name != "cards/site.png")


def test_a_summary_edit_renders_its_claim_page_and_its_source_page_only(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    files = before.files()
    edit_field(filled, "claims/report/profits.yml", "summary", "The accounts say otherwise.")
    after = generate(filled.root, ENV, previous=before)
    # The source page shows the summary beside the text; index and entity pages show no summaries.
    assert rendered_again(before, after) == {"claims/profits.html", "sources/report.html"}
    kept = after.files()
    assert kept["sources/memo.annotations.jsonld"] is files["sources/memo.annotations.jsonld"]
    assert kept["sources/report.annotations.jsonld"] != files["sources/report.annotations.jsonld"]
    assert kept["cards/merger.png"] is files["cards/merger.png"]


def test_an_edit_shows_in_every_whole_site_file_and_what_it_leaves_alone_is_kept(filled: ScratchRepo):
    # The whole-site files are made of one part per source: a claim's edit shows in every file that holds
    # the claim, and a file none of whose parts changed is the very text of last time.
    env = {**ENV, "SITE_URL": "https://desk.news.test/"}
    before = generate(filled.root, env)
    files, entries = before.files(), before.search_entries()
    edit_field(filled, "claims/report/profits.yml", "summary", "The accounts say otherwise.")
    edit_field(filled, "claims/memo/office.yml", "updated", "2026-12-24")
    after = assert_same_as_clean(filled.root, env, before)
    assert after is not None
    kept = after.files()
    for name in ("claims.json", "claims.csv", "feed.xml"):
        assert "The accounts say otherwise." in kept[name] and "The accounts say otherwise." not in files[name]
    assert '<updated>2026-12-24T' in kept["feed.xml"]
    assert "2026-12-24" in after.sitemap_files(["index.html"])["sitemap.xml"].decode()
    assert [entry.text for entry in after.search_entries() if entry.location == "claims/profits.html"] != [
        entry.text for entry in entries if entry.location == "claims/profits.html"]
    assert kept["sources.json"] is files["sources.json"], "no source's record changed"
    claim_cards = [name for name in files if name.startswith("cards/") and name != "cards/site.png"]
    assert claim_cards and all(kept[name] is files[name] for name in claim_cards), "no card's text changed"
    edit_field(filled, "claims/report/profits.yml", "claim", "Profits fell.")
    again = assert_same_as_clean(filled.root, env, after)
    assert again is not None
    cards = again.files()
    assert cards["cards/profits.png"] != kept["cards/profits.png"]
    assert cards["cards/merger.png"] is kept["cards/merger.png"], "the other cards of its source are kept"


def test_a_verdict_edit_renders_every_page_that_shows_the_verdict(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    new_verdict(filled)
    after = generate(filled.root, ENV, previous=before)
    assert rendered_again(before, after) == {
        "claims/profits.html", "sources/report.html", "entities/acme.html",
        "claims/index.html", "sources/index.html", "corrections.html",
        "entities/index.html",  # dated by the latest update of the content, which the correction moved
    }


def test_an_entity_description_renders_the_pages_that_describe_it(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    edit_field(filled, "entities/paris.yml", "description", "The capital.")
    after = generate(filled.root, ENV, previous=before)
    assert rendered_again(before, after) == {
        "entities/paris.html", "entities/lyon.html",  # related entities list each other's descriptions
        "claims/regulator.html", "claims/office.html",  # the claims about Paris
        "sources/report.html", "sources/memo.html",  # the sources that name Paris
        "entities/index.html",
    }


def test_a_claim_file_moved_down_a_line_places_problems_at_its_new_lines(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    path = filled.root / "claims" / "report" / "profits.yml"
    path.write_text("# A comment above the fields.\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = generate(filled.root, ENV, previous=before)
    assert rendered_again(before, after) == set(), "nothing a reader sees changed"
    old_line, new_line = (site.model.claims["profits"].claim.problem(("summary",), "a problem").line for site in (before, after))
    assert new_line == old_line + 1


def test_a_site_from_another_engine_is_not_reused(filled: ScratchRepo):
    before = generate(filled.root, ENV)
    other_engine = dataclasses.replace(before, engine=b"another engine")
    after = generate(filled.root, ENV, previous=other_engine)
    assert rendered_again(before, after) == set(after.pages)
    assert after.model.repository.claims["profits"] is not before.model.repository.claims["profits"]
    assert snapshot(after) == snapshot(before)


def test_pages_reused_across_runs_are_complete_pages(filled: ScratchRepo):
    first = generate(filled.root, ENV)
    second = generate(filled.root, ENV, previous=first)
    third = generate(filled.root, ENV, previous=second)
    assert all(isinstance(page, RenderedPage) and page is first.pages[url] for url, page in third.pages.items())


# Random sequences of edits: after each, the site generated from the previous one is the clean one.
EDITS = {
    "summary": lambda repo, text: edit_field(repo, "claims/report/regulator.yml", "summary", text),
    "statement": lambda repo, text: edit_field(repo, "claims/memo/office.yml", "claim", text),
    "verdict": lambda repo, text: edit_field(repo, "claims/report/merger.yml", "verdict",
                                             ["accurate", "misleading", "inaccurate"][len(text) % 3]),
    "selector": lambda repo, text: claim(repo, "merger", "report", ["the merger", "Jane Doe told", "growth"][len(text) % 3],
                                         REPORT, claimant="jane"),
    "new claim": lambda repo, text: claim(repo, f"extra-{len(text) % 4}", "notes", "Lyon is a city", NOTES,
                                          summary=text, entities=["lyon"]),
    "delete claim": lambda repo, text: (repo.root / "claims" / "report" / "profits.yml").unlink(missing_ok=True),
    "entity description": lambda repo, text: edit_field(repo, "entities/acme.yml", "description", text),
    "entity name": lambda repo, text: edit_field(repo, "entities/lyon.yml", "name", ["Lyon", "Lyons", "Lugdunum"][len(text) % 3]),
    "aliases": lambda repo, text: edit_field(repo, "entities/acme.yml", "aliases", [["Acme"], ["Acme", "Corp"], []][len(text) % 3]),
    "source title": lambda repo, text: edit_field(repo, "sources/notes.yml", "title", text),
    "source date": lambda repo, text: edit_field(repo, "sources/memo.yml", "published", f"20{10 + len(text) % 10}-01-01"),
    "site name": lambda repo, text: edit_field(repo, "site.yml", "name", text),
    "scale label": lambda repo, text: (repo.root / "rating-scale.yml").write_text(
        (ROOT / "rating-scale.yml").read_text(encoding="utf-8").replace("label: Accurate", f"label: {json.dumps(text)}"),
        encoding="utf-8"),
}
TEXTS = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=12).filter(str.strip)


@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), TEXTS, st.booleans()), min_size=1, max_size=4))
def test_random_edit_sequences_give_the_clean_site(edits: list[tuple[str, str, bool]]):
    with tempfile.TemporaryDirectory() as folder:
        repo = fill(ScratchRepo(Path(folder) / "repo"))
        site = generate(repo.root, ENV)
        for name, text, published in edits:
            EDITS[name](repo, text)
            env = {**ENV, "SITE_URL": "https://desk.news.test/" if published else ""}
            site = assert_same_as_clean(repo.root, env, site) or site
