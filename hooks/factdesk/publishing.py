"""Who publishes the site and where: site.yml, read once for every page, export and check.

The published address and the repository's address may also come from the
environment (SITE_URL, REPO_URL), which is how the deploy workflow sets them.
An empty field means "not stated": nothing is made up in its place.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urljoin

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from .boundary import OutsideBoundary, check_readable
from .problems import Problem, problem_at
from .schemas import load_checked, read_schema
from .yamlfile import JsonPath
from .site import relative_url

SITE_FILE = "site.yml"
# Addresses copied from an example and never replaced.
_PLACEHOLDER_ADDRESS = re.compile(
    r"your[-_]?(org|organi[sz]ation|name|user|username|account|repo|site|domain)\b|\bexample\.(com|org|net)\b|//localhost\b|//127\.0\.0\.1\b",
    re.IGNORECASE,
)


# A fixed namespace for the site's `urn:uuid` identifiers: uuid5 of it and a name gives the same id on every build.
# (Named for the feed, its first use: another name would change every id already published.)
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:factcheck-site:atom")

# A web address as every address field of site.yml must be: no spaces, and nothing that could close an attribute.
_WEB_ADDRESS = re.compile(r'https?://[^\s/$.?#<>"][^\s<>"]*')


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str = ""
    logo: str = ""  # an image under docs/ or a web address
    description: str = ""  # Markdown


# The share card's words (site.yml `share_card`), English unless the site says otherwise.
CARD_HEADING = "Fact-check · {site}"
CARD_VERDICT = "Verdict: {verdict}"
# The site card's count of claims, by CLDR plural category ("none": no claims yet).
CARD_SUMMARY = (("none", "No claims checked yet"), ("one", "{count} claim checked"), ("other", "{count} claims checked"))


@dataclass(frozen=True)
class SiteInfo:
    name: str
    url: str = ""  # published address of the site root, ending in "/"; empty when not known
    publisher: Publisher = field(default_factory=lambda: Publisher(""))
    repository: str = ""  # repository web address, without a trailing "/"; empty when not known
    branch: str = "main"
    language: str = "en"
    description: str = ""
    introduction: str = ""  # Markdown: the home page's opening paragraphs
    contact_email: str = ""
    contact_url: str = ""
    funding: str = ""  # Markdown
    corrections_policy: str = ""  # Markdown
    corrections_how_to_ask: str = ""  # Markdown
    card_heading: str = CARD_HEADING  # above the claim on its share card; {site} is the site's name
    card_verdict: str = CARD_VERDICT  # the share card's verdict badge; {verdict} is the verdict's label
    card_summary: tuple[tuple[str, str], ...] = CARD_SUMMARY  # (plural category, words) pairs; {count} is the count
    file: str = SITE_FILE
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    def absolute(self, site_relative: str) -> str | None:
        """The page's published address, or None when the site's address is not configured."""
        return urljoin(self.url, site_relative) if self.url else None

    def identifier(self, key: str) -> str:
        """A `urn:uuid` for `key` (a site path, or a name such as "feed"), derived from the publisher's name and the
        key alone: the same on every build and wherever the site is published."""
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, self.publisher.name + chr(10) + key)}"

    def iri(self, site_relative: str) -> str:
        """The published address, or, while it is not known, a `urn:uuid` naming the same file (see `identifier`):
        an absolute IRI either way, as Web Annotations and Atom ids must be."""
        return self.absolute(site_relative) or self.identifier(site_relative)

    def address(self, site_relative: str, from_url: str) -> str:
        """The published address when known, else a link relative to the file `from_url`."""
        return self.absolute(site_relative) or relative_url(from_url, site_relative)

    @property
    def issues_url(self) -> str:
        """Where readers open an issue in the repository (how they reach a site with no other contact); empty
        without a repository address."""
        return f"{self.repository}/issues" if self.repository else ""

    def edit_url(self, repository_file: str) -> str | None:
        """Where an editor changes a file, or None without a repository address."""
        return f"{self.repository}/edit/{self.branch}/{repository_file}" if self.repository else None

    def logo_address(self) -> str | None:
        """The logo as an absolute address, when that can be stated."""
        if not self.publisher.logo:
            return None
        if re.match(r"https?://", self.publisher.logo):
            return self.publisher.logo
        return self.absolute(self.publisher.logo)

    def card_heading_text(self) -> str:
        """What a claim's share card says above the claim."""
        # Placeholders replaced as plain text: a format string would let site.yml reach Python attributes.
        return self.card_heading.replace("{site}", self.name)

    def card_verdict_text(self, verdict_label: str) -> str:
        """What a claim's share card says on its verdict badge."""
        return self.card_verdict.replace("{verdict}", verdict_label)

    def card_summary_text(self, count: int) -> str:
        """How the site card counts the claims checked, in the plural form the site's language gives `count`."""
        forms = dict(self.card_summary)
        if count == 0 and "none" in forms:
            return forms["none"]
        return forms.get(plural_category(self.language, count), forms["other"]).replace("{count}", str(count))

    def problem(self, path: JsonPath, message: str, severity: str = "error") -> Problem:
        return problem_at(self.file, self.positions, path, message, severity)


