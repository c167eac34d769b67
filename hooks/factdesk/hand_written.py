"""The hand-written pages of docs/: Markdown only, checked before any site generator reads them.

Every other file in docs/ is published as it is, so only what cannot run script is allowed there:
raster images (PNG, JPEG, GIF, WebP, AVIF, ICO), read by Pillow to be sure they are what their name
says, and the site's own stylesheet and script (PROJECT_ASSETS), which are code like the theme's
overrides. An SVG, HTML or JavaScript file from a pull request would run on the published site.

A pull request can change docs/ as easily as a claim, and a site generator passes raw HTML in
Markdown through to the page. So a page may hold no raw HTML but the engine's own markers
(`<!-- factcheck:overview -->`…), no link or image to an address with a script, data or other
scheme (the sanitiser's policy, `sanitising.address_allowed`, with links within the site too),
and no markup characters in its metadata (its title and description, which the theme writes
into the page unescaped). markdown-it-py finds the HTML and the links, as CommonMark reads them;
text that another Markdown parser could still take for a tag (`<img/src=x …>`) is refused too.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .boundary import OutsideBoundary, read_bytes
from .problems import Problem, field_name
from .sanitising import address_allowed
from .schemas import text_values
from .yamlfile import YamlFileError, parse_yaml

# Markers that hand-written pages use to place generated blocks.
INTRODUCTION_MARKER = "<!-- factcheck:introduction -->"
OVERVIEW_MARKER = "<!-- factcheck:overview -->"
SCALE_MARKER = "<!-- factcheck:rating-scale -->"
MARKERS = (INTRODUCTION_MARKER, OVERVIEW_MARKER, SCALE_MARKER)
MAX_PAGE_BYTES = 1024 * 1024
# The site's own stylesheet and script under docs/ (mkdocs.yml's extra_css and extra_javascript): code, changed
# only by the maintainers (README, Security); CI flags a pull request that changes them.
PROJECT_ASSETS = ("assets/factcheck.css", "assets/factcheck.js")
# The images published from docs/ as they are, by name ending, with the format Pillow must find in them.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP", ".avif": "AVIF",
                 ".ico": "ICO"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
_ALLOWED = ("only Markdown pages (.md) and raster images (" + ", ".join(sorted(set(IMAGE_FORMATS.values())))
            + ") are published from docs/, besides the site's own " + " and ".join(PROJECT_ASSETS))
# What to do with a file of a kind that is refused, by name ending.
_INSTEAD = {
    ".svg": "an SVG file can hold script that would run on the site; convert it to PNG",
    ".html": "an HTML file would be published with its script; write the page in Markdown (.md)",
    ".htm": "an HTML file would be published with its script; write the page in Markdown (.md)",
    ".xhtml": "an XHTML file would be published with its script; write the page in Markdown (.md)",
    ".js": "script on the site comes only from the project's own assets/factcheck.js, changed by its maintainers; remove it",
    ".mjs": "script on the site comes only from the project's own assets/factcheck.js, changed by its maintainers; remove it",
    ".css": "the site's style comes only from the project's own assets/factcheck.css; put the rules there",
}

# Metadata as MkDocs reads it (mkdocs.utils.meta): YAML between --- lines, or else MultiMarkdown
# `key: value` lines up to the first blank line.
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_META_KEY = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:")
_META_MORE = re.compile(r"^(?:[ ]{4}|\t)")
_MARKUP = re.compile(r'[<>"]')
# A `<` that some Markdown parser would start a tag or comment with (Python-Markdown's own rule is looser
# than CommonMark's): in text, or in an indented code block, which parsers delimit differently.
_TAG_START = re.compile(r"<[A-Za-z/!?]")
# A script address in text that CommonMark does not read as a link but another parser may (`[x]( &#14; javascript:…)`):
# looked for with character references decoded and what a browser drops from an address removed.
_SCRIPT_ADDRESS = re.compile(r"(?i)(?:java|vb)script:")
_DROPPED = re.compile(r"[\x00-\x20]")
_USE_MARKDOWN = ("raw HTML is not allowed in a hand-written page; write it in Markdown (the engine's markers "
                 + ", ".join(MARKERS) + " are the only HTML kept), or write < as &lt; to show it as text")


def page_problems(root: Path, docs: Path) -> list[Problem]:
    """Every hand-written page (`docs`/**/*.md) checked, and every other file of `docs` allowed or refused
    (`file_problems`); paths in the problems are relative to `root`."""
    problems = file_problems(root, docs)
    for path in sorted(docs.rglob("*.md")):
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        try:
            text = read_bytes(path, root, MAX_PAGE_BYTES).decode("utf-8-sig")
        except OutsideBoundary as exc:
            problems.append(Problem(display, 1, 1, "(file)", f"{display} {exc}"))
        except UnicodeDecodeError as exc:
            problems.append(Problem(display, 1, 1, "(file)", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"))
        else:
            problems += check_page(text.replace("\r\n", "\n").replace("\r", "\n"), display)
    return problems


def file_problems(root: Path, docs: Path) -> list[Problem]:
    """Each file of `docs` that is not a Markdown page, an image that is what its name says, or one of the
    project's own assets, hidden files too (a generator may publish them). Links were refused before
    (`repository.boundary_problems`): no entry here leads outside."""
    problems = []
    for path in sorted(item for item in docs.rglob("*") if item.is_file()):
        relative = path.relative_to(docs).as_posix()
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        ending = path.suffix.lower()
        if relative in PROJECT_ASSETS or ending == ".md":
            continue
        if ending not in IMAGE_FORMATS:
            instead = _INSTEAD.get(ending, "remove it, or link to it where it is published elsewhere")
            problems.append(Problem(display, 1, 1, "(file)", f"{_ALLOWED}: {instead}"))
            continue
        try:
            found = _image_format(read_bytes(path, root, MAX_IMAGE_BYTES))
        except OutsideBoundary as exc:
            problems.append(Problem(display, 1, 1, "(file)", f"{display} {exc}"))
            continue
        if found != IMAGE_FORMATS[ending]:
            what = f"a {found} image" if found else "no image Pillow can read"
            problems.append(Problem(display, 1, 1, "(file)", f"is named as a {IMAGE_FORMATS[ending]} image but holds "
                                                             f"{what}; save it as {IMAGE_FORMATS[ending]} or name it for "
                                                             "what it is"))
    return problems


def _image_format(data: bytes) -> str | None:
    """The raster format Pillow finds in `data` (from its header alone: nothing is decoded), or None."""
    try:
        with Image.open(io.BytesIO(data), formats=sorted(set(IMAGE_FORMATS.values()))) as image:
            return image.format
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def check_page(text: str, path: str) -> list[Problem]:
    """The problems of one hand-written page's text (line breaks as \\n)."""
    body, first_line, problems = _metadata(text, path)
    return problems + _markdown_problems(body, path, first_line)


