"""Reading the annotated text in Chromium: on a phone, on a wide screen, with a screen reader, without
colour and without JavaScript.

What a reader should get, whatever the desk's sources, claims, languages and rating scale (the checks
read them from the built site's open data and the desk's files, on the checkout and on a fork with
English, French and Chinese sources):
- every element in its language: the source's words in the source's, labels and notes in the site's;
- each claim's link named for its whole passage and its number, its verdict said once (the link's
  description, from the note);
- at 320, 360, 768 and 1366 px, with and without JavaScript, and at 320 px with text at 200 %, no page
  scrolls sideways;
- on a phone, a tap on a passage shows its verdict and summary under it, without leaving the page; on a
  wide screen each note sits level with its passage;
- verdicts and claim boundaries told apart without colour, in forced colours too; the page's conclusion
  first.
Screenshots land in tests/artifacts/screenshots/ (reading-*.png).
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from test_browser import ARGS, CHROMIUM, SCREENSHOTS, _read_aloud, _require_browser, _serve

WIDTHS = (320, 360, 768, 1366)
PHONE = {"width": 360, "height": 780}
WIDE = {"width": 1366, "height": 900}
# A note sits level with its passage, or as near as the notes of neighbouring claims let it: never a
# screen away (the issue measured notes 400 px below their passages).
MAX_DRIFT = 200


@dataclass(frozen=True)
class Desk:
    name: str
    url: str  # where the built site is served
    root: Path  # the desk's files
    sources: list[dict]
    claims: dict[str, dict]
    labels: dict[str, str]  # verdict id: label, from the desk's rating scale

    def source_text(self, source_id: str) -> str:
        return (self.root / "sources" / f"{source_id}.txt").read_text(encoding="utf-8")

    def set_aside(self, source_id: str) -> list[str]:
        data = yaml.safe_load((self.root / "sources" / f"{source_id}.yml").read_text(encoding="utf-8"))
        return [item["quote"] for item in data.get("not_checked") or []]


def _open_data(url: str, name: str):
    return json.loads(urllib.request.urlopen(url + name).read())


@pytest.fixture(scope="module", params=["checkout", "fork"])
def desk(request):
    _require_browser()
    root = request.getfixturevalue(f"{request.param}_desk").root
    site = request.getfixturevalue(f"{request.param}_site")
    scale = yaml.safe_load((root / "rating-scale.yml").read_text(encoding="utf-8"))
    for url in _serve(site):
        yield Desk(request.param, url, root, _open_data(url, "sources.json"),
                   {c["id"]: c for c in _open_data(url, "claims.json")},
                   {v["id"]: v["label"] for v in scale["verdicts"]})


@pytest.fixture(scope="module")
def checkout(checkout_desk, checkout_site):
    _require_browser()
    scale = yaml.safe_load((checkout_desk.root / "rating-scale.yml").read_text(encoding="utf-8"))
    for url in _serve(checkout_site):
        yield Desk("checkout", url, checkout_desk.root, _open_data(url, "sources.json"),
                   {c["id"]: c for c in _open_data(url, "claims.json")},
                   {v["id"]: v["label"] for v in scale["verdicts"]})


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    _require_browser()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _main_source(desk: Desk) -> dict:
    """The source with the most claims."""
    return max(desk.sources, key=lambda s: (len(s["claims"]), s["id"]))


def _words(text: str) -> str:
    """Text without its white space: names computed from pieces differ from the text only in spaces."""
    return "".join(text.split())


def _shot(page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reading-{name}.png"), full_page=full_page)


def _ax_node(cdp, selector: str) -> dict:
    """Chromium's own accessibility node for the element: its computed name and description."""
    document = cdp.send("DOM.getDocument", {"depth": 0})
    node = cdp.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector})
    return cdp.send("Accessibility.getPartialAXTree", {"nodeId": node["nodeId"], "fetchRelatives": False})["nodes"][0]


