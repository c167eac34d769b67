"""What search engines' crawlers read at the site's root: robots.txt and the sitemap (sitemaps.org protocol 0.9).

The sitemap needs absolute addresses, so a site whose address is not known has none (an empty `<urlset>` is
invalid against the protocol's schema), and its robots.txt names none. Each page's `lastmod` is its content's
date, never the build's; a page whose content gives no date has none. The same content gives the same bytes,
the gzip copy included.
"""

from __future__ import annotations

import gzip
from typing import Mapping
from urllib.parse import quote
from xml.sax.saxutils import escape

from .publishing import SiteInfo
from .reuse import Reuse

ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MOST_URLS = 50_000  # the protocol's limit for one sitemap file; more go in several, listed by an index
# Characters an address may hold as they are; anything else (spaces, letters beyond ASCII) is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def robots_txt(info: SiteInfo) -> str:
    """Every crawler may read every page; the sitemap's address when it has one. (Crawlers read robots.txt only
    at the root of a host: a site published in a folder of a host gets the host's own file instead.)"""
    lines = ["User-agent: *", "Allow: /"]
    if info.url:
        lines += ["", f"Sitemap: {_loc(info, SITEMAP)}"]
    return "\n".join(lines) + "\n"


def sitemap_files(info: SiteInfo, pages: Mapping[str, str | None], reuse: Reuse | None = None) -> dict[str, bytes]:
    """sitemap.xml and its gzip copy sitemap.xml.gz for `pages` (site path → its content's date, YYYY-MM-DD, or
    None), in the order of their paths; none without the site's address, or without a page. Past the protocol's
    50,000 addresses a file, sitemap.xml is an index of sitemap-1.xml, sitemap-2.xml… With `reuse` (of an
    earlier run's sitemap), the entry of a page whose date and the site's address are unchanged is not made again."""
    if not info.url or not pages:
        return {}
    reuse = reuse or Reuse()
    urls = sorted(pages)
    entries = {url: reuse.get(url, (pages[url], info.url),
                              lambda url=url: f"<url><loc>{_loc(info, url)}</loc>{_lastmod(pages[url])}</url>") for url in urls}
    parts = [urls[start:start + MOST_URLS] for start in range(0, len(urls), MOST_URLS)]
    if len(parts) == 1:
        files = {SITEMAP: _document("urlset", list(entries.values()))}
    else:
        files = {f"sitemap-{number}.xml": _document("urlset", [entries[url] for url in part])
                 for number, part in enumerate(parts, 1)}
        entries = []
        for name, part in zip(files, parts):
            latest = max((pages[url] for url in part if pages[url]), default=None)
            entries.append(f"<sitemap><loc>{_loc(info, name)}</loc>{_lastmod(latest)}</sitemap>")
        files[SITEMAP] = _document("sitemapindex", entries)
    # mtime 0: the gzip header holds no build time. Level 6: a quarter of the time of 9 for a third more bytes
    # (130 KB at 30,000 pages), made again at every save in the preview.
    return {**files, f"{SITEMAP}.gz": gzip.compress(files[SITEMAP], compresslevel=6, mtime=0)}


def _document(root: str, entries: list[str]) -> bytes:
    body = "\n".join(f"  {entry}" for entry in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{SITEMAP_NAMESPACE}">\n{body}\n</{root}>\n'.encode()


def _loc(info: SiteInfo, path: str) -> str:
    return escape(quote(info.iri(path), safe=_URL_SAFE))


def _lastmod(day: str | None) -> str:
    return f"<lastmod>{day}</lastmod>" if day else ""
