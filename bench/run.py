"""`make bench`: the editors' loop and the full build of synthetic sites, against an honest floor.

For each size (claims; 50 claims per source), from the same synthetic repository:

- cold: a full `mkdocs build --strict` with the fact-check hook, as `make site` runs it;
- floor: MkDocs + Material with this project's own mkdocs.yml (theme, palette, features,
  navigation, search) and the same site identity (address, repository button, edit
  buttons), given the very pages the engine renders, finished, with no Markdown step and no
  hook; the build can be no cheaper than this while it uses MkDocs and Material;
- rebuild after one claim edit, and after one entity edit: the same full build after
  changing one claim's summary, or one entity's description;
- validate all: `factcheck validate` (the whole repository) right after one claim edit, as an editor
  runs it after each save (a validation before the edit left its ledger: see validation_ledger.py);
- validate: `factcheck validate FILE` after the claim edit;
- serve (`bench/serve.py`): `make serve`'s own command on the same site: save-to-reload of
  10 successive claim edits, idle CPU, and resident memory after each edit;
- worst case (`bench/worst_case.py`, alone with `--worst-case`): the costliest single file of
  each kind the limits allow, validated and rendered alone, against the aim of 2 s.

With `--deploy-only`, only the floor and the claim edit are measured in each round (one cold
build, in the first round, leaves the cache each later deploy finds).

Cold builds and the floor start with no cache (`.factcheck-cache/` removed), as on a fresh
clone; the rebuilds and `validate` after an edit find the cache the build before left.

Every build figure is CPU time (user + system) of the child process that does the work, from
getrusage(RUSAGE_CHILDREN) deltas, so that other work on the machine moves it less than it
moves wall-clock time. The kinds of run are interleaved, round after round, and each
figure is the median over the rounds with its range; the ratios are the medians of the
per-round ratios cold / floor and claim edit / floor (the deploy after one claim changed,
against the floor). Peak memory is each build process's maximum resident set.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from bench.serve import ServeFigures, measure_serve  # noqa: E402
from bench.synthetic import generate  # noqa: E402
from bench.worst_case import fail_if_over, measure_worst_case, report as worst_case_report  # noqa: E402
from factdesk.exports import export_files  # noqa: E402
from factdesk.generation import front_matter, page_body  # noqa: E402
from factdesk.publishing import load_site_info  # noqa: E402
from factdesk.rendering import Renderer, meta_elements, social_meta, verdict_css  # noqa: E402
from factdesk.repository import load_repository  # noqa: E402
from factdesk.site import build_site  # noqa: E402
from factdesk.file_status import RACY_NS  # noqa: E402

CLAIMS_PER_SOURCE = 50
DEFAULT_SIZES = (1000, 10000, 30000)
# A site address and a repository, so that both builds draw canonical links, the
# repository button and an edit button on every page, as a published site does.
IDENTITY = {"SITE_URL": "https://factcheck.test/", "REPO_URL": "https://github.com/factcheck-desk/bench-site"}
KINDS = ("floor", "cold", "claim edit", "entity edit", "validate all", "validate")


def child_cpu(command: list[str], cwd: Path | None = None) -> tuple[float, str]:
    """Run a command; its CPU seconds (user + system) and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env={**os.environ, **IDENTITY})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), result.stdout


def worker(mode: str, config: Path, site: Path, *extra: Path) -> tuple[float, dict]:
    seconds, output = child_cpu([sys.executable, str(ROOT / "bench" / "worker.py"), mode, str(config), str(site), *map(str, extra)])
    return seconds, json.loads(output)


def write_floor(repo: Path, target: Path) -> tuple[Path, Path]:
    """The floor project: docs/ with the generated pages' files (front matter only) and data files,
    the pages' finished HTML beside it, and the project's mkdocs.yml without the hook."""
    info, problems = load_site_info(repo, IDENTITY)
    assert info is not None, problems
    model = build_site(load_repository(repo))
    renderer = Renderer(model, info)
    docs = target / "docs"
    shutil.copytree(repo / "docs", docs)
    prerendered = {}
    for page in renderer.pages():
        src_uri = page.url.removesuffix(".html") + ".md"
        path = docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        # The hook's own front matter; the body comes finished.
        path.write_text(front_matter(page, info), encoding="utf-8")
        prerendered[src_uri] = {"html": page_body(page), "social": meta_elements(social_meta(page, info)),
                                "edit_uri": "../" + page.edit_path if page.edit_path else None}
    for name, content in {**export_files(model, info), "assets/verdicts.css": verdict_css(model)}.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):  # share cards, given to the floor already drawn
            (docs / name).write_bytes(content)
        else:
            (docs / name).write_text(content, encoding="utf-8")
    # Markers the hook fills in on hand-written pages: the floor fills them in once, here.
    for page in docs.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        url = page.relative_to(docs).as_posix().removesuffix(".md") + ".html"
        text = text.replace("<!-- factcheck:overview -->", renderer.overview(url))
        page.write_text(text.replace("<!-- factcheck:rating-scale -->", renderer.scale(url)), encoding="utf-8")
    config = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["theme"]["language"] = info.language
    config.update(site_name=info.name, site_description=info.description, site_url=info.url, repo_url=info.repository,
                  repo_name=info.repository.rsplit("/", 1)[-1], edit_uri=f"edit/{info.branch}/docs/")
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    pages_file = target / "pages.json"
    pages_file.write_text(json.dumps(prerendered, ensure_ascii=False), encoding="utf-8")
    return target / "mkdocs.yml", pages_file


