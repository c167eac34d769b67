"""Whether a file is as it was, told by its status (device, inode, size, modification and change times)
without reading it.

A save changes a file's status, with one exception: a second save within the file system's clock tick
(FAT's two seconds, a few milliseconds elsewhere) that keeps the size can leave every field as it was.
So a status is trusted only once it is RACY_NS older than the run that looks at it: a file saved
later than that is read again by each run until it is old enough. Both `factcheck validate`'s ledger
and the loader of a rebuild (`repository.FileLoads`) recognise unchanged files this way.
"""

from __future__ import annotations

import os

RACY_NS = 2_000_000_000  # generous beside any file system's clock tick (FAT's is two seconds)


def status(found: os.stat_result) -> str:
    """A file's status as one string: equal for two looks at the file only if no save came between
    (or one came within the clock tick of the first look: see `settled`)."""
    return f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}:{found.st_ctime_ns}"


def settled(found: os.stat_result, started: int) -> bool:
    """Whether the status is old enough, for a run started at `started` (time.time_ns()), to stand for the
    file's bytes: its times are more than RACY_NS before the run's start."""
    trusted_before = started - RACY_NS
    return found.st_mtime_ns < trusted_before and found.st_ctime_ns < trusted_before
