"""Where words and sentences end, in every script.

Chinese, Japanese, Thai, Lao, Khmer and Burmese are written without spaces between words, so
what a space or `\\w` tells of a word in French tells nothing there. Such text is segmented by
ICU's word and sentence breakers (dictionary-based for these scripts), through `icu4py`; text
in other scripts keeps the rules the engine has always used. A text is segmented only when it
holds a character of those scripts, once, when first asked.

ICU counts positions in UTF-16 code units; everything here is in code points, as Python
strings and the selectors' offsets are.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

from icu4py.breakers import SentenceBreaker, WordBreaker

# The scripts written without spaces between words, by Unicode block (blocks of one script).
# Han, Hiragana and Katakana are one kind: a Japanese word mixes them (住んで), and ICU's
# dictionary segments them together.
_BLOCKS: list[tuple[int, int, str]] = sorted([
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x1000, 0x109F, "myanmar"), (0xA9E0, 0xA9FF, "myanmar"), (0xAA60, 0xAA7F, "myanmar"),
    (0x1780, 0x17FF, "khmer"), (0x19E0, 0x19FF, "khmer"),
    (0x2E80, 0x2FDF, "cj"),  # CJK and Kangxi radicals
    (0x3005, 0x3007, "cj"),  # 々 〆 〇
    (0x3021, 0x3029, "cj"), (0x3031, 0x3035, "cj"), (0x3038, 0x303B, "cj"),  # Hangzhou numerals, kana repeat marks
    (0x3041, 0x30FF, "cj"),  # Hiragana, Katakana (with ー)
    (0x3100, 0x312F, "cj"), (0x31A0, 0x31BF, "cj"),  # Bopomofo
    (0x31F0, 0x31FF, "cj"),  # Katakana phonetic extensions
    (0x3400, 0x4DBF, "cj"), (0x4E00, 0x9FFF, "cj"),  # CJK unified ideographs
    (0xF900, 0xFAFF, "cj"),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F, "cj"),  # halfwidth Katakana
    (0x1AFF0, 0x1B16F, "cj"),  # kana supplements
    (0x20000, 0x2FA1F, "cj"), (0x30000, 0x323AF, "cj"),  # CJK extensions B–H
])
_STARTS = [start for start, _, _ in _BLOCKS]
# The same characters as a regular-expression set, for patterns (`re` knows no scripts).
WITHOUT_SPACES = "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end, _ in _BLOCKS)
_ANY_WITHOUT_SPACES = re.compile(f"[{WITHOUT_SPACES}]")

# Sentence-final marks of scripts whose sentences do not end in ". " before a capital: CJK
# full stops, question and exclamation marks (fullwidth and halfwidth), the Devanagari danda
# and double danda, the Arabic question mark and full stop, the Armenian full stop, the
# Ethiopic full stop and question mark, the Myanmar section marks (each a sentence end in Unicode).
SCRIPT_SENTENCE_ENDS = "。．！？｡।॥؟۔։።፧၊။"
_SCRIPT_SENTENCE_END = re.compile(f"[{SCRIPT_SENTENCE_ENDS}]")
# What follows such a mark within its sentence: closing quotes and brackets.
_CLOSING = {"Pe", "Pf"}
# What ICU may put between the mark and its break: those, spaces and line breaks, and opening quotes
# and brackets (UAX 29 counts them with the sentence before; they open the next one).
_BETWEEN_MARK_AND_BREAK = _CLOSING | {"Ps", "Pi", "Zs", "Zl", "Zp", "Cc"}


def script_without_spaces(character: str) -> str | None:
    """The kind of script written without spaces the character belongs to ("cj" for Chinese and
    Japanese, "thai", "lao", "khmer", "myanmar"), or None."""
    code = ord(character)
    index = bisect.bisect_right(_STARTS, code) - 1
    if index >= 0 and code <= _BLOCKS[index][1]:
        return _BLOCKS[index][2]
    return None


def has_script_without_spaces(text: str) -> bool:
    return _ANY_WITHOUT_SPACES.search(text) is not None


def _locale(language: str | None) -> str:
    """ICU's locale name for a BCP 47 tag ("zh-Hans" → "zh_Hans"); the root locale when unknown."""
    return (language or "und").replace("-", "_")