# What an "About us" page needs, as (field path in site.yml, what a reader misses without it). A repository
# address stands in for a contact: the page then asks readers to open an issue there.
ABOUT_FIELDS: tuple[tuple[JsonPath, str], ...] = (
    (("publisher", "description",), "who publishes the site"),
    (("contact", "email"), "how to reach the publisher"),
    (("funding",), "how the site is funded"),
    (("corrections", "policy"), "the corrections policy"),
    (("corrections", "how_to_ask"), "how to ask for a correction"),
)


def plural_category(language: str, count: int) -> str:
    """The CLDR plural category of `count` in `language` ("one", "few", "other"…); "other" for a language CLDR
    does not know."""
    try:
        return Locale.parse(language.replace("-", "_")).plural_form(count)
    except (UnknownLocaleError, ValueError, TypeError):
        return "other"


def load_site_info(root: Path, environ: Mapping[str, str] | None = None) -> tuple[SiteInfo | None, list[Problem]]:
    """site.yml, checked, with SITE_URL and REPO_URL from `environ` taking precedence."""
    environ = environ or {}
    path = root / SITE_FILE
    if not path.exists() and not path.is_symlink():  # a dangling link is reported as a link, when read
        return None, [Problem(SITE_FILE, 1, 1, "(file)", "site.yml is missing; it names the site and its publisher (see README.md)")]
    document, problems = load_checked(path, SITE_FILE, read_schema(root / "schemas" / "site.schema.json", root), root)
    if document is None:
        return None, problems
    data = document.data
    publisher = data["publisher"]
    contact = data.get("contact", {})
    corrections = data.get("corrections", {})
    card = data.get("share_card", {})
    url = (environ.get("SITE_URL") or data.get("url", "")).strip()
    if url and not url.endswith("/"):
        url += "/"
    info = SiteInfo(
        name=data["name"], url=url,
        publisher=Publisher(publisher["name"], publisher.get("url", ""), publisher.get("logo", ""), publisher.get("description", "")),
        repository=(environ.get("REPO_URL") or data.get("repository", "")).strip().rstrip("/"),
        branch=data.get("branch", "main"), language=data["language"], description=data.get("description", ""),
        introduction=data.get("introduction", ""),
        contact_email=contact.get("email", ""), contact_url=contact.get("url", ""), funding=data.get("funding", ""),
        corrections_policy=corrections.get("policy", ""), corrections_how_to_ask=corrections.get("how_to_ask", ""),
        card_heading=card.get("heading", CARD_HEADING), card_verdict=card.get("verdict", CARD_VERDICT),
        card_summary=tuple(card["summary"].items()) if "summary" in card else CARD_SUMMARY,
        positions=document.positions,
    )
    return info, _address_problems(info, environ)


