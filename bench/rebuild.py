"""The engine's part of a preview rebuild: `generate(previous=…)` and what the MkDocs hook asks of the site
after each save (files, sitemap, front matter, search entries), in CPU seconds, with the process's resident
memory after each run.

    python bench/rebuild.py REPO [--edits N]

REPO (a synthetic site: `python3 bench/synthetic.py DIR --sources 600 --claims 50`) is copied first, its
`.factcheck-cache/` too, so that share cards drawn before are read, not drawn; the copy is edited, never
REPO. The first run is cold (no previous site); each later one follows a new summary saved in one claim.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from factdesk.generation import GeneratedSite, generate  # noqa: E402

ENVIRON = {"SITE_URL": "https://desk.news.test/checks/"}


def resident_mib() -> float:
    """This process's resident memory (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(call: Callable[[], object]) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


def rebuild(repo: Path, previous: GeneratedSite | None) -> tuple[GeneratedSite, dict[str, float]]:
    seconds: dict[str, float] = {}
    start = time.process_time()
    site = generate(repo, ENVIRON, previous=previous)
    seconds["generate"] = time.process_time() - start
    seconds["files"] = timed(site.files)
    seconds["sitemap"] = timed(lambda: site.sitemap_files(["index.html", "about.html"]))
    seconds["search"] = timed(lambda: (site.search_entries(), site.search_settings()))
    return site, seconds


def edit_summary(claim: Path, number: int) -> None:
    text = claim.read_text(encoding="utf-8")
    text, found = re.subn(r"^summary: .*$", f"summary: Saved edit number {number} of the bench", text, count=1, flags=re.M)
    if not found:
        raise SystemExit(f"{claim}: no summary line to edit")
    claim.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        shutil.copytree(args.repo, repo, symlinks=True)
        claims = sorted((repo / "claims").glob("*/*.yml"))
        site = None
        for run in range(args.edits + 1):
            if run:
                edit_summary(claims[len(claims) // 2], run)
            site, seconds = rebuild(repo, site)
            figures = " ".join(f"{name} {value:.2f}" for name, value in seconds.items())
            print(f"{'cold' if not run else f'edit {run}'}: {figures}, total {sum(seconds.values()):.2f} s CPU, "
                  f"resident {resident_mib():,.0f} MiB ({len(site.model.claims):,} claims)", flush=True)


if __name__ == "__main__":
    main()
