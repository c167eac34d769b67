"""The site in a real browser: Playwright driving Debian's Chromium, with axe-core.

Every page of the built site is loaded once and checked at 1366 and 360 px in the light
and the dark palette (axe-core with the WCAG 2.2 AA tags and best practice, a skip link,
no sideways scrolling), with screenshots of each kind of page in tests/artifacts/.
The pages used are whatever the built site holds, found through its open data files.

Without Chromium these tests skip, unless CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT, build_into
from desks import add_french_brief, add_northwind_brief, copy_project

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = (1366, 360)
PALETTES = {"light": "default", "dark": "slate"}  # Material's scheme names


def _require_browser() -> None:
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed (make test installs it)"
    if not missing and not Path(CHROMIUM).exists():
        missing = f"Chromium not found at {CHROMIUM}: install Debian's package with `apt-get install chromium`"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; CI must run the browser tests")
        pytest.skip(missing)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    # As GitHub Pages serves them: the published source texts are UTF-8.
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".txt": "text/plain; charset=utf-8"}

    def log_message(self, *args) -> None:
        pass


def _serve(site: Path):
    """Serve a built site on a free local port, at the path it is published under (the 404 page
    addresses its styles from there); yields its address."""
    not_found = site / "404.html"
    match = not_found.exists() and re.search(r'href="/([^"]*?)assets/stylesheets/', not_found.read_text(encoding="utf-8"))
    prefix = match.group(1) if match else ""
    root = site.parent / "served" if prefix else site
    folder = root / urllib.parse.unquote(prefix).rstrip("/")  # the server looks up the path decoded
    if prefix and not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.symlink_to(site, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{prefix}"
    server.shutdown()


@pytest.fixture(scope="module")
def site(checkout_site: Path) -> Path:
    _require_browser()
    return checkout_site


@pytest.fixture(scope="module")
def base_url(site):
    yield from _serve(site)


@pytest.fixture(scope="module")
def kinds(site) -> dict[str, str]:
    """One page of each kind, taken from the site's open data: the source with the most claims,
    its first claim, the entity named most often."""
    sources = json.loads((site / "sources.json").read_text(encoding="utf-8"))
    entities = json.loads((site / "entities.json").read_text(encoding="utf-8"))
    source = max(sources, key=lambda s: (len(s["claims"]), s["id"]))
    entity = max(entities, key=lambda e: (len(e["claims"]), e["id"]))
    return {
        "home": "index.html",
        "source": source["url"],
        "claim": f"claims/{source['claims'][0]}.html",
        "entity": entity["url"],
        "methodology": "methodology.html",
        "claims-index": "claims/index.html",
    }


@pytest.fixture(scope="module")
def browser(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def set_palette(page, palette: str) -> None:
    """Switch Material's palette the way its toggle does, and the media query with it."""
    page.emulate_media(color_scheme=palette)
    page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", PALETTES[palette])


# ---------------------------------------------------------------------------------------------
# Every page, at both widths, in both palettes: one load per page, four checks on it.

@dataclass
class Audit:
    violations: list[str] = field(default_factory=list)
    no_skip_link: list[str] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)
    pages: int = 0


SKIP_LINK = """() => {
  const link = document.querySelector('a.md-skip');
  if (!link) return 'no skip link';
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!target) return 'skip link to a missing target ' + link.hash;
  const main = document.querySelector('main');
  const nav = document.querySelector('.md-sidebar--primary');
  if (!main || !main.contains(target)) return 'skip link target outside the main content';
  return nav && (nav.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING) ? 'skip link lands before the navigation' : '';
}"""


