"""Who answers for a claim and whom it quotes (`claimant`, `speaker`), and the right of reply (`right_of_reply`):
each refused at its line when wrong, and shown to readers on the claim, entity and source pages and in the open data."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from html import unescape

import pytest

from conftest import ScratchRepo
from factdesk.claims import reply_problems
from factdesk.exports import export_files
from factdesk.problems import FactcheckError
from factdesk.publishing import Publisher, SiteInfo
from factdesk.rendering import Renderer
from factdesk.repository import load_repository
from factdesk.site import build_site
from factdesk.structured_data import claim_review

INFO = SiteInfo("Test site", "https://desk.test/site/", Publisher("Test desk", "https://desk.test/"))
TEXT = "Lee said VPNs are legal. The firm agreed."
QUOTE = "Lee said VPNs are legal."
# A claim file (ScratchRepo.claim) has one field a line: reviewer is line 12, extra fields follow.
NEXT_LINE = 13


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def problems_of(repo: ScratchRepo) -> list[str]:
    with pytest.raises(FactcheckError) as caught:
        build_site(load_repository(repo.root))
    return [str(p) for p in caught.value.problems]


def pages_of(repo: ScratchRepo) -> tuple:
    model = build_site(load_repository(repo.root))
    return model, {page.url: page for page in Renderer(model, INFO).pages()}


@pytest.fixture
def translated(repo: ScratchRepo) -> ScratchRepo:
    """A translation published by a site, quoting Lee; the fault checked is the translator's."""
    repo.source("article", TEXT, publisher="Translating site")
    repo.entity("lee", "Lee", description="A seller of VPN services.", interest="Sells VPNs <i>for profit</i>.")
    repo.entity("translator", "Translating site", description="Publishes translations.", interest="Sells advertising.")
    repo.entity("firm", "The firm")
    return repo


def claim_with(repo: ScratchRepo, block: str = "", **fields) -> None:
    """Claim `c` on QUOTE, with `fields`, then `block` (YAML lines) at the end of the file."""
    path = repo.claim("c", "article", QUOTE, 0, len(QUOTE), **fields)
    path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")


# --- speaker ------------------------------------------------------------------------------------------

def test_an_unknown_speaker_is_refused_at_its_line(translated):
    claim_with(translated, speaker="nobody")
    assert problems_of(translated) == [
        f"claims/article/c.yml:{NEXT_LINE}:1: speaker: unknown entity 'nobody'; add entities/nobody.yml or fix the id"]


def test_a_speaker_who_is_the_claimant_is_refused_saying_to_drop_it(translated):
    claim_with(translated, claimant="lee", speaker="lee")
    [problem] = problems_of(translated)
    assert problem.startswith(f"claims/article/c.yml:{NEXT_LINE + 1}:1: speaker: the speaker is the claimant ('lee')")
    assert problem.endswith("remove it")


def test_the_claim_page_names_the_publisher_answerable_and_the_person_quoted(translated):
    claim_with(translated, speaker="lee")
    model, pages = pages_of(translated)
    page = visible(pages["claims/c.html"].html)
    assert "Claim made by Translating site, the source's publisher, quoting Lee." in page
    assert "Who Lee is: A seller of VPN services." in page
    assert "Interest of Lee: Sells VPNs <i>for profit</i>." in page  # escaped in the HTML, read back as text
    assert "&lt;i&gt;for profit&lt;/i&gt;" in pages["claims/c.html"].html
    assert 'href="../entities/lee.html"' in pages["claims/c.html"].html
    # The note beside the text says whose interest is at stake too.
    source_page = visible(pages["sources/article.html"].html)
    assert "Interest of Lee: Sells VPNs" in source_page
    # ClaimReview: the claim's author is whoever answers for it, the source's publisher here, never the person quoted.
    review = claim_review(model, model.claims["c"], INFO)
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Translating site"}


def test_with_a_claimant_the_claimant_answers_and_both_interests_are_shown(translated):
    claim_with(translated, claimant="translator", speaker="lee")
    model, pages = pages_of(translated)
    page = visible(pages["claims/c.html"].html)
    assert "Claim made by Translating site, quoting Lee." in page
    assert "Interest of Translating site: Sells advertising." in page and "Interest of Lee: Sells VPNs" in page
    assert claim_review(model, model.claims["c"], INFO)["itemReviewed"]["author"]["name"] == "Translating site"
    assert 'href="../methodology.html#interests"' in pages["claims/c.html"].html