def _value(node: dict, key: str) -> str:
    return (node.get(key) or {}).get("value", "")


# ---------------------------------------------------------------------------------------------
# Languages.

LANGUAGES = """(sourceLanguage) => {
  const site = document.documentElement.lang;
  const langOf = (el) => (el.closest('[lang]') || document.documentElement).getAttribute('lang');
  const wrong = [];
  const check = (el, want, what) => {
    if (langOf(el) !== want) wrong.push(`${what} in ${langOf(el)}, not ${want}: ${el.outerHTML.slice(0, 100)}`);
  };
  document.querySelectorAll('.fc-annotated p.fc-paragraph, h1.fc-source-title').forEach(el => check(el, sourceLanguage, 'source text'));
  document.querySelectorAll('.fc-claim-name').forEach(el => check(el, site, 'claim label'));
  document.querySelectorAll('li.fc-note, li.fc-note *, ol.fc-notes').forEach(el => check(el, site, 'note'));
  // Every other word of the page is the site's, but for the source's own words: its paragraphs, its
  // headline, quotations, and links that give its title in its language.
  const own = 'p.fc-paragraph, h1.fc-source-title, q, blockquote, a[lang]';
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!node.textContent.trim() || parent.closest(own)) continue;
    check(parent, site, 'page text');
  }
  return wrong;
}"""


def test_every_element_is_in_its_language(browser, desk):
    """The source's words in the source's language; notes, labels and everything else in the site's
    (WCAG 3.1.2): a screen reader speaks each with the right voice."""
    page = browser.new_page()
    for source in desk.sources:
        page.goto(desk.url + source["url"])
        wrong = page.evaluate(LANGUAGES, source["language"])
        assert wrong == [], f"{desk.name} {source['url']}:\n" + "\n".join(wrong[:10])
        for claim_id in source["claims"][:3]:
            page.goto(desk.url + desk.claims[claim_id]["url"])
            assert page.locator("blockquote.fc-quote").get_attribute("lang") == source["language"]
            wrong = page.evaluate(LANGUAGES, source["language"])
            assert wrong == [], f"{desk.name} {claim_id}:\n" + "\n".join(wrong[:10])
    page.goto(desk.url + "index.html")
    site_language = page.evaluate("document.documentElement.lang")
    for source in desk.sources:
        title = page.locator(f"#card-{source['id']} a")
        assert (title.get_attribute("lang") or site_language) == source["language"], source["id"]
    page.close()


# ---------------------------------------------------------------------------------------------
# The accessibility tree.

def test_each_claim_link_is_named_for_its_passage_and_its_verdict_said_once(browser, desk):
    """Chromium's accessibility tree: each claim's link is named for its whole passage (every piece, when
    other claims interrupt it) then "(claim N)", and described by its verdict and summary; the notes give
    each verdict once, and nothing else on the text repeats it."""
    page = browser.new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Accessibility.enable")
    for source in desk.sources:
        page.goto(desk.url + source["url"])
        spoken: list[tuple[str, str]] = []
        for region in ("h1.fc-source-title", "article > ol.fc-notes", ".fc-annotated"):
            for index in range(page.locator(region).count()):
                spoken += _read_aloud(page.locator(region).nth(index).aria_snapshot())
        heard = "\n".join(text for _, text in spoken)
        for claim_id in source["claims"]:
            claim = desk.claims[claim_id]
            label = desk.labels[claim["verdict"]]
            number = int(page.locator(f'li.fc-note[data-claim="{claim_id}"]').get_attribute("id").removeprefix("note-"))
            node = _ax_node(cdp, f"#claim-{claim_id}")
            assert _words(_value(node, "name")) == _words(f"{claim['quote']} (claim {number})"), claim_id
            assert " ".join(_value(node, "description").split()) == " ".join(f"{label} {claim['summary']}".split()), claim_id
            notes = [text for role, text in spoken if role == "listitem" and text.startswith(f"Claim {number} ")]
            assert len(notes) == 1 and notes[0].startswith(f"Claim {number} {label} "), (claim_id, notes)
            heard = heard.replace(claim["claim"], "").replace(claim["summary"], "")
        # Each verdict is heard as often as claims have it: once per claim.
        for verdict_id, label in sorted(desk.labels.items(), key=lambda pair: -len(pair[1])):
            said = re.compile(rf"(?<!\w){re.escape(label)}(?!\w)")
            expected = sum(desk.claims[c]["verdict"] == verdict_id for c in source["claims"])
            assert len(said.findall(heard)) == expected, f"{source['id']}: {label}"
            heard = said.sub("", heard)
    page.close()


