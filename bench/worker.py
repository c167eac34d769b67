"""Build one site in this process and report its timings as JSON (run by bench/run.py).

The fact-check hook's event handlers are wrapped with timers, so the report
separates the hook's own time from the rest of the MkDocs build."""

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


def main(config_file: str, site_dir: str) -> None:
    started = time.perf_counter()
    config = load_config(config_file=config_file, site_dir=site_dir, strict=True)
    hook_seconds = [0.0]

    def timed(handler):
        def wrapper(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return handler(*args, **kwargs)
            finally:
                hook_seconds[0] += time.perf_counter() - begin
        return wrapper

    for name, handlers in config.plugins.events.items():
        config.plugins.events[name] = [
            timed(h) if getattr(getattr(h, "__code__", None), "co_filename", "").endswith("factcheck_hook.py") else h
            for h in handlers
        ]
    build(config)
    total = time.perf_counter() - started
    pages = sum(1 for _ in Path(site_dir).rglob("*.html"))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump({"seconds": total, "hook_seconds": hook_seconds[0], "pages": pages, "peak_mib": peak_kib / 1024}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