@pytest.fixture(scope="module")
def audit(browser, base_url, site, kinds) -> Audit:
    from axe_playwright_python.sync_playwright import Axe

    axe_script = Axe().axe_script
    shots = {path: kind for kind, path in kinds.items()}
    result = Audit()
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        # Colours are measured as they settle, not halfway through the theme's transitions.
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
        page.evaluate(axe_script)
        result.pages += 1
        problem = page.evaluate(SKIP_LINK)
        if problem:
            result.no_skip_link.append(f"{path}: {problem}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for palette in PALETTES:
                set_palette(page, palette)
                where = f"{path} at {width}px, {palette}"
                found = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
                    ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')))",
                    AXE_TAGS,
                )
                result.violations += [f"{where}: {v}" for v in found]
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 1:
                    result.overflowing.append(f"{where}: {overflow}px too wide")
                if path in shots:
                    page.screenshot(path=str(SCREENSHOTS / f"{shots[path]}-{width}-{palette}.png"), full_page=True)
        set_palette(page, "light")
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    return result


def test_every_page_has_no_accessibility_violations_at_both_widths_in_both_palettes(audit):
    assert audit.pages > 5
    assert audit.violations == [], "\n".join(audit.violations)


def test_every_page_has_a_skip_link_to_its_content(audit):
    assert audit.no_skip_link == [], "\n".join(audit.no_skip_link)


def test_no_page_scrolls_sideways(audit):
    assert audit.overflowing == [], "\n".join(audit.overflowing)


def test_each_kind_of_page_is_captured_at_both_widths_in_both_palettes(audit, kinds):
    for kind in kinds:
        for width in WIDTHS:
            for palette in PALETTES:
                shot = SCREENSHOTS / f"{kind}-{width}-{palette}.png"
                assert shot.exists() and shot.stat().st_size > 10_000, shot


# ---------------------------------------------------------------------------------------------
# The annotated text.

def test_reader_goes_from_home_to_source_to_claim_to_entity_and_back(page, base_url, site, kinds):
    source = next(s for s in json.loads((site / "sources.json").read_text(encoding="utf-8")) if s["url"] == kinds["source"])
    page.goto(base_url)
    page.get_by_role("link", name=source["title"]).first.click()
    page.wait_for_url("**/" + kinds["source"])
    claim = page.locator(".fc-annotated a.fc-claim").first
    claim_id = claim.get_attribute("data-claim")
    claim.click()
    page.wait_for_url(f"**/claims/{claim_id}.html")
    head = page.locator(".fc-claim-head")
    assert "verdict" in head.inner_text().lower()
    entity = page.locator("ul.fc-entity-list a").first
    name = entity.inner_text()
    entity.click()
    page.wait_for_url("**/entities/*.html")
    assert page.locator("h1").inner_text() == name
    page.go_back()
    page.wait_for_url(f"**/claims/{claim_id}.html")
    page.get_by_role("link", name="in the annotated text").click()
    page.wait_for_url(f"**/{kinds['source']}#claim-{claim_id}")


def test_each_claim_is_one_tab_stop_named_with_its_number_and_verdict(page, base_url, kinds):
    page.goto(base_url + kinds["source"])
    count = page.locator(".fc-source-page a.fc-claim").count()
    assert count > 0
    # Everything focusable inside the text is a claim's link: nothing else to tab through.
    focusable = page.locator(".fc-annotated a[href], .fc-annotated [tabindex]:not([tabindex='-1']), .fc-annotated button")
    assert focusable.count() == page.locator(".fc-annotated a.fc-claim").count()
    # From the skip link, claim N is reached in about N presses of Tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')"), "the skip link comes first"
    page.keyboard.press("Enter")
    numbers: list[int] = []
    presses = 0
    while len(numbers) < count:
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= count + 5, f"after {presses} presses of Tab only claims {numbers} were reached"
        label = page.evaluate("document.activeElement.matches('a.fc-claim')"
                              " && document.activeElement.querySelector('.fc-claim-name').dataset.label")
        if not label:
            assert not numbers or len(numbers) == page.locator("h1 a.fc-claim").count(), "only claims between claims"
            continue
        numbers.append(int(label.rsplit("(claim ", 1)[1].split(":")[0]))
        verdict = label.rsplit(": ", 1)[1].rstrip(")")
        assert verdict in page.locator("#fc-popover").inner_text()
    assert numbers == list(range(1, count + 1)), "claims are reached in order, one Tab each"