def _address_problems(info: SiteInfo, environ: Mapping[str, str]) -> list[Problem]:
    """Addresses from the environment that are not web addresses, and placeholders left from an example."""
    problems = []
    for path, value, variable in (
        (("url",), info.url, "SITE_URL"), (("repository",), info.repository, "REPO_URL"),
        (("publisher", "url"), info.publisher.url, None), (("publisher", "logo"), info.publisher.logo, None),
        (("contact", "url"), info.contact_url, None), (("contact", "email"), info.contact_email, None),
    ):
        from_environment = bool(variable and environ.get(variable))
        where = f"the {variable} environment variable" if from_environment else "this field"
        if from_environment and not _WEB_ADDRESS.fullmatch(value):
            problems.append(info.problem(path, f"{value!r} (from {where}) is not a web address: use a full https:// URL, "
                                               'without spaces, < > or "'))
        elif value and _PLACEHOLDER_ADDRESS.search(value):
            problems.append(info.problem(path, f"{value!r} (from {where}) is a placeholder address, not this site's; "
                                               "put the real address, or leave the field empty"))
    return problems


# What a logo may be: what browsers and search engines show as an image.
LOGO_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")  # not SVG: a file that can hold script
# A path under docs/: names of letters, digits, dots, hyphens and underscores, no "." or ".." among them.
_DOCS_PATH = re.compile(r"(?!\.{1,2}(/|$))[\w.-]+(/(?!\.{1,2}(/|$))[\w.-]+)*")


def logo_problems(info: SiteInfo, root: Path, docs: Path) -> list[Problem]:
    """The publisher's logo is a web address or an image file of the site's own pages (`docs`): never a path
    that leaves them, a link, or an address that runs script."""
    logo = info.publisher.logo
    if not logo or _WEB_ADDRESS.fullmatch(logo):
        return []
    allowed = (f"use an https:// address, or the path of an image under {docs.name}/ such as assets/logo.png "
               f"({', '.join(kind[1:] for kind in LOGO_TYPES)})")
    if not _DOCS_PATH.fullmatch(logo):
        return [info.problem(("publisher", "logo"), f"{logo!r} is neither a web address nor a path inside "
                                                    f"{docs.name}/: {allowed}")]
    if not logo.lower().endswith(LOGO_TYPES):
        return [info.problem(("publisher", "logo"), f"{logo!r} is not an image: {allowed}")]
    path = docs / logo
    display = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        check_readable(path, root, None)
    except OutsideBoundary as exc:
        return [info.problem(("publisher", "logo"), f"{display} {exc}: {allowed}")]
    return []


_FILL_IN: dict[JsonPath, str] = {
    ("contact", "email"): "fill in contact.email or contact.url, or set the repository's address (repository or "
                          "REPO_URL) for readers to open an issue there",
}


def about_problems(info: SiteInfo, deploy: bool) -> list[Problem]:
    """Empty fields of the "About us" page, and, for a deploy, a missing published address.

    Warnings for a local build; errors for a deploy, where readers would see them."""
    severity = "error" if deploy else "warning"
    problems = []
    values = {
        ("publisher", "description"): info.publisher.description,
        ("contact", "email"): info.contact_email or info.contact_url or info.issues_url,
        ("funding",): info.funding, ("corrections", "policy"): info.corrections_policy,
        ("corrections", "how_to_ask"): info.corrections_how_to_ask,
    }
    for path, what in ABOUT_FIELDS:
        if not values[path].strip():
            remedy = _FILL_IN.get(path, "fill it in")
            problems.append(info.problem(path, f"empty: the About page cannot say {what}; {remedy}", severity))
    if deploy and not info.url:
        problems.append(info.problem(("url",), "a deployed site needs its published address: set SITE_URL or url in site.yml"))
    return problems


# What the site's content (claims, notes, open data) may be reused under; the code is under LICENSE.
CONTENT_LICENCE = "CC-BY-4.0"
CONTENT_LICENCE_NAME = "Creative Commons Attribution 4.0 International"
CONTENT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def licence_notice(info: SiteInfo) -> Markup:
    """The footer's licence line: what readers may reuse, on what terms, and what they may not."""
    return Markup(
        'Fact-checks and open data by {publisher}: <a href="{url}" rel="license">CC BY 4.0</a>. '
        "Quoted source documents remain their publishers'. Software: MIT."
    ).format(publisher=info.publisher.name, url=CONTENT_LICENCE_URL)