def test_the_person_quoted_lists_the_claims_quoting_them(translated):
    claim_with(translated, speaker="lee")
    translated.claim("other", "article", "The firm agreed.", 25, 41, claimant="firm")
    _, pages = pages_of(translated)
    lee = pages["entities/lee.html"].html
    quoting = re.search(r'<section aria-labelledby="quoting">.*?</section>', lee, re.S).group(0)
    assert "Claims quoting Lee" in quoting and 'href="../claims/c.html"' in quoting
    assert "claims/other.html" not in quoting
    assert 'aria-labelledby="quoting"' not in pages["entities/firm.html"].html
    assert pages["entities/lee.html"].updated == "2026-11-25"


def test_an_entity_only_quoted_needs_no_other_mention(repo: ScratchRepo):
    """Quoted (or asked for a reply) is enough for an entity to belong to the site, like making a claim."""
    from factdesk.standards import standards_problems

    repo.source("article", "A firm said so.", publisher="Site")
    repo.entity("quoted", "Nowhere named")
    repo.entity("asked", "Also nowhere")
    repo.claim("c", "article", "A firm said so.", 0, 15, speaker="quoted",
               right_of_reply=[{"party": "asked", "status": "no-answer", "asked": "2026-11-01"}])
    assert standards_problems(build_site(load_repository(repo.root))) == []


# --- right of reply: validation -----------------------------------------------------------------------

REPLY_LINE = NEXT_LINE + 1  # the first entry's first line, after `right_of_reply:`


@pytest.mark.parametrize("entry, expected", [
    ("party: firm\n    status: answered\n    asked: 2026-11-20\n    reply: Yes.",
     f"{REPLY_LINE}:5: right_of_reply[0].answered: required field is missing; add it"),
    ("party: firm\n    status: answered\n    asked: 2026-11-20\n    answered: 2026-11-21",
     f"{REPLY_LINE}:5: right_of_reply[0].reply: required field is missing; add it"),
    ("party: firm\n    status: no-answer",
     f"{REPLY_LINE}:5: right_of_reply[0].asked: required field is missing; add it"),
    ("party: firm\n    status: answered\n    answered: 2026-11-21\n    reply: Yes.",
     f"{REPLY_LINE}:5: right_of_reply[0].asked: required field is missing; add it"),
    ("party: firm\n    status: not-asked",
     f"{REPLY_LINE}:5: right_of_reply[0].reason: required field is missing; add it"),
    ("party: firm\n    status: refused\n    asked: 2026-11-20",
     f"{REPLY_LINE + 1}:5: right_of_reply[0].status: 'refused' is not allowed; use one of: asked, answered, no-answer, not-asked"),
    ("party: firm\n    status: asked\n    asked: 20 November",
     f"{REPLY_LINE + 2}:5: right_of_reply[0].asked: '20 November' is not a date: use YYYY-MM-DD"),
    ("party: nobody\n    status: asked\n    asked: 2026-11-20",
     f"{REPLY_LINE}:5: right_of_reply[0].party: unknown entity 'nobody'; add entities/nobody.yml or fix the id"),
    ("party: firm\n    status: answered\n    asked: 2026-11-20\n    answered: 2026-11-19\n    reply: Yes.",
     f"{REPLY_LINE + 3}:5: right_of_reply[0].answered: the answer (2026-11-19) is dated before the question (2026-11-20); "
     "correct one of the dates"),
    ("party: firm\n    status: asked\n    asked: 2999-01-01",
     f"{REPLY_LINE + 2}:5: right_of_reply[0].asked: 2999-01-01 is in the future (today is "),
    ("party: firm\n    status: asked\n    asked: 2026-11-20\n    reply: They will answer.",
     f"{REPLY_LINE + 3}:5: right_of_reply[0].reply: `reply` belongs to status 'answered', but the status is 'asked'; "
     "set status: answered, or remove `reply`"),
    ("party: firm\n    status: no-answer\n    asked: 2026-11-20\n    reason: Too busy.",
     f"{REPLY_LINE + 3}:5: right_of_reply[0].reason: `reason` belongs to status 'not-asked', but the status is 'no-answer'"),
    ("party: firm\n    status: not-asked\n    asked: 2026-11-20\n    reason: No address.",
     f"{REPLY_LINE + 2}:5: right_of_reply[0].asked: the status is 'not-asked' but an `asked` date is given"),
    ("party: firm\n    status: asked\n    asked: 2026-11-20\n    when: soon",
     f"{REPLY_LINE + 3}:5: right_of_reply[0].when: unknown field; allowed fields are: answered, asked, party, reason, reply, status"),
    # A reply is Markdown: held to the same limits as notes (a table of 21 columns).
    ("party: firm\n    status: answered\n    asked: 2026-11-20\n    answered: 2026-11-21\n    reply: \"|" + "a|" * 21
     + "\\n|" + "-|" * 21 + "\"",
     f"{REPLY_LINE + 4}:5: right_of_reply[0].reply: a table has 21 columns, more than the limit of 20"),
])
def test_a_wrong_right_of_reply_is_refused_at_its_line(translated, entry, expected):
    claim_with(translated, block=f"right_of_reply:\n  - {entry}\n")
    problems = problems_of(translated)
    assert any(p.startswith(f"claims/article/c.yml:{expected}") for p in problems), problems


