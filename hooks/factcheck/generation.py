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
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import yaml
from markupsafe import escape

from .exports import export_files
from .problems import FactcheckError, Problem
from .publishing import SiteInfo
from .rendering import RenderedPage, Renderer, meta_elements, social_meta, verdict_css
from .reuse import Reuse, code_digest
from .search_entries import SearchEntry, indexed_by_engine, search_entries
from .site import SiteModel
from .validation import validate

# Markers that hand-written pages in docs/ use to place generated blocks.
INTRODUCTION_MARKER = "<!-- factcheck:introduction -->"
OVERVIEW_MARKER = "<!-- factcheck:overview -->"
SCALE_MARKER = "<!-- factcheck:rating-scale -->"
VERDICT_CSS = "assets/verdicts.css"


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
    reused_front_matter: Reuse = field(default_factory=Reuse, compare=False, repr=False)
    reused_search_entries: Reuse = field(default_factory=Reuse, compare=False, repr=False)

    def files(self) -> dict[str, str | bytes]:
        """The exports and the verdict stylesheet: file name (relative to the site root) → content."""
        exports = export_files(self.model, self.info, self.root, self.reused_files)
        self.reused_files.finish()
        return {**exports, VERDICT_CSS: verdict_css(self.model)}

    def front_matters(self, engine_search: bool = False) -> dict[str, str]:
        """Each generated page's front matter (see `front_matter`) by URL; a page unchanged since the
        previous run keeps the text it had."""
        reuse = self.reused_front_matter
        matters = {url: reuse.get(url, (page, self.info, engine_search),
                                  lambda page=page: front_matter(page, self.info, engine_search))
                   for url, page in self.pages.items()}
        reuse.finish()
        return matters

    def search_entries(self) -> list[SearchEntry]:
        """The search entries of the generated pages the engine indexes (see `search_entries`)."""
        return search_entries(self.model, self.pages.values(), self.reused_search_entries)

    def fill_markers(self, text: str, page_url: str) -> str:
        """A hand-written page's text with the generated blocks in place of their markers."""
        if INTRODUCTION_MARKER in text:
            text = text.replace(INTRODUCTION_MARKER, self.renderer.introduction(page_url))
        if OVERVIEW_MARKER in text:
            text = text.replace(OVERVIEW_MARKER, self.renderer.overview(page_url))
        if SCALE_MARKER in text:
            text = text.replace(SCALE_MARKER, self.renderer.scale(page_url))
        return text


def generate(root: Path, environ: Mapping[str, str], previous: GeneratedSite | None = None) -> GeneratedSite:
    """Validate (every check `factcheck validate` runs), anchor and render the repository at `root`
    (site.yml, with SITE_URL and REPO_URL from `environ`); raises FactcheckError listing every
    problem on bad input. The warnings are the site's.

    With `previous` (the site an earlier call returned), what an unchanged input gave then is
    reused: unchanged files are not parsed again, unchanged spans and mentions not searched for
    again, pages and exports whose inputs are unchanged not rendered again. The result is the one
    a clean run gives. A site from other engine code reuses nothing."""
    engine = code_digest()
    if type(previous) is not GeneratedSite or previous.engine != engine:
        previous = None
    checked = validate(root, environ, previous=previous.model if previous else None)
    if checked.errors or checked.model is None or checked.info is None:
        raise FactcheckError(checked.errors)
    model, info = checked.model, checked.info
    renderer = Renderer(model, info, previous.renderer if previous else None)
    pages = {page.url: page for page in renderer.pages()}
    reused = (previous.reused_files, previous.reused_front_matter, previous.reused_search_entries) if previous else ()
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
    (generated blocks filled in), every generated page and every export. Returns the paths written."""
    written = []

    def write(relative: str, content: str | bytes) -> None:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):  # images such as share cards
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        written.append(relative)

    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        relative = path.relative_to(docs).as_posix()
        if path.suffix == ".md":
            write(relative, site.fill_markers(path.read_text(encoding="utf-8"), relative.removesuffix(".md") + ".html"))
        else:
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out / relative)
            written.append(relative)
    for page in site.pages.values():
        write(markdown_path(page.url), page_file(page, site.info))
    for name, content in site.files().items():
        write(name, content)
    return written


def settings_for(settings_file: Path, info: SiteInfo, docs: Path, folder: Path) -> tuple[str, Path | None]:
    """`settings_file` (mkdocs.yml) rewritten for a generator that runs no hook, to be saved in
    `folder`: pages from the rendered `docs`, output into `folder`/site, the site's identity
    from site.yml, the theme overrides from `folder`/overrides. Returns the text and the theme
    overrides folder to copy there, if any. Edit links are left out: the generated pages'
    files live in no repository folder an editor could open."""
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
    settings.pop("hooks", None)
    settings.update(site_name=info.name, docs_dir=os.path.relpath(docs, folder), site_dir="site", edit_uri="")
    for key, value in (("site_description", info.description), ("site_url", info.url), ("repo_url", info.repository)):
        if value:
            settings[key] = value
        else:
            settings.pop(key, None)
    theme = settings.setdefault("theme", {})
    theme["language"] = info.language
    overrides = settings_file.parent / theme["custom_dir"] if theme.get("custom_dir") else None
    if overrides:
        theme["custom_dir"] = "overrides"
    header = f"# Written by 'factcheck render' from {settings_file.name} and site.yml; the next render replaces it.\n"
    return header + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), overrides
