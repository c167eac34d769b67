"""Compare a site built by another generator with the MkDocs build: what a reader relies on.

    python tests/sitecomparison.py REFERENCE_SITE OTHER_SITE [--root REPOSITORY]

Checks that every generated page exists, that each holds the same generated content
(the same claims highlighted, the same links and anchors), that every claim is
highlighted in its source and linked to its page, that the data files are identical,
and that every internal link and anchor of the other site resolves. Exit 1 on any
difference, listing each.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hooks"))

from factdesk.generation import GeneratedSite, generate  # noqa: E402
from factdesk.linkcheck import check_internal  # noqa: E402
from factdesk.site import source_url  # noqa: E402


@dataclass
class GeneratedContent:
    """What the engine put on a page: links, anchors and highlights inside div.fc-page."""

    links: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    highlights: list[tuple[str, str]] = field(default_factory=list)  # (claim id, verdict class) per highlighted piece
    found: bool = False


class _ContentParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.content = GeneratedContent()
        self.depth = 0  # open elements inside div.fc-page, itself included

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if not self.depth:
            if tag == "div" and "fc-page" in attributes.get("class", "").split():
                self.depth, self.content.found = 1, True
            return
        if tag not in ("br", "img", "hr", "meta", "link", "input", "wbr", "source"):
            self.depth += 1
        if "id" in attributes:
            self.content.ids.append(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.content.links.append(attributes["href"])
        classes = attributes.get("class", "").split()
        # A claim's passage: its link (or its continuation after another claim), or a nested highlight.
        if "data-claim" in attributes and ("fc-claim" in classes or "fc-hl" in classes):
            verdict = next((c for c in classes if c.startswith("fc-v-")), "")
            self.content.highlights.append((attributes["data-claim"], verdict))

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "img", "hr", "meta", "link", "input", "wbr", "source"):
            self.depth -= 1


def generated_content(page: Path | str) -> GeneratedContent:
    """The generated content of a built page (a path) or of an HTML text."""
    parser = _ContentParser()
    parser.feed(page.read_text(encoding="utf-8") if isinstance(page, Path) else page)
    return parser.content


def differences(site: GeneratedSite, reference: Path, other: Path) -> list[str]:
    """Every way `other` falls short of `reference` (both built from the repository of `site`)."""
    found = []
    for url in sorted(site.pages):
        if not (other / url).is_file():
            found.append(f"{url}: missing")
            continue
        expected, actual = generated_content(reference / url), generated_content(other / url)
        if not actual.found:
            found.append(f"{url}: no generated content (div.fc-page)")
        for what in ("links", "ids", "highlights"):
            if getattr(expected, what) != getattr(actual, what):
                missing = sorted(set(getattr(expected, what)) - set(getattr(actual, what)), key=str)[:5]
                extra = sorted(set(getattr(actual, what)) - set(getattr(expected, what)), key=str)[:5]
                found.append(f"{url}: {what} differ (missing {missing}, extra {extra})")
    for source_id, claims in sorted(site.model.claims_by_source.items()):
        url = source_url(source_id)
        if not (other / url).is_file():
            continue
        content = generated_content(other / url)
        highlighted = {claim_id for claim_id, _ in content.highlights}
        for item in claims:
            if item.id not in highlighted:
                found.append(f"{url}: claim {item.id} is not highlighted")
            if not any(link.endswith(item.url) for link in content.links):
                found.append(f"{url}: claim {item.id} is not linked to its page")
    for name, content in sorted(site.files().items()):
        path = other / name
        if not path.is_file():
            found.append(f"{name}: missing")
        elif path.read_bytes() != (reference / name).read_bytes():
            found.append(f"{name}: differs from the reference build")
    found += [f"broken link: {link}" for link in check_internal(other)]
    return found


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("reference", type=Path, help="the site built by MkDocs")
    arguments.add_argument("other", type=Path, help="the same repository built by another generator")
    arguments.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (default: current directory)")
    args = arguments.parse_args(argv)
    found = differences(generate(args.root.resolve(), os.environ), args.reference, args.other)
    for difference in found:
        print(difference)
    print(f"{len(found)} difference(s) from the reference build." if found else
          f"{args.other} holds everything {args.reference} does.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