def _metadata(text: str, path: str) -> tuple[str, int, list[Problem]]:
    """The page's metadata checked; returns the Markdown after it and the line that Markdown starts on."""
    front = FRONT_MATTER.match(text)
    if front:
        try:
            document = parse_yaml(front.group(1), path)
        except YamlFileError:
            return text, 1, []  # MkDocs too reads it as Markdown, checked as such
        problems = []
        for field, value in text_values(document.data):
            if _MARKUP.search(value):
                line, column = document.position(field)
                problems.append(Problem(path, line + 1, column, field_name(field), _markup_in_metadata(value)))
        rest = text[front.end():]
        body = rest.lstrip("\n")
        return body, text[:len(text) - len(body)].count("\n") + 1, problems
    lines = text.split("\n")
    count = 0
    while count < len(lines) and lines[count].strip() and (
            _META_KEY.match(lines[count]) or (count and _META_MORE.match(lines[count]))):
        count += 1
    problems = [Problem(path, number + 1, 1, lines[number].split(":", 1)[0].strip() or "(metadata)",
                        _markup_in_metadata(lines[number].split(":", 1)[-1].strip()))
                for number in range(count) if _MARKUP.search(lines[number])]
    return "\n".join(lines[count:]), count + 1, problems


def _markup_in_metadata(value: str) -> str:
    return (f"{value!r} contains < > or \", which the page's title or description would show as markup; "
            "leave them out (quote with “ ” or « »)")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").disable("text_join")
    md.validateLink = lambda url: True  # every link is kept, to be judged here,
    md.normalizeLink = lambda url: url  # as a browser reads it: references decoded, nothing percent-encoded
    return md


def _markdown_problems(body: str, path: str, first_line: int) -> list[Problem]:
    lines = body.split("\n")
    problems = []

    def problem(line: int, found: str, message: str) -> None:
        text = lines[line] if line < len(lines) else ""
        column = text.find(found[:20]) + 1 if found and found[:20] in text else 1
        problems.append(Problem(path, first_line + line, column, "", message))

    for token in _parser().parse(body):
        start = token.map[0] if token.map else 0
        if token.type == "html_block" and token.content.strip() not in MARKERS:
            problem(start, token.content.strip(), _html_message(token.content))
        elif token.type == "code_block" and _TAG_START.search(token.content):
            problem(start + token.content[:_TAG_START.search(token.content).start()].count("\n"), "",
                    "markup in an indented code block, which some Markdown parsers read as HTML; "
                    "show code in a fenced block (``` before and after it)")
        elif token.type == "inline":
            _inline_problems(token, start, problem)
    return problems


def _html_message(html: str) -> str:
    if html.strip().startswith("<!-- factcheck:"):
        return f"{html.strip()[:60]!r} is not a marker the engine knows; use one of " + ", ".join(MARKERS)
    return _USE_MARKDOWN


def _inline_problems(inline: Token, start: int, problem) -> None:
    line, literal = start, ""  # the text as written, escapes and character references left out
    decoded = _DROPPED.sub("", html.unescape("".join(child.content for child in inline.children or []
                                                     if child.type in ("text", "text_special"))))
    if _SCRIPT_ADDRESS.search(decoded):
        problem(line, "", "holds a script address (javascript: or vbscript:), which some Markdown parsers would link; "
                          "remove it")
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        if child.type == "text":
            literal += child.content
            tag = _TAG_START.search(literal)
            if tag:
                problem(line, literal[tag.start():tag.start() + 20], _USE_MARKDOWN)
                literal = ""
            continue
        literal = ""
        if child.type == "html_inline" and child.content.strip() not in MARKERS:
            problem(line, child.content, _html_message(child.content))
        for attribute in ("href", "src"):
            address = child.attrGet(attribute)
            # Decoded once more as a browser would (it also reads references without their `;`).
            if isinstance(address, str) and not address_allowed(html.unescape(address), relative=True):
                problem(line, address, f"links to {address[:60]!r}: link only to web or mail addresses (http, https, "
                                  "mailto), to in-page anchors (#…) or to pages of the site")
