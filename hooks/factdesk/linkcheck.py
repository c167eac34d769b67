"""Check the links of a built site: internal links and #anchors offline, external addresses online.

External checks use requests with urllib3's retries, a timeout and a limit of
concurrent requests per host, so a weekly run is polite to the sites it cites.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


@dataclass(frozen=True)
class BrokenLink:
    where: str  # the page, or the repository file that cites the address
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.url}: {self.reason}"


class _PageLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in ("id", "name"):
            if attributes.get(name) and (name == "id" or tag == "a"):
                self.ids.add(attributes[name] or "")
        if tag in ("a", "link") and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag in ("img", "script") and attributes.get("src"):
            self.links.append(attributes["src"] or "")


def _parse(page: Path) -> _PageLinks:
    parser = _PageLinks()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def check_internal(site: Path) -> list[BrokenLink]:
    """Every link between pages of the built site, and every #anchor, must resolve."""
    parsed: dict[Path, _PageLinks] = {}

    def page_data(page: Path) -> _PageLinks:
        if page not in parsed:
            parsed[page] = _parse(page)
        return parsed[page]

    broken = []
    # 404.html is served at any address, so MkDocs gives it root-relative links on purpose.
    for page in sorted(p for p in site.rglob("*.html") if p.name != "404.html"):
        where = page.relative_to(site).as_posix()
        for href in page_data(page).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(BrokenLink(where, href, "no such page"))
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in page_data(target).ids:
                broken.append(BrokenLink(where, href, f"no #{unquote(parts.fragment)} on that page"))
    return broken


def check_external(
    cited_by: dict[str, list[str]], timeout: float = 15.0, retries: int = 2, per_host: int = 2, workers: int = 8,
) -> list[BrokenLink]:
    """Request each external address once; `cited_by` maps each address to the files that cite it."""
    session = requests.Session()
    retry = Retry(total=retries, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=("HEAD", "GET"))
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=workers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "fact-check-link-checker (+https://www.python.org/)"
    host_limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(per_host))
    limits_lock = threading.Lock()

    def check(url: str) -> str | None:
        with limits_lock:
            limit = host_limits[urlsplit(url).netloc]
        with limit:
            try:
                response = session.head(url, timeout=timeout, allow_redirects=True)
                if response.status_code in (403, 405, 501):  # some servers refuse HEAD; ask properly
                    response = session.get(url, timeout=timeout, allow_redirects=True, stream=True)
                    response.close()
            except requests.RequestException as exc:
                return f"unreachable ({type(exc).__name__})"
        return None if response.status_code < 400 else f"HTTP {response.status_code}"

    urls = sorted(cited_by)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(check, urls))
    return [
        BrokenLink(where, url, reason)
        for url, reason in zip(urls, results) if reason
        for where in sorted(cited_by[url])
    ]
