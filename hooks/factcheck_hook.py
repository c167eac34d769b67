"""MkDocs hook: adapts the fact-check engine (the `factcheck` package beside this file) to MkDocs.

Only MkDocs events live here; loading, anchoring and rendering are the engine's.
The engine runs in `on_config`, before MkDocs cleans the output directory, so a
bad file stops the build with every problem listed and the last good site intact.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from factcheck.exports import export_files
from factcheck.problems import FactcheckError, errors
from factcheck.publishing import SiteInfo, licence_notice, load_site_info
from factcheck.rendering import RenderedPage, Renderer, meta_elements, social_meta, verdict_css
from factcheck.repository import Layout, load_repository
from factcheck.site import SiteModel, build_site

log = logging.getLogger("mkdocs.hooks.factcheck")

# Markers that hand-written pages in docs/ use to place generated blocks.
OVERVIEW_MARKER = "<!-- factcheck:overview -->"
SCALE_MARKER = "<!-- factcheck:rating-scale -->"
VERDICT_CSS = "assets/verdicts.css"


@dataclass
class _Build:
    model: SiteModel
    info: SiteInfo
    renderer: Renderer
    pages: dict[str, RenderedPage]  # by URL


# The hook's cache: what on_config computed for the current build, used by the later events.
_current: _Build | None = None


def _build() -> _Build:
    assert _current is not None, "on_config runs first"
    return _current


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _current
    root = _root(config)
    info, problems = load_site_info(root, os.environ)
    try:
        model = build_site(load_repository(root))
    except FactcheckError as exc:
        problems = exc.problems + problems
    if errors(problems):
        raise PluginError("The fact-check files have problems:\n" + FactcheckError(errors(problems)).report()) from None
    assert info is not None
    for warning in model.warnings + problems:
        log.warning(str(warning))
    # Reproducible builds: MkDocs dates the sitemap from SOURCE_DATE_EPOCH when set; use the
    # latest declared date of the content rather than the time of the build.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(model.latest_update_timestamp()))
    _apply_identity(config, info)
    renderer = Renderer(model, info)
    _current = _Build(model, info, renderer, {page.url: page for page in renderer.pages()})
    return config


def _apply_identity(config: MkDocsConfig, info: SiteInfo) -> None:
    """site.yml is the one place the site's name and addresses live; MkDocs gets them from it.

    Without a repository address there is no repository button and no edit link; without a
    site address, no canonical links (MkDocs leaves them out when site_url is empty)."""
    config["site_name"] = info.name
    config["site_description"] = info.description or None
    config["site_url"] = info.url or None
    config["repo_url"] = info.repository or None
    config["repo_name"] = info.repository.rstrip("/").rsplit("/", 1)[-1] if info.repository else None
    # edit_uri is relative to docs/; generated pages point back up to their YAML file (on_files).
    config["edit_uri"] = f"edit/{info.branch}/docs/" if info.repository else None
    config["edit_uri_template"] = None
    config.theme["language"] = info.language
    # Material shows it in every page's footer.
    config["copyright"] = str(licence_notice(info))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = _build()
    for page in build.pages.values():
        # Material inserts page titles into its templates unescaped: escape them here.
        front_matter = f"---\ntitle: {_yaml_string(str(escape(page.title)))}\nhide:\n  - toc\n---\n"
        file = File.generated(config, page.url.removesuffix(".html") + ".md", content=front_matter)
        if page.edit_path and build.info.repository:
            # edit_uri points into docs/; the YAML lives at the repository root.
            file.edit_uri = "../" + page.edit_path
        else:
            file.edit_uri = None
        files.append(file)
    generated = {**export_files(build.model, build.info), VERDICT_CSS: verdict_css(build.model)}
    for name, content in generated.items():
        files.append(File.generated(config, name, content=content))
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _build()
    url = page.file.src_uri.removesuffix(".md") + ".html"
    # The sitemap's lastmod: the content's own date, or none where the content gives none.
    if url in build.pages:
        page.update_date = build.pages[url].updated or ""
    else:
        page.update_date = (build.model.latest_update() if url == "index.html" else None) or ""
    if url in build.pages:
        return build.pages[url].html
    if OVERVIEW_MARKER in html:
        html = html.replace(OVERVIEW_MARKER, build.renderer.overview(url))
    if SCALE_MARKER in html:
        html = html.replace(SCALE_MARKER, build.renderer.scale(url))
    return html


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    """Link previews for every page (read by overrides/main.html); hand-written pages use the site's card."""
    build = _build()
    url = page.file.src_uri.removesuffix(".md") + ".html"
    rendered = build.pages.get(url) or RenderedPage(
        url, page.title or build.info.name, "", "home" if url == "index.html" else "page",
        description=page.meta.get("description") or build.info.description,
    )
    page.meta["social"] = meta_elements(social_meta(rendered, build.info))
    return context


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
    for path in Layout(_root(config)).watched:
        if path.exists():
            server.watch(str(path))
    server.watch(str(Path(__file__).parent))
    return server


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)