def test_a_party_listed_twice_is_refused_at_the_second(translated):
    claim_with(translated, block="right_of_reply:\n  - {party: firm, status: no-answer, asked: 2026-11-20}\n"
                                 "  - {party: firm, status: not-asked, reason: Twice.}\n")
    assert problems_of(translated) == [
        f"claims/article/c.yml:{REPLY_LINE + 1}:6: right_of_reply[1].party: 'firm' is listed twice; keep one entry per "
        "party, with its latest status"]


def test_dates_are_judged_against_the_day_of_the_check(translated):
    claim_with(translated, block="right_of_reply:\n  - {party: firm, status: asked, asked: 2026-11-20}\n")
    claim = load_repository(translated.root).claims["c"]
    assert reply_problems(claim, datetime.date(2026, 11, 20)) == []
    [problem] = reply_problems(claim, datetime.date(2026, 11, 19))
    assert str(problem).endswith("2026-11-20 is in the future (today is 2026-11-19); give the date it happened")


# --- right of reply: what readers see -----------------------------------------------------------------

REPLIES = [
    {"party": "firm", "status": "answered", "asked": "2026-11-20", "answered": "2026-11-23",
     "reply": "The firm says the **licence** was granted. <script>alert(1)</script> [x](javascript:alert(2))"},
    {"party": "lee", "status": "no-answer", "asked": "2026-11-20"},
    {"party": "translator", "status": "not-asked", "reason": "The site gives no way of reaching it."},
]


@pytest.fixture
def replied(translated) -> ScratchRepo:
    claim_with(translated, speaker="lee", right_of_reply=REPLIES)
    translated.claim("waiting", "article", "The firm agreed.", 25, 41,
                     right_of_reply=[{"party": "firm", "status": "asked", "asked": "2026-11-24"}])
    return translated


def test_the_claim_page_says_who_was_asked_when_and_what_they_said(replied):
    _, pages = pages_of(replied)
    html = pages["claims/c.html"].html
    section = re.search(r'<section aria-labelledby="right-of-reply".*?</section>', html, re.S).group(0)
    text = visible(section)
    assert "We asked The firm for a reply on 2026-11-20; they answered on 2026-11-23. What they said, in our words:" in text
    assert "<strong>licence</strong>" in section  # the reply is Markdown
    assert "<script>" not in section and 'href="javascript:' not in section  # shown as text, never run
    assert "We asked Lee for a reply on 2026-11-20; no answer came." in text
    assert "We did not ask Translating site for a reply. Why: The site gives no way of reaching it." in text
    assert 'href="../entities/firm.html"' in section and 'href="../methodology.html#right-of-reply"' in section
    assert "We asked The firm for a reply on 2026-11-24; no answer has come yet." in visible(pages["claims/waiting.html"].html)
    # Its methodology section is among those the page links to.
    assert 'href="../methodology.html#right-of-reply">Right of reply:' in html


def test_a_claim_without_a_right_of_reply_has_no_such_section(translated):
    claim_with(translated)
    _, pages = pages_of(translated)
    assert "Right of reply" not in pages["claims/c.html"].html


def test_the_open_data_carries_the_claimant_speaker_and_right_of_reply(replied):
    model = build_site(load_repository(replied.root))
    files = export_files(model, INFO)
    claims = {claim["id"]: claim for claim in json.loads(files["claims.json"])}
    assert claims["c"]["speaker"] == "lee" and claims["c"]["claimant"] is None
    assert claims["c"]["right_of_reply"] == REPLIES
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(files["claims.csv"]))}
    assert json.loads(rows["c"]["right_of_reply"]) == REPLIES and rows["c"]["speaker"] == "lee"
    assert json.loads(rows["waiting"]["right_of_reply"]) == [{"party": "firm", "status": "asked", "asked": "2026-11-24"}]
    package = json.loads(files["datapackage.json"])
    fields = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert fields["right_of_reply"] == "array" and fields["speaker"] == "string"
