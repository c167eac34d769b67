"""What an editor waits for with the preview server: `make serve`'s command on a synthetic site.

- save-to-reload: wall-clock seconds from saving a claim file to the server answering its
  page with the edit (MkDocs answers a page request only once the rebuild it waits for has
  finished, which is when the browser's live reload asks for it);
- idle CPU: the server's share of one core while nothing changes;
- memory: the server's resident memory after the first build and after each edit.

Latency is what an editor feels, so it is wall-clock time, unlike the bench's build figures.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
# `make serve` runs `mkdocs serve $(SERVE_FLAGS)`: read them from the Makefile, so that the bench
# measures exactly what an editor runs.
SERVE_FLAGS = re.search(r"^SERVE_FLAGS \?=(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
FIRST_BUILD_TIMEOUT = 1800.0
RELOAD_TIMEOUT = 600.0


@dataclass
class ServeFigures:
    reload_seconds: list[float] = field(default_factory=list)
    idle_percent: float | None = None  # None: not measured
    resident_mib: list[float] = field(default_factory=list)  # after the first build, then after each edit


def serve_flags() -> list[str]:
    if SERVE_FLAGS is None:
        raise SystemExit("Makefile: no 'SERVE_FLAGS ?=' line; the bench runs `make serve`'s own command")
    return SERVE_FLAGS.group(1).split()


def measure_serve(repo: Path, claim_file: Path, edit: Callable[[Path, str], None], environ: dict[str, str],
                  edits: int = 10, idle_seconds: float = 20.0) -> ServeFigures:
    """Start the preview server on `repo`, wait for its first build, measure it idle, then save
    `edits` successive changes to `claim_file` (`edit(path, marker)` writes `marker` into the
    claim's summary) and time each until the claim's page shows it."""
    port = _free_port()
    # `make bench` runs this with the project's virtual environment, where mkdocs is installed.
    command = [str(Path(sys.executable).parent / "mkdocs"), "serve", *serve_flags(), "--dev-addr", f"127.0.0.1:{port}"]
    page = f"http://127.0.0.1:{port}/claims/{claim_file.stem}.html"
    figures = ServeFigures()
    with tempfile.TemporaryFile() as log:
        # Its own session, so that SIGINT reaches it even from a shell that ignores interrupts in the background.
        server = subprocess.Popen(command, cwd=repo, env={**os.environ, **environ}, stdout=log, stderr=log,
                                  start_new_session=True)
        try:
            _wait_for(lambda: _get(page) is not None, FIRST_BUILD_TIMEOUT, server, log, "the first build")
            time.sleep(2.0)  # let the server settle after its first build
            figures.resident_mib.append(_resident_mib(server.pid))
            figures.idle_percent = _cpu_percent(server.pid, idle_seconds)
            for number in range(edits):
                marker = f"Saved edit number {number} of the bench"
                edit(claim_file, marker)
                saved = time.monotonic()
                _wait_for(lambda: marker in (_get(page) or ""), RELOAD_TIMEOUT, server, log, f"edit {number}")
                figures.reload_seconds.append(time.monotonic() - saved)
                figures.resident_mib.append(_resident_mib(server.pid))
        finally:
            # Ctrl-C, as an editor stops it: MkDocs then removes its temporary build folder.
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return figures


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=RELOAD_TIMEOUT) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(condition: Callable[[], bool], timeout: float, server: subprocess.Popen, log, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if server.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            output = log.read().decode("utf-8", "replace")[-3000:]
            raise SystemExit(f"mkdocs serve: {what} did not show within {timeout:.0f} s "
                             f"(exit status {server.poll()}):\n{output}")
        time.sleep(0.05)


def _cpu_seconds(pid: int) -> float:
    # /proc/PID/stat: the command name may hold spaces, so count fields after its closing parenthesis.
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _cpu_percent(pid: int, seconds: float) -> float:
    before, start = _cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (_cpu_seconds(pid) - before) / (time.monotonic() - start)


def _resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
