"""MkDocs hook: adapts the fact-check engine (the `factcheck` package beside this file) to MkDocs.

Only MkDocs events live here; loading, anchoring, rendering and the page files are the
engine's (`factcheck.generation`, which `factcheck render` also uses for other generators).
The engine runs in `on_config`, before MkDocs cleans the output directory, so a
bad file stops the build with every problem listed and the last good site intact.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from factcheck.generation import GeneratedSite
    from factcheck.publishing import SiteInfo

ENGINE = Path(__file__).resolve().parent / "factcheck"


@dataclass
class _Cache:
    site: GeneratedSite | None = None  # what on_config generated for the current build
    # Search: the pages the theme indexes itself, those it indexed in this build (build
    # order), and their entries after the last merge (for dirty builds; see merge_search_index).
    theme_search_pages: list[str] = field(default_factory=list)
    theme_search_built: list[str] = field(default_factory=list)
    theme_search_entries: dict[str, list[dict]] | None = None


# The hook's cache, used by the events after on_config.
_cache = _Cache()


def _engine() -> ModuleType:
    """The `factcheck` package, imported afresh for each build. `make serve` rebuilds in one
    process: MkDocs reads this hook anew each time, but Python would keep the engine it imported
    first, so engine edits would not show until a restart."""
    for name in [name for name in sys.modules if name == "factcheck" or name.startswith("factcheck.")]:
        del sys.modules[name]
    # As MkDocs does while it loads the hook: the engine beside this file, installed or not.
    sys.path.insert(0, str(ENGINE.parent))
    try:
        importlib.import_module("factcheck.generation")
    finally:
        sys.path.remove(str(ENGINE.parent))
    return sys.modules["factcheck"]


def _generation() -> ModuleType:
    return sys.modules["factcheck.generation"]


def _site() -> GeneratedSite:
    assert _cache.site is not None, "on_config runs first"
    return _cache.site


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    engine = _engine()
    try:
        site = engine.generation.generate(_root(config), os.environ)
    except engine.problems.FactcheckError as exc:
        raise PluginError("The fact-check files have problems:\n" + exc.report()) from None
    # Warnings pass, as they do in `factcheck validate`, and show even with --quiet: printed as
    # validate prints them, not logged, since `strict: true` fails a build on any logged warning.
    for warning in sorted(site.warnings):
        print(warning, file=sys.stderr)
    # Reproducible builds: MkDocs dates the sitemap from SOURCE_DATE_EPOCH when set; use the
    # latest declared date of the content rather than the time of the build.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(site.model.latest_update_timestamp()))
    _apply_identity(config, site.info)
    _cache.site = site
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
    config["copyright"] = str(sys.modules["factcheck.publishing"].licence_notice(info))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site = _site()
    generation = _generation()
    for page in site.pages.values():
        # Front matter only: on_page_content hands MkDocs the finished HTML, so it skips Markdown.
        front_matter = generation.front_matter(page, site.info, engine_search=True)
        file = File.generated(config, generation.markdown_path(page.url), content=front_matter)
        # edit_uri points into docs/; the YAML lives at the repository root.
        file.edit_uri = "../" + page.edit_path if page.edit_path and site.info.repository else None
        files.append(file)
    for name, content in site.files().items():
        files.append(File.generated(config, name, content=content))
    engine_indexed = {url for url, page in site.pages.items() if sys.modules["factcheck.search_entries"].indexed_by_engine(page)}
    _cache.theme_search_pages = [file.url for file in files.documentation_pages() if file.url not in engine_indexed]
    _cache.theme_search_built = []
    return files


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site = _site()
    url = page.file.src_uri.removesuffix(".md") + ".html"
    # The sitemap's lastmod: the content's own date, or none where the content gives none.
    if url in site.pages:
        page.update_date = site.pages[url].updated or ""
    else:
        page.update_date = (site.model.latest_update() if url == "index.html" else None) or ""
    if url in site.pages:
        return _generation().page_body(site.pages[url])
    return site.fill_markers(html, url)


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    """Link previews for every page (read by overrides/main.html); hand-written pages use the site's card."""
    site = _site()
    rendering = sys.modules["factcheck.rendering"]
    url = page.file.src_uri.removesuffix(".md") + ".html"
    rendered = site.pages.get(url) or rendering.RenderedPage(
        url, page.title or site.info.name, "", "home" if url == "index.html" else "page",
        description=page.meta.get("description") or site.info.description,
    )
    page.meta["social"] = rendering.meta_elements(rendering.social_meta(rendered, site.info))
    if page.url in _cache.theme_search_pages:
        _cache.theme_search_built.append(page.url)
    return context


@event_priority(-100)  # after the theme's search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    merge_search_index(config)


def merge_search_index(config: MkDocsConfig) -> None:
    """Adds the engine's search entries to the index the theme wrote (it skipped the generated
    pages), keeping each page's entries exactly once in full and dirty builds alike."""
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():  # no search plugin
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"], _cache.theme_search_entries = sys.modules["factcheck.search_entries"].merge_into_theme_index(
        index.get("docs", []), _site().search_entries(), _cache.theme_search_built, _cache.theme_search_pages,
        _cache.theme_search_entries,
    )
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
    for path in sys.modules["factcheck.repository"].Layout(_root(config)).watched:
        if path.exists():
            server.watch(str(path))
    # Engine edits rebuild too: on_config then imports the changed engine (see _engine).
    server.watch(str(ENGINE))
    return server
