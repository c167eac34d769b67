"""Language codes (BCP 47, as the sources give them) as the names a reader knows."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError


def language_name(code: str) -> str:
    """'fr' → 'French', 'pt-BR' → 'Portuguese (Brazil)'; an unknown code is shown as it is."""
    if code.lower() in {"und", "zxx", "mul"}:
        return {"und": "Undetermined", "zxx": "No linguistic content", "mul": "Several languages"}[code.lower()]
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code
