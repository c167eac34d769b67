"""What an unchanged input gave last time, reused: a run after one edited file computes only what that file affects.

Each result is stored with the inputs it was computed from and reused only when this run's inputs are
equal to them, compared by value, never by a name alone. Unchanged inputs are mostly the very objects of
the previous run (the loader hands back the object an unchanged file gave), so the comparison usually
stops at identity and costs next to nothing; an input that changed compares unequal, field by field, and
its result is computed again. Only the loader looks at files' time stamps: it takes a file whose status
(device, inode, size, times) is unchanged, and old enough to be trusted, to hold the bytes it held when
last read (see `file_status` and `repository.FileLoads`); what those bytes gave is then compared by value
as everything else. Nothing is kept between processes: the previous run's results live in the object
the caller passes back (`generation.GeneratedSite`).

A result made of many (a source's claims, a whole-site file) is kept as one, with inputs compared by the
identity of the objects it is made of (`Same`, `part`, `Reuse.parts`): a save then costs one comparison per
source, not one per claim, and only the parts of what it changed are made again.
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Generic, Hashable, Mapping, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
PACKAGE = Path(__file__).parent


class Reuse:
    """Results by key, each with the inputs it came from; those of the previous run are offered for reuse."""

    def __init__(self, previous: Reuse | None = None):
        self._previous: dict[Hashable, tuple[object, object]] = previous.results() if previous is not None else {}
        self._current: dict[Hashable, tuple[object, object]] = {}
        self._finished = False

    def get(self, key: Hashable, inputs: object, compute: Callable[[], T]) -> T:
        """The result for `key`: last run's if it came from inputs equal to `inputs`, else `compute()`'s."""
        found = self._reused(key, inputs)
        if found is not None:
            return found[1]  # type: ignore[return-value]
        value = compute()
        self._current[key] = (inputs, value)
        return value

    def get_all(self, wanted: Mapping[Hashable, object], compute: Callable[[list[Hashable]], Mapping[Hashable, T]]
                ) -> dict[Hashable, T]:
        """`get` for each key of `wanted` (key → inputs), in its order; `compute` makes the results of the keys
        that cannot be reused all at once (work that goes faster together, such as drawing on every core)."""
        reused = {key: self._reused(key, inputs) for key, inputs in wanted.items()}
        made = compute([key for key, found in reused.items() if found is None])
        results = {}
        for key, found in reused.items():
            if found is None:
                found = self._current[key] = (wanted[key], made[key])
            results[key] = found[1]
        return results  # type: ignore[return-value]

    def parts(self, name: str, wanted: Mapping[Hashable, object], compute: Callable[[Hashable], T]) -> list[T]:
        """The parts of a whole-site result, one per key of `wanted` (key → inputs; a source's id → the source and
        its claims, say), in its order: each is `get((name, key), …)`, so a run after one edit makes again only the
        parts of what it changed. Inputs of a part are the model's objects, the very objects of last time when
        unchanged: comparing a part's inputs is one comparison of identical objects, not one per claim."""
        return [self.get((name, key), inputs, lambda key=key: compute(key)) for key, inputs in wanted.items()]

    def joined(self, name: str, parts: Sequence[T], join: Callable[[tuple[T, ...]], R]) -> R:
        """`join(parts)`, reused while every part is that of last time (the very object when reused by `parts`, so
        the whole file is not written again when nothing in it changed)."""
        parts = tuple(parts)
        return self.get((name,), parts, lambda: join(parts))

    def last(self, key: Hashable) -> tuple[object, object] | None:
        """The inputs and result last computed for `key`, whatever the inputs: a result made of costly items (the
        share cards of a source's claims) takes from it those whose own inputs are unchanged."""
        return self._current.get(key) or self._previous.get(key)

    def _reused(self, key: Hashable, inputs: object) -> tuple[object, object] | None:
        # Called for every page, claim and file of a run: two lookups, no loop.
        found = self._current.get(key)
        if found is not None and found[0] == inputs:
            return found
        found = self._previous.get(key)
        if found is not None and found[0] == inputs:
            self._current[key] = found
            return found
        return None

    def finish(self) -> None:
        """Every result of this run has been asked for: what the previous run had beyond them is dropped,
        so that memory does not grow from run to run."""
        self._finished = True
        self._previous = {}

    def results(self) -> dict[Hashable, tuple[object, object]]:
        """What the next run may reuse: this run's results, and, until `finish`, the previous run's others."""
        return dict(self._current) if self._finished else {**self._previous, **self._current}


class Same:
    """Objects compared by identity, not by value: the inputs of a result that stands for many smaller ones
    (a source and its claims, say). Unchanged inputs are the very objects of the previous run, so the comparison
    is a loop in C; an object equal to the previous one but not that one (a file saved with a new comment line:
    its positions change, not its value) counts as changed, and the finer results (compared by value) decide."""

    __slots__ = ("objects",)

    def __init__(self, *objects: object):
        self.objects = objects

    def __eq__(self, other: object) -> bool:
        return (type(other) is Same and len(self.objects) == len(other.objects)
                and all(map(operator.is_, self.objects, other.objects)))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Part(Generic[T]):
    """A result made of many smaller ones (a source's claims, a page of many claims), with the smaller results,
    for the next run (see `part`)."""

    inputs: object
    value: T
    reuse: Reuse = field(compare=False, repr=False)


def part(previous: Part[T] | None, inputs: object, make: Callable[[Reuse], T]) -> Part[T]:
    """The previous part if it came from inputs equal to `inputs`; else a new one, which `make` builds from a
    `Reuse` of the previous part's smaller results (only what changed in it is computed again)."""
    if previous is not None and previous.inputs == inputs:
        return previous
    reuse = Reuse(previous.reuse if previous is not None else None)
    value = make(reuse)
    reuse.finish()
    return Part(inputs, value, reuse)


def code_digest() -> bytes:
    """The engine as it is on disk now (code, templates, fonts): results of other code are never reused.

    Read on every run, not once per process: templates are read from disk as they change."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            data = path.read_bytes()
            digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0{len(data)}\0".encode() + data)
    return digest.digest()
