"""The fonts the share cards draw with, in order, and which of them draws each part of a text.

No one font has every script. The cards use, in this order: DejaVu Sans (Latin, Greek, Cyrillic,
Hebrew, most Arabic), then Noto Sans Arabic, Devanagari and Thai, all shipped in fonts/ so that
every machine draws them alike, then the system's Noto Sans CJK (Chinese, Japanese, Korean: some
20 MB a weight, too large to ship) where it is installed at a known path. Each word is drawn in the
first font that has all its characters, so that a word is shaped in one font (Arabic letters join,
Devanagari conjuncts form); a word that no font has whole takes, character by character, the first
font that has it. A character no font has is drawn as the first font's empty box: validation warns
about it (see card_text.py), naming what to install.

This module reads fonts' character maps only; it draws nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

SHIPPED = Path(__file__).parent / "fonts"


@dataclass(frozen=True)
class Typeface:
    """A font in both weights the cards use. `index` is the face within a collection (.ttc)."""
    name: str
    regular: Path
    bold: Path
    index: int = 0

    def path(self, bold: bool) -> Path:
        return self.bold if bold else self.regular


@dataclass(frozen=True)
class SystemTypeface:
    """A font the cards use when the machine has it, looked for at known paths (first found used)."""
    name: str
    package: str  # Debian's package that installs it, for the warning
    places: tuple[tuple[str, str], ...]  # (regular, bold)
    faces: tuple[tuple[str, int], ...]  # language tag prefix → face in the collection; the first is the default
    meant_for: tuple[tuple[int, int], ...]  # code point ranges it is there for

    def found(self, language: str) -> Typeface | None:
        for regular, bold in self.places:
            if Path(regular).is_file() and Path(bold).is_file():
                return Typeface(self.name, Path(regular), Path(bold), _face_for(self.faces, language))
        return None

    def is_for(self, character: str) -> bool:
        return any(low <= ord(character) <= high for low, high in self.meant_for)


def _face_for(faces: tuple[tuple[str, int], ...], language: str) -> int:
    """The face for the site's language (the longest matching tag prefix), else the first."""
    tag = language.lower()
    matching = [(len(prefix), index) for prefix, index in faces if tag == prefix or tag.startswith(prefix + "-")]
    return max(matching)[1] if matching else faces[0][1]


SHIPPED_TYPEFACES = tuple(
    Typeface(name, SHIPPED / f"{file}.ttf", SHIPPED / f"{bold}.ttf") for name, file, bold in (
        ("DejaVu Sans", "DejaVuSans", "DejaVuSans-Bold"),
        ("Noto Sans Arabic", "NotoSansArabic-Regular", "NotoSansArabic-Bold"),
        ("Noto Sans Devanagari", "NotoSansDevanagari-Regular", "NotoSansDevanagari-Bold"),
        ("Noto Sans Thai", "NotoSansThai-Regular", "NotoSansThai-Bold"),
    ))