def test_a_stray_line_set_aside_is_not_read_and_quotes_stay_in_their_paragraph(browser, checkout):
    """A paragraph the editors set aside as not checked that holds no letter (a page counter) is shown but
    not read out; a claim page quotes its passage with context from its own paragraph only."""
    page = browser.new_page()
    for source in checkout.sources:
        text = checkout.source_text(source["id"])
        stray = [p.strip() for p in re.split(r"\n\s*\n", text)
                 if p.strip() in {q.strip() for q in checkout.set_aside(source["id"])} and not re.search(r"[^\W\d_]", p)]
        page.goto(checkout.url + source["url"])
        read = [name for role, name in _read_aloud(page.locator(".fc-annotated").aria_snapshot()) if role in ("paragraph", "text")]
        for line in stray:
            assert line not in read, f"{source['id']}: {line!r} is read aloud"
            assert page.locator(".fc-annotated p.fc-paragraph", has_text=re.compile(rf"^\s*{re.escape(line)}\s*$")).is_visible()
        for claim_id in source["claims"]:
            claim = checkout.claims[claim_id]
            if claim["field"] != "text":
                continue
            start = text.rfind("\n\n", 0, claim["start"])
            end = text.find("\n\n", claim["end"])
            paragraphs = text[0 if start < 0 else start:len(text) if end < 0 else end]
            page.goto(checkout.url + claim["url"])
            quoted = page.locator("blockquote.fc-quote").inner_text().replace("…", "")
            assert _words(quoted) in _words(paragraphs), f"{claim_id}: the quotation runs outside its paragraph"
    page.close()


