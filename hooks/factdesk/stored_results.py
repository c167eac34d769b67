"""Results kept between processes in `.factcheck-cache/`, by a digest of everything they are made from.

`reuse.Reuse` keeps what the last run of one process made; a deploy starts a new process, which
would render every page again although one claim changed. Here a result (a rendered page) is kept
under a name that mixes its kind and key with a digest of its inputs, compared as `Reuse` compares
them (by value: each dataclass by its compared fields), the engine's code and the versions of the
libraries that render, and the machine's secret (`checkcache.keyed_entry`): a changed input, engine
or library is a miss, and no entry planted in the repository can match. An entry holds the digest
of its bytes, so a damaged one is made again, never served; any trouble with the cache means
computing the result, never a different one. Reading an entry renews its time, as for the other
entries, so the deploy keeps only what the last build used.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Callable, TypeVar

from .checkcache import _engine_version, keyed_entry, read_entry, store

T = TypeVar("T")
FORMAT = b"stored-result 1"
# What a rendered page is made with besides the engine's own files.
RENDERING_LIBRARIES = ("Jinja2", "MarkupSafe", "markdown-it-py", "nh3", "Babel", "icu4py", "anyascii", "PyYAML")
DIGEST_BYTES = 32


class Unfingerprintable(TypeError):
    """An input of a kind `fingerprint` cannot tell apart by value: its result is not kept."""


class StoredResults:
    """Results of one repository's cache (none when `root` is None), by kind, key and inputs."""

    def __init__(self, root: Path | None):
        self.root = root
        self._memo: dict[int, tuple[object, bytes]] = {}  # id → (the object, kept alive; its digest)

    def get(self, kind: str, key: str, inputs: object, compute: Callable[[], T], encode: Callable[[T], bytes],
            decode: Callable[[bytes], T]) -> T:
        """The result an earlier process kept for `key` made from inputs equal to `inputs`, else `compute()`'s,
        kept for the next (`encode` and `decode` turn it into bytes and back; a decode that raises is a miss)."""
        entry = self._entry(kind, key, inputs)
        if entry is None:
            return compute()
        try:
            stored = read_entry(entry)
            digest, data = stored[:DIGEST_BYTES], stored[DIGEST_BYTES:]
            if hashlib.sha256(data).digest() == digest:
                return decode(data)
        except (OSError, ValueError, TypeError, KeyError):
            pass
        result = compute()
        data = encode(result)
        store(entry, hashlib.sha256(data).digest() + data)
        return result

    def forget_inputs(self) -> None:
        """Let go of the objects whose digests were kept for this run's lookups."""
        self._memo = {}

    def _entry(self, kind: str, key: str, inputs: object) -> Path | None:
        if self.root is None:
            return None
        try:
            digest = fingerprint(inputs, self._memo)
        except Unfingerprintable:
            return None
        return keyed_entry(self.root, (FORMAT, _engine_version(RENDERING_LIBRARIES), kind.encode(),
                                       text_bytes(key), digest), ".result")


def text_bytes(text: str) -> bytes:
    """Text as an entry keeps it (any string Python holds, lone surrogates too)."""
    return text.encode("utf-8", "surrogatepass")


def bytes_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


_FIELDS: dict[type, tuple[bytes, tuple[str, ...], bool]] = {}  # by class: its name, compared fields, frozen


def fingerprint(value: object, memo: dict[int, tuple[object, bytes]] | None = None) -> bytes:
    """A digest equal for equal values, as `==` compares them, only stricter: types are told apart (1 and
    True, a str and a Markup), and a dict's order counts. Dataclasses count by the fields they compare;
    `memo` keeps the digest of each dataclass object, which many pages share (a source, the scale)."""
    parts: list[bytes] = []
    _encode(value, {} if memo is None else memo, parts)
    return hashlib.sha256(b"".join(parts)).digest()


def _encode(value: object, memo: dict[int, tuple[object, bytes]], out: list[bytes]) -> None:
    kind = type(value)
    if kind is str:
        data = text_bytes(value)  # type: ignore[arg-type]
        out += (b"s%d:" % len(data), data)
    elif value is None:
        out.append(b"N")
    elif kind is bool:
        out.append(b"T" if value else b"F")
    elif kind is int:
        out.append(b"i%d;" % value)
    elif kind is float:
        out.append(b"f%s;" % repr(value).encode())
    elif kind is tuple or kind is list:
        out.append(b"%s%d:" % (b"t" if kind is tuple else b"l", len(value)))  # type: ignore[arg-type]
        for item in value:  # type: ignore[union-attr]
            _encode(item, memo, out)
    elif kind is dict:
        out.append(b"d%d:" % len(value))  # type: ignore[arg-type]
        for key, item in value.items():  # type: ignore[union-attr]
            _encode(key, memo, out)
            _encode(item, memo, out)
    elif kind is set or kind is frozenset:
        out.append(b"e%d:" % len(value))  # type: ignore[arg-type]
        out += sorted(fingerprint(item, memo) for item in value)  # type: ignore[union-attr]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = memo.get(id(value))
        if found is None:
            name, names, frozen = _FIELDS.get(kind) or _FIELDS.setdefault(kind, (
                f"{kind.__module__}.{kind.__qualname__}".encode(),
                tuple(field.name for field in dataclasses.fields(value) if field.compare),
                kind.__dataclass_params__.frozen))  # type: ignore[attr-defined]
            parts = [name]
            for field_name in names:
                _encode(getattr(value, field_name), memo, parts)
            found = (value, hashlib.sha256(b"".join(parts)).digest())
            if frozen:  # an object that cannot change keeps its digest for the run
                memo[id(value)] = found
        out += (b"D", found[1])
    elif isinstance(value, str):  # Markup and other kinds of text: the kind, then the text
        data = text_bytes(str(value))
        out += (b"S%s:%d:" % (f"{kind.__module__}.{kind.__qualname__}".encode(), len(data)), data)
    else:
        raise Unfingerprintable(f"{kind.__qualname__} cannot be fingerprinted")
