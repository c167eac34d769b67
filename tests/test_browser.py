"""The site in a real browser: Playwright driving Debian's Chromium, with axe-core.

Without Chromium these tests skip, unless CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from test_build import mkdocs_build

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
PAGE_KINDS = {
    "home": "index.html",
    "source": "sources/bt-vpn-chine.html",
    "claim": "claims/vpn-always-legal.html",
    "entity": "entities/danny-levinson.html",
    "methodology": "methodology.html",
}


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
    """Serve a built site on a free local port; yields its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    _require_browser()
    site = tmp_path_factory.mktemp("browser") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    yield from _serve(site)


@pytest.fixture(scope="module")
def browser(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def test_reader_goes_from_home_to_source_to_claim_to_entity_and_back(page, base_url):
    page.goto(base_url)
    page.get_by_role("link", name="La société British Telecom teste ses services VPN").first.click()
    page.wait_for_url("**/sources/bt-vpn-chine.html")
    page.locator('mark#claim-vpn-always-legal a.fc-hl-link').first.click()
    page.wait_for_url("**/claims/vpn-always-legal.html")
    assert "Misleading" in page.locator(".fc-verdict").inner_text()
    page.get_by_role("link", name="China", exact=True).first.click()
    page.wait_for_url("**/entities/china.html")
    assert page.locator("h1").inner_text() == "China"
    page.go_back()
    page.wait_for_url("**/claims/vpn-always-legal.html")
    page.get_by_role("link", name="See this passage in the annotated text").click()
    page.wait_for_url("**/sources/bt-vpn-chine.html#claim-vpn-always-legal")


def test_popover_opens_on_focus_and_closes_with_escape(page, base_url):
    page.goto(base_url + PAGE_KINDS["source"])
    link = page.locator("mark#claim-vpn-always-legal a.fc-hl-link").first
    popover = page.locator("#fc-popover")
    link.focus()
    assert popover.is_visible()
    assert "Misleading" in popover.inner_text()
    assert link.get_attribute("aria-describedby") == "fc-popover"
    assert popover.get_attribute("role") == "tooltip"
    page.keyboard.press("Escape")
    assert popover.is_hidden()
    assert link.get_attribute("aria-describedby") is None
    page.keyboard.press("Tab")  # moving on with the keyboard works as usual
    assert page.evaluate("document.activeElement.tagName") == "A"


def test_popover_opens_on_hover(page, base_url):
    page.goto(base_url + PAGE_KINDS["source"])
    page.locator("mark#claim-ee-price a.fc-hl-link").first.hover()
    assert "Accurate" in page.locator("#fc-popover").inner_text()


def test_claims_table_sorts_and_filters(page, base_url):
    page.goto(base_url + "claims/index.html")
    rows = page.locator("table.fc-claims-table tbody tr")
    total = rows.count()
    page.get_by_label("Verdict", exact=True).select_option("Inaccurate")
    visible = page.locator("table.fc-claims-table tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert all("Inaccurate" in text for text in visible.all_inner_texts())
    assert "of %d claims shown" % total in page.get_by_role("status").inner_text()
    page.get_by_label("Verdict", exact=True).select_option("")
    page.get_by_role("button", name="Verdict").click()
    first = rows.first.inner_text()
    page.get_by_role("button", name="Verdict").click()
    assert rows.first.inner_text() != first


def test_without_javascript_the_annotated_text_is_complete(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + PAGE_KINDS["source"])
    text = page.locator(".fc-source-text").inner_text()
    assert "Misleading" in text and "Full check of claim" in text
    assert page.locator("table.fc-claims-table").is_visible()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_no_accessibility_violations(browser, base_url, kind, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + PAGE_KINDS[kind])
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_pages_fit_the_screen_and_are_captured(browser, base_url, kind, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base_url + PAGE_KINDS[kind])
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width}.png"), full_page=True)
    context.close()
    assert overflow <= 1, f"{kind} is {overflow}px wider than a {width}px screen"


@pytest.fixture(scope="module")
def hostile_base_url(tmp_path_factory):
    _require_browser()
    from test_hostile import build_hostile_site

    yield from _serve(build_hostile_site(tmp_path_factory.mktemp("hostile-browser")))


@pytest.mark.parametrize("path", ["sources/hostile.html", "claims/hostile-claim.html", "entities/hostile-entity.html",
                                  "claims/index.html", "index.html"])
def test_hostile_content_runs_no_script_in_the_browser(browser, hostile_base_url, path):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_base_url + path)
    page.wait_for_load_state("networkidle")
    for link in page.locator("a.fc-hl-link, a.fc-entity").all()[:10]:
        link.hover()
        link.focus()
    for link in page.locator(".md-content a").all():
        href = link.get_attribute("href") or ""
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    pwned = page.evaluate("window.__pwned")
    context.close()
    assert pwned is None and dialogs == []


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


def _annotations(base_url: str) -> dict[str, list[dict]]:
    sources = json.loads(urllib.request.urlopen(base_url + "sources.json").read())
    return {
        source["id"]: json.loads(urllib.request.urlopen(base_url + source["annotations"]).read())["first"]["items"]
        for source in sources
    }


def test_a_standard_client_anchors_every_selector_in_the_annotated_page_and_the_text(page, base_url, annotator):
    """Apache Annotator finds each quote once on the annotated page, inside its claim's highlight; and each
    quote and position once in the published text file."""
    for source_id, annotations in _annotations(base_url).items():
        by_document: dict[str, list[tuple[str, dict]]] = {}
        for annotation in annotations:
            claim_id = annotation["id"].rsplit("/", 1)[-1].removesuffix(".html#annotation")
            for target in annotation["target"]:
                address = target["source"].rsplit("/", 1)[-1]
                assert address in (f"{source_id}.html", f"{source_id}.txt"), target["source"]
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


def test_markers_show_number_and_verdict_drawn_from_the_data(page, base_url):
    page.goto(base_url + PAGE_KINDS["source"])
    marker = page.locator("a.fc-marker").first
    drawn = marker.evaluate("m => getComputedStyle(m, '::before').content")
    assert marker.get_attribute("data-verdict") in drawn and marker.get_attribute("data-number") in drawn
    assert marker.bounding_box()["width"] > 10, "the marker is visible"


@pytest.mark.parametrize("path", ["sources/hostile.html", "claims/hostile-claim.html", "entities/hostile-entity.html"])
def test_every_encoded_and_evasive_link_stays_inert_when_clicked_and_hovered(browser, hostile_base_url, path):
    """The OWASP evasion cases and every encoding of a script address, in every Markdown and plain-text field:
    no dialog opens and no script runs when a reader hovers, focuses or clicks anything (the search index is
    checked as data in test_hostile)."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_base_url + path)
    page.wait_for_load_state("networkidle")
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
    for link in page.locator("a.fc-hl-link, a.fc-entity").all():
        link.hover()
        link.focus()
    pwned = page.evaluate("window.__pwned")
    context.close()
    assert pwned is None and dialogs == []
