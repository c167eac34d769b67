"""Build one site in this process and report as JSON (run by bench/run.py, one process per build).

`worker.py build CONFIG SITE`: a full build, MkDocs + Material + the fact-check hook; the
hook's event handlers are wrapped with CPU timers, so the report separates its own time.

`worker.py floor CONFIG SITE PAGES`: the floor. CONFIG is the project's own MkDocs
configuration without the hook; PAGES (written by bench/run.py) holds the pages the engine
rendered, each with its HTML, edit address and link-preview fields. Those pages skip the
Markdown step: MkDocs and Material do everything else they do for a page of the real site.

Peak memory is this process's own maximum resident set; CPU time is measured by the parent.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402


def _timed_hook(config) -> list[float]:
    hook_seconds = [0.0]

    def timed(handler):
        def wrapper(*args, **kwargs):
            begin = time.process_time()
            try:
                return handler(*args, **kwargs)
            finally:
                hook_seconds[0] += time.process_time() - begin
        return wrapper

    for name, handlers in config.plugins.events.items():
        config.plugins.events[name] = [
            timed(h) if f"{os.sep}factdesk_mkdocs{os.sep}" in getattr(getattr(h, "__code__", None), "co_filename", "") else h
            for h in handlers
        ]
    return hook_seconds


def _serve_prerendered(config, pages_file: str) -> None:
    """Hand MkDocs the engine's finished HTML for the generated pages, as the hook does."""
    pages = json.loads(Path(pages_file).read_text(encoding="utf-8"))
    original_render = Page.render

    def render(self, config, files):
        page = pages.get(self.file.src_uri)
        if page is None:
            return original_render(self, config, files)
        self.content = page["html"]
        self.meta["social"] = page["social"]
        return None

    Page.render = render

    def on_files(files, config):
        for file in files:
            page = pages.get(file.src_uri)
            if page is not None:
                file.edit_uri = page["edit_uri"]
        return files

    config.plugins.events["files"].append(on_files)


def main(mode: str, config_file: str, site_dir: str, pages_file: str | None = None) -> None:
    config = load_config(config_file=config_file, site_dir=site_dir, strict=True)
    hook_seconds = _timed_hook(config) if mode == "build" else [0.0]
    if mode == "floor":
        assert pages_file is not None
        _serve_prerendered(config, pages_file)
    build(config)
    pages = sum(1 for _ in Path(site_dir).rglob("*.html"))
    json.dump({"hook_seconds": hook_seconds[0], "pages": pages, "peak_mib": _peak_kib() / 1024}, sys.stdout)


def _peak_kib() -> int:
    """This process's own peak resident memory. Not getrusage's ru_maxrss: on Linux it also
    counts the memory of the parent this process was forked from."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    main(*sys.argv[1:])
