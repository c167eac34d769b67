"""The editors' command line: `factcheck validate | new | locate | reanchor | diff | render | links | init`.

Every command works on the site the current directory is in (its top folder is found upwards),
or on --root; `init` starts a new one. Each exits 0 when all is well, 1 when it found a problem,
2 on a usage error. Problems found in the files are the output of `validate` (stdout); for the
other commands they are errors (stderr).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Callable

from . import __version__
from .anchoring import (MAX_OCCURRENCES, NormalisedText, Span, anchor, closest_passage, context, locate, near_occurrences,
                        occurs)
from .boundary import MAX_SOURCE_BYTES, OutsideBoundary, create_file, resolve_parent
from .history import ClaimChanges, GitError, claims_at, compare, markdown_report, uncorrected_verdict_changes
from .problems import FactcheckError, Problem, errors, terminal_safe
from .reanchoring import rewrite_selector, set_sha256
from .repository import Drafting, Layout, Repository, UnknownSource, find_root, is_id, load_for_drafting, load_repository
from .scaffold import claim_yaml, entities_in, source_yaml, suggest_id
from .site import anchoring_problems
from .sources import Source, sha256_of
from .validation import validate
from .validation_ledger import validate_changes
from .workflow_commands import annotation, inert_line
from .yamlfile import load_yaml

# Rendering (`render`) and the network (`links`) are imported by the commands that use them:
# `validate`, run after every save, does not pay for them.


def _print_problems(problems: list[Problem], output_format: str, to_stderr: bool = False) -> None:
    output = sys.stderr if to_stderr else sys.stdout
    for problem in sorted(problems):
        print(annotation(problem) if output_format == "github" else inert_line(str(problem)), file=output)


def _changes_since(root: Path, revision: str, repository: Repository) -> ClaimChanges | None:
    if revision.startswith("-"):  # git would take it for one of its options (`--output=FILE` writes a file)
        print(f"factcheck: {terminal_safe(revision)} is not a git revision", file=sys.stderr)
        return None
    try:
        past = claims_at(root, revision)
    except GitError as exc:
        print(inert_line(f"factcheck: cannot read claims at {revision}: {exc}"), file=sys.stderr)
        return None
    return compare(repository.claims, past, revision, lambda c: load_yaml(root / c.file, c.file, root).data)


def cmd_validate(args: argparse.Namespace) -> int:
    root: Path = args.root
    wanted = _files_in_repository(root, args.files)
    if wanted is None:
        return 2
    # --base compares with the claims as loaded: a full validation; otherwise only what changed is read again.
    checked = (validate(root, os.environ, deploy=args.deploy) if args.base
               else validate_changes(root, os.environ, deploy=args.deploy))
    model, problems = checked.model, checked.problems
    if model is not None and args.base:
        changes = _changes_since(root, args.base, model.repository)
        if changes is None:
            return 2
        problems = problems + uncorrected_verdict_changes(changes)
    if wanted:
        problems = [p for p in problems if p.path in wanted]
    _print_problems(problems, args.format)
    failed = errors(problems)
    if problems:
        print(f"{len(failed)} error(s), {len(problems) - len(failed)} warning(s).", file=sys.stderr)
    if failed:
        return 1
    if checked.totals is not None:
        sources, claims, entities = checked.totals
        print(f"OK: {sources} source(s), {claims} claim(s), {entities} entities.", file=sys.stderr)
    return 0


def _files_in_repository(root: Path, files: list[str]) -> set[str] | None:
    """The FILE arguments as repository-relative paths; None (reported) if one is missing or outside."""
    wanted = set()
    for name in files:
        # Its folders resolved, not itself: a linked file is reported under its own name, as the build reports it.
        resolved = resolve_parent(Path(name))
        if not os.path.lexists(resolved):
            print(f"factcheck: {terminal_safe(name)}: no such file; name a file of the repository, or none to check everything",
                  file=sys.stderr)
            return None
        if not resolved.is_relative_to(root):
            print(f"factcheck: {terminal_safe(name)}: outside the repository {root}; only its own files can be checked", file=sys.stderr)
            return None
        wanted.add(resolved.relative_to(root).as_posix())
    return wanted


def _repository(root: Path) -> Repository | None:
    try:
        return load_repository(root)
    except FactcheckError as exc:
        _print_problems(exc.problems, "text", to_stderr=True)
        print("Fix these problems first.", file=sys.stderr)
        return None


def _show_candidates(text: str, spans: list[Span]) -> None:
    for number, span in enumerate(spans, start=1):
        before, after = context(text, span, 40)
        print(f"  {number}. {span.start}–{span.end}: …{before}[{text[span.start:span.end]}]{after}…")


def _not_found(source: Source, quote: str, field: str) -> None:
    print(f"The quote is not in {source.part_name(field)}; copy it exactly from there.", file=sys.stderr)
    closest = closest_passage(source.part(field), quote)
    if closest:
        print(f"The most similar passage ({closest[1]:.0f}% alike):", file=sys.stderr)
        _show_candidates(source.part(field), [closest[0]])


def _field(args: argparse.Namespace) -> str:
    """The part of the source a quote is looked for in: its title with --title, else its text."""
    return "title" if args.title else "text"


def _occurrences(args: argparse.Namespace) -> tuple[Drafting, list[Span]] | None:
    """The source named, what drafting needs, and where the quote occurs; None (reported) if not found."""
    try:
        drafting, problems = load_for_drafting(args.root, args.source)
    except UnknownSource as exc:
        print(f"factcheck: {exc}", file=sys.stderr)
        return None
    if drafting is None:
        _print_problems(problems, "text", to_stderr=True)
        return None
    source = drafting.source
    spans = locate(source.part(_field(args)), args.quote)
    if not spans:
        _not_found(source, args.quote, _field(args))
        return None
    return drafting, spans


def _how_many(spans: list[Span]) -> str:
    """The count of occurrences found; `locate` stops at MAX_OCCURRENCES."""
    return f"{len(spans):,} or more" if len(spans) >= MAX_OCCURRENCES else str(len(spans))


def _show_near_occurrences(text: str, quote: str, to_stderr: bool = False) -> None:
    output = sys.stderr if to_stderr else sys.stdout
    near = near_occurrences(text, quote)
    if near:
        print(f"Also {len(near)} passage(s) that differ only by the punctuation or spaces at the quote's ends; "
              "if you mean one of them, copy it with its own ends:", file=output)
        for number, span in enumerate(near, start=1):
            before, after = context(text, span, 40)
            print(f"  {number}. {span.start}–{span.end}: …{before}[{text[span.start:span.end]}]{after}…", file=output)


def cmd_locate(args: argparse.Namespace) -> int:
    found = _occurrences(args)
    if found is None:
        return 1
    drafting, spans = found
    source, field = drafting.source, _field(args)
    print(f"{_how_many(spans)} occurrence(s) in {source.part_name(field)}:")
    _show_candidates(source.part(field), spans)
    _show_near_occurrences(source.part(field), args.quote)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    root: Path = args.root
    found = _occurrences(args)
    if found is None:
        return 1
    drafting, spans = found
    source, field = drafting.source, _field(args)
    text = source.part(field)
    if len(spans) > 1 and args.occurrence is None:
        print(f"The quote occurs {_how_many(spans)} times; choose one with --occurrence N:", file=sys.stderr)
        _show_candidates(text, spans)
        return 1
    if args.occurrence is not None and not 1 <= args.occurrence <= len(spans):
        print(f"--occurrence must be between 1 and {len(spans)}.", file=sys.stderr)
        return 2
    span = spans[(args.occurrence or 1) - 1]
    _show_near_occurrences(text, args.quote, to_stderr=True)
    claim_id = args.id or suggest_id(text[span.start:span.end], set(drafting.claim_files), language=source.language)
    if claim_id in drafting.claim_files:
        print(f"The id {claim_id!r} is already used by {drafting.claim_files[claim_id]}; claim ids are one space "
              "across every source: choose another with --id.", file=sys.stderr)
        return 1
    relative = f"claims/{source.id}/{claim_id}.yml"
    today = args.today or datetime.date.today().isoformat()
    entity_ids = entities_in(source, span, drafting.entities, field)
    if not _create(root, relative, claim_yaml(claim_id, source, span, entity_ids, today, field).encode("utf-8")):
        return 1
    print(f"Created {relative} (characters {span.start}–{span.end}); fill in every TODO, then run 'factcheck validate'.")
    return 0


def _create(root: Path, relative: str, data: bytes) -> bool:
    """Write a new file of the repository; False (reported) when something is in its place or the way
    to it passes through a symbolic link. An existing file is never overwritten."""
    try:
        create_file(root, relative, data)
    except FileExistsError:
        print(f"factcheck: {relative} already exists; choose another --id. Nothing was written.", file=sys.stderr)
        return False
    except (OSError, OutsideBoundary) as exc:
        print(f"factcheck: {relative} cannot be written inside the repository ({getattr(exc, 'strerror', None) or exc}): "
              "a folder on the way is a symbolic link or a file; replace it with a folder", file=sys.stderr)
        return False
    return True


def cmd_new_source(args: argparse.Namespace) -> int:
    root: Path = args.root
    given: Path = args.file
    if not given.is_file():
        print(f"factcheck: {terminal_safe(str(given))}: no such file", file=sys.stderr)
        return 2
    if given.stat().st_size > MAX_SOURCE_BYTES:
        print(f"factcheck: {terminal_safe(str(given))} is more than the limit of {MAX_SOURCE_BYTES:,} bytes for a source "
              "text; split it into several sources", file=sys.stderr)
        return 1
    raw = given.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"factcheck: {given} is not UTF-8 text (byte {exc.start}); save it as UTF-8, changing nothing else",
              file=sys.stderr)
        return 1
    source_id = args.id or suggest_id(given.stem, set())
    if not is_id(source_id):
        print(f"factcheck: {source_id!r} cannot be a source id: {ID_RULE}", file=sys.stderr)
        return 2
    text_path, meta_path = f"sources/{source_id}.txt", f"sources/{source_id}.yml"
    for existing in (text_path, meta_path):
        if os.path.lexists(root / existing):
            print(f"factcheck: {existing} already exists; choose another --id. Nothing was written.", file=sys.stderr)
            return 1
    # Byte for byte: the text is shown as published.
    if not _create(root, text_path, raw):
        return 1
    if not _create(root, meta_path, source_yaml(source_id, sha256_of(raw.decode("utf-8"))).encode("utf-8")):
        (root / text_path).unlink()  # written just now, by this command
        return 1
    print(f"Created {text_path} (copied byte for byte) and {meta_path}; fill in every TODO, then run 'factcheck validate'.")
    return 0


def cmd_reanchor(args: argparse.Namespace) -> int:
    root: Path = args.root
    corrected = frozenset(args.source or [])
    try:
        repository = load_repository(root, corrected_sources=corrected)
    except FactcheckError as exc:
        _print_problems(exc.problems, "text", to_stderr=True)
        return 1
    for source_id in sorted(corrected):
        source = repository.sources.get(source_id)
        if source is None:
            print(f"factcheck: unknown source {source_id!r}", file=sys.stderr)
            return 1
        actual = sha256_of(source.text)
        if actual != source.sha256:
            if args.dry_run:
                print(f"{source.file}: sha256 would become {actual}")
            elif set_sha256(root / source.file, actual):
                print(f"{source.file}: sha256 updated to {actual}")
            else:
                print(f"{source.file}: could not update sha256; set it to {actual} by hand")
    moved, lost = 0, []
    normalised = {source_id: NormalisedText(source.text) for source_id, source in repository.sources.items()}  # built if searched
    for claim in sorted(repository.claims.values(), key=lambda c: c.file):
        if claim.selector.in_title:
            continue  # a correction of the text leaves the title, and so headline claims, where they were
        source = repository.sources[claim.source]
        result = anchor(source.text, claim.selector, normalised[claim.source])
        if result.outcome == "exact":
            continue
        if result.outcome in ("missing", "ambiguous"):
            lost.extend(anchoring_problems(claim, source, result))
            continue
        span = result.span or result.candidates[0]
        moved += 1
        if args.dry_run:
            print(f"{claim.file}: would move to {span.start}–{span.end}")
        elif rewrite_selector(root / claim.file, claim, source, span):
            print(f"{claim.file}: moved to {span.start}–{span.end}")
        else:
            lost.append(claim.problem(("selector",), f"could not rewrite the selector; set start: {span.start}, end: {span.end} by hand"))
    for source_id in sorted(corrected):
        source = repository.sources[source_id]
        for index, item in enumerate(source.not_checked):
            if not occurs(source.text, item.quote, normalised[source_id]):
                lost.append(source.problem(("not_checked", index, "quote"),
                                           "this passage is no longer in the corrected text; copy it again from the text "
                                           "or remove the entry"))
    if lost:
        print(f"{len(lost)} passage(s) no longer match the text; fix their quotes by hand:", file=sys.stderr)
        _print_problems(lost, "text", to_stderr=True)
        return 1
    print(f"{moved} claim(s) re-anchored." if moved else "Every claim still anchors exactly.")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    repository = _repository(args.root)
    if repository is None:
        return 1
    changes = _changes_since(args.root, args.revision, repository)
    if changes is None:
        return 2
    scale = repository.scale

    def label_of(verdict_id: str) -> str:
        verdict = scale.get(verdict_id)
        return verdict.label if verdict else verdict_id

    print(markdown_report(changes, label_of))
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    site: Path = args.site if args.site.is_absolute() else args.root / args.site
    if not (site / "index.html").exists():
        print(f"factcheck: no built site in {site}; run 'make site' first.", file=sys.stderr)
        return 2
    from .linkcheck import check_external, check_internal

    broken = check_internal(site)
    checked = "internal links"
    if args.online:
        repository = _repository(args.root)
        if repository is None:
            return 1
        broken += check_external(cited_addresses(repository), timeout=args.timeout, retries=args.retries)
        checked += " and external addresses"
    for link in broken:
        print(inert_line(str(link)))
    print(f"{len(broken)} broken link(s) among the {checked}." if broken else f"All {checked} work.", file=sys.stderr)
    return 1 if broken else 0


RENDER_MARK = ".factcheck-render"  # marks a folder `render` wrote, which it may replace


def _kind(path: Path) -> int | None:
    """The file type of `path` itself (a link is a link), or None when nothing is there."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _written_by_render(folder: Path) -> bool:
    return _kind(folder) == stat.S_IFDIR and _kind(folder / RENDER_MARK) == stat.S_IFREG


