"""The one sanitiser for HTML made from content: Markdown from the repository's files goes through it.

Markdown is rendered first (raw HTML in it is shown as text), then the result is
cleaned by nh3 (the Ammonia HTML sanitiser) against an allowlist of elements,
attributes and URL schemes. Ammonia parses the HTML as a browser would, so a
link's address is judged after character references (`&#106;`, `&colon;`,
`&Tab;`…) are decoded, not before.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup, escape

ALLOWED_ELEMENTS = frozenset({
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
# Table column alignment is the only style Markdown produces.
ALLOWED_STYLES = frozenset({"text-align"})
# Web and mail addresses; in-page links (#…) are relative and checked below.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# What a browser drops from an address before reading its scheme: C0 controls and spaces around it, and
# tabs and line breaks anywhere ("java\tscript:" is "javascript:").
_IGNORED_AROUND = "".join(map(chr, range(0x21)))
_IGNORED_WITHIN = re.compile("[\t\n\r]")


def address_allowed(address: str, relative: bool = False) -> bool:
    """A web or mail address, or an in-page fragment (`#…`); with `relative`, also a path within the site.
    Never a script, data or other scheme. `address` is as a browser reads it: character references decoded."""
    cleaned = _IGNORED_WITHIN.sub("", address.strip(_IGNORED_AROUND))
    scheme = _SCHEME.match(cleaned)
    if scheme is None:
        return relative or cleaned.startswith("#")
    return scheme.group(1).lower() in ALLOWED_SCHEMES


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """Only absolute web and mail addresses and in-page fragments: no path into the build, no odd scheme."""
    return value if attribute != "href" or address_allowed(value) else None


def sanitise(html: str) -> Markup:
    """HTML reduced to the allowlist; anything else is removed (elements keep their text)."""
    cleaned = nh3.clean(
        html, tags=set(ALLOWED_ELEMENTS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES), filter_style_properties=set(ALLOWED_STYLES),
        attribute_filter=_keep_attribute, link_rel="nofollow noopener noreferrer", strip_comments=True,
    )
    return Markup(cleaned)


def _image_as_text(renderer: RendererHTML, tokens: list[Token], index: int, options, env) -> str:
    """Content carries no images: a Markdown image shows its alternative text."""
    return str(escape(renderer.renderInlineAsText(tokens[index].children or [], options, env)))


class MarkdownRenderer:
    """Markdown fields (notes, a source's `about`, its assessment) to sanitised HTML.

    markdown-it-py parses in time linear in the text, so pathological input (thousands
    of unclosed brackets) cannot stall a build; raw HTML is escaped, never passed on."""

    def __init__(self) -> None:
        self._md = MarkdownIt("commonmark", {"html": False}).enable("table")
        self._md.add_render_rule("image", _image_as_text)

    def __call__(self, text: str) -> Markup:
        return sanitise(self._md.render(text))