def _read_aloud(snapshot: str) -> list[tuple[str, str]]:
    """(role, text) of each node of an ARIA snapshot, in reading order."""
    import yaml

    spoken: list[tuple[str, str]] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key.startswith("/"):
                    continue
                role, _, name = key.partition(" ")
                if isinstance(value, str):  # a leaf: "text: ...", "listitem: ..."
                    spoken.append((role, value))
                else:
                    spoken.append((role, name.strip('"')))
                    walk(value)
        elif isinstance(node, str):
            role, _, name = node.partition(" ")
            spoken.append((role, name.strip('"')))

    walk(yaml.safe_load(snapshot))
    return spoken


def test_a_paragraph_reads_as_its_sentence_then_its_claims(page, base_url, kinds):
    page.goto(base_url + kinds["source"])
    paragraphs = page.locator(".fc-annotated p.fc-paragraph").filter(has=page.locator("a.fc-claim"))
    assert paragraphs.count() > 0
    for paragraph in paragraphs.all()[:4]:
        published = paragraph.evaluate(
            "p => { const c = p.cloneNode(true); c.querySelectorAll('.fc-claim-name, .fc-marker').forEach(e => e.remove());"
            " return c.textContent; }")
        assert len(published) == int(paragraph.get_attribute("data-end")) - int(paragraph.get_attribute("data-start"))
        spoken = _read_aloud(paragraph.aria_snapshot())
        assert spoken[0] == ("paragraph", "")
        labels = [re.search(r" \(claim (\d+): ([^)]+)\)$", name) for role, name in spoken if role == "link"]
        assert labels and all(labels), "every link in the text is a claim, named with its number and verdict"
        # The sentence as published, each claim's number and verdict after its passage.
        heard = " ".join(re.sub(r" \(claim \d+: [^)]+\)$", "", name) for _, name in spoken[1:])
        assert " ".join(heard.split()).replace(" ,", ",").replace(" .", ".") == " ".join(published.split())
        # Then the paragraph's claims, each with its verdict in words.
        notes = _read_aloud(paragraph.locator("xpath=following-sibling::*[1]").aria_snapshot())
        assert notes[0][0] == "list" and notes[0][1].startswith("Claim")
        items = [text for role, text in notes if role == "listitem"]
        assert items, "a list of the claims follows the paragraph"
        for label in labels:
            item = next((text for text in items if text.startswith(f"Claim {label.group(1)} ")), None)
            if item is not None:
                assert item.startswith(f"Claim {label.group(1)} {label.group(2)} ")


@pytest.mark.parametrize("width", [360, 768, 1366])
def test_no_marker_wraps_away_from_its_passage(browser, base_url, kinds, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base_url + kinds["source"])
    apart = page.evaluate("""() => {
      const apart = [];
      for (const marker of document.querySelectorAll('.fc-annotated .fc-marker')) {
        // The last character before the marker, in text order.
        const walker = document.createTreeWalker(marker.closest('p'), NodeFilter.SHOW_TEXT);
        let last = null;
        while (walker.nextNode()) {
          const node = walker.currentNode;
          if (marker.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) break;
          if (node.textContent.length) last = node;
        }
        if (!last) continue;
        const range = document.createRange();
        range.setStart(last, last.textContent.length - 1);
        range.setEnd(last, last.textContent.length);
        const before = range.getClientRects();
        const glyph = before[before.length - 1];
        const box = marker.getClientRects()[0];
        if (!glyph || !box || Math.abs(box.bottom - glyph.bottom) > glyph.height) apart.push(marker.dataset.number);
      }
      return apart;
    }""")
    context.close()
    assert apart == [], f"markers on another line than the end of their passage at {width}px: {apart}"