# ---------------------------------------------------------------------------------------------
# No sideways scrolling.

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _pages(desk: Desk) -> list[str]:
    source = _main_source(desk)
    return ["index.html", source["url"], desk.claims[source["claims"][0]]["url"],
            max(desk.claims.values(), key=lambda c: len(c["claim"]) + len(c["summary"]))["url"],
            "claims/index.html", "methodology.html", "about.html", "corrections.html", "sources/index.html",
            "entities/index.html", _open_data(desk.url, "entities.json")[0]["url"]]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_no_page_scrolls_sideways_at_any_width(browser, checkout, javascript):
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    wide = []
    for path in _pages(checkout):
        page.goto(checkout.url + path)
        if javascript:  # measured as the page settles, not halfway through the theme's transitions
            page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(50)
            overflow = page.evaluate(OVERFLOW)
            if overflow > 1:
                wide.append(f"{path} at {width}px: {overflow}px too wide")
            if path == _main_source(checkout)["url"]:
                _shot(page, f"source-{width}-{'js' if javascript else 'no-js'}")
    context.close()
    assert wide == [], "\n".join(wide)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_no_page_scrolls_sideways_at_320_px_with_text_at_200_percent(browser, checkout, javascript):
    """WCAG 1.4.4 and 1.4.10: the browser's text size doubled (its default font size, as its settings set
    it), at 320 px: nothing is cut off or pushes the page wider, the claim page's verdict included."""
    context = browser.new_context(viewport={"width": 320, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    wide = []
    for path in _pages(checkout):
        page.goto(checkout.url + path)
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 32, "text is doubled"
        overflow = page.evaluate(OVERFLOW)
        if overflow > 1:
            wide.append(f"{path}: {overflow}px too wide")
        badge = page.locator(".fc-verdict .fc-badge")
        if badge.count():
            box = badge.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, f"{path}: the verdict is cut off"
            if path == _pages(checkout)[3]:
                _shot(page, f"claim-320-text-200-{'js' if javascript else 'no-js'}")
    context.close()
    assert wide == [], "\n".join(wide)


# ---------------------------------------------------------------------------------------------
# A phone: the verdict without leaving the page.

def test_on_a_phone_a_tap_shows_the_verdict_and_summary_under_the_passage(browser, desk):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    source = _main_source(desk)
    address = desk.url + source["url"]
    page.goto(address)
    popover = page.locator("#fc-popover")
    for claim_id in [c for c in source["claims"] if desk.claims[c]["field"] == "text"][:4]:
        claim = desk.claims[claim_id]
        link = page.locator(f"#claim-{claim_id}")
        link.tap()
        assert page.url == address, "the first tap stays on the page"
        assert popover.is_visible()
        shown = popover.inner_text()
        assert desk.labels[claim["verdict"]] in shown and " ".join(claim["summary"].split()) in " ".join(shown.split())
        assert link.get_attribute("aria-expanded") == "true"
        # Directly under the passage: below the line tapped, not a screen away.
        lines = link.evaluate("a => [...a.getClientRects()].map(r => [r.top, r.bottom])")
        top = popover.bounding_box()["y"]
        assert any(0 <= top - bottom <= 12 for _, bottom in lines), (claim_id, top, lines)
        assert popover.get_by_role("link").get_attribute("href") == link.get_attribute("href")
        _shot(page, f"phone-preview-{desk.name}", full_page=False)
        popover.get_by_role("button", name="Close").tap()
        assert popover.is_hidden() and link.get_attribute("aria-expanded") is None
    # A second tap on the same passage opens the claim's page.
    first = [c for c in source["claims"] if desk.claims[c]["field"] == "text"][0]
    page.locator(f"#claim-{first}").tap()
    page.locator(f"#claim-{first}").tap()
    page.wait_for_url(f"**/{desk.claims[first]['url']}")
    context.close()


def test_on_a_phone_without_javascript_each_paragraph_is_followed_by_its_verdicts(browser, checkout):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    source = _main_source(checkout)
    page.goto(checkout.url + source["url"])
    for claim_id in source["claims"]:
        claim = checkout.claims[claim_id]
        note = page.locator(f'li.fc-note[data-claim="{claim_id}"]')
        assert note.is_visible()
        shown = " ".join(note.inner_text().split())
        assert checkout.labels[claim["verdict"]] in shown and " ".join(claim["summary"].split()) in shown
    context.close()


# ---------------------------------------------------------------------------------------------
# A wide screen: notes level with their passages.

def test_at_1366_px_each_note_sits_beside_its_passage(browser, desk):
    page = browser.new_page(viewport=WIDE)
    source = _main_source(desk)
    page.goto(desk.url + source["url"])
    page.wait_for_load_state("networkidle")
    placed = page.evaluate("""() => [...document.querySelectorAll('.fc-annotated li.fc-note')].map(note => {
      const link = document.querySelector(`a.fc-claim[data-note="${note.id}"]`);
      const line = link.getClientRects()[0], box = note.getBoundingClientRect();
      const text = link.closest('p').getBoundingClientRect();
      return {note: note.id, drift: box.top - line.top, left: box.left, textRight: text.right};
    })""")
    assert placed
    for note in placed:
        assert abs(note["drift"]) <= MAX_DRIFT, note
        assert note["left"] >= note["textRight"], f"{note['note']} covers the text"
    _shot(page, f"wide-{desk.name}")
    # Hovering a passage opens its note beside the text; no popover covers the lines of other claims.
    link = page.locator(".fc-annotated a.fc-claim").nth(len(placed) // 2)
    link.hover()
    note = page.locator(f"#{link.get_attribute('data-note')}")
    assert "fc-active" in note.get_attribute("class")
    assert page.locator("#fc-popover").is_hidden()
    summary = note.locator(".fc-note-summary")
    assert summary.is_visible() and summary.bounding_box()["height"] > 5
    page.close()


# ---------------------------------------------------------------------------------------------
# Without colour.

SHAPES = """() => {
  const seen = {};
  document.querySelectorAll('.fc-annotated a.fc-claim').forEach(a => {
    const verdict = [...a.classList].find(c => c.startsWith('fc-v-'));
    const marker = document.querySelector(`.fc-marker[data-number="${a.dataset.note.slice(5)}"]`);
    const style = getComputedStyle(a), mark = getComputedStyle(marker);
    seen[verdict] = [mark.borderTopLeftRadius + ' ' + mark.borderTopRightRadius + ' ' + mark.borderBottomRightRadius,
                     style.borderBottomStyle, parseFloat(style.borderBottomWidth), mark.borderTopStyle, parseFloat(mark.borderTopWidth),
                     parseFloat(style.borderLeftWidth)];
  });
  return seen;
}"""


@pytest.mark.parametrize("forced", [False, True], ids=["colours", "forced-colours"])
def test_verdicts_and_claim_boundaries_are_told_apart_without_colour(browser, checkout, forced):
    """Each verdict's markers have their own shape and its passages their own line, so Accurate and Mostly
    accurate differ in more than a shade; each passage starts with a bar and ends with its numbered marker,
    so neighbouring claims of one verdict do not run together. In forced colours (Windows high contrast)
    markers and badges keep an outline, passages their lines."""
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    if forced:
        page.emulate_media(forced_colors="active")
    page.goto(checkout.url + _main_source(checkout)["url"])
    seen = page.evaluate(SHAPES)
    assert len(seen) > 1
    looks = {verdict: (shape, line) for verdict, (shape, line, *_rest) in seen.items()}
    assert len(set(looks.values())) == len(looks), f"two verdicts look alike without colour: {looks}"
    for verdict, (_, _, line_width, marker_border, marker_border_width, bar) in seen.items():
        assert line_width >= 2 and bar >= 2, verdict
        if forced:
            assert marker_border != "none" and marker_border_width >= 1, verdict
    _shot(page, f"source-1366-{'forced-colours' if forced else 'colours'}")
    assert page.evaluate(OVERFLOW) <= 1
    context.close()


def test_the_claims_filter_shows_focus(browser, checkout):
    page = browser.new_page()
    page.goto(checkout.url + "claims/index.html")
    box = page.get_by_label("Filter", exact=True)
    before = box.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.borderColor]; }")
    box.focus()
    after = box.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.borderColor]; }")
    assert after != before and after[0] != "none" and float(after[1].rstrip("px")) >= 2
    page.close()


# ---------------------------------------------------------------------------------------------
# The conclusion first.

def test_the_source_page_leads_with_its_verdict_and_the_home_page_too_on_a_phone(browser, checkout):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for source in checkout.sources:
        page.goto(checkout.url + source["url"])
        summary = page.locator(".fc-summary-box").bounding_box()["y"]
        assert page.locator("h1").bounding_box()["y"] < summary
        for later in (".fc-title-en", ".fc-byline", ".fc-annotated"):
            if page.locator(later).count():
                assert page.locator(later).first.bounding_box()["y"] > summary, later
    page.goto(checkout.url + "index.html")
    chart = page.locator("figure.fc-chart").first.bounding_box()["y"]
    for source in checkout.sources:
        card = page.locator(f"#card-{source['id']}").locator("xpath=..")
        verdict = card.locator(".fc-badge, .fc-overall-reason").first
        if verdict.count():
            assert verdict.bounding_box()["y"] < chart, source["id"]
    _shot(page, "home-360")
    context.close()
