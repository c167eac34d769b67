"""What search engines' crawlers read at the site's root: robots.txt and the sitemap (sitemaps.org protocol 0.9).

The sitemap needs absolute addresses, so a site whose address is not known has none (an empty `<urlset>` is
invalid against the protocol's schema), and its robots.txt names none. Each page's `lastmod` is its content's
date, never the build's; a page whose content gives no date has none. The same content gives the same bytes,
the gzip copy included.
"""

from __future__ import annotations

import gzip
from typing import Mapping, Sequence
from urllib.parse import quote
from xml.sax.saxutils import escape

from .publishing import SiteInfo
from .reuse import Reuse

ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MOST_URLS = 50_000  # the protocol's limit for one sitemap file; more go in several, listed by an index
BLOCK = 500  # the entries written again together after a change; MOST_URLS is a whole number of blocks
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
    earlier run's sitemap), a block of entries whose pages, dates and the site's address are unchanged is not
    written again, nor are the files when no block changed."""
    if not info.url or not pages:
        return {}
    reuse = reuse or Reuse()
    urls = sorted(pages)
    # Blocks of consecutive paths with their dates, gathered by C code (slices and maps): a save compares a few
    # dozen tuples of the very strings of last time, not every page's entry.
    blocks = {start: (tuple(urls[start:start + BLOCK]), tuple(map(pages.__getitem__, urls[start:start + BLOCK])), info.url)
              for start in range(0, len(urls), BLOCK)}
    texts = reuse.parts("sitemap", blocks, lambda start: "\n".join(
        f"  <url><loc>{_loc(info, url)}</loc>{_lastmod(day)}</url>" for url, day in zip(*blocks[start][:2])))
    return reuse.joined("sitemap", texts, lambda texts: _sitemap(info, pages, urls, texts))


def _sitemap(info: SiteInfo, pages: Mapping[str, str | None], urls: list[str], blocks: tuple[str, ...]) -> dict[str, bytes]:
    """The sitemap's files from the text of its blocks of entries (`BLOCK` paths of `urls` each)."""
    per_file = MOST_URLS // BLOCK
    parts = [blocks[start:start + per_file] for start in range(0, len(blocks), per_file)]
    if len(parts) == 1:
        files = {SITEMAP: _document("urlset", parts[0])}
    else:
        files = {f"sitemap-{number}.xml": _document("urlset", part) for number, part in enumerate(parts, 1)}
        entries = []
        for number, name in enumerate(files):
            latest = max((pages[url] for url in urls[number * MOST_URLS:(number + 1) * MOST_URLS] if pages[url]), default=None)
            entries.append(f"  <sitemap><loc>{_loc(info, name)}</loc>{_lastmod(latest)}</sitemap>")
        files[SITEMAP] = _document("sitemapindex", ["\n".join(entries)])
    # mtime 0: the gzip header holds no build time. Level 6: a quarter of the time of 9 for a third more bytes
    # (130 KB at 30,000 pages), made again when a page's entry changes.
    return {**files, f"{SITEMAP}.gz": gzip.compress(files[SITEMAP], compresslevel=6, mtime=0)}


def _document(root: str, blocks: Sequence[str]) -> bytes:
    """A sitemap file of blocks of entries, each entry on its own indented line."""
    body = "\n".join(blocks)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{SITEMAP_NAMESPACE}">\n{body}\n</{root}>\n'.encode()


def _loc(info: SiteInfo, path: str) -> str:
    return escape(quote(info.iri(path), safe=_URL_SAFE))


def _lastmod(day: str | None) -> str:
    return f"<lastmod>{day}</lastmod>" if day else ""