def test_popover_opens_on_focus_stays_while_hovered_and_closes_with_escape(page, base_url, kinds):
    page.goto(base_url + kinds["source"])
    link = page.locator(".fc-annotated a.fc-claim").nth(1)
    popover = page.locator("#fc-popover")
    link.focus()
    assert popover.is_visible()
    verdict = link.locator(".fc-claim-name").get_attribute("data-label").rsplit(": ", 1)[1].rstrip(")")
    assert verdict in popover.inner_text()
    assert link.get_attribute("aria-describedby") == "fc-popover"
    assert popover.get_attribute("role") == "tooltip"
    page.keyboard.press("Escape")
    assert popover.is_hidden()
    assert link.get_attribute("aria-describedby") is None
    page.keyboard.press("Tab")  # moving on with the keyboard works as usual
    assert page.evaluate("document.activeElement.tagName") == "A"
    # Hover: the popover opens, and stays while the pointer moves onto it (WCAG 1.4.13).
    page.mouse.move(0, 0)
    link.hover()
    assert popover.is_visible()
    box = popover.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.wait_for_timeout(600)
    assert popover.is_visible(), "the popover vanished when the pointer moved onto it"
    page.keyboard.press("Escape")
    assert popover.is_hidden(), "Escape dismisses it"
    page.mouse.move(0, 0)
    link.hover()
    page.mouse.move(1, 1)
    page.wait_for_timeout(600)
    assert popover.is_hidden(), "it closes once the pointer has left both"


def test_popover_has_a_visible_edge_in_the_dark_palette(page, base_url, kinds):
    page.goto(base_url + kinds["source"])
    set_palette(page, "dark")
    page.locator(".fc-annotated a.fc-claim").first.focus()
    edge = page.evaluate("""() => {
      const s = getComputedStyle(document.getElementById('fc-popover'));
      return [s.borderTopWidth, s.borderTopColor, s.backgroundColor, getComputedStyle(document.body).backgroundColor];
    }""")
    width, border, background, page_background = edge
    assert float(width.rstrip("px")) >= 1 and border != background and border != page_background


def test_the_text_comes_first_after_the_summary(page, base_url, kinds):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base_url + kinds["source"])
        summary = page.locator(".fc-summary-box")
        assert "Overall verdict" in summary.inner_text() or "claim" in summary.inner_text()
        top = page.locator(".fc-annotated").bounding_box()["y"]
        assert top < 1.2 * 900, f"the text starts {top}px down the page at {width}px"


def test_claims_table_sorts_and_filters(page, base_url):
    page.goto(base_url + "claims/index.html")
    rows = page.locator("table.fc-claims-table tbody tr")
    total = rows.count()
    verdicts = page.locator("table.fc-claims-table tbody .fc-badge").all_inner_texts()
    rare = min(set(verdicts), key=verdicts.count)
    page.get_by_label("Verdict", exact=True).first.select_option(rare)
    visible = page.locator("table.fc-claims-table tbody tr:not([hidden])")
    assert 0 < visible.count() < total or len(set(verdicts)) == 1
    assert all(rare in text for text in visible.all_inner_texts())
    page.get_by_label("Verdict", exact=True).first.select_option("")
    page.get_by_role("button", name="Verdict").first.click()
    first = rows.first.inner_text()
    page.get_by_role("button", name="Verdict").first.click()
    assert rows.first.inner_text() != first or len(set(verdicts)) == 1


def test_without_javascript_the_annotated_text_is_complete(browser, base_url, kinds):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + kinds["source"])
    notes = page.locator(".fc-annotated .fc-note")
    links = page.locator(".fc-annotated a.fc-claim")
    assert notes.count() == links.count() > 0
    assert notes.first.locator(".fc-badge").is_visible()
    assert page.locator("table.fc-claims-table").is_visible()
    context.close()


