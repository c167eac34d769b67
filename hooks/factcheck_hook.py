"""MkDocs hook: adapts the fact-check engine (the `factcheck` package beside this file) to MkDocs.

Only MkDocs events live here; loading, anchoring and rendering are the engine's.
The engine runs in `on_config`, before MkDocs cleans the output directory, so a
bad file stops the build with every problem listed and the last good site intact.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from factcheck.exports import export_files
from factcheck.problems import FactcheckError
from factcheck.publishing import SiteInfo
from factcheck.rendering import RenderedPage, Renderer, social_meta, verdict_css
from factcheck.repository import Layout, load_repository
from factcheck.site import SiteModel, build_site

log = logging.getLogger("mkdocs.hooks.factcheck")

# Markers that hand-written pages in docs/ use to place generated blocks.
OVERVIEW_MARKER = "<!-- factcheck:overview -->"
SCALE_MARKER = "<!-- factcheck:rating-scale -->"
VERDICT_CSS = "assets/verdicts.css"

# The hook's cache: the current build's model and rendered pages, by URL.
_build: dict[str, object] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> None:
    try:
        model = build_site(load_repository(_root(config)))
    except FactcheckError as exc:
        raise PluginError("The fact-check files have problems:\n" + exc.report()) from None
    for warning in model.warnings:
        log.warning(str(warning))
    # Reproducible builds: MkDocs dates the sitemap from SOURCE_DATE_EPOCH when set; use the
    # latest declared date of the content rather than the time of the build.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(model.latest_update_timestamp()))
    info = site_info(config)
    renderer = Renderer(model, info)
    _build.clear()
    _build.update(model=model, info=info, renderer=renderer, pages={page.url: page for page in renderer.pages()})


def site_info(config: MkDocsConfig) -> SiteInfo:
    publisher = config.extra.get("publisher") or {}
    site_url = config.site_url or ""
    return SiteInfo(
        name=config.site_name, url=site_url, publisher=publisher.get("name", config.site_name),
        publisher_url=publisher.get("url", site_url), language=config.theme.get("language") or "en",
    )


def on_files(files: Files, config: MkDocsConfig) -> Files:
    pages: dict[str, RenderedPage] = _build["pages"]  # type: ignore[assignment]
    for page in pages.values():
        # Material inserts page titles into its templates unescaped: escape them here.
        front_matter = f"---\ntitle: {_yaml_string(str(escape(page.title)))}\nhide:\n  - toc\n---\n"
        file = File.generated(config, page.url.removesuffix(".html") + ".md", content=front_matter)
        if page.edit_path:
            # edit_uri points into docs/; the YAML lives at the repository root.
            file.edit_uri = "../" + page.edit_path
        else:
            file.edit_uri = None
        files.append(file)
    model: SiteModel = _build["model"]  # type: ignore[assignment]
    generated = {**export_files(model, _build["info"]), VERDICT_CSS: verdict_css(model)}  # type: ignore[arg-type]
    for name, content in generated.items():
        files.append(File.generated(config, name, content=content))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    pages: dict[str, RenderedPage] = _build["pages"]  # type: ignore[assignment]
    url = page.file.src_uri.removesuffix(".md") + ".html"
    if url in pages:
        # Read by overrides/main.html for link previews.
        page.meta["social"] = social_meta(pages[url], _build["info"])  # type: ignore[arg-type]
        return pages[url].html
    renderer: Renderer = _build["renderer"]  # type: ignore[assignment]
    if OVERVIEW_MARKER in html:
        html = html.replace(OVERVIEW_MARKER, renderer.overview(url))
    if SCALE_MARKER in html:
        html = html.replace(SCALE_MARKER, renderer.scale(url))
    return html


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
    for path in Layout(_root(config)).watched:
        if path.exists():
            server.watch(str(path))
    server.watch(str(Path(__file__).parent))
    return server


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
