"""The generated part of the site, independent of any site generator.

One run of the engine gives every generated page and every export. Each page is a
Markdown file any Markdown site generator takes: YAML front matter (title,
description, link-preview fields) and the rendered HTML as its body. The MkDocs
hook hands the same pages to MkDocs in memory; `factcheck render` writes them,
with the hand-written pages of docs/, into a folder that another generator
(Zensical, or any that reads Markdown with front matter) builds as it is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import quote

import yaml
from markupsafe import Markup, escape

from .boundary import MAX_YAML_BYTES, OutsideBoundary, read_bytes, regular_files, resolve_parent
from .crawlers import sitemap_files
from .exports import export_files
from .hand_written import FRONT_MATTER, INTRODUCTION_MARKER, OVERVIEW_MARKER, SCALE_MARKER
from .problems import FactcheckError, Problem
from .progress import Progress
from .publishing import SiteInfo
from .repository import Layout
from .rendering import RenderedPage, Renderer, meta_elements, social_meta, verdict_css
from .reuse import Reuse, code_digest
from .search_entries import SearchEntry, indexed_by_engine, search_entries, search_settings
from .site import SiteModel
from .stored_results import StoredResults
from .validation import validate

VERDICT_CSS = "assets/verdicts.css"
HOME = "index.html"


@dataclass(frozen=True)
class GeneratedSite:
    model: SiteModel
    info: SiteInfo
    renderer: Renderer
    pages: dict[str, RenderedPage]  # by URL, relative to the site root
    warnings: list[Problem] = field(default_factory=list)
    root: Path | None = None  # the repository, whose cache keeps the share cards drawn before
    engine: bytes = b""  # the digest of the engine that generated it (see reuse.code_digest)
    reused_files: Reuse = field(default_factory=Reuse, compare=False, repr=False)  # the exports, once computed
    reused_search_entries: Reuse = field(default_factory=Reuse, compare=False, repr=False)
    reused_sitemap: Reuse = field(default_factory=Reuse, compare=False, repr=False)

    def files(self) -> dict[str, str | bytes | Path]:
        """The exports and the verdict stylesheet: file name (relative to the site root) → content, or, for a
        share card the cache holds, the path of that file (to be copied as it is: see `cards.claim_card_files`)."""
        exports = export_files(self.model, self.info, self.root, self.reused_files, self.renderer.stored)
        self.reused_files.finish()
        return {**exports, VERDICT_CSS: verdict_css(self.model)}

    def search_entries(self) -> list[SearchEntry]:
        """The search entries of the generated pages the engine indexes (see `search_entries`)."""
        return search_entries(self.model, self.pages.values(), self.reused_search_entries)

    def search_settings(self) -> dict[str, object]:
        """The search index's languages and word separator (see `search_settings`)."""
        return search_settings(self.model, self.info.language)

    def sitemap_files(self, hand_written: Iterable[str]) -> dict[str, bytes]:
        """sitemap.xml and sitemap.xml.gz (see `crawlers.sitemap_files`) of the generated pages and the hand-written
        ones at `hand_written` (site paths), each dated by its content: the home page by the latest claim, the
        other hand-written pages not at all (they give no date of their own)."""
        dated = {url: page.updated for url, page in self.pages.items()}
        for url in hand_written:
            dated.setdefault(url, self.model.latest_update() if url == HOME else None)
        sitemap = sitemap_files(self.info, dated, self.reused_sitemap)
        self.reused_sitemap.finish()
        return sitemap

    def hand_written_page(self, url: str, title: str | None, description: str | None = None) -> RenderedPage:
        """A hand-written page as its link previews describe it: the home page by the site's name (as its
        window title does), another by its title; the site's description unless the page gives its own."""
        return RenderedPage(url, self.info.name if url == HOME else title or self.info.name, "",
                            "home" if url == HOME else "page", description=description or self.info.description)

    def fill_markers(self, text: str, page_url: str) -> str:
        """A hand-written page's text with the generated blocks in place of their markers."""
        if INTRODUCTION_MARKER in text:
            text = text.replace(INTRODUCTION_MARKER, self.renderer.introduction(page_url))
        if OVERVIEW_MARKER in text:
            text = text.replace(OVERVIEW_MARKER, self.renderer.overview(page_url))
        if SCALE_MARKER in text:
            text = text.replace(SCALE_MARKER, self.renderer.scale(page_url))
        return text