def _code_points(text: str, offsets: list[int]) -> list[int]:
    """UTF-16 offsets (ICU's) as code point offsets in `text`."""
    astral = [index for index, character in enumerate(text) if ord(character) > 0xFFFF]
    if not astral:
        return offsets
    # The UTF-16 offset of each astral character: its code point offset plus those before it.
    at = [index + number for number, index in enumerate(astral)]
    return [offset - bisect.bisect_left(at, offset) for offset in offsets]


def _breaks(breaker: type, text: str, language: str | None) -> list[int]:
    """The positions where `breaker` segments `text`, from 0 to len(text), in code points."""
    # A lone surrogate (possible in a YAML escape) cannot reach ICU: one "?" in its place keeps every offset.
    readable = text.encode("utf-8", "replace").decode("utf-8")
    ends = [end for _, end in breaker(readable, _locale(language)).segments()]
    return [0, *_code_points(text, ends)] if text else [0]


class WordBoundaries:
    """The word boundaries of one text by ICU's word breaker, found the first time one is asked for."""

    def __init__(self, text: str, language: str | None = None):
        self.text = text
        self.language = language

    @functools.cached_property
    def _flags(self) -> bytearray:
        flags = bytearray(len(self.text) + 1)
        for position in _breaks(WordBreaker, self.text, self.language):
            flags[position] = 1
        return flags

    def at(self, position: int) -> bool:
        return bool(self._flags[position])


def is_word_edge(text: str, position: int, boundaries: WordBoundaries) -> bool:
    """Whether a whole word may start or end at `position`, where a character of a script written
    without spaces is on at least one side: at either end of the text, between two different
    scripts (工信部 in "BT与工信部", BT in "BT公司") or beside a character of no such script (a
    space, punctuation), and within one such script where ICU's dictionary puts a word boundary
    (工信部 in "据工信部消息", not in "工信部长", where 部长 is a word)."""
    if position <= 0 or position >= len(text):
        return True
    before, after = script_without_spaces(text[position - 1]), script_without_spaces(text[position])
    return before != after or boundaries.at(position)


def spaced(text: str, language: str | None = None, joiner: str = "\u200b") -> str:
    """`text` with `joiner` between the words of its scripts written without spaces (at each of
    ICU's word boundaries that touches such a character, and no whitespace or joiner already there);
    other text unchanged."""
    if not has_script_without_spaces(text):
        return text
    pieces, last = [], 0
    for position in _breaks(WordBreaker, text, language)[1:-1]:
        before, after = text[position - 1], text[position]
        if (script_without_spaces(before) or script_without_spaces(after)) and not (
                before.isspace() or after.isspace() or joiner in (before, after)):
            pieces += [text[last:position], joiner]
            last = position
    return "".join(pieces) + text[last:]


def script_sentence_ends(text: str, language: str | None = None) -> list[int]:
    """Where a sentence ends at its own script's mark (。！？।؟։። …, see SCRIPT_SENTENCE_ENDS): where
    ICU's sentence breaker breaks after such a mark, right after the mark and the closing quotes or
    brackets that follow it ("他说：“好。”" is one sentence; in "晴れ。「明日", 「 opens the next).
    ICU's breaks after "." are not taken: it also breaks after abbreviations such as "M." in French,
    and inside « Non. », where the engine's own rule does not."""
    if not _SCRIPT_SENTENCE_END.search(text):
        return []
    ends = []
    for position in _breaks(SentenceBreaker, text, language)[1:-1]:
        mark = position
        while mark > 0 and unicodedata.category(text[mark - 1]) in _BETWEEN_MARK_AND_BREAK:
            mark -= 1
        if mark > 0 and text[mark - 1] in SCRIPT_SENTENCE_ENDS:
            end = mark
            while end < position and unicodedata.category(text[end]) in _CLOSING:
                end += 1
            ends.append(end)
    return ends


def letters_without_spaces(text: str) -> int:
    """How many letters and digits of scripts written without spaces `text` holds (vowel signs and
    tone marks, which combine with a letter, are not counted)."""
    return sum(1 for character in text
               if script_without_spaces(character) and unicodedata.category(character)[0] in "LN")


def words_with_spaces(text: str) -> int:
    """How many space-separated words `text` holds, not counting those made only of characters of
    scripts written without spaces and punctuation (those are counted by `letters_without_spaces`)."""
    return sum(1 for chunk in text.split()
               if not (has_script_without_spaces(chunk)
                       and all(script_without_spaces(c) or not c.isalnum() for c in chunk)))
