"""A cache of parsed and checked files, so that unchanged files are not parsed and checked again.

Parsing YAML and checking it against its JSON Schema is most of what loading a
repository costs. The outcome for one file (its data and field positions, or its
problems) depends only on the file's text, the name it is reported under, its schema,
the engine's code and the libraries it uses: the entry's name is a digest of all of
them, so a change to any one is a miss and nothing stale is ever served.

Entries are JSON in `.factcheck-cache/` at the repository root (git-ignored), read and
written without following a symbolic link (a build refuses one there: see
`repository.boundary_problems`). Their
names also mix in a secret kept outside the repository, so entries planted by a pull
request can never match: the checks of untrusted files cannot be skipped that way. Any
trouble with the cache (no home directory, a read-only disk, a damaged entry) means
checking the file again, never a different result. Other results computed from
content alone (the share cards; the rendered pages, see `stored_results`) are kept the same way:
`keyed_entry` names them, `store` writes them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .boundary import folder_descriptor
from .problems import Problem
from .reuse import code_digest
from .yamlfile import JsonPath, YamlDocument

CACHE_FOLDER = ".factcheck-cache"
FORMAT = b"checked-file 2"
SECRET_BYTES = 32
Outcome = tuple[YamlDocument | None, list[Problem]]


def _secret_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "factcheck" / "cache-secret"


@functools.lru_cache(maxsize=None)
def _secret() -> bytes | None:
    """This machine's secret; None (no cache) when it cannot be read whole or created."""
    path = _secret_file()
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(secrets.token_hex(SECRET_BYTES))
        except OSError:
            pass  # another process created it first, or nowhere to keep it
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    # An empty or cut-short secret (a full disk, a race with its writer) could be guessed.
    return secret if len(secret) == SECRET_BYTES else None


@functools.lru_cache(maxsize=None)
def _engine_version(libraries: tuple[str, ...] = ("PyYAML", "jsonschema")) -> bytes:
    """The engine's own files and the versions of the libraries that parse and check (or of `libraries`)."""
    digest = hashlib.sha256(code_digest())
    for library in libraries:
        try:
            digest.update(f"{library}=={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} not installed\0".encode())
    digest.update(sys.version.encode())
    return digest.digest()


def keyed_entry(root: Path, parts: Iterable[bytes], suffix: str) -> Path | None:
    """Where the cache of the repository at `root` keeps what these inputs give: a name that mixes them
    with this machine's secret, so that no entry planted in the repository can match. None when there
    is no usable secret (then there is no cache)."""
    secret = _secret()
    if secret is None:
        return None
    key = hashlib.sha256(b"\0".join(hashlib.sha256(part).digest() for part in (secret, *parts))).hexdigest()
    return Path(root, CACHE_FOLDER, key[:2], f"{key[2:]}{suffix}")  # one path built, not three: named per file


def _folder(entry: Path, create: bool = False) -> int:
    """The open folder of an entry, reached from the repository without following a link: a cache folder
    that is a link (committed by a pull request, say) is never read or written (OSError)."""
    return folder_descriptor(entry.parents[2], (CACHE_FOLDER, entry.parent.name), create=create)


def read_entry(entry: Path, limit: int | None = None) -> bytes:
    """An entry's bytes; OSError when it is missing, a link or larger than `limit` (each is a miss). Its
    modification time becomes now: a cache kept between builds (the deploy's) can then drop whatever no
    build since a given time used."""
    folder = _folder(entry)
    try:
        descriptor = os.open(entry.name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
    finally:
        os.close(folder)
    with os.fdopen(descriptor, "rb") as handle:
        if limit is not None and os.fstat(handle.fileno()).st_size > limit:
            raise OSError(f"cache entry larger than {limit} bytes")
        data = handle.read()
        try:
            os.utime(handle.fileno())
        except OSError:
            pass  # a cache on a read-only disk is still read
        return data


def store(entry: Path, data: bytes) -> bool:
    """Keep `data` as the entry; a cache that cannot be written is no cache, never an error. Whether it was kept."""
    try:
        folder = _folder(entry, create=True)
        try:
            partial = f"{entry.name}.{os.getpid()}.tmp"
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666, dir_fd=folder)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            # Atomic, and replaces a link in the entry's place rather than writing where it points.
            os.replace(partial, entry.name, src_dir_fd=folder, dst_dir_fd=folder)
        finally:
            os.close(folder)
    except OSError:
        return False
    return True


class CheckedFileCache:
    """Outcomes of parsing and checking files of one repository, by content."""

    def __init__(self, root: Path):
        self.root = root

    def outcome(self, text: str, display_path: str, schema_digest: bytes, expect_id: str | None,
                compute: Callable[[], Outcome]) -> Outcome:
        """The cached outcome for this text checked against the schema with this digest, or `compute()`'s,
        stored for next time."""
        entry = keyed_entry(self.root, (FORMAT, _engine_version(), schema_digest, display_path.encode(),
                                        (expect_id or "").encode(), text.encode("utf-8", "surrogatepass")), ".json")
        if entry is None:
            return compute()
        found = _read(entry, display_path, lambda: (compute()[0] or YamlDocument(display_path, None)).positions)
        if found is not None:
            return found
        result = compute()
        _write(entry, result)
        return result


class StoredPositions(Mapping[JsonPath, tuple[int, int]]):
    """A file's field positions as an entry keeps them: decoded when first looked up, since most
    loads report no problem and never need them (decoding them all was a tenth of a validation)."""

    def __init__(self, encoded: str, recompute: Callable[[], Mapping[JsonPath, tuple[int, int]]]):
        self._encoded = encoded
        self._recompute = recompute  # for a damaged entry: the positions parsing the file gives

    @functools.cached_property
    def _positions(self) -> Mapping[JsonPath, tuple[int, int]]:
        try:
            return {tuple(path): (line, column) for path, line, column in json.loads(self._encoded)}
        except (ValueError, TypeError):
            return self._recompute()

    def __getitem__(self, path: JsonPath) -> tuple[int, int]:
        return self._positions[path]

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


def _read(entry: Path, display_path: str, recompute: Callable[[], Mapping[JsonPath, tuple[int, int]]]) -> Outcome | None:
    try:
        stored = json.loads(read_entry(entry).decode("utf-8"))
        problems = [Problem(**fields) for fields in stored["problems"]]
        if stored["document"] is None:
            return None, problems
        positions = StoredPositions(stored["document"]["positions"], recompute)
        return YamlDocument(display_path, stored["document"]["data"], positions), problems  # type: ignore[arg-type]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(entry: Path, outcome: Outcome) -> None:
    document, problems = outcome
    stored: dict[str, Any] = {"problems": [vars(problem) for problem in problems], "document": None}
    if document is not None:
        # The positions as one string: reading an entry then parses them as a single token.
        stored["document"] = {"data": document.data, "positions": json.dumps(
            [[list(path), line, column] for path, (line, column) in document.positions.items()], ensure_ascii=False)}
    try:
        text = json.dumps(stored, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return
    # Only what JSON gives back exactly is kept (a mapping with numeric keys, say, is not).
    if document is not None and json.loads(text)["document"]["data"] != document.data:
        return
    store(entry, text.encode("utf-8"))
