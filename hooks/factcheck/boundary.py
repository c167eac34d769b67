"""The repository is the boundary: only regular files inside its root are read, and none too large.

A pull request can add a symbolic link as easily as a file; followed, it would let
CI read and publish any file of the machine. So no path is read through a link,
whatever it points to, and nothing that resolves outside the root.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Generous for the real content (the largest claim file is a few kilobytes), small
# enough that parsing and anchoring any file stays well within a second.
MAX_YAML_BYTES = 256 * 1024
MAX_SOURCE_BYTES = 2 * 1024 * 1024
# Opening never follows a link put in the file's place since it was checked, nor waits on a pipe.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class OutsideBoundary(Exception):
    """A file that may not be read; the message says why and what to do."""


OUTSIDE = "is outside the repository; only files inside it are read"


def _below(path: str, root: str) -> tuple[str, list[str]]:
    """The root as `path` names it, and the names that lead from there down to `path`.

    Compared as written first: a loader builds its paths from the root it was given, and
    resolving the root for each of ten thousand files would cost more than reading them."""
    found = _split(path, root)
    if found is None:
        real_root = os.path.realpath(root)
        found = _split(path, real_root) if real_root != root else None
    if found is None:
        raise OutsideBoundary(OUTSIDE)
    return found


def _split(path: str, base: str) -> tuple[str, list[str]] | None:
    base = base.rstrip(os.sep) or os.sep
    if path == base:
        return base, []
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not path.startswith(prefix):
        return None
    parts = path[len(prefix):].split(os.sep)
    # ".." climbs out; "" and "." are not what a loader writes: none is taken on trust.
    if any(part in ("", ".", "..") for part in parts):
        raise OutsideBoundary(OUTSIDE)
    return base, parts


def check_readable(path: Path, root: Path, limit: int, folders: set[str] | None = None) -> os.stat_result:
    """Raise OutsideBoundary unless `path` is a regular file inside `root`, reached without links, within `limit` bytes.

    Each name from the root down is looked at itself (lstat), never followed: when none is a link,
    the file is where its path says, inside the root. Returns the file's status. `folders`, kept by
    a caller reading many files at once, holds the folders already found to be no links, so that
    each is looked at once (ten thousand claims sit in a few hundred folders)."""
    current, parts = _below(os.fspath(path), os.fspath(root))
    found: os.stat_result | None = None if parts else os.stat(current)
    last = len(parts) - 1
    for index, part in enumerate(parts):
        current = os.path.join(current, part)
        if folders is not None and index < last and current in folders:
            continue
        try:
            found = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            found = None
            break
        if stat.S_ISLNK(found.st_mode):
            what = "" if index == len(parts) - 1 else f" (its folder {'/'.join(parts[:index + 1])}/ is a link)"
            raise OutsideBoundary(
                f"is reached through a symbolic link{what}; the site is built only from regular files "
                "inside the repository: replace the link with the file itself"
            )
        if folders is not None and index < last and stat.S_ISDIR(found.st_mode):
            folders.add(current)
    if found is None:
        raise OutsideBoundary("is missing")
    if stat.S_ISDIR(found.st_mode):
        raise OutsideBoundary("is a folder, not a file; rename or remove it")
    if not stat.S_ISREG(found.st_mode):
        raise OutsideBoundary("is not a regular file; replace it with a plain text file")
    if found.st_size > limit:
        raise OutsideBoundary(f"is {found.st_size:,} bytes, more than the limit of {limit:,}; split it or shorten it")
    return found


def read_bytes(path: Path, root: Path, limit: int, folders: set[str] | None = None) -> bytes:
    check_readable(path, root, limit, folders)
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since it was checked
            raise OutsideBoundary("is not a regular file; replace it with a plain text file")
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew since it was checked
        raise OutsideBoundary(f"is more than the limit of {limit:,} bytes; split it or shorten it")
    return data