@pytest.fixture(scope="module")
def hostile_base_url(tmp_path_factory):
    _require_browser()
    from test_hostile import build_hostile_site

    yield from _serve(build_hostile_site(tmp_path_factory.mktemp("hostile-browser")))


def open_watching_dialogs(browser, url: str):
    """A fresh page at `url`, with every dialog it opens recorded (and dismissed): a dialog means script ran."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, dialogs


@pytest.mark.parametrize("path", ["sources/hostile.html", "claims/hostile-claim.html", "entities/hostile-entity.html",
                                  "claims/index.html", "index.html"])
def test_hostile_content_runs_no_script_in_the_browser(browser, hostile_base_url, path):
    context, page, dialogs = open_watching_dialogs(browser, hostile_base_url + path)
    for link in page.locator("a.fc-claim, .fc-entity").all()[:10]:
        link.hover()
        link.focus()
    for link in page.locator(".md-content a").all():
        href = link.get_attribute("href") or ""
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    pwned = page.evaluate("window.__pwned")
    context.close()
    assert pwned is None and dialogs == []


@pytest.fixture(scope="module")
def hostile_identity_base_url(tmp_path_factory):
    _require_browser()
    from test_hostile import build_hostile_identity_site

    site, result = build_hostile_identity_site(tmp_path_factory.mktemp("identity-browser"))
    assert result.returncode == 0, result.stderr
    yield from _serve(site)


@pytest.mark.parametrize("path", ["index.html", "about.html", "methodology.html", "claims/index.html"])
def test_hostile_site_yml_runs_no_script_in_the_browser(browser, hostile_identity_base_url, path):
    """site.yml's name, description, addresses and publisher, each holding script, as if validation had let them
    through: every page shows them, and no dialog opens when a reader hovers, focuses or opens the header's links."""
    context, page, dialogs = open_watching_dialogs(browser, hostile_identity_base_url + path)
    for link in page.locator("header a, .md-source, .md-footer a, .md-content a").all()[:30]:
        if link.is_visible():
            link.hover()
            link.focus()
    pwned = page.evaluate("window.__pwned")
    title = page.title()
    context.close()
    assert pwned is None and dialogs == []
    assert "alert(13)" in title  # the name is there, as text


@pytest.fixture(scope="module")
def annotator(tmp_path_factory) -> Path:
    """Apache Annotator's DOM matchers, bundled for the page (installed in .ci/ by `npm ci --prefix .ci`)."""
    esbuild = ROOT / ".ci" / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        message = "Apache Annotator is not installed: run `npm ci --prefix .ci` (done by make test and .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    bundle = tmp_path_factory.mktemp("annotator") / "annotator.js"
    subprocess.run([str(esbuild), str(ROOT / ".ci" / "annotator.js"), "--bundle", "--format=iife", "--log-level=warning",
                    f"--outfile={bundle}"], check=True, cwd=ROOT / ".ci", timeout=120)
    return bundle


# Every match of each selector, with the claims (data-claim of enclosing highlights) where it starts.
_MATCH_ALL = """async (selectors) => {
  const { createTextPositionSelectorMatcher, createTextQuoteSelectorMatcher } = window.annotator;
  const results = [];
  for (const selector of selectors) {
    // A CSS selector refined by a quote: the quote within each element the CSS selector finds.
    const scopes = selector.type === "CssSelector" ? [...document.querySelectorAll(selector.value)] : [document.body];
    const textSelector = selector.type === "CssSelector" ? selector.refinedBy : selector;
    const matcher = textSelector.type === "TextQuoteSelector"
      ? createTextQuoteSelectorMatcher(textSelector) : createTextPositionSelectorMatcher(textSelector);
    const matches = [];
    for (const scope of scopes) {
      for await (const range of matcher(scope)) {
        const claims = [];
        for (let node = range.startContainer; node; node = node.parentElement) {
          if (node.dataset && node.dataset.claim) claims.push(node.dataset.claim);
        }
        matches.push({ text: range.toString(), claims });
      }
    }
    results.push(matches);
  }
  return results;
}"""


