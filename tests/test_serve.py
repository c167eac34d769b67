"""`make serve`: a live preview that follows edits to the content and to the engine itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(url: str, wanted: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        try:
            page = fetch(url)
            if wanted in page:
                return page
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{wanted!r} did not appear at {url} within {seconds} s")


def test_the_preview_uses_an_edited_engine_without_a_restart(project_copy: Path, tmp_path: Path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe: the server's log never blocks it
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project_copy, env=ENV, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        home = f"http://127.0.0.1:{port}/index.html"
        wait_for(home, "fc-overview")
        # An edit to the engine's Python code, not a template (templates are read at each build anyway).
        generation = project_copy / "hooks" / "factcheck" / "generation.py"
        source = generation.read_text(encoding="utf-8")
        generation.write_text(source.replace('<div class="fc-page">', '<div class="fc-page" data-edited="yes">'), encoding="utf-8")
        claim_page = next((project_copy / "claims").rglob("*.yml"))
        url = f"http://127.0.0.1:{port}/claims/{claim_page.stem}.html"
        wait_for(url, 'data-edited="yes"')
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
