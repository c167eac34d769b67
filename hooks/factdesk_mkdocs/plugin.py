"""The MkDocs plugin (`plugins: - factcheck`): adapts the fact-check engine (the `factdesk` package) to MkDocs.

Only MkDocs events live here; loading, anchoring, rendering and the page files are the
engine's (`factdesk.generation`, which `factcheck render` also uses for other generators).
The engine runs in `on_config`, before MkDocs cleans the output directory, so a
bad file stops the build with every problem listed and the last good site intact.

In the preview (`mkdocs serve --dirty`), a rebuild hands MkDocs as modified only the pages
and files whose content changed since the last successful build, so a saved claim
rewrites its own pages, not the whole site.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import importlib
import inspect
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Hashable, Mapping

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .preview import watch_with_notifications

if TYPE_CHECKING:
    from factdesk.generation import GeneratedSite
    from factdesk.progress import Progress
    from factdesk.publishing import SiteInfo
    from factdesk.search_entries import SearchEntry


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
class _State:
    """What the plugin keeps: the events after on_config use the current build's site, and in the
    preview each rebuild compares what it is about to write with what the last one wrote."""

    site: GeneratedSite | None = None  # what on_config generated for the current build
    engine_digest: bytes = b""  # of the engine's files when it was last imported (factdesk.reuse.code_digest)
    previous: GeneratedSite | None = None  # the last site the imported engine generated, for it to reuse
    serving: bool = False  # `mkdocs serve`: one process builds again at every change
    dirty: bool = False  # `mkdocs serve --dirty`: rebuilds write only what changed
    # Whether this build may skip what is unchanged: dirty, and every navigation entry titled
    # in mkdocs.yml (an untitled entry takes its page's title, which an unread page lacks).
    incremental: bool = False
    theme_digest: str = ""  # everything around the content of a page: a change rewrites every page
    # Tracked files by their address (see _TrackedFile.address) → what the last good build wrote each from.
    built: dict[str, tuple[str, Hashable]] = field(default_factory=dict)
    building: dict[str, tuple[str, Hashable]] = field(default_factory=dict)  # the same, for the current build
    outputs: set[str] = field(default_factory=set)  # files in the output folder after the last good build
    building_outputs: set[str] = field(default_factory=set)  # the same, for the current build
    destinations: dict[str, str] = field(default_factory=dict)  # address → output path, of every generated file written
    # Generated files written before that the site no longer has (a deleted claim's page): forgotten after a
    # good build only, as a failed one leaves them written.
    removed: set[str] = field(default_factory=set)
    # Search: the pages the theme indexes itself, those it indexed in this build (build
    # order), and their entries after the last merge (for dirty builds; see merge_search_index).
    theme_search_pages: list[str] = field(default_factory=list)
    theme_search_built: list[str] = field(default_factory=list)
    theme_search_entries: dict[str, list[dict]] | None = None
    # The engine's entries of the index last written, and each one's text by its id: the engine hands over the
    # very same entry while its page is unchanged. The entries are kept so that no new entry can take the id
    # of one of them (an id is unique among the objects alive together).
    search_written: tuple[list[SearchEntry], dict[int, str]] = field(default_factory=lambda: ([], {}))
    epoch_is_ours: bool = "SOURCE_DATE_EPOCH" not in os.environ
    templates: _CompiledTemplates = field(default_factory=_CompiledTemplates)  # kept between preview builds
    warned: set[str] | None = None  # the warnings the preview has printed (see _print_warnings)
    progress: Progress | None = None  # the status line of the current build (on a terminal)


def _tree_digest(folder: Path) -> str:
    digest = hashlib.blake2b()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class _TrackedFile(File):
    """A file MkDocs writes only when what it is made from changed since the last good build
    (in the preview's dirty builds; in any other build, always, as MkDocs does).

    Tracked by its address relative to the site root, as the engine names its pages and files
    (claims/x.html, claims.csv), so that an unchanged page is checked without working out its file name."""

    address: str = ""
    made_from: tuple[str, Hashable] = ("", None)
    state: _State | None = None

    def is_modified(self) -> bool:
        state = self.state
        if state is None or not state.incremental or self.abs_dest_path not in state.outputs:
            return True
        return state.built.get(self.address) != self.made_from


def _address(src_uri: str) -> str:
    """Where a page of the docs folder is written, relative to the site root: claims/x.md → claims/x.html."""
    return src_uri.removesuffix(".md") + ".html"


def _url(file: File) -> str:
    return _address(file.src_uri)


def _return_freed_memory() -> None:
    """Hands the memory a build freed back to the system. The preview's first build makes every page and
    frees most of it, but the C library keeps freed memory for later, so the server would hold the first
    build's peak for as long as it runs. glibc offers malloc_trim; elsewhere there is nothing to do."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _navigation(nav: list | None) -> tuple[bool, set[str]]:
    """Whether every entry of the `nav` setting has a title (an untitled one takes its page's, which a page
    this build does not read lacks), and the files it names."""
    if nav is None:  # MkDocs makes one from every page, titled by the pages themselves
        return False, set()
    titled, named = True, set()
    for item in nav:
        entries = item.values() if isinstance(item, dict) else [item]
        titled = titled and isinstance(item, dict)
        for entry in entries:
            if isinstance(entry, list):
                entry_titled, entry_named = _navigation(entry)
                titled, named = titled and entry_titled, named | entry_named
            else:
                named.add(str(entry))
    return titled, named


def _empty_body(page: Page, config: MkDocsConfig, files: Files) -> None:
    """What MkDocs' Page.render gives for an empty Markdown body: no content, headings, anchors or links."""
    page.content = ""
    page.toc = get_toc([])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def _remove_with_empty_folders(path: Path, site_dir: Path) -> None:
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class FactcheckPlugin(BasePlugin):
    """The engine's generated pages and files, handed to MkDocs; the site's identity from site.yml.

    `engine_folder` is where the `factdesk` package is imported from: the folder given (the
    path-based hook of a checkout gives its own), else wherever Python finds it (the installed package)."""

    def __init__(self, engine_folder: Path | None = None) -> None:
        super().__init__()
        self.engine_folder = engine_folder
        self._state = _State()

    # The engine, imported afresh when its files changed.

    def _engine(self) -> ModuleType:
        """The `factdesk` package, imported afresh when its files changed. `make serve` rebuilds in
        one process, and Python would keep the engine it imported first, so engine edits would not
        show until a restart; an unchanged engine is kept, so that it can reuse its last run."""
        state = self._state
        imported = "factdesk.generation" in sys.modules and "factdesk.reuse" in sys.modules
        if not imported or sys.modules["factdesk.reuse"].code_digest() != state.engine_digest:
            for name in [name for name in sys.modules if name == "factdesk" or name.startswith("factdesk.")]:
                del sys.modules[name]
            state.previous = None  # made by the engine just dropped
            folder = [str(self.engine_folder)] if self.engine_folder else []
            sys.path[:0] = folder
            # No bytecode written on a re-import: it would land in the watched engine folder.
            write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, bool(state.engine_digest)
            try:
                importlib.import_module("factdesk.generation")
            finally:
                for entry in folder:
                    sys.path.remove(entry)
                sys.dont_write_bytecode = write_bytecode
            state.engine_digest = sys.modules["factdesk.reuse"].code_digest()
        return sys.modules["factdesk"]

    def _site(self) -> GeneratedSite:
        assert self._state.site is not None, "on_config runs first"
        return self._state.site

    @staticmethod
    def _root(config: MkDocsConfig) -> Path:
        # The folder of the settings file as named, never where a linked mkdocs.yml points (on_config refuses one).
        return Path(os.path.realpath(os.path.dirname(os.path.abspath(config.config_file_path))))

    def _track(self, file: _TrackedFile, address: str, content: Hashable) -> File:
        # A page also shows the theme around its content; a data file, its content alone.
        file.state, file.address = self._state, address
        file.made_from = (self._state.theme_digest if file.is_documentation_page() else "", content)
        self._state.building[address] = file.made_from
        return file

    def _changed(self, contents: Mapping[str, Hashable], around: str, partial: bool, named: set[str]) -> list[str]:
        """The generated files (by address) MkDocs is given: in a partial build, those the last good build
        did not write from the same content (compared by identity first: the engine hands over the very
        object it reused), and those the navigation names. The others stay as they were written, left out of
        MkDocs' files altogether."""
        if not partial:
            return list(contents)
        built = self._state.built
        return [address for address, content in contents.items()
                if address in named or built.get(address) != (around, content)]

    # MkDocs' events, in the order it sends them.

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._state.serving = command == "serve"
        self._state.dirty = self._state.serving and dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        state = self._state
        engine = self._engine()
        generate = engine.generation.generate
        # The engine reuses what its last run made from unchanged files, where it can.
        reuse = {"previous": state.previous} if "previous" in inspect.signature(generate).parameters else {}
        if os.path.islink(config.config_file_path):
            raise PluginError(f"{os.path.basename(config.config_file_path)} is a symbolic link; the site is built only "
                              "from regular files inside the repository: replace the link with the file itself")
        # MkDocs reads docs_dir and the theme's custom_dir itself, after this event: the engine checks them first.
        boundary = engine.boundary
        custom_dir = config.theme.custom_dir
        root = self._root(config)
        layout = engine.repository.Layout(root, boundary.resolve_parent(config.docs_dir),
                                          boundary.resolve_parent(custom_dir) if custom_dir else None)
        state.progress = engine.progress.Progress()
        try:
            site = generate(root, os.environ, layout=layout, progress=state.progress, **reuse)
        except engine.problems.FactcheckError as exc:
            state.progress.close()
            raise PluginError("The fact-check files have problems:\n" + exc.report()) from None
        self._print_warnings([str(warning) for warning in sorted(site.warnings)])
        # Reproducible builds: MkDocs dates the sitemap from SOURCE_DATE_EPOCH when set; unless the
        # caller set it, the latest declared date of the content rather than the time of the build
        # (at each build: in the preview, an edit can change it).
        if state.epoch_is_ours:
            os.environ["SOURCE_DATE_EPOCH"] = str(site.model.latest_update_timestamp())
        self._apply_identity(config, site.info)
        # The engine writes the sitemap (dated from the content, none without the site's address): not MkDocs.
        config.theme.static_templates.discard("sitemap.xml")
        state.site = state.previous = site
        if state.dirty:
            state.theme_digest = self._theme_digest(config, site.info)
        return config

    def _print_warnings(self, warnings: list[str]) -> None:
        """Warnings pass, as they do in `factcheck validate`, and show even with --quiet: printed as validate
        prints them, not logged, since `strict: true` fails a build on any logged warning.

        The preview prints them all once, then at each rebuild only those the saved change brought, and how
        many others stand: a site in progress can have thousands, and an editor looks for what their save did."""
        state = self._state
        earlier = state.warned if state.serving else None
        if state.progress is not None:
            state.progress.clear()
        for warning in warnings:
            if earlier is None or warning not in earlier:
                print(warning, file=sys.stderr)
        if earlier is not None:
            standing = sum(warning in earlier for warning in warnings)
            if standing:
                still = "warning still stands" if standing == 1 else "warnings still stand"
                print(f"{standing:,} earlier {still} (`factcheck validate` lists every one)", file=sys.stderr)
        if state.serving:
            state.warned = set(warnings)

    def _theme_digest(self, config: MkDocsConfig, info: SiteInfo) -> str:
        """What every page shows besides its own content: the settings (navigation, theme, the
        site's identity), the theme overrides and the engine."""
        digest = hashlib.blake2b(Path(config.config_file_path).read_bytes())
        digest.update(repr(info).encode() + self._state.engine_digest)
        if config.theme.custom_dir:
            digest.update(_tree_digest(Path(config.theme.custom_dir)).encode())
        return digest.hexdigest()

    @staticmethod
    def _apply_identity(config: MkDocsConfig, info: SiteInfo) -> None:
        """site.yml is the one place the site's name and addresses live; MkDocs gets them from it, escaped
        for the theme (factdesk.generation.identity_settings)."""
        for key, value in sys.modules["factdesk.generation"].identity_settings(info).items():
            config[key] = value
        config["edit_uri_template"] = None
        config.theme["language"] = info.language
        # Material shows it in every page's footer.
        config["copyright"] = str(sys.modules["factdesk.publishing"].licence_notice(info))

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """The generated pages and files join the hand-written ones. In the preview, after a good build, a
        rebuild that renders no hand-written page hands MkDocs only the generated files whose content
        changed (and the pages the navigation names): MkDocs then makes a page object for each page it
        is given, so the cost of a save follows the size of the change, not of the site. A hand-written
        page's links are checked against every file, so a rebuild that renders one is given them all."""
        state, site = self._state, self._site()
        generation = sys.modules["factdesk.generation"]
        state.building = {}
        titled, in_nav = _navigation(config.nav)
        state.incremental = state.dirty and titled
        if state.progress is not None:
            state.progress.stage("Writing the data files and share cards")
        if state.dirty:
            # Hand-written pages: their text, with the generated blocks that fill their markers; each file
            # tracked in its place (MkDocs builds, and indexes for search, in the order of `files`).
            files = Files([self._tracked_hand_written(file) if file.is_documentation_page() else file for file in files])
        hand_written_pages = files.documentation_pages()
        hand_written = [_url(file) for file in hand_written_pages]
        partial = state.incremental and not any(file.is_modified() for file in hand_written_pages)
        data_files = {**site.files(), **site.sitemap_files(hand_written)}
        if partial:
            # What this build leaves out of MkDocs' files keeps its record; what the site no longer has loses it.
            gone = state.built.keys() - site.pages.keys() - data_files.keys() - state.building.keys()
            state.building = {**state.built, **state.building}
            for address in gone:
                del state.building[address]
        for url in self._changed(site.pages, state.theme_digest, partial, {_address(name) for name in in_nav}):
            page = site.pages[url]
            # Front matter only: on_page_content hands MkDocs the finished HTML, so it skips Markdown.
            file = _TrackedFile.generated(config, generation.markdown_path(url),
                                          content=generation.front_matter(page, site.info, True))
            # edit_uri points into docs/; the YAML lives at the repository root.
            file.edit_uri = "../" + page.edit_path if page.edit_path and site.info.repository else None
            files.append(self._track(file, url, page))
        # MkDocs' sitemap template, no longer rendered (see on_config), would be copied as it is.
        if (template := files.get_file_from_path("sitemap.xml")) is not None:
            files.remove(template)
        for name in self._changed(data_files, "", partial, set()):
            content = data_files[name]
            # A share card in the engine's cache is copied from there, not held in memory.
            file = (_TrackedFile.generated(config, name, abs_src_path=str(content)) if isinstance(content, Path)
                    else _TrackedFile.generated(config, name, content=content))
            files.append(self._track(file, name, content))
        # The pages the theme indexes for search itself, in build order (hand-written pages come first).
        search_entries = sys.modules["factdesk.search_entries"]
        state.theme_search_pages = [url for url in hand_written if url not in site.pages] + [
            url for url, page in site.pages.items() if not search_entries.indexed_by_engine(page)]
        state.theme_search_built = []
        if state.progress is not None:
            state.progress.stage("Writing the pages", total=len(files.documentation_pages()))
        return files

    def _tracked_hand_written(self, file: File) -> File:
        text = Path(file.abs_src_path).read_text(encoding="utf-8-sig", errors="replace")
        tracked = _TrackedFile(file.src_path, file.src_dir, file.dest_dir, file.use_directory_urls,
                               dest_uri=file.dest_uri, inclusion=file.inclusion)
        return self._track(tracked, _url(file), self._site().fill_markers(text, _url(file)))

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Every page's sitemap date, read or not in this build: the content's own date, or none
        where the content gives none."""
        state, site = self._state, self._site()
        latest = site.model.latest_update()
        pages = [file.page for file in files.documentation_pages() if file.page is not None]
        for page in pages:
            url = _url(page.file)
            if url in site.pages:
                page.update_date = site.pages[url].updated or ""
            else:
                page.update_date = (latest if url == "index.html" else None) or ""
        # What this build writes or leaves written: MkDocs' own files, and every generated file the site has
        # (those given to MkDocs now, at their new place, and those left as the last good build wrote them).
        own = set()
        for file in files:
            if isinstance(file, _TrackedFile) and file.src_dir is None:  # generated
                state.destinations[file.address] = file.abs_dest_path
            elif file.inclusion.is_included():
                own.add(file.abs_dest_path)
        state.removed = state.destinations.keys() - state.building.keys()
        removed_paths = {state.destinations[address] for address in state.removed}
        state.building_outputs = (set(state.destinations.values()) - removed_paths) | own
        if state.serving:
            env.bytecode_cache = state.templates
        return env

    def on_pre_page(self, page: Page, config: MkDocsConfig, files: Files) -> Page:
        """A generated page's Markdown is its front matter alone, and on_page_content gives its HTML: MkDocs is
        spared setting up a Markdown converter with the theme's extensions for each of them to convert nothing."""
        if _url(page.file) in self._site().pages:
            page.render = functools.partial(_empty_body, page)  # type: ignore[method-assign]
        return page

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        site = self._site()
        url = _url(page.file)
        if url in site.pages:
            return sys.modules["factdesk.generation"].page_body(site.pages[url])
        return site.fill_markers(html, url)

    def on_page_context(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        """Link previews for every page (read by overrides/main.html); hand-written pages use the site's card."""
        state, site = self._state, self._site()
        rendering = sys.modules["factdesk.rendering"]
        url = _url(page.file)
        rendered = site.pages.get(url) or site.hand_written_page(url, page.title, page.meta.get("description"))
        page.meta["social"] = rendering.meta_elements(rendering.social_meta(rendered, site.info))
        if page.url in state.theme_search_pages:
            state.theme_search_built.append(page.url)
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self._state.progress is not None:
            self._state.progress.advance()
        return output

    @event_priority(-100)  # after the theme's search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        state = self._state
        self.merge_search_index(config)
        if state.dirty:
            # What the last good build wrote and this one no longer makes (a deleted claim's page).
            for path in state.outputs - state.building_outputs:
                _remove_with_empty_folders(Path(path), Path(config.site_dir))
            for address in state.removed:
                del state.destinations[address]
            state.built, state.outputs = state.building, state.building_outputs
            if state.serving:
                _return_freed_memory()
        if state.progress is not None:
            state.progress.close()

    def merge_search_index(self, config: MkDocsConfig) -> None:
        """Adds the engine's search entries to the index the theme wrote (it skipped the generated
        pages), keeping each page's entries exactly once in full and dirty builds alike, and sets the
        languages and word separator the content needs (the browser reads them from the index).

        Neither MkDocs nor the theme offers a way to add entries: the index is the theme's file,
        read and written in its own format (the one its search reads in the browser)."""
        state, site = self._state, self._site()
        path = Path(config.site_dir) / "search" / "search_index.json"
        if not path.is_file():  # no search plugin
            return
        index = json.loads(path.read_text(encoding="utf-8"))
        index.setdefault("config", {}).update(site.search_settings())
        state.theme_search_entries = sys.modules["factdesk.search_entries"].merge_into_theme_index(
            index.pop("docs", []), state.theme_search_built, state.theme_search_pages, state.theme_search_entries)
        docs = [_json(doc) for page_docs in state.theme_search_entries.values() for doc in page_docs]
        # The engine's entries, last, are most of the index: each is written out once, and kept as text while
        # the engine hands over the same entry, so that a save does not serialise the whole index again.
        entries = site.search_entries()
        texts = list(map(state.search_written[1].get, map(id, entries)))
        for position in [position for position, text in enumerate(texts) if text is None]:
            texts[position] = _json(entries[position].as_json())
        state.search_written = (entries, dict(zip(map(id, entries), texts)))
        head = _json(index)
        path.write_text(head[:-1] + ("," if index else "") + '"docs":[' + ",".join(docs + texts) + "]}", encoding="utf-8")

    def on_build_error(self, *, error: Exception) -> None:
        state = self._state
        # Pages this failed build may have rewritten count as changed at the next build.
        for address, made_from in state.building.items():
            if state.built.get(address) != made_from:
                state.built.pop(address, None)
        state.outputs |= state.building_outputs
        if state.progress is not None:
            state.progress.close()

    @event_priority(100)  # first: what MkDocs watches itself is then all this plugin moves (see preview)
    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
        ours = [str(path) for path in sys.modules["factdesk.repository"].Layout(self._root(config)).watched
                if path.exists()]
        # Engine edits rebuild too: on_config then imports the changed engine (see _engine).
        ours.append(os.path.dirname(sys.modules["factdesk"].__file__))
        for path in ours:
            server.watch(path)
        mkdocs_own = [path for path in (config.docs_dir, config.config_file_path, *config.theme.dirs) if path]
        watch_with_notifications(server, [os.path.abspath(path) for path in mkdocs_own + ours])
        # What the first build left lives on through the session (the engine reuses it): frozen, the
        # garbage collector stops scanning it at every rebuild, a large part of a rebuild on a large
        # site. Collected first, so that the first build's own garbage is not kept forever.
        gc.collect()
        gc.freeze()
        _return_freed_memory()
        return server
