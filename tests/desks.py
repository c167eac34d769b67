"""Desks the content-bound tests run on: a copy of this checkout, and a fork of it with a name, addresses,
publisher and sources of its own. Each copy's site.yml is set here, so the checkout's own values never matter."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from factdesk.sources import sha256_of

ROOT = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(".venv", ".venv-*", ".zensical", "site", ".site-*", ".git", "__pycache__", ".pytest_cache",
                                 "artifacts", "node_modules", ".factcheck-cache")
SCHEMA_LINE = "# yaml-language-server: $schema={}schemas/{}.schema.json\n"


@dataclass(frozen=True)
class Desk:
    """A project folder, and where it is published when its published build sets the addresses."""
    name: str
    root: Path
    url: str
    repository: str


def copy_project(target: Path, project: Path = ROOT) -> Path:
    """A copy of a project's files (not its virtual environments, built sites or cache), with no site address
    or repository address in its site.yml: a fresh machine, whatever the copied site.yml says."""
    shutil.copytree(project, target, ignore=IGNORED)
    configure(target, url="", repository="")
    return target


def configure(project: Path, **fields) -> None:
    """Set top-level fields of the project's site.yml. A one-line field is replaced in place (comments and
    line numbers stay); otherwise the file is written again from its data."""
    path = project / "site.yml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    for key, value in fields.items():
        line = re.compile(rf"^{re.escape(key)}:[^\n]*\n(?![ \t])", re.M)
        found = line.findall(text)
        if isinstance(value, str) and len(found) == 1 and key in data and not isinstance(data[key], dict):
            text = line.sub(lambda _: f"{key}: {json.dumps(value, ensure_ascii=False)}\n", text)
            data[key] = value
            continue
        data[key] = value
        text = SCHEMA_LINE.format("", "site") + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")


def write_yaml(project: Path, relative: str, schema: str, fields: dict) -> Path:
    """A content file as an editor commits it: its schema line, then one field a line (JSON is YAML)."""
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    up = "../" * relative.count("/")
    path.write_text(SCHEMA_LINE.format(up, schema)
                    + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items()),
                    encoding="utf-8")
    return path


def add_source(project: Path, source_id: str, text: str, language: str, **fields) -> None:
    (project / "sources" / f"{source_id}.txt").write_bytes(text.encode("utf-8"))
    write_yaml(project, f"sources/{source_id}.yml", "source",
               {"id": source_id, "title": fields.pop("title", f"Title of {source_id}"), "language": language, **fields,
                "sha256": sha256_of(text)})


def add_claim(project: Path, claim_id: str, source_id: str, quote: str, start: int, **fields) -> Path:
    """A complete claim on `quote` at `start`, rated accurate on evidence unless `fields` say otherwise
    (a field given as None is left out)."""
    claim = {
        "id": claim_id, "source": source_id, "selector": {"exact": quote, "start": start, "end": start + len(quote)},
        "claim": f"The source says: {quote}", "verdict": "accurate", "summary": "Checked.",
        "notes": "Reasoning in the notes.",
        "evidence": [{"url": "https://registry.test/filings", "title": "A filing", "publisher": "Company registry",
                      "date": "2016-01-10", "shows": "What the claim says."}],
        "entities": [], "reviewed": "2026-11-25", "updated": "2026-11-25", "reviewer": "Desk",
    }
    claim.update(fields)
    return write_yaml(project, f"claims/{source_id}/{claim_id}.yml", "claim",
                      {key: value for key, value in claim.items() if value is not None})


# --- A French brief: two sentences, the first claimed and translated --------------------------------------

FRENCH_BRIEF = "Le ministère a répondu hier soir. Personne ne sait encore pourquoi."


def add_french_brief(project: Path, **source_fields) -> None:
    add_source(project, "brief", FRENCH_BRIEF, "fr", title="Le ministère répond", title_en="The ministry answers",
               publisher="Le Petit Lyonnais", **source_fields)
    quote = "Le ministère a répondu hier soir."
    add_claim(project, "brief-answer", "brief", quote, 0, claim="The ministry answered the evening before.",
              translation="The ministry answered last night.")


# --- An English brief, with one sentence twice and an unverifiable claim -----------------------------------

NORTHWIND_BRIEF = (
    "Northwind Telecom opened an office in Lyon in 2015. The office employs 40 people.\n\n"
    "Northwind Telecom opened an office in Lyon in 2015. Its chief executive called the office a success.\n"
)


def add_northwind_brief(project: Path) -> None:
    """Not a translation, not yet assessed; its repeated sentence is claimed at its second occurrence."""
    add_source(project, "northwind-brief", NORTHWIND_BRIEF, "en", title="Northwind opens in Lyon",
               publisher="Lyon Business Brief", published="2016-03-01")
    write_yaml(project, "entities/northwind-telecom.yml", "entity",
               {"id": "northwind-telecom", "name": "Northwind Telecom", "type": "organisation",
                "description": "A telecoms company named in the Lyon brief.", "aliases": ["Northwind"]})
    repeated = "Northwind Telecom opened an office in Lyon in 2015."
    about = {"entities": ["northwind-telecom"]}
    add_claim(project, "northwind-lyon-2015", "northwind-brief", repeated, NORTHWIND_BRIEF.index(repeated, 1), **about)
    staff = "The office employs 40 people."
    add_claim(project, "northwind-lyon-staff", "northwind-brief", staff, NORTHWIND_BRIEF.index(staff),
              verdict="mostly-accurate", **about)
    success = "called the office a success"
    add_claim(project, "northwind-lyon-success", "northwind-brief", success, NORTHWIND_BRIEF.index(success),
              verdict="unverifiable", evidence=None, **about,
              searched=["Northwind's press releases for 2015 and 2016, for 'Lyon'",
                        "French business press archives, 2015–2016, for 'Northwind Lyon'"])


# --- A Chinese note: no spaces between words, a claim and its translation ----------------------------------

CHINESE_NOTE = "英国电信在上海自由贸易区申请了虚拟专用网络许可证。该公司表示审批仍在进行中。"


def add_chinese_note(project: Path) -> None:
    add_source(project, "shanghai-note", CHINESE_NOTE, "zh", title="英国电信申请上海许可证",
               title_en="BT applies for a Shanghai licence", publisher="上海商报", published="2016-06-02")
    quote = "英国电信在上海自由贸易区申请了虚拟专用网络许可证。"
    add_claim(project, "shanghai-note-licence", "shanghai-note", quote, 0,
              claim="BT applied for a VPN licence in the Shanghai free trade zone.",
              translation="BT applied for a virtual private network licence in the Shanghai free trade zone.")


# --- The fork -----------------------------------------------------------------------------------------

FORK_ADDRESSES = ("https://checks.newsdesk.test/", "https://git.newsdesk.test/lyon/checks")


def fork(project: Path) -> None:
    """Turn a copy of this project into another desk's: its own identity and more sources, in English,
    French and Chinese. Its addresses are left empty; the published build sets FORK_ADDRESSES."""
    configure(project, name="Lyon telecoms, checked", description="Checks of what the press says about telecoms in Lyon.",
              branch="trunk", url="", repository="",
              introduction="The **Lyon desk** checks what the press writes about telecoms companies, "
                           "statement by statement, for [its newsroom](https://desk.newsdesk.test/).",
              publisher={"name": "Lyon Business Desk", "url": "https://desk.newsdesk.test/",
                         "description": "A newsroom in Lyon."})
    add_northwind_brief(project)
    add_french_brief(project)
    add_chinese_note(project)
