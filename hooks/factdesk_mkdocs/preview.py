"""`mkdocs serve`: learn of saved files from the system's change notifications rather than by polling."""

from __future__ import annotations

import logging
from typing import Iterable

import watchdog.observers
import watchdog.observers.polling
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent

log = logging.getLogger("mkdocs.plugins.factcheck")


class NotifiedObserver(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
    """Started by `watch_with_notifications`, to learn there whether it can start; MkDocs' own start is then a no-op."""

    # Changes only: inotify also reports files opened and closed unwritten, and MkDocs rebuilds
    # on any event, so each build's own reading would start the next build.
    CHANGES = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent]

    def schedule(self, event_handler, path, *, recursive=False, **options):  # type: ignore[no-untyped-def]
        return super().schedule(event_handler, path, recursive=recursive, event_filter=self.CHANGES)

    def start(self) -> None:
        if not self.is_alive():
            super().start()


def watch_with_notifications(server: LiveReloadServer, paths: Iterable[str]) -> None:
    """MkDocs watches with watchdog's PollingObserver, which reads every watched file's status
    twice a second: a fifth of a core at 10,000 claims while nothing changes. The system's change
    notifications (inotify on Linux) cost nothing while idle; where they cannot start (no such
    facility, or the per-user limit of inotify instances reached), polling stays.

    `paths` are those the server may watch so far (what `mkdocs serve` watches before the plugins'
    on_serve, and the plugin's own); MkDocs offers no way to choose the observer, so they are
    unwatched, the observer replaced, and watched again, through the server's public methods."""
    notified = NotifiedObserver()
    polling = server.observer
    watched = _rewatch(server, paths, notified)
    try:
        notified.start()
    except OSError as exc:
        log.info(f"Watching by polling: file change notifications are unavailable ({exc})")
        _rewatch(server, watched, watchdog.observers.polling.PollingObserver(timeout=polling.timeout))
        notified.stop()


def _rewatch(server: LiveReloadServer, paths: Iterable[str], observer: watchdog.observers.api.BaseObserver) -> list[str]:
    """Move every watch of `paths` to `observer`, as many times as each was watched; the paths moved."""
    counts: dict[str, int] = {}
    for path in dict.fromkeys(paths):
        while True:
            try:
                server.unwatch(path)
            except KeyError:  # not watched (any more)
                break
            counts[path] = counts.get(path, 0) + 1
    server.observer = observer
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return list(counts)