def generate(root: Path, environ: Mapping[str, str], previous: GeneratedSite | None = None,
             layout: Layout | None = None, progress: Progress | None = None) -> GeneratedSite:
    """Validate (every check `factcheck validate` runs), anchor and render the repository at `root`
    (site.yml, with SITE_URL and REPO_URL from `environ`; the hand-written pages of `docs`, by
    default docs/); raises FactcheckError listing every problem on bad input. The warnings are the site's.

    With `previous` (the site an earlier call returned), what an unchanged input gave then is
    reused: unchanged files are not parsed again, unchanged spans and mentions not searched for
    again, pages and exports whose inputs are unchanged not rendered again. The result is the one
    a clean run gives. A site from other engine code reuses nothing. `layout` names the pages and theme
    folders the site generator reads, which are checked too (see `validation.validate`). `progress`
    is told each stage."""
    engine = code_digest()
    if type(previous) is not GeneratedSite or previous.engine != engine:
        previous = None
    if progress:
        progress.stage("Checking the files")
    checked = validate(root, environ, previous=previous.model if previous else None, layout=layout)
    if checked.errors or checked.model is None or checked.info is None:
        raise FactcheckError(checked.errors)
    model, info = checked.model, checked.info
    if previous and info == previous.info and info.positions == previous.info.positions:
        # The very object of last time: every page's and file's comparison of its inputs then stops at identity.
        info = previous.info
    if progress:
        progress.stage(f"Rendering the pages of {len(model.claims):,} claims")
    renderer = Renderer(model, info, previous.renderer if previous else None, StoredResults(root))
    pages = {page.url: page for page in renderer.pages()}
    reused = (previous.reused_files, previous.reused_search_entries,
              previous.reused_sitemap) if previous else ()
    return GeneratedSite(model, info, renderer, pages, checked.problems, root, engine,
                         *(Reuse(earlier) for earlier in reused))


def markdown_path(page_url: str) -> str:
    """Where a page's Markdown file goes in a docs folder: claims/x.html ← claims/x.md."""
    return page_url.removesuffix(".html") + ".md"


def front_matter(page: RenderedPage, info: SiteInfo, engine_search: bool = False) -> str:
    """The page's front matter. With `engine_search`, a page whose search entries the engine
    gives (`search_entries`) is left out of the theme's own indexing: the MkDocs hook adds the
    engine's entries to the index instead. A generator that runs no hook indexes every page."""
    # Material's templates insert the title and description unescaped: they are escaped here.
    fields = {
        "title": str(escape(page.title)),
        "description": str(escape(page.description)),
        "hide": ["toc"],
        "social": meta_elements(social_meta(page, info)),  # read by overrides/main.html for link previews
    }
    if engine_search and indexed_by_engine(page):
        fields["search"] = {"exclude": True}
    # JSON is YAML: every string is quoted, whatever characters the content holds.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def page_body(page: RenderedPage) -> str:
    """The page's HTML in one element: Markdown passes a block-level element through untouched,
    and every generator's output holds the generated content in the same place."""
    return f'<div class="fc-page">\n{page.html}\n</div>'


def page_file(page: RenderedPage, info: SiteInfo) -> str:
    """The page as Markdown: front matter, then its HTML as one raw block."""
    return f"{front_matter(page, info)}\n{page_body(page)}\n"


def write_docs(site: GeneratedSite, docs: Path, out: Path) -> list[str]:
    """Write a complete docs folder into `out`: the hand-written pages and assets of `docs`
    (generated blocks filled in), every generated page and every export. Returns the paths written.
    Only regular files of `docs` are read, never through a link (the build has refused any there)."""
    written = []

    def write(relative: str, content: str | bytes | Path) -> None:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):  # a share card in the cache
            shutil.copyfile(content, target)
        elif isinstance(content, bytes):  # images such as share cards
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        written.append(relative)

    hand_written = []
    for relative in regular_files(docs):
        content = read_bytes(docs / relative, docs, None)
        if relative.endswith(".md"):
            url = relative.removesuffix(".md") + ".html"
            text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as a text file reads
            write(relative, with_link_previews(site, site.fill_markers(text, url), url))
            hand_written.append(url)
        else:
            write(relative, content)
    for page in site.pages.values():
        write(markdown_path(page.url), page_file(page, site.info))
    # The sitemap too, for a generator to publish instead of its own (`make site GENERATOR=zensical` does).
    for name, content in {**site.files(), **site.sitemap_files(hand_written)}.items():
        write(name, content)
    return written


_HEADING = re.compile(r"^# +(.+?)[ #]*$", re.M)


def with_link_previews(site: GeneratedSite, text: str, url: str) -> str:
    """A hand-written page's Markdown with its link previews in its front matter (`social`, as the generated
    pages have them, for a generator that runs no hook): titled by its front matter's `title`, else its first
    heading. A page that states `social` itself, or gives its metadata in MultiMarkdown lines, is left as it is."""
    front = FRONT_MATTER.match(text)
    try:
        meta = yaml.safe_load(front.group(1)) if front else {}
    except yaml.YAMLError:
        return text
    if not isinstance(meta, dict) or "social" in meta or (not front and re.match(r"[ ]{0,3}[A-Za-z0-9_-]+:", text)):
        return text
    heading = _HEADING.search(text[front.end():] if front else text)
    title = str(meta.get("title") or (heading.group(1) if heading else "")) or None
    page = site.hand_written_page(url, title, str(meta.get("description") or "") or None)
    line = f"social: {json.dumps(meta_elements(social_meta(page, site.info)), ensure_ascii=False)}\n"
    return f"---\n{line}{text[text.index(chr(10)) + 1:]}" if front else f"---\n{line}---\n\n{text}"


