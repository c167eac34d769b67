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
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


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


def check_readable(path: Path, root: Path, limit: int | None, folders: set[str] | None = None) -> os.stat_result:
    """Raise OutsideBoundary unless `path` is a regular file inside `root`, reached without links, within `limit`
    bytes (any size with None).

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
    if limit is not None and found.st_size > limit:
        raise OutsideBoundary(f"is {found.st_size:,} bytes, more than the limit of {limit:,}; split it or shorten it")
    return found


def read_bytes(path: Path, root: Path, limit: int | None, folders: set[str] | None = None) -> bytes:
    check_readable(path, root, limit, folders)
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since it was checked
            raise OutsideBoundary("is not a regular file; replace it with a plain text file")
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:  # grew since it was checked
        raise OutsideBoundary(f"is more than the limit of {limit:,} bytes; split it or shorten it")
    return data


LINK = "is a symbolic link"
SPECIAL = "is neither a file nor a folder"


def resolve_parent(path: Path) -> Path:
    """`path` made absolute with the folders above it resolved and its own name kept: a link in its place is
    still seen (Path.resolve would follow it), and it compares with a resolved repository root."""
    absolute = os.path.abspath(path)
    return Path(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))


def unsafe_entries(folder: Path, root: Path, depth: int | None = None) -> list[tuple[str, str]]:
    """Each symbolic link, and each entry that is neither a file nor a folder (a pipe, a device), at or below
    `folder` (at most `depth` levels below, when given) or on the way to it from `root`, as its path from `root`
    and what it is (LINK or SPECIAL); none when `folder` is missing. A linked folder is reported, never entered.
    Raises OutsideBoundary when `folder` is not inside `root`."""
    base, parts = _below(os.fspath(folder), os.fspath(root))
    current, names = base, []
    for part in parts:
        current = os.path.join(current, part)
        names.append(part)
        try:
            found = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            return []
        if stat.S_ISLNK(found.st_mode):
            return [("/".join(names), LINK)]
        if not stat.S_ISDIR(found.st_mode):
            return []  # a file where a folder is expected: whoever reads the folder says so
    unsafe = []
    below = [("/".join(names), 1)]
    while below:
        relative, level = below.pop()
        try:
            with os.scandir(os.path.join(base, relative)) as listing:
                entries = list(listing)
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            # DirEntry answers from the listing itself: no call per entry on most systems.
            if entry.is_symlink():
                unsafe.append((path, LINK))
            elif entry.is_dir(follow_symlinks=False):
                if depth is None or level < depth:
                    below.append((path, level + 1))
            elif not entry.is_file(follow_symlinks=False):
                unsafe.append((path, SPECIAL))
    return sorted(unsafe)


def regular_files(folder: Path) -> list[str]:
    """The regular files below `folder`, as paths relative to it, in order; raises OutsideBoundary at a link
    or at anything else that is neither a file nor a folder."""
    found = unsafe_entries(folder, folder)
    if found:
        raise OutsideBoundary(f"{found[0][0]} in {folder} {found[0][1]}; only regular files are copied")
    files = []
    for parent, _, names in os.walk(folder):  # no link inside: walking cannot leave the folder
        files += [Path(parent, name).relative_to(folder).as_posix() for name in names]
    return sorted(files)


def folder_descriptor(root: Path, names: tuple[str, ...], create: bool = False) -> int:
    """An open descriptor of the folder `root`/`names`…, reached one name at a time without following a link
    (OSError if one is: ELOOP or ENOTDIR), each missing folder made with `create`. The caller closes it."""
    descriptor = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in names:
            if name in ("", ".", "..") or os.sep in name:
                raise OutsideBoundary(OUTSIDE)
            try:
                below = os.open(name, _FOLDER_FLAGS, dir_fd=descriptor)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(name, dir_fd=descriptor)
                except FileExistsError:  # made meanwhile by another build
                    pass
                below = os.open(name, _FOLDER_FLAGS, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = below
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def create_file(root: Path, relative: str, data: bytes) -> None:
    """Write a new file at `relative` (a path inside `root`), making its folders, never through a link and never
    over an existing file: raises FileExistsError if something is there already (a dangling link too), OSError
    if a folder on the way is a link, OutsideBoundary if the path leaves the root."""
    *folders, name = relative.split("/")
    folder = folder_descriptor(root, tuple(folders), create=True)
    try:
        if name in ("", ".", ".."):
            raise OutsideBoundary(OUTSIDE)
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666, dir_fd=folder)
    finally:
        os.close(folder)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
