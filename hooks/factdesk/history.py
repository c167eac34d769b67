"""Claims as they were at an earlier git revision, and what changed since.

Reviewers need verdict changes first; a verdict may only change with a correction.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .claims import Claim
from .problems import Problem
from .workflow_commands import summary_text
from .yamlfile import YamlFileError, parse_yaml


@dataclass(frozen=True)
class PastClaim:
    """The fields of a claim at a revision that a comparison needs."""

    id: str
    file: str
    verdict: str
    claim: str
    data: dict
    corrections: int


@dataclass(frozen=True)
class ClaimChanges:
    revision: str
    verdict_changes: list[tuple[PastClaim, Claim]]
    added: list[Claim]
    removed: list[PastClaim]
    edited: list[tuple[Claim, list[str]]]  # claim, names of the fields that changed


class GitError(Exception):
    pass


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


def claims_at(root: Path, revision: str) -> dict[str, PastClaim]:
    """Every claim file at `revision`, by id (files that did not parse then are skipped)."""
    _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    listing = _git(root, "ls-tree", "-r", "--name-only", revision, "--", "claims")
    past: dict[str, PastClaim] = {}
    for path in sorted(line for line in listing.splitlines() if line.endswith(".yml")):
        text = _git(root, "show", f"{revision}:{path}")
        try:
            data = parse_yaml(text, path).data
        except YamlFileError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        past[data["id"]] = PastClaim(
            data["id"], path, str(data.get("verdict", "")), str(data.get("claim", "")), data,
            len(data.get("corrections") or []),
        )
    return past


def compare(current: dict[str, Claim], past: dict[str, PastClaim], revision: str, data_of) -> ClaimChanges:
    """`data_of(claim)` gives a current claim's fields as parsed, for field-by-field comparison."""
    verdict_changes, edited = [], []
    for claim_id, claim in sorted(current.items()):
        before = past.get(claim_id)
        if before is None:
            continue
        if before.verdict != claim.verdict:
            verdict_changes.append((before, claim))
        now = data_of(claim)
        fields = sorted(k for k in set(now) | set(before.data) if now.get(k) != before.data.get(k) and k != "verdict")
        if fields:
            edited.append((claim, fields))
    added = [claim for claim_id, claim in sorted(current.items()) if claim_id not in past]
    removed = [claim for claim_id, claim in sorted(past.items()) if claim_id not in current]
    return ClaimChanges(revision, verdict_changes, added, removed, edited)


def uncorrected_verdict_changes(changes: ClaimChanges) -> list[Problem]:
    """A published verdict may change only together with a new correction entry."""
    problems = []
    for before, claim in changes.verdict_changes:
        if len(claim.corrections) <= before.corrections:
            problems.append(claim.problem(
                ("verdict",),
                f"the verdict changed from {before.verdict!r} to {claim.verdict!r} since {changes.revision} "
                "without a correction; add an entry to corrections (date, change, reason) saying what changed and why",
            ))
    return problems


def markdown_report(changes: ClaimChanges, label_of) -> str:
    """The changes as Markdown, verdict changes first (for a pull request's job summary)."""
    lines = [f"## Claim changes since {summary_text(changes.revision)}", ""]
    if not (changes.verdict_changes or changes.added or changes.removed or changes.edited):
        return "\n".join(lines + ["No claim changed.", ""])
    if changes.verdict_changes:
        lines += ["### Verdict changes", "", "| Claim | Before | After | Correction |", "| --- | --- | --- | --- |"]
        for before, claim in changes.verdict_changes:
            correction = summary_text(claim.corrections[-1].change) if len(claim.corrections) > before.corrections else "**missing**"
            lines.append(f"| `{claim.id}` {summary_text(claim.claim)} | {summary_text(label_of(before.verdict))} | "
                         f"{summary_text(label_of(claim.verdict))} | {correction} |")
        lines.append("")
    if changes.added:
        lines += ["### Added", ""] + [f"- `{c.id}` ({summary_text(label_of(c.verdict))}): {summary_text(c.claim)}" for c in changes.added] + [""]
    if changes.removed:
        lines += ["### Removed", ""] + [f"- {_id(c.id)} ({summary_text(label_of(c.verdict))}): {summary_text(c.claim)}" for c in changes.removed] + [""]
    if changes.edited:
        lines += ["### Edited", ""] + [f"- `{c.id}`: {', '.join(map(summary_text, fields))}" for c, fields in changes.edited] + [""]
    return "\n".join(lines)


def _id(claim_id: str) -> str:
    """A removed claim's id, as the earlier revision had it (never validated now): code when it is an id."""
    return f"`{claim_id}`" if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", claim_id) else summary_text(claim_id)