def edit_line(path: Path, key: str, text: str) -> None:
    """Change one top-level scalar field of a YAML file, as an editor saving a change does."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(f"{key}: "):
            lines[index] = f"{key}: {text}.\n"
    path.write_text("".join(lines), encoding="utf-8")


@dataclass
class Row:
    claims: int
    pages: int = 0
    seconds: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    ratios: list[float] = field(default_factory=list)  # cold / floor, per round
    edit_ratios: list[float] = field(default_factory=list)  # claim edit / floor, per round
    hook: list[float] = field(default_factory=list)
    peak: dict[str, float] = field(default_factory=lambda: {"cold": 0.0, "floor": 0.0})
    serve: ServeFigures = field(default_factory=ServeFigures)


def measure(claims: int, rounds: int, scratch: Path, serve: bool = True, builds: bool = True,
            deploy_only: bool = False) -> Row:
    sources = max(1, claims // CLAIMS_PER_SOURCE)
    repo = generate(scratch / f"repo-{claims}", sources, CLAIMS_PER_SOURCE, seed=sources)
    claim_file = sorted((repo / "claims").glob("*/*.yml"))[0]
    entity_file = sorted((repo / "entities").glob("*.yml"))[0]
    row = Row(sources * CLAIMS_PER_SOURCE)
    site = scratch / f"site-{claims}"
    validate = [sys.executable, "-m", "factdesk", "validate"]
    if not builds:  # what an editor waits for alone (--validate-only, --editor-only)
        time.sleep(RACY_NS / 1e9)  # files as on a desk, older than the last run (see file_status.RACY_NS)
        for round_number in range(rounds):
            child_cpu(validate, cwd=repo)  # the validation before the edit, whose ledger the one after it reads
            edit_line(claim_file, "summary", f"Edited in round {round_number}")
            row.seconds["validate all"].append(child_cpu(validate, cwd=repo)[0])
            row.seconds["validate"].append(child_cpu([*validate, str(claim_file)], cwd=repo)[0])
        if serve:
            row.serve = measure_serve(repo, claim_file, lambda path, marker: edit_line(path, "summary", marker), IDENTITY)
        return row
    floor_config, pages_file = write_floor(repo, scratch / f"floor-{claims}")
    for round_number in range(rounds):
        # Alternate which build goes first, so that neither always follows the other.
        order = ("floor", "cold") if round_number % 2 == 0 else ("cold", "floor")
        for kind in order:
            if kind == "cold" and deploy_only and round_number > 0:
                continue  # one first build leaves the cache that each deploy after it finds
            if kind == "cold":  # a fresh clone's first build (the floor reads no cache, and leaves the cold build's)
                shutil.rmtree(repo / ".factcheck-cache", ignore_errors=True)
            if kind == "floor":
                seconds, report = worker("floor", floor_config, scratch / f"floor-site-{claims}", pages_file)
            else:
                seconds, report = worker("build", repo / "mkdocs.yml", site)
                row.hook.append(report["hook_seconds"])
                row.pages = report["pages"]
            row.seconds[kind].append(seconds)
            row.peak[kind] = max(row.peak[kind], report["peak_mib"])
        if len(row.seconds["cold"]) > len(row.ratios):
            row.ratios.append(row.seconds["cold"][-1] / row.seconds["floor"][-1])
        if deploy_only:  # the deploy after one claim changed, against the floor: nothing else
            edit_line(claim_file, "summary", f"Edited in round {round_number}")
            row.seconds["claim edit"].append(worker("build", repo / "mkdocs.yml", site)[0])
            row.edit_ratios.append(row.seconds["claim edit"][-1] / row.seconds["floor"][-1])
            continue
        child_cpu(validate, cwd=repo)  # the validation before the edit, whose ledger the one after it reads
        edit_line(claim_file, "summary", f"Edited in round {round_number}")
        row.seconds["validate all"].append(child_cpu(validate, cwd=repo)[0])
        row.seconds["claim edit"].append(worker("build", repo / "mkdocs.yml", site)[0])
        row.edit_ratios.append(row.seconds["claim edit"][-1] / row.seconds["floor"][-1])
        row.seconds["validate"].append(child_cpu([*validate, str(claim_file)], cwd=repo)[0])
        edit_line(entity_file, "description", f"Edited in round {round_number}")
        row.seconds["entity edit"].append(worker("build", repo / "mkdocs.yml", site)[0])
    if serve and not deploy_only:
        row.serve = measure_serve(repo, claim_file, lambda path, marker: edit_line(path, "summary", marker), IDENTITY)
    return row


def spread(values: list[float], digits: int = 1) -> str:
    if not values:  # not measured (--no-serve)
        return "–"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def report(rows: list[Row], rounds: int) -> str:
    """The table of `rows`, with only the columns some row measured (--editor-only has no builds)."""
    columns = {
        "claims": lambda r: f"{r.claims:,}",
        "pages": lambda r: f"{r.pages:,}" if r.pages else "–",
        "cold s": lambda r: spread(r.seconds["cold"]),
        "floor s": lambda r: spread(r.seconds["floor"]),
        "cold/floor": lambda r: spread(r.ratios, 2),
        "claim edit s": lambda r: spread(r.seconds["claim edit"]),
        "claim edit/floor": lambda r: spread(r.edit_ratios, 2),
        "entity edit s": lambda r: spread(r.seconds["entity edit"]),
        "validate all s": lambda r: spread(r.seconds["validate all"], 2),
        "validate 1 s": lambda r: spread(r.seconds["validate"], 2),
        "hook s": lambda r: spread(r.hook),
        "peak MiB": lambda r: f"{r.peak['cold']:.0f} (floor {r.peak['floor']:.0f})" if r.peak["cold"] else "–",
        "save-to-reload s": lambda r: spread(r.serve.reload_seconds, 2),
        "serve idle CPU": lambda r: "–" if r.serve.idle_percent is None else f"{r.serve.idle_percent:.1f}%",
        "serve MiB": lambda r: _memory(r.serve.resident_mib),
    }
    cells = {name: [cell(r) for r in rows] for name, cell in columns.items()}
    shown = [name for name in columns if name == "claims" or any(value != "–" for value in cells[name])]
    lines = [f"CPU seconds (user+sys), median (min–max) of {rounds} interleaved rounds; save-to-reload in wall-clock "
             "seconds over 10 successive edits; serve memory after the first build → after each edit (highest)", "",
             "| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(cells[name][index] for name in shown) + " |" for index in range(len(rows))]
    return "\n".join(lines)


def _memory(resident: list[float]) -> str:
    if not resident:
        return "–"
    return f"{resident[0]:.0f} → {resident[-1]:.0f} ({max(resident):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="claims per synthetic site, comma-separated (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per size (default: %(default)s)")
    parser.add_argument("--no-serve", action="store_true", help="leave out the preview server's figures")
    parser.add_argument("--validate-only", action="store_true",
                        help="only `factcheck validate` after an edit (no builds, no server, no worst case)")
    parser.add_argument("--editor-only", action="store_true",
                        help="only what an editor waits for: `factcheck validate` after an edit and the preview server "
                             "(no builds, no worst case)")
    parser.add_argument("--deploy-only", action="store_true",
                        help="only the floor and the deploy after one claim edit (one cold build first leaves the "
                             "cache; no validation, entity edit, server or worst case)")
    parser.add_argument("--worst-case", action="store_true",
                        help="only the worst case: the costliest single file of each kind, validated and rendered alone")
    args = parser.parse_args()
    sizes = [] if args.worst_case else [int(size) for size in args.sizes.replace(" ", "").split(",") if size]
    rows = []
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        for claims in sizes:
            rows.append(measure(claims, args.rounds, Path(tmp), serve=not (args.no_serve or args.validate_only),
                                builds=not (args.validate_only or args.editor_only), deploy_only=args.deploy_only))
            print(report(rows[-1:], args.rounds).splitlines()[-1], file=sys.stderr, flush=True)
        if args.validate_only or args.editor_only or args.deploy_only:
            print(report(rows, args.rounds))
            return
        worst = measure_worst_case(args.rounds, Path(tmp) / "worst-case")
    if rows:
        print(report(rows, args.rounds), end="\n\n")
    print(worst_case_report(worst, args.rounds))
    fail_if_over(worst)


if __name__ == "__main__":
    main()
