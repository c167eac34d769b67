"""What a long build is doing, for a person watching a terminal.

Once a build has run for a couple of seconds, one status line on stderr says which stage it is in
(with a count where one is known) and how long it has taken, redrawn in place every second and
cleared at the end. Written nowhere but a terminal: CI logs, pipes and captured output stay quiet.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, delay: float = 2.0, interval: float = 1.0,
                 enabled: bool | None = None) -> None:
        self._stream = stream or sys.stderr
        self._enabled = _is_terminal(self._stream) if enabled is None else enabled
        self._delay, self._interval = delay, interval
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._label, self._done, self._total = "Checking the files", 0, None
        self._shown = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self._enabled:
            self._thread = threading.Thread(target=self._run, name="factcheck-progress", daemon=True)
            self._thread.start()

    def stage(self, label: str, total: int | None = None) -> None:
        with self._lock:
            self._label, self._done, self._total = label, 0, total

    def advance(self, count: int = 1) -> None:
        self._done += count  # read by the status line only; an off-by-one while redrawing is harmless

    def line(self) -> str:
        """The status line as it stands."""
        with self._lock:
            count = f" {self._done:,}/{self._total:,}" if self._total else ""
            return f"{self._label}{count} ({time.monotonic() - self._started:.0f} s)"

    def clear(self) -> None:
        """Take the status line off the terminal (before other output); the next redraw puts it back."""
        with self._lock:
            if self._shown:
                self._stream.write("\r\033[K")
                self._stream.flush()
                self._shown = False

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self.clear()

    def _run(self) -> None:
        if self._stop.wait(self._delay):
            return
        while not self._stop.is_set():
            text = self.line()
            with self._lock:
                if not self._stop.is_set():
                    self._stream.write(f"\r\033[K{text}")
                    self._stream.flush()
                    self._shown = True
            self._stop.wait(self._interval)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