NOTO_CJK = SystemTypeface(
    "Noto Sans CJK", "fonts-noto-cjk",
    places=tuple((f"{folder}/NotoSansCJK-Regular.ttc", f"{folder}/NotoSansCJK-Bold.ttc") for folder in (
        "/usr/share/fonts/opentype/noto",  # Debian, Ubuntu (fonts-noto-cjk)
        "/usr/share/fonts/noto-cjk",  # Arch (noto-fonts-cjk)
        "/usr/share/fonts/google-noto-cjk",  # Fedora (google-noto-sans-cjk-ttc-fonts)
        "/usr/local/share/fonts",  # installed by hand
        str(Path.home() / ".local/share/fonts"),
    )),
    # The collection's faces draw the same characters in each region's forms: Simplified Chinese unless
    # the site's language says otherwise.
    faces=(("zh", 2), ("ja", 0), ("ko", 1), ("zh-hant", 3), ("zh-tw", 3), ("zh-hk", 4), ("zh-mo", 4)),
    meant_for=((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x2FF0, 0x31FF), (0x3200, 0x4DBF), (0x4E00, 0x9FFF),
               (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
               (0x20000, 0x3134F)),
)
SYSTEM_TYPEFACES = (NOTO_CJK,)


@lru_cache(maxsize=16)
def _characters(path: Path, index: int, stamp: tuple[int, int]) -> frozenset[int]:
    """The code points the font has a glyph for (its character map); `stamp` makes a replaced file a miss."""
    if path.suffix.lower() in (".ttc", ".otc"):
        return frozenset(TTCollection(str(path), lazy=True).fonts[index].getBestCmap())
    return frozenset(TTFont(str(path), lazy=True, fontNumber=index).getBestCmap())


def _ignorable(character: str) -> bool:
    """Characters that are no glyph of their own: controls, joiners, direction marks, variation selectors."""
    return unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") or 0xFE00 <= ord(character) <= 0xFE0F \
        or 0xE0100 <= ord(character) <= 0xE01EF


@dataclass(frozen=True)
class CardFonts:
    """The fonts a machine draws cards with, in order, and the known ones it lacks."""
    typefaces: tuple[Typeface, ...]
    absent: tuple[SystemTypeface, ...] = ()
    # (font, bold) → code points, and "key" → key(): read once
    _maps: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _words: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # (word, bold) → runs
    _drawable: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # (character, bold) → a font has it

    def has(self, font: int, bold: bool, character: str) -> bool:
        characters = self._maps.get((font, bold))
        if characters is None:  # read when first needed: a site in Latin letters never opens the other fonts
            typeface = self.typefaces[font]
            stat = typeface.path(bold).stat()
            characters = self._maps[font, bold] = _characters(typeface.path(bold), typeface.index,
                                                              (stat.st_size, stat.st_mtime_ns))
        return ord(character) in characters or _ignorable(character)

    def first_having(self, text: str, bold: bool) -> int | None:
        """The first font that has every character of `text`, or None."""
        return next((font for font in range(len(self.typefaces))
                     if all(self.has(font, bold, character) for character in set(text))), None)

    def runs(self, text: str, bold: bool) -> list[tuple[int, str]]:
        """`text` in runs of one font each, in reading order: (font's position in the list, text)."""
        runs: list[tuple[int, str]] = []
        for word in text.split(" "):
            if runs:  # the space before the word stays with the word before it
                _join(runs, runs[-1][0], " ")
            if not word:
                continue
            letters = any(unicodedata.category(character).startswith("L") for character in word)
            if runs and not letters and all(self.has(runs[-1][0], bold, character) for character in set(word)):
                # Digits and punctuation go on in the font of the word before them: one run, one shaping.
                _join(runs, runs[-1][0], word)
                continue
            for font, part in self._word_runs(word, bold):
                _join(runs, font, part)
        return runs

    def _word_runs(self, word: str, bold: bool) -> list[tuple[int, str]]:
        key = (word, bold)
        found = self._words.get(key)
        if found is None:
            whole = self.first_having(word, bold)
            if whole is not None:
                found = [(whole, word)]
            else:
                found = []
                for character in word:
                    if _ignorable(character) and found:
                        font = found[-1][0]  # a joiner or a selector stays with the character it modifies
                    else:
                        font = self.first_having(character, bold)
                    _join(found, 0 if font is None else font, character)
            if len(self._words) > 50_000:  # a long-running preview: words of claims long gone
                self._words.clear()
            self._words[key] = found
        return found

    def missing(self, text: str, bold: bool) -> list[str]:
        """The characters of `text` that no font has, each once, in the order they first come."""
        return [character for character in dict.fromkeys(" ".join(text.split())) if not self._can_draw(character, bold)]

    def _can_draw(self, character: str, bold: bool) -> bool:
        # Asked for every character of every claim at each build: a site uses few distinct ones.
        key = (character, bold)
        found = self._drawable.get(key)
        if found is None:
            found = self._drawable[key] = self.first_having(character, bold) is not None
        return found

    def advice(self, characters: list[str]) -> str:
        """What to install for these characters to be drawn."""
        wanted = [typeface for typeface in self.absent if any(typeface.is_for(c) for c in characters)]
        if wanted:
            return "install " + " and ".join(f"{t.name} (Debian and Ubuntu: apt-get install {t.package})" for t in wanted) \
                + "; see README.md, Share cards"
        return "no font the cards know has them (see README.md, Share cards): they show as empty boxes"

    def key(self) -> bytes:
        """What identifies these fonts, for the card cache: the files and faces, and each file's size and time."""
        if "key" in self._maps:
            return self._maps["key"]
        digest = hashlib.sha256()
        for typeface in self.typefaces:
            for path in (typeface.regular, typeface.bold):
                stat = path.stat()
                digest.update(f"{path}\0{typeface.index}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        key = self._maps["key"] = digest.digest()
        return key


def _join(runs: list[tuple[int, str]], font: int, text: str) -> None:
    """Add `text` in `font` to the end of `runs`: to the last run when it is in the same font."""
    if runs and runs[-1][0] == font:
        runs[-1] = (font, runs[-1][1] + text)
    else:
        runs.append((font, text))


def card_fonts(language: str) -> CardFonts:
    """The fonts this machine has for cards of a site in `language`: the shipped ones, then the system's."""
    found = [(typeface, typeface.found(language)) for typeface in SYSTEM_TYPEFACES]
    return CardFonts(SHIPPED_TYPEFACES + tuple(face for _, face in found if face is not None),
                     tuple(typeface for typeface, face in found if face is None))
