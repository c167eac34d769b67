"""Every check a repository's files must pass, in one place.

`factcheck validate` runs these checks, and so does every build (`generation.generate`, which
the MkDocs hook and `factcheck render` call): a site is never built from files that validation
would refuse, and `make site` checks each file once, in the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .card_text import card_text_problems
from .hand_written import page_problems
from .problems import FactcheckError, Problem, at_most_per_file, errors
from .publishing import SiteInfo, about_problems, load_site_info, logo_problems
from .repository import Layout, boundary_problems, load_repository
from .site import SiteModel, build_site
from .standards import standards_problems
from .typefaces import card_fonts


@dataclass(frozen=True)
class Validation:
    model: SiteModel | None  # None when the files could not be loaded and anchored
    info: SiteInfo | None  # None when site.yml is missing or unusable
    problems: list[Problem]  # errors and warnings, of every file
    counted: tuple[int, int, int] | None = None  # sources, claims, entities, when known without a model

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def totals(self) -> tuple[int, int, int] | None:
        """How many sources, claims and entities were checked, when they all loaded and anchored."""
        if self.model is not None:
            return len(self.model.sources), len(self.model.claims), len(self.model.entities)
        return self.counted


def validate(root: Path, environ: Mapping[str, str], deploy: bool = False,
             previous: SiteModel | None = None, layout: Layout | None = None) -> Validation:
    """Schemas, references, anchoring, the desk's standards, site.yml and the share cards' text (with SITE_URL and
    REPO_URL from `environ`); with `deploy`, as for publishing (About page complete, address set).
    With `previous` (an earlier model of the same engine), unchanged files and spans are reused.
    `layout` names the pages and theme folders the site generator reads (docs/ and overrides/ unless told).

    A symbolic link where a build reads or writes (see `boundary_problems`) stops everything else: no
    file is loaded, so nothing is written to a linked cache."""
    layout = layout or Layout(root)
    linked = boundary_problems(layout)
    if linked:
        return Validation(None, None, linked)
    try:
        repository = load_repository(root, previous=previous.repository if previous else None)
        model: SiteModel | None = build_site(repository, previous)
    except FactcheckError as exc:
        model, problems = None, exc.problems
    info, site_problems = load_site_info(root, environ)
    if info is not None:
        site_problems = site_problems + logo_problems(info, root, layout.docs)
    if model is not None:
        problems = model.warnings + standards_problems(model, info.language if info else "en")
    problems = problems + site_problems + (about_problems(info, deploy=deploy) if info else [])
    problems += page_problems(root, layout.docs)
    if model is not None and info is not None:
        problems += card_text_problems(model, info, card_fonts(info.language))
    if model is not None:
        model.checks.finish()
    return Validation(model, info, at_most_per_file(problems))
