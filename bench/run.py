"""`make bench`: build time of the real site and of synthetic sites, against a plain MkDocs floor.

For each size, the full build (MkDocs + Material + the fact-check hook) is compared
with a plain MkDocs + Material build of the same pages, written out beforehand as
Markdown files with a one-page navigation and no hook. Targets: ratio ≤ 1.10 at
every size; the hook's own time linear in the number of claims.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from bench.synthetic import generate  # noqa: E402
from factcheck.publishing import Publisher, SiteInfo  # noqa: E402
from factcheck.rendering import Renderer  # noqa: E402
from factcheck.repository import load_repository  # noqa: E402
from factcheck.site import build_site  # noqa: E402

SIZES = [(1, 50), (20, 50), (200, 50)]
FLOOR_CONFIG = """site_name: Floor
site_url: https://example.org/
use_directory_urls: false
theme:
  name: material
  custom_dir: {overrides}
plugins:
  - search
nav:
  - Home: index.md
"""


def worker(config: Path, site: Path) -> dict:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "worker.py"), str(config), str(site)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def write_floor(repo: Path, target: Path) -> Path:
    """The same pages as Markdown files in a plain MkDocs project: no hook, one-page navigation."""
    model = build_site(load_repository(repo))
    pages = Renderer(model, SiteInfo("Floor", "https://desk.test/", Publisher("Desk", "https://desk.test/"))).pages()
    docs = target / "docs"
    shutil.copytree(repo / "docs", docs)
    for page in pages:
        path = docs / (page.url.removesuffix(".html") + ".md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {json.dumps(page.title, ensure_ascii=False)}\n---\n\n{page.html}\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(FLOOR_CONFIG.format(overrides=ROOT / "overrides"), encoding="utf-8")
    return target / "mkdocs.yml"


def measure(label: str, repo: Path, scratch: Path, claims: int) -> dict:
    full = worker(repo / "mkdocs.yml", scratch / f"{label}-site")
    floor = worker(write_floor(repo, scratch / f"{label}-floor"), scratch / f"{label}-floor-site")
    return {"label": label, "claims": claims, "pages": full["pages"], "full": full["seconds"],
            "floor": floor["seconds"], "ratio": full["seconds"] / floor["seconds"], "hook": full["hook_seconds"],
            "share": full["hook_seconds"] / full["seconds"], "peak_mib": full["peak_mib"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-sources", type=int, default=200, help="skip synthetic sizes above this many sources")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        scratch = Path(tmp)
        real = build_site(load_repository(ROOT))
        rows.append(measure("real site", ROOT, scratch, len(real.claims)))
        for sources, claims in SIZES:
            if sources > args.max_sources:
                continue
            repo = generate(scratch / f"repo-{sources}", sources, claims, seed=sources)
            rows.append(measure(f"{sources} × {claims}", repo, scratch, sources * claims))
    header = f"{'site':<12} {'claims':>7} {'pages':>7} {'build s':>8} {'floor s':>8} {'ratio':>6} {'hook s':>7} {'hook %':>7} {'peak MiB':>9}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['label']:<12} {r['claims']:>7} {r['pages']:>7} {r['full']:>8.2f} {r['floor']:>8.2f} {r['ratio']:>6.2f} "
              f"{r['hook']:>7.2f} {100 * r['share']:>6.1f}% {r['peak_mib']:>9.0f}")
    synthetic = [r for r in rows if r["label"] != "real site"]
    if len(synthetic) >= 2:
        small, large = synthetic[-2], synthetic[-1]
        growth = (large["hook"] / small["hook"]) / (large["claims"] / small["claims"])
        print(f"hook time growth from {small['claims']} to {large['claims']} claims: "
              f"{large['hook'] / small['hook']:.1f}× for {large['claims'] / small['claims']:.0f}× the claims "
              f"({growth:.2f} of linear; target ≤ 1.10)")
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"worst ratio: {worst['ratio']:.2f} ({worst['label']}; target ≤ 1.10)")


if __name__ == "__main__":
    main()