def _annotations(base_url: str) -> dict[str, list[tuple[str, dict]]]:
    """Each source's annotations with the claim each is of (in the same order as sources.json lists them)."""
    sources = json.loads(urllib.request.urlopen(base_url + "sources.json").read())
    return {
        source["id"]: list(zip(source["claims"], json.loads(urllib.request.urlopen(base_url + source["annotations"]).read())
                               ["first"]["items"], strict=True))
        for source in sources
    }


def test_a_standard_client_anchors_every_selector_in_the_annotated_page_and_the_text(page, base_url, annotator):
    """Apache Annotator finds each quote once on the annotated page, inside its claim's highlight; and each
    quote and position once in the published text file."""
    for source_id, annotations in _annotations(base_url).items():
        by_document: dict[str, list[tuple[str, dict]]] = {}
        for claim_id, annotation in annotations:
            for target in annotation["target"]:
                # Without the site's address the documents are named by urns: the annotated page, or the text.
                address = f"{source_id}.html" if target["format"] == "text/html" else f"{source_id}.txt"
                for selector in target["selector"] if isinstance(target["selector"], list) else [target["selector"]]:
                    by_document.setdefault(address, []).append((claim_id, selector))
        assert len(by_document.get(f"{source_id}.html", [])) >= len(annotations) // 2, "most claims anchor on the page"
        for address, wanted in by_document.items():
            page.goto(f"{base_url}sources/{address}")
            page.add_script_tag(path=str(annotator))
            results = page.evaluate(_MATCH_ALL, [selector for _, selector in wanted])
            for (claim_id, selector), matches in zip(wanted, results):
                exact = selector.get("refinedBy", selector).get("exact")
                assert len(matches) == 1, f"{address}: {claim_id}: {selector['type']} matched {len(matches)} times"
                if exact is not None:
                    assert matches[0]["text"] == exact, claim_id
                if address.endswith(".html"):
                    assert claim_id in matches[0]["claims"], f"{claim_id} anchored outside its highlight"


def test_markers_and_labels_are_drawn_from_the_data(page, base_url, kinds):
    page.goto(base_url + kinds["source"])
    link = page.locator(".fc-annotated a.fc-claim").first
    marker = link.locator(".fc-marker")
    drawn = marker.evaluate("m => getComputedStyle(m, '::before').content")
    assert marker.get_attribute("data-number") in drawn
    assert marker.bounding_box()["width"] > 5, "the marker is visible"
    assert marker.evaluate("m => m.textContent") == "", "the page's text is the source's"
    label = link.locator(".fc-claim-name").get_attribute("data-label")
    assert link.evaluate("a => getComputedStyle(a.querySelector('.fc-claim-name'), '::before').content").strip('"') == label


@pytest.mark.parametrize("path", ["sources/hostile.html", "claims/hostile-claim.html", "entities/hostile-entity.html"])
def test_every_encoded_and_evasive_link_stays_inert_when_clicked_and_hovered(browser, hostile_base_url, path):
    """The OWASP evasion cases and every encoding of a script address, in every Markdown and plain-text field:
    no dialog opens and no script runs when a reader hovers, focuses or clicks anything (the search index is
    checked as data in test_hostile)."""
    context, page, dialogs = open_watching_dialogs(browser, hostile_base_url + path)
    # Every address in the content, as the browser resolves it (character references decoded).
    protocols = page.evaluate("Array.from(document.querySelectorAll('.md-content a[href], .md-content [src]'))"
                              ".map(e => new URL(e.href || e.src, location.href).protocol)")
    assert set(protocols) <= {"http:", "https:", "mailto:"}, set(protocols)
    # Links that stay on the page (in-page anchors, links whose unsafe address was removed): click them all.
    clickable = page.locator(".md-content a:not([href]), .md-content a[href^='#']")
    for index in range(clickable.count()):
        link = clickable.nth(index)
        if link.is_visible():
            link.hover()
            link.click(no_wait_after=True)
    for link in page.locator("a.fc-claim, .fc-claim-more, .fc-entity").all():
        link.hover()
        link.focus()
    pwned = page.evaluate("window.__pwned")
    context.close()
    assert pwned is None and dialogs == []