def _settings_written_by_render(path: Path) -> bool:
    from .generation import SETTINGS_HEADER

    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(len(SETTINGS_HEADER)) == SETTINGS_HEADER.encode()


def _render_refusal(root: Path, out: Path, docs: Path, theme: Path | None, settings: Path | None,
                    shown: dict[Path, str]) -> str | None:
    """Why `render` may not write where it is asked to, or None. It writes only new folders and files, or
    those it wrote itself (a folder holding its mark, a settings file starting with its header), and never
    among the repository's own files."""
    own = [(root, "the repository's own folder"), (docs, "the hand-written pages"),
           (theme or Layout(root).overrides, "the theme overrides")]
    name = shown[out]
    if any(out == folder or folder.is_relative_to(out) or out.is_relative_to(folder) for folder, _ in own[1:]) \
            or root.is_relative_to(out):
        return f"{name} holds the repository's own files; choose a folder of its own"
    kind = _kind(out)
    if kind == stat.S_IFLNK:
        return f"{name} is a symbolic link; give a folder of its own"
    if kind is not None and kind != stat.S_IFDIR:
        return f"{name} is a file, not a folder; choose a new folder for the pages"
    if kind == stat.S_IFDIR and any(out.iterdir()) and not _written_by_render(out):
        return f"{name} is not empty and was not written by 'factcheck render'; choose a new or empty folder"
    staging = out.with_name(out.name + ".partial")
    if _kind(staging) is not None and not _written_by_render(staging):
        return (f"{name}.partial exists and was not written by 'factcheck render' (which writes there first); "
                "move it away or delete it")
    if settings is None:
        return None
    name, folder = shown[settings], settings.parent
    # The repository's top folder holds its own mkdocs.yml and overrides/; the others are published as they are.
    for inside, what in [*own, (out, "the rendered pages")]:
        if folder == inside or (inside != root and folder.is_relative_to(inside)):
            return (f"{name} would be written in {what}, among files render did not write; choose a folder of its "
                    "own, e.g. .zensical/mkdocs.yml")
    kind = _kind(settings)
    if kind is not None and not (kind == stat.S_IFREG and _settings_written_by_render(settings)):
        return (f"{name} exists and was not written by 'factcheck render'; choose a new file (render replaces only "
                "a settings file it wrote)")
    beside = folder / "overrides"
    if theme and _kind(beside) is not None and (kind is None or _kind(beside) != stat.S_IFDIR):
        return (f"{terminal_safe(str(beside))} exists and was not written by 'factcheck render' "
                "(it replaces only the overrides beside a settings file it wrote); choose another folder")
    return None


