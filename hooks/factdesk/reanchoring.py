"""Rewrite the selectors of claims whose quotes moved after a deliberate correction of a source."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .anchoring import Span, context
from .claims import Claim
from .sources import Source


def rewrite_selector(path: Path, claim: Claim, source: Source, span: Span) -> bool:
    """Put the new span, quote and context into the claim file, changing only those lines.

    Returns False when a field is not on a single line of its own (the editor must update it)."""
    prefix, suffix = context(source.text, span)
    values = {
        "exact": json.dumps(source.text[span.start:span.end], ensure_ascii=False),
        "prefix": json.dumps(prefix, ensure_ascii=False),
        "suffix": json.dumps(suffix, ensure_ascii=False),
        "start": str(span.start),
        "end": str(span.end),
    }
    raw = path.read_bytes()
    newline = "\r\n" if b"\r\n" in raw else "\n"
    lines = raw.decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    for field_name, value in values.items():
        position = claim.positions.get(("selector", field_name))
        if position is None:
            if field_name in ("prefix", "suffix"):
                continue  # optional, and absent: leave it out
            return False
        index = position[0] - 1
        pattern = re.compile(rf"^(\s*){field_name}:\s*(\S.*)?$")
        match = pattern.match(lines[index])
        if not match or (match.group(2) or "").startswith(("|", ">")):
            return False
        lines[index] = f"{match.group(1)}{field_name}: {value}"
    path.write_text(bom + newline.join(lines), encoding="utf-8", newline="")
    return True


def set_sha256(path: Path, sha256: str) -> bool:
    text = path.read_text(encoding="utf-8")
    # [ \t]*, not \s*: the line's newline (the file's last, often) stays.
    updated, count = re.subn(r"(?m)^sha256:[ \t]*\S+[ \t]*$", f"sha256: {sha256}", text)
    if count != 1:
        return False
    path.write_text(updated, encoding="utf-8")
    return True
