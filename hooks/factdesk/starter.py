"""`factcheck init DIR`: a new, empty site a desk starts from.

The starter is the files of `starter_files/` (site.yml with fields to fill, workflows, CONTRIBUTING,
a Makefile, one example source, claim and entity) and the files this project's own site is built
with: the settings (mkdocs.yml, with the plugin in place of the checkout's hook), the rating scale,
the schemas, the theme overrides and the hand-written pages. An installed package carries those in
`starter_files/shared/` (copied there when the package is built, see setup.py); a checkout has them
at its top.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from . import __version__
from .boundary import create_file

PACKAGE = "factdesk"
# The project's own files a new site starts with (see setup.py, which copies them into the package).
SHARED = ("mkdocs.yml", "rating-scale.yml", "schemas", "overrides", "docs")
# Stored under other names in the package: packaging tools leave out files and folders whose names start with a dot.
RENAMED = {"gitignore": ".gitignore", "github": ".github"}
CHECKOUT = Path(__file__).resolve().parents[2]


class StarterError(Exception):
    """Why the starter cannot be written where asked (a usage error: nothing was written)."""


def starter_files() -> dict[str, bytes]:
    """Every file of a new site: path relative to its folder → content."""
    package = resources.files("factdesk") / "starter_files"
    files = {path: data for path, data in _walk(package) if not path.startswith("shared/")}
    shared: Traversable = package / "shared"
    if not shared.is_dir():  # a checkout, or an editable install of one
        shared = CHECKOUT  # type: ignore[assignment]
    for name in SHARED:
        item = shared / name
        if item.is_dir():
            files.update((f"{name}/{path}", data) for path, data in _walk(item))
        else:
            files[name] = item.read_bytes()
    files["mkdocs.yml"] = _plugin_settings(files["mkdocs.yml"].decode("utf-8")).encode("utf-8")
    files = {_renamed(path): data for path, data in files.items()}
    for name in ("requirements.txt",):
        files[name] = files[name].replace(b"@PACKAGE@", PACKAGE.encode()).replace(b"@VERSION@", __version__.encode())
    return files


def _renamed(path: str) -> str:
    first, _, rest = path.partition("/")
    return RENAMED.get(first, first) + ("/" + rest if rest else "")


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found = []
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if item.name == "__pycache__" or item.name.endswith(".pyc"):
            continue
        if item.is_dir():
            found += _walk(item, f"{prefix}{item.name}/")
        else:
            found.append((prefix + item.name, item.read_bytes()))
    return found


def _plugin_settings(settings: str) -> str:
    """The project's settings, with the installed plugin in place of the checkout's path-based hook."""
    without_hook = re.sub(r"^hooks:\n(?:  - .*\n)+\n?", "", settings, flags=re.M)
    with_plugin = without_hook.replace("\nplugins:\n  - search\n", "\nplugins:\n  - search\n  - factcheck\n", 1)
    if with_plugin == without_hook or "factcheck_hook" in with_plugin:
        raise ValueError("mkdocs.yml: no `plugins: - search` to add the plugin after, or a hook left")
    return with_plugin


def write_starter(folder: Path) -> list[str]:
    """Write a new site into `folder` (new, or an empty folder); the files written, relative to it.
    Raises StarterError, having written nothing, when `folder` is a link, a file or not empty."""
    try:
        kind = os.lstat(folder)
    except FileNotFoundError:
        kind = None
    if kind is not None:
        if os.path.islink(folder):
            raise StarterError(f"{folder} is a symbolic link; give a new folder")
        if not folder.is_dir():
            raise StarterError(f"{folder} is a file; give a new folder")
        if any(folder.iterdir()):
            raise StarterError(f"{folder} is not empty; give a new or empty folder (nothing was written)")
    files = starter_files()
    if kind is None:
        try:
            folder.mkdir()
        except OSError as exc:
            raise StarterError(f"{folder} cannot be made: {exc.strerror}") from None
    root = folder.resolve()
    for path, data in files.items():
        create_file(root, path, data)  # never through a link, never over a file
    return sorted(files)