def cmd_render(args: argparse.Namespace) -> int:
    root: Path = args.root
    out = resolve_parent(args.out)
    docs = resolve_parent(root / args.docs)
    settings_file = resolve_parent(args.settings) if args.settings else None
    if not docs.is_relative_to(root) or not docs.is_dir():
        print(f"factcheck: --docs {terminal_safe(str(args.docs))} is not a folder of the repository", file=sys.stderr)
        return 2
    from .generation import generate, read_settings, theme_folder

    try:
        settings = read_settings(root) if settings_file else None
    except FactcheckError as exc:
        _print_problems(exc.problems, "text", to_stderr=True)
        return 1
    theme = theme_folder(settings, root) if settings else None
    shown = {out: terminal_safe(str(args.out)), **({settings_file: terminal_safe(str(args.settings))} if args.settings else {})}
    refusal = _render_refusal(root, out, docs, theme, settings_file, shown)
    if refusal:
        print(f"factcheck: {refusal}; nothing was written.", file=sys.stderr)
        return 2
    from .progress import Progress

    progress = Progress()
    try:
        site = generate(root, os.environ, layout=Layout(root, docs, theme), progress=progress)
    except FactcheckError as exc:
        progress.close()
        _print_problems(exc.problems, "text", to_stderr=True)
        print("Nothing written; fix these problems first.", file=sys.stderr)
        return 1
    progress.clear()
    _print_problems(site.warnings, "text", to_stderr=True)
    progress.stage("Writing the pages, data files and share cards")
    try:
        return _write_render(args, site, out, docs, theme, settings, settings_file)
    finally:
        progress.close()