# ---------------------------------------------------------------------------------------------
# Contrast of every kind of interactive element, at rest, hovered and focused.

CONTRAST = """(el) => {
  const parse = (value) => {
    let m = value.match(/rgba?\\(([^)]+)\\)/);
    if (m) { const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    m = value.match(/color\\(srgb ([^)]+)\\)/);
    if (m) { const p = m[1].split(/[ \\/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
    return null;
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour && colour[3] > 0) layers.push(colour);
    if (colour && colour[3] >= 1) break;
  }
  let background = [255, 255, 255, 1];
  for (const layer of layers.reverse()) background = over(layer, background);
  const text = over(parse(getComputedStyle(el).color), background);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(text), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""

# One element of each kind: same tag, classes, colour and part of the page.
REPRESENTATIVES = """() => {
  const seen = new Set(), found = [];
  const all = document.querySelectorAll('a[href], button, select, input:not([type=checkbox]):not([type=hidden]), summary');
  all.forEach((el, index) => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden' || !el.textContent.trim()) return;
    if (el.closest('[hidden], .md-search, .md-skip')) return;
    const part = ['md-header', 'md-tabs', 'md-sidebar', 'md-content', 'md-footer'].find(c => el.closest('.' + c)) || 'page';
    const key = [el.tagName, el.className, part, getComputedStyle(el).color, [...el.classList].join('.'), el.closest('[class*=fc-v-]') ? el.closest('[class*=fc-v-]').className : ''].join('|');
    if (seen.has(key)) return;
    seen.add(key);
    el.setAttribute('data-contrast-probe', String(index));
    found.push(String(index));
  });
  return found;
}"""


def test_every_kind_of_link_and_control_has_4_5_to_1_contrast_at_rest_hovered_and_focused(browser, base_url, kinds):
    failures = []
    checked = 0
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    for kind, path in kinds.items():
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
        for palette in PALETTES:
            set_palette(page, palette)
            for probe in page.evaluate(REPRESENTATIVES):
                element = page.locator(f'[data-contrast-probe="{probe}"]')
                name = f"{kind} {palette}: {element.evaluate('e => e.outerHTML.slice(0, 90)')}"
                element.scroll_into_view_if_needed()
                page.mouse.move(0, 0)
                page.evaluate("document.activeElement && document.activeElement.blur()")
                states = {"at rest": element.evaluate(CONTRAST)}
                element.focus()
                states["focused"] = element.evaluate(CONTRAST)
                page.evaluate("document.activeElement && document.activeElement.blur()")
                box = element.bounding_box()
                if box:
                    page.mouse.move(box["x"] + min(4, box["width"] / 2), box["y"] + box["height"] / 2)
                    states["hovered"] = element.evaluate(CONTRAST)
                checked += 1
                failures += [f"{name} {state}: {ratio:.2f}:1" for state, ratio in states.items() if ratio < 4.5]
    context.close()
    assert checked > 20
    assert failures == [], "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# Search: the theme's search box, over the index the engine's entries are merged into.

def _search(page, base_url: str, query: str) -> list[tuple[str, str]]:
    """Type `query` into the theme's search box on the home page; (address, text) of each result."""
    page.goto(base_url + "index.html")
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    box.press("End")  # characters typed as through an input method (Chinese) fire no key event; the theme searches on one
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    return [(link.get_attribute("href") or "", link.inner_text()) for link in page.locator(".md-search-result__item a").all()]