SETTINGS_FILE = "mkdocs.yml"
SETTINGS_HEADER = "# Written by 'factcheck render'"  # how `render` knows a settings file it may replace


def read_settings(root: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml, read as any other file of it; raises FactcheckError when it cannot be used."""
    try:
        text = read_bytes(root / SETTINGS_FILE, root, MAX_YAML_BYTES).decode("utf-8")
        settings = yaml.safe_load(text) or {}
    except OutsideBoundary as exc:
        raise FactcheckError([Problem(SETTINGS_FILE, 1, 1, "(file)", f"{SETTINGS_FILE} {exc}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FactcheckError([Problem(SETTINGS_FILE, 1, 1, "(file)", f"{SETTINGS_FILE} cannot be read ({exc})")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise FactcheckError([Problem(SETTINGS_FILE, line, column, "(file)",
                                      f"not usable YAML: {getattr(exc, 'problem', None) or exc}")]) from None
    if not isinstance(settings, dict):
        raise FactcheckError([Problem(SETTINGS_FILE, 1, 1, "(file)", "expected the settings as a mapping")])
    return settings


def theme_folder(settings: dict[str, Any], root: Path) -> Path | None:
    """The theme overrides folder the settings name (custom_dir), if any: its folders resolved, not itself."""
    theme = settings.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    return resolve_parent(root / str(custom_dir)) if custom_dir else None


# Characters that could end an HTML attribute or open an element, never needed unencoded in an address.
_UNSAFE_IN_ADDRESS = re.compile(r"[\x00-\x20\"'<>`\x7f]")


def _address(url: str) -> str:
    """An address as a theme may write it into an attribute unescaped: the characters above percent-encoded."""
    return _UNSAFE_IN_ADDRESS.sub(lambda match: f"%{ord(match.group()):02X}", url)


def _unmarked(text: str) -> str:
    """Text for a theme that writes it unescaped in some places and escapes it (`| e`) in others: the
    characters that could open an element or end an attribute as references, and `&` and `'` left as they
    are, so that nothing shows escaped twice. (Validation refuses < > and " in these fields already.)"""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def identity_settings(info: SiteInfo) -> dict[str, Markup | str | None]:
    """site.yml as MkDocs' settings (mkdocs.yml's names). Material writes several into every page unescaped
    (the name in <title> and aria-label, the description in a meta element, the repository's address in a
    link): validation refuses markup characters in them, and here they are escaped once more. Text is
    MarkupSafe Markup, escaped once: the theme's own `| e` leaves it as it is, so nothing shows escaped
    twice. Without a repository address there is no repository button and no edit link; without a site
    address, no canonical links (MkDocs leaves them out when site_url is empty)."""
    return {
        "site_name": escape(info.name),
        "site_description": escape(info.description) if info.description else None,
        "site_url": _address(info.url) or None,
        "repo_url": _address(info.repository) or None,
        "repo_name": escape(info.repository.rstrip("/").rsplit("/", 1)[-1]) if info.repository else None,
        # Relative to docs/; the MkDocs hook points generated pages back up to their YAML file.
        "edit_uri": f"edit/{quote(info.branch, safe='/')}/docs/" if info.repository else None,
    }


def settings_for(settings: dict[str, Any], info: SiteInfo, docs: Path, folder: Path) -> str:
    """The repository's settings (mkdocs.yml) rewritten for a generator that runs no hook, to be saved in
    `folder`: pages from the rendered `docs`, output into `folder`/site, the site's identity
    from site.yml, the theme overrides (if any) from `folder`/overrides. Edit links are left out:
    the generated pages' files live in no repository folder an editor could open."""
    settings = dict(settings)
    settings.pop("hooks", None)
    # Escaped as for MkDocs (see identity_settings), as plain text: a generator reading YAML has no Markup.
    settings.update(site_name=_unmarked(info.name), docs_dir=os.path.relpath(docs, folder), site_dir="site", edit_uri="")
    for key, value in (("site_description", _unmarked(info.description)), ("site_url", _address(info.url)),
                       ("repo_url", _address(info.repository))):
        if value:
            settings[key] = value
        else:
            settings.pop(key, None)
    theme = settings["theme"] = dict(settings.get("theme") or {})
    theme["language"] = info.language
    if theme.get("custom_dir"):
        theme["custom_dir"] = "overrides"
    header = f"{SETTINGS_HEADER} from {SETTINGS_FILE} and site.yml; the next render replaces it.\n"
    return header + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False)


def copy_folder(source: Path, target: Path) -> None:
    """Copy the regular files of `source` into `target`, never reading through a link."""
    for relative in regular_files(source):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(read_bytes(source / relative, source, None))