def _write_render(args: argparse.Namespace, site, out: Path, docs: Path, theme: Path | None, settings,
                  settings_file: Path | None) -> int:
    from .generation import copy_folder, settings_for, write_docs

    # Written beside the target, then swapped in: a failure leaves the previous render as it was. The mark
    # goes in first, so that a render stopped midway leaves a folder the next one may replace.
    staging = out.with_name(out.name + ".partial")
    if _kind(staging) is not None:
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / RENDER_MARK).write_text("Written by 'factcheck render'; the next render replaces this folder.\n",
                                       encoding="utf-8")
    try:
        written = write_docs(site, docs, staging)
    except OutsideBoundary as exc:  # a link put in the pages since they were checked
        print(f"factcheck: {exc}; nothing was replaced.", file=sys.stderr)
        return 1
    if _kind(out) is not None:
        shutil.rmtree(out)  # written by render, or empty (see _render_refusal)
    staging.rename(out)
    if settings_file and settings is not None:
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(settings_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(settings_for(settings, site.info, out, settings_file.parent))
        if theme:
            beside = settings_file.parent / "overrides"
            if _kind(beside) is not None:
                shutil.rmtree(beside)  # beside a settings file render wrote (see _render_refusal)
            copy_folder(theme, beside)
    print(f"Wrote {len(written)} files to {out}: {len(site.pages)} generated pages, {len(site.files())} data files "
          f"and the pages of {args.docs}.", file=sys.stderr)
    return 0


def cited_addresses(repository: Repository) -> dict[str, list[str]]:
    """Each external address the site links to, with the files that cite it."""
    cited: dict[str, list[str]] = {}
    for claim in repository.claims.values():
        for evidence in claim.evidence:
            for url in filter(None, (evidence.url, evidence.archived_url)):
                cited.setdefault(url, []).append(claim.file)
    for source in repository.sources.values():
        for url in filter(None, (source.url, source.archived_url, source.original.url if source.original else None)):
            cited.setdefault(url, []).append(source.file)
    for entity in repository.entities.values():
        if entity.url:
            cited.setdefault(entity.url, []).append(entity.file)
    return cited


def cmd_init(args: argparse.Namespace) -> int:
    from .starter import StarterError, write_starter

    try:
        written = write_starter(args.folder)
    except StarterError as exc:
        print(f"factcheck: {terminal_safe(str(exc))}", file=sys.stderr)
        return 2
    shown = terminal_safe(str(args.folder))
    print(f"Created a new site in {shown} ({len(written)} files). Next:\n"
          f"  cd {shown}\n"
          "  make site    # checks every file, then builds the site into site/ (needs MkDocs: pip install -r requirements.txt)\n"
          "Then fill in site.yml and replace the example source, claim and entity (see README.md and CONTRIBUTING.md).")
    return 0


ID_RULE = "use lower-case letters, digits and single hyphens, e.g. bt-vpn-chine (and not 'index')"


def _id(text: str) -> str:
    """An id argument: refused as a usage error unless it is an id, so that no file name made from it leaves its folder."""
    if not is_id(text):
        raise argparse.ArgumentTypeError(f"{terminal_safe(repr(text))} is not an id: {ID_RULE}")
    return text


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="factcheck", description="Editors' tools for the fact-check repository.")
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    main.add_argument("--root", type=Path, help="the site's top folder (default: the one the current folder is in, "
                                                "holding site.yml and rating-scale.yml)")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], summary: str, description: str):
        sub = commands.add_parser(name, help=summary, description=description)
        sub.set_defaults(handler=handler)
        return sub

    validate = command("validate", cmd_validate, "check schemas, references and anchoring",
                       "Check every source, claim and entity file (or report only on the FILES named); exit 1 on any problem.")
    validate.add_argument("files", nargs="*", metavar="FILE", help="report only problems in these files")
    validate.add_argument("--format", choices=("text", "github"), default="text",
                          help="'github' prints GitHub Actions annotations, shown on the pull request's diff")
    validate.add_argument("--base", metavar="REV",
                          help="also refuse verdicts changed since this git revision without a correction")
    validate.add_argument("--deploy", action="store_true",
                          help="check as for publishing: the site's address and every About page field are required")

    new = command("new", cmd_new, "scaffold a claim file from a source and a quote",
                  "Find the quote in the source and write claims/SOURCE/ID.yml with its selector, the entities it names "
                  "and TODO placeholders for the rest.")
    new.add_argument("source", type=_id, help="source id, e.g. bt-vpn-chine")
    new.add_argument("quote", help="the passage, copied from the source text")
    new.add_argument("--id", type=_id, help="claim id (default: made from the quote's first words)")
    new.add_argument("--occurrence", type=int, help="which occurrence, when the quote occurs more than once")
    new.add_argument("--today", help=argparse.SUPPRESS)
    new.add_argument("--title", action="store_true", help="the quote is in the source's title (its headline), not its text")

    new_source = command("new-source", cmd_new_source, "add a source document: its text and a metadata file",
                         "Copy FILE byte for byte to sources/ID.txt and write sources/ID.yml with its sha256 and TODO "
                         "placeholders for the rest.")
    new_source.add_argument("file", type=Path, metavar="FILE", help="the text as published, UTF-8")
    new_source.add_argument("--id", help="source id (default: made from the file name)")

    locate_cmd = command("locate", cmd_locate, "show where a quote occurs in a source",
                         "Print each occurrence of the quote with its offsets and context.")
    locate_cmd.add_argument("source", type=_id, help="source id")
    locate_cmd.add_argument("quote", help="the passage to find")
    locate_cmd.add_argument("--title", action="store_true", help="look in the source's title (its headline), not its text")

    reanchor = command("reanchor", cmd_reanchor, "update offsets after a deliberate correction of a source",
                       "Rewrite the selectors of claims whose quotes moved, and list those that no longer anchor. "
                       "With --source, accept that source's corrected text and update its sha256.")
    reanchor.add_argument("--source", action="append", type=_id, metavar="ID", help="a source whose text was deliberately corrected")
    reanchor.add_argument("--dry-run", action="store_true", help="say what would change without writing")

    diff = command("diff", cmd_diff, "claims added, removed and changed since a git revision (Markdown)",
                   "Print the claims added, removed and changed since REV, verdict changes first, as Markdown.")
    diff.add_argument("revision", metavar="REV", help="git revision, e.g. origin/main")

    render = command("render", cmd_render, "write the site's pages for any Markdown site generator",
                     "Write a complete docs folder into OUT: the hand-written pages of docs/ (generated blocks filled "
                     "in), every generated page as Markdown (front matter, then its HTML) and every data file. A site "
                     "generator pointed at OUT builds the site without the MkDocs hook.")
    render.add_argument("--out", type=Path, required=True, metavar="OUT",
                        help="folder to write (new, empty, or an earlier render; not the repository's pages or theme)")
    render.add_argument("--docs", type=Path, default=Path("docs"), help="the hand-written pages (default: docs)")
    render.add_argument("--settings", type=Path, metavar="FILE",
                        help="also write FILE: mkdocs.yml for a generator without the hook (docs folder OUT, "
                             "the site's identity from site.yml), and the theme overrides beside it, e.g. for Zensical; "
                             "FILE and FOLDER/overrides must be new or written by an earlier render, outside the "
                             "repository's top folder")

    links = command("links", cmd_links, "check the links of the built site",
                    "Check internal links and #anchors of the built site; with --online also every external address, "
                    "naming the file that cites each broken one.")
    links.add_argument("--site", type=Path, default=Path("site"), help="built site (default: site/)")
    links.add_argument("--online", action="store_true", help="also request every external address")
    links.add_argument("--timeout", type=float, default=15.0, help="seconds per request (default 15)")
    links.add_argument("--retries", type=int, default=2, help="retries on failure (default 2)")

    init = command("init", cmd_init, "start a new site in a new or empty folder",
                   "Write a new site into FOLDER: site.yml to fill in, mkdocs.yml with the plugin, the rating scale, "
                   "the schemas, the hand-written pages, workflows, CONTRIBUTING.md, a Makefile, and one example "
                   "source, claim and entity.")
    init.add_argument("folder", type=Path, metavar="FOLDER", help="a new folder, or an empty one")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.handler is not cmd_init:
        if args.root is None:
            args.root = find_root(Path.cwd().resolve())
            if args.root is None:
                print("factcheck: this folder is not in a fact-check site (no folder from here upwards holds site.yml "
                      "and rating-scale.yml); run it inside one, give its folder with --root, or start one with "
                      "'factcheck init FOLDER'", file=sys.stderr)
                return 2
        elif not args.root.is_dir():
            print(f"factcheck: --root {terminal_safe(str(args.root))} is not a folder; give the site's top folder", file=sys.stderr)
            return 2
        args.root = args.root.resolve()
    # A command loads every file of the repository into objects that all live until it ends: the
    # cycle collector's default passes over them (a tenth of a validation at 10,000 claims) free nothing.
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 10_000), *threshold[1:])
    try:
        return args.handler(args)
    finally:
        gc.set_threshold(*threshold)