def test_a_reader_finds_a_claim_by_a_word_of_its_statement(page, base_url, site):
    claims = json.loads((site / "claims.json").read_text(encoding="utf-8"))
    words = {claim["url"]: {w.lower() for w in re.findall(r"[^\W\d_]{5,}", claim["claim"])} for claim in claims}
    counts = {word: sum(word in found for found in words.values()) for found in words.values() for word in found}
    # The word fewest statements share, so that the claim is among the first results.
    url, word = min(((url, word) for url, found in words.items() for word in found), key=lambda p: (counts[p[1]], -len(p[1]), p))
    results = _search(page, base_url, word)
    statement = next(claim["claim"] for claim in claims if claim["url"] == url)
    assert any(href.split("?")[0].endswith(url) and " ".join(statement.split()) in text for href, text in results), results


def test_a_reader_finds_a_passage_where_it_stands_in_the_text(page, base_url, site):
    source = json.loads((site / "sources.json").read_text(encoding="utf-8"))[0]
    text = (site / "sources" / f"{source['id']}.txt").read_text(encoding="utf-8")
    word = max(re.findall(r"[^\W\d_]{6,}", text.split("\n\n")[0]), key=len)
    results = _search(page, base_url, word)
    passage = next(href for href, _ in results if re.search(rf"{re.escape(source['url'])}\?h=[^#]*#paragraph-\d+$", href))
    page.goto(passage)
    assert page.locator(f"#{passage.rsplit('#', 1)[1]}").is_visible()
    assert word.lower() in page.locator(f"#{passage.rsplit('#', 1)[1]}").inner_text().lower()


def test_hostile_content_in_search_results_is_shown_as_text(browser, hostile_base_url):
    context, page, dialogs = open_watching_dialogs(browser, hostile_base_url + "index.html")
    results = _search(page, hostile_base_url, "onerror")
    pwned = page.evaluate("window.__pwned")
    images = page.locator(".md-search-result img, .md-search-result svg[onload], .md-search-result script").count()
    context.close()
    assert any("<img src=x onerror=" in text for _, text in results), results
    assert pwned is None and dialogs == [] and images == 0


# --- A narrow screen and long source titles -----------------------------------------------------------

LONG_TITLE = ("Le ministère de l'industrie et des technologies de l'information répond, point par point et avec force "
              "détails, aux questions des opérateurs étrangers sur les licences de réseaux privés virtuels")


@pytest.fixture(scope="module")
def long_titles_base_url(tmp_path_factory):
    """Several sources, one with a long title: the claims table's source filter lists them all."""
    _require_browser()
    project = copy_project(tmp_path_factory.mktemp("long-titles") / "project")
    add_northwind_brief(project)
    add_french_brief(project)
    brief = project / "sources" / "brief.yml"
    brief.write_text(re.sub(r"^title: .*$", f"title: {json.dumps(LONG_TITLE, ensure_ascii=False)}",
                            brief.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    yield from _serve(build_into(project.parent, project))


def test_at_320_px_the_claims_table_and_its_filters_fit_the_screen(browser, long_titles_base_url):
    """WCAG 1.4.10 (reflow): at 320 CSS pixels nothing makes the page scroll sideways; the table itself may
    scroll inside its own frame, and the source filter still offers every title in full."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(long_titles_base_url + "claims/index.html")
    source_filter = page.get_by_label("Source", exact=True)
    assert LONG_TITLE in source_filter.locator("option").all_inner_texts()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wider = page.evaluate("""() => [...document.querySelectorAll('.fc-table-controls, .fc-table-controls *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))""")
    source_filter.select_option(LONG_TITLE)
    shown = page.locator("table.fc-claims-table tbody tr:not([hidden])").count()
    context.close()
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"
    assert wider == [], f"past the screen's edge: {wider}"
    assert shown == 1, "the long title's one claim is shown"
