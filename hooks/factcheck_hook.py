"""MkDocs hook: adapts the fact-check engine (the `factcheck` package beside this file) to MkDocs.

Only MkDocs events live here; loading, anchoring, rendering and the page files are the
engine's (`factcheck.generation`, which `factcheck render` also uses for other generators).
The engine runs in `on_config`, before MkDocs cleans the output directory, so a
bad file stops the build with every problem listed and the last good site intact.

In the preview (`mkdocs serve --dirty`), a rebuild hands MkDocs as modified only the pages
and files whose content changed since the last successful build, so a saved claim
rewrites its own pages, not the whole site.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import inspect
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Hashable

import jinja2
import watchdog.observers
from watchdog.events import FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent
import watchdog.observers.polling
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from factcheck.generation import GeneratedSite
    from factcheck.publishing import SiteInfo

log = logging.getLogger("mkdocs.hooks.factcheck")
ENGINE = Path(__file__).resolve().parent / "factcheck"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates by name and source checksum (Jinja's own key), in memory: MkDocs makes a new
    template environment for every build, and compiling the theme's templates again would cost a
    noticeable part of a preview rebuild."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@dataclass
class _Cache:
    site: GeneratedSite | None = None  # what on_config generated for the current build
    engine_digest: bytes = b""  # of the engine's files when it was last imported (factcheck.reuse.code_digest)
    previous: GeneratedSite | None = None  # the last site the imported engine generated, for it to reuse
    serving: bool = False  # `mkdocs serve`: one process builds again at every change
    dirty: bool = False  # `mkdocs serve --dirty`: rebuilds write only what changed
    # Whether this build may skip what is unchanged: dirty, and every navigation entry titled
    # in mkdocs.yml (an untitled entry takes its page's title, which an unread page lacks).
    incremental: bool = False
    theme_digest: str = ""  # everything around the content of a page: a change rewrites every page
    built: dict[str, tuple[str, Hashable]] = field(default_factory=dict)  # src_uri → what the last good build wrote it from
    building: dict[str, tuple[str, Hashable]] = field(default_factory=dict)  # the same, for the current build
    outputs: set[str] = field(default_factory=set)  # files in the output folder after the last good build
    building_outputs: set[str] = field(default_factory=set)  # the same, for the current build
    # Search: the pages the theme indexes itself, those it indexed in this build (build
    # order), and their entries after the last merge (for dirty builds; see merge_search_index).
    theme_search_pages: list[str] = field(default_factory=list)
    theme_search_built: list[str] = field(default_factory=list)
    theme_search_entries: dict[str, list[dict]] | None = None
    epoch_is_ours: bool = "SOURCE_DATE_EPOCH" not in os.environ
    templates: _CompiledTemplates = field(default_factory=_CompiledTemplates)  # kept between preview builds
    warned: set[str] | None = None  # the warnings the preview has printed (see _print_warnings)


# The hook's cache: the events after on_config use the current build's site, and in the
# preview each rebuild compares what it is about to write with what the last one wrote.
_cache = _Cache()


def _tree_digest(folder: Path) -> str:
    digest = hashlib.blake2b()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _engine() -> ModuleType:
    """The `factcheck` package, imported afresh when its files changed. `make serve` rebuilds in
    one process, and Python would keep the engine it imported first, so engine edits would not
    show until a restart; an unchanged engine is kept, so that it can reuse its last run."""
    imported = "factcheck.generation" in sys.modules and "factcheck.reuse" in sys.modules
    if not imported or sys.modules["factcheck.reuse"].code_digest() != _cache.engine_digest:
        for name in [name for name in sys.modules if name == "factcheck" or name.startswith("factcheck.")]:
            del sys.modules[name]
        _cache.previous = None  # made by the engine just dropped
        # As MkDocs does while it loads the hook: the engine beside this file, installed or not.
        # No bytecode written on a re-import: it would land in the watched engine folder.
        sys.path.insert(0, str(ENGINE.parent))
        write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, bool(_cache.engine_digest)
        try:
            importlib.import_module("factcheck.generation")
        finally:
            sys.path.remove(str(ENGINE.parent))
            sys.dont_write_bytecode = write_bytecode
        _cache.engine_digest = sys.modules["factcheck.reuse"].code_digest()
    return sys.modules["factcheck"]


def _generation() -> ModuleType:
    return sys.modules["factcheck.generation"]


def _site() -> GeneratedSite:
    assert _cache.site is not None, "on_config runs first"
    return _cache.site


def _root(config: MkDocsConfig) -> Path:
    # The folder of the settings file as named, never where a linked mkdocs.yml points (on_config refuses one).
    return Path(os.path.realpath(os.path.dirname(os.path.abspath(config.config_file_path))))


def on_startup(command: str, dirty: bool) -> None:
    _cache.serving = command == "serve"
    _cache.dirty = _cache.serving and dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    engine = _engine()
    generate = engine.generation.generate
    # The engine reuses what its last run made from unchanged files, where it can.
    reuse = {"previous": _cache.previous} if "previous" in inspect.signature(generate).parameters else {}
    if os.path.islink(config.config_file_path):
        raise PluginError(f"{os.path.basename(config.config_file_path)} is a symbolic link; the site is built only "
                          "from regular files inside the repository: replace the link with the file itself")
    # MkDocs reads docs_dir and the theme's custom_dir itself, after this event: the engine checks them first.
    boundary = engine.boundary
    custom_dir = config.theme.custom_dir
    layout = engine.repository.Layout(_root(config), boundary.resolve_parent(config.docs_dir),
                                      boundary.resolve_parent(custom_dir) if custom_dir else None)
    try:
        site = generate(_root(config), os.environ, layout=layout, **reuse)
    except engine.problems.FactcheckError as exc:
        raise PluginError("The fact-check files have problems:\n" + exc.report()) from None
    _print_warnings([str(warning) for warning in sorted(site.warnings)])
    # Reproducible builds: MkDocs dates the sitemap from SOURCE_DATE_EPOCH when set; unless the
    # caller set it, the latest declared date of the content rather than the time of the build
    # (at each build: in the preview, an edit can change it).
    if _cache.epoch_is_ours:
        os.environ["SOURCE_DATE_EPOCH"] = str(site.model.latest_update_timestamp())
    _apply_identity(config, site.info)
    # The engine writes the sitemap (dated from the content, none without the site's address): not MkDocs.
    config.theme.static_templates.discard("sitemap.xml")
    _cache.site = _cache.previous = site
    if _cache.dirty:
        _cache.theme_digest = _theme_digest(config, site.info)
    return config


def _print_warnings(warnings: list[str]) -> None:
    """Warnings pass, as they do in `factcheck validate`, and show even with --quiet: printed as validate
    prints them, not logged, since `strict: true` fails a build on any logged warning.

    The preview prints them all once, then at each rebuild only those the saved change brought, and how
    many others stand: a site in progress can have thousands, and an editor looks for what their save did."""
    earlier = _cache.warned if _cache.serving else None
    for warning in warnings:
        if earlier is None or warning not in earlier:
            print(warning, file=sys.stderr)
    if earlier is not None:
        standing = sum(warning in earlier for warning in warnings)
        if standing:
            still = "warning still stands" if standing == 1 else "warnings still stand"
            print(f"{standing:,} earlier {still} (`factcheck validate` lists every one)", file=sys.stderr)
    if _cache.serving:
        _cache.warned = set(warnings)


def _theme_digest(config: MkDocsConfig, info: SiteInfo) -> str:
    """What every page shows besides its own content: the settings (navigation, theme, the
    site's identity), the theme overrides and the engine."""
    digest = hashlib.blake2b(Path(config.config_file_path).read_bytes())
    digest.update(repr(info).encode() + _cache.engine_digest)
    if config.theme.custom_dir:
        digest.update(_tree_digest(Path(config.theme.custom_dir)).encode())
    return digest.hexdigest()


def _apply_identity(config: MkDocsConfig, info: SiteInfo) -> None:
    """site.yml is the one place the site's name and addresses live; MkDocs gets them from it, escaped
    for the theme (factcheck.generation.identity_settings)."""
    for key, value in _generation().identity_settings(info).items():
        config[key] = value
    config["edit_uri_template"] = None
    config.theme["language"] = info.language
    # Material shows it in every page's footer.
    config["copyright"] = str(sys.modules["factcheck.publishing"].licence_notice(info))


class _TrackedFile(File):
    """A file MkDocs writes only when what it is made from changed since the last good build
    (in the preview's dirty builds; in any other build, always, as MkDocs does)."""

    made_from: tuple[str, Hashable] = ("", None)

    def is_modified(self) -> bool:
        if not _cache.incremental or self.abs_dest_path not in _cache.outputs:
            return True
        return _cache.built.get(self.src_uri) != self.made_from


def _track(file: File, content: Hashable) -> File:
    # A page also shows the theme around its content; a data file, its content alone.
    file.made_from = (_cache.theme_digest if file.is_documentation_page() else "", content)
    _cache.building[file.src_uri] = file.made_from
    return file


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site = _site()
    generation = _generation()
    _cache.building = {}
    # Front matter only: on_page_content hands MkDocs the finished HTML, so it skips Markdown.
    front_matters = site.front_matters(engine_search=True)
    for page in site.pages.values():
        file = _TrackedFile.generated(config, generation.markdown_path(page.url), content=front_matters[page.url])
        # edit_uri points into docs/; the YAML lives at the repository root.
        file.edit_uri = "../" + page.edit_path if page.edit_path and site.info.repository else None
        files.append(_track(file, page))
    for name, content in site.files().items():
        files.append(_track(_TrackedFile.generated(config, name, content=content), content))
    documentation_pages = files.documentation_pages()
    # MkDocs' sitemap template, no longer rendered (see on_config), would be copied as it is.
    if (template := files.get_file_from_path("sitemap.xml")) is not None:
        files.remove(template)
    for name, content in site.sitemap_files(_url(file) for file in documentation_pages).items():
        files.append(_track(_TrackedFile.generated(config, name, content=content), content))
    if _cache.dirty:
        # Hand-written pages: their text, with the generated blocks that fill their markers.
        # (Tracked in place: MkDocs builds, and indexes for search, in the order of `files`.)
        for file in documentation_pages:
            if not isinstance(file, _TrackedFile):
                text = Path(file.abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
                file.__class__ = _TrackedFile
                _track(file, site.fill_markers(text, _url(file)))
    engine_indexed = {url for url, page in site.pages.items() if sys.modules["factcheck.search_entries"].indexed_by_engine(page)}
    _cache.theme_search_pages = [file.url for file in documentation_pages if file.url not in engine_indexed]
    _cache.theme_search_built = []
    return files


def _url(file: File) -> str:
    return file.src_uri.removesuffix(".md") + ".html"


def _titled(items: list) -> bool:
    return all(item.title is not None and _titled(getattr(item, "children", None) or []) for item in items)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _cache.incremental = _cache.dirty and _titled(nav.items)
    return nav


def on_env(env, config: MkDocsConfig, files: Files):
    """Every page's sitemap date, read or not in this build: the content's own date, or none
    where the content gives none."""
    site = _site()
    latest = site.model.latest_update()
    pages = [file.page for file in files.documentation_pages() if file.page is not None]
    for page in pages:
        url = _url(page.file)
        if url in site.pages:
            page.update_date = site.pages[url].updated or ""
        else:
            page.update_date = (latest if url == "index.html" else None) or ""
    _cache.building_outputs = {file.abs_dest_path for file in files if file.inclusion.is_included()}
    if _cache.serving:
        env.bytecode_cache = _cache.templates
    return env


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site = _site()
    url = _url(page.file)
    if url in site.pages:
        return _generation().page_body(site.pages[url])
    return site.fill_markers(html, url)


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    """Link previews for every page (read by overrides/main.html); hand-written pages use the site's card."""
    site = _site()
    rendering = sys.modules["factcheck.rendering"]
    url = _url(page.file)
    rendered = site.pages.get(url) or site.hand_written_page(url, page.title, page.meta.get("description"))
    page.meta["social"] = rendering.meta_elements(rendering.social_meta(rendered, site.info))
    if page.url in _cache.theme_search_pages:
        _cache.theme_search_built.append(page.url)
    return context


@event_priority(-100)  # after the theme's search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    merge_search_index(config)
    if _cache.dirty:
        # What the last good build wrote and this one no longer makes (a deleted claim's page).
        for path in _cache.outputs - _cache.building_outputs:
            _remove_with_empty_folders(Path(path), Path(config.site_dir))
        _cache.built, _cache.outputs = _cache.building, _cache.building_outputs


def merge_search_index(config: MkDocsConfig) -> None:
    """Adds the engine's search entries to the index the theme wrote (it skipped the generated
    pages), keeping each page's entries exactly once in full and dirty builds alike, and sets the
    languages and word separator the content needs (the browser reads them from the index)."""
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():  # no search plugin
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index.setdefault("config", {}).update(_site().search_settings())
    index["docs"], _cache.theme_search_entries = sys.modules["factcheck.search_entries"].merge_into_theme_index(
        index.get("docs", []), _site().search_entries(), _cache.theme_search_built, _cache.theme_search_pages,
        _cache.theme_search_entries,
    )
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _remove_with_empty_folders(path: Path, site_dir: Path) -> None:
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def on_build_error(error: Exception) -> None:
    # Pages this failed build may have rewritten count as changed at the next build.
    for src_uri, made_from in _cache.building.items():
        if _cache.built.get(src_uri) != made_from:
            _cache.built.pop(src_uri, None)
    _cache.outputs |= _cache.building_outputs


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
    for path in sys.modules["factcheck.repository"].Layout(_root(config)).watched:
        if path.exists():
            server.watch(str(path))
    # Engine edits rebuild too: on_config then imports the changed engine (see _engine).
    server.watch(str(ENGINE))
    _watch_with_notifications(server)
    # What the first build left lives on through the session (the engine reuses it): frozen, the
    # garbage collector stops scanning it at every rebuild, a large part of a rebuild on a large
    # site. Collected first, so that the first build's own garbage is not kept forever.
    gc.collect()
    gc.freeze()
    return server


class _NotifiedObserver(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
    """Started by on_serve, to learn there whether it can start; MkDocs' own start is then a no-op."""

    # Changes only: inotify also reports files opened and closed unwritten, and MkDocs rebuilds
    # on any event, so each build's own reading would start the next build.
    CHANGES = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent]

    def schedule(self, event_handler, path, *, recursive=False, **options):  # type: ignore[no-untyped-def]
        return super().schedule(event_handler, path, recursive=recursive, event_filter=self.CHANGES)

    def start(self) -> None:
        if not self.is_alive():
            super().start()


def _watch_with_notifications(server: LiveReloadServer) -> None:
    """MkDocs watches with watchdog's PollingObserver, which reads every watched file's status
    twice a second: a fifth of a core at 10,000 claims while nothing changes. The system's change
    notifications (inotify on Linux) cost nothing while idle; where they cannot start (no such
    facility, or the per-user limit of inotify instances reached), polling stays."""
    notified = _NotifiedObserver()
    polling = server.observer
    _move_watches(server, notified)
    try:
        notified.start()
    except OSError as exc:
        log.info(f"Watching by polling: file change notifications are unavailable ({exc})")
        notified.stop()  # which unschedules everything it had
        _move_watches(server, watchdog.observers.polling.PollingObserver(timeout=polling.timeout), unschedule=False)


def _move_watches(server: LiveReloadServer, observer: Any, unschedule: bool = True) -> None:
    """Schedule on `observer` what the server watches (MkDocs offers no way to choose its observer)."""
    watched = dict(server._watched_paths)
    for path in watched:
        watch = server._watch_refs.pop(path)
        if unschedule:
            server.observer.unschedule(watch)
        del server._watched_paths[path]
    server.observer = observer
    for path, count in watched.items():
        server.watch(path)
        server._watched_paths[path] = count
