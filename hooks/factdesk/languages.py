"""Language codes (BCP 47, as the sources give them) as the names a reader knows."""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from babel.core import get_global


def primary_language(code: str) -> str:
    """The language subtag of a BCP 47 code, lower-case: 'pt-BR' → 'pt', 'zh-Hant' → 'zh'."""
    return code.split("-")[0].lower()


def language_name(code: str) -> str:
    """'fr' → 'French', 'pt-BR' → 'Portuguese (Brazil)'; an unknown code is shown as it is."""
    if code.lower() in {"und", "zxx", "mul"}:
        return {"und": "Undetermined", "zxx": "No linguistic content", "mul": "Several languages"}[code.lower()]
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code


@functools.lru_cache(maxsize=None)  # every page's link previews ask, for the same few codes
def og_locale(code: str) -> str:
    """The language as OpenGraph writes a locale, language_TERRITORY: 'en' → 'en_US', 'fr' → 'fr_FR', 'zh-Hant' →
    'zh_TW', 'pt-BR' → 'pt_BR'. A language named without a country gets the one CLDR finds likeliest for it (its
    "likely subtags"); a code CLDR does not know is given with its hyphens as underscores."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return code.replace("-", "_")
    if locale.language != primary_language(code):  # "und" (undetermined) is parsed as CLDR's default, English
        return code.replace("-", "_")
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags")
        found = likely.get(str(locale)) or likely.get(locale.language)
        territory = Locale.parse(found).territory if found else None
    return f"{locale.language}_{territory}" if territory else locale.language
