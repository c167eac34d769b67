"""The command line: `python -m factcheck validate` checks every file without building the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import FactcheckError
from .repository import load_repository
from .site import build_site


def validate(root: Path) -> int:
    try:
        model = build_site(load_repository(root))
    except FactcheckError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    for warning in model.warnings:
        print(warning, file=sys.stderr)
    if model.warnings:
        print(f"{len(model.warnings)} warning(s): the offsets above need updating.", file=sys.stderr)
        return 1
    print(f"OK: {len(model.sources)} source(s), {len(model.claims)} claim(s), {len(model.entities)} entities.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="factcheck", description="Check and build the fact-check site's files.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: the current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check schemas, references and anchoring of every file",
                        description="Check every source, claim and entity file; exit 1 on any problem.")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.root.resolve())
    return 2
