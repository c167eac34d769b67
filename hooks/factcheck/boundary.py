"""The repository is the boundary: only regular files inside its root are read, and none too large.

A pull request can add a symbolic link as easily as a file; followed, it would let
CI read and publish any file of the machine. So no path is read through a link,
whatever it points to, and nothing that resolves outside the root.
"""

from __future__ import annotations

from pathlib import Path

# Generous for the real content (the largest claim file is a few kilobytes), small
# enough that parsing and anchoring any file stays well within a second.
MAX_YAML_BYTES = 256 * 1024
MAX_SOURCE_BYTES = 2 * 1024 * 1024


class OutsideBoundary(Exception):
    """A file that may not be read; the message says why and what to do."""


def check_readable(path: Path, root: Path, limit: int) -> None:
    """Raise OutsideBoundary unless `path` is a regular file inside `root`, reached without links, within `limit` bytes."""
    root = root.resolve()
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise OutsideBoundary("is outside the repository; only files inside it are read") from None
    current = root
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            what = "" if index == len(parts) - 1 else f" (its folder {Path(*parts[:index + 1]).as_posix()}/ is a link)"
            raise OutsideBoundary(
                f"is reached through a symbolic link{what}; the site is built only from regular files "
                "inside the repository: replace the link with the file itself"
            )
    if not path.exists():
        raise OutsideBoundary("is missing")
    if path.is_dir():
        raise OutsideBoundary("is a folder, not a file; rename or remove it")
    if not path.is_file():
        raise OutsideBoundary("is not a regular file; replace it with a plain text file")
    if not path.resolve().is_relative_to(root):
        raise OutsideBoundary("is outside the repository; only files inside it are read")
    size = path.stat().st_size
    if size > limit:
        raise OutsideBoundary(f"is {size:,} bytes, more than the limit of {limit:,}; split it or shorten it")


def read_bytes(path: Path, root: Path, limit: int) -> bytes:
    check_readable(path, root, limit)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # grew since it was checked
        raise OutsideBoundary(f"is more than the limit of {limit:,} bytes; split it or shorten it")
    return data
