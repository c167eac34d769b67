"""JSON Schema validation of a parsed YAML file, with problems placed at the offending field."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .boundary import OutsideBoundary, read_bytes

from .markdown_limits import markdown_problem
from .problems import MAX_PROBLEMS_PER_FILE, Problem, field_name
from .yamlfile import JsonPath, YamlDocument


if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

MAX_SCHEMA_BYTES = 256 * 1024


class SchemaUnusable(Exception):
    """A schema file that cannot be read or parsed; the message names it."""


def _display(schema_path: Path, root: Path) -> str:
    return schema_path.relative_to(root).as_posix() if schema_path.is_relative_to(root) else str(schema_path)


@dataclass(frozen=True)
class Schema:
    """A schema file as read once for a whole load (every file of a kind is checked against the same
    bytes, and a long-running preview reads it again at its next load): its content, or why it is unusable."""

    display: str
    content: bytes | None = None
    unusable: str | None = None

    @cached_property
    def digest(self) -> bytes:
        """The content's sha256, computed once: every file of the kind is keyed by it."""
        return hashlib.sha256(self.content or b"").digest()


def read_schema(schema_path: Path, root: Path) -> Schema:
    display = _display(schema_path, root)
    try:
        return Schema(display, read_bytes(schema_path, root, MAX_SCHEMA_BYTES))
    except OutsideBoundary as exc:
        return Schema(display, unusable=f"the schema {display} {exc}")
    except OSError as exc:
        return Schema(display, unusable=f"the schema {display} cannot be used ({exc}); restore it from the repository")


@lru_cache(maxsize=None)
def _validator_class() -> type[Draft202012Validator]:
    # Imported when a file is first checked: with every file in the cache, validation never needs it.
    from jsonschema import Draft202012Validator, validators

    # JSON Schema counts 3210.0 as an integer; an offset or a rank written that way is a mistake, not a whole number.
    return validators.extend(Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)))


@lru_cache(maxsize=32)
def compiled(schema: bytes, display: str) -> Draft202012Validator:
    # The schemas themselves are checked against the meta-schema by the test suite, not on every build.
    from jsonschema import Draft202012Validator

    try:
        return _validator_class()(json.loads(schema.decode("utf-8")), format_checker=Draft202012Validator.FORMAT_CHECKER)
    except ValueError as exc:
        raise SchemaUnusable(f"the schema {display} cannot be used ({exc}); restore it from the repository") from None


# Text that `factcheck new` leaves for the editor to replace.
PLACEHOLDER = "TODO"
# Invisible characters that reorder how text displays ("Trojan Source"): never needed in metadata.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters other than tab and line break: escape codes, NUL, bell… never text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A field name is one line: a line break in it could forge lines of a report.
KEY_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
# Characters per field: Markdown fields hold the reasoning, the others a sentence or a paragraph.
# Rendering costs at most about 20 µs a character (runs of "[![" are the slowest), so the longest
# field renders in a fifth of a second.
MARKDOWN_FIELDS = {("notes",), ("about",), ("assessment", "summary")}
MAX_MARKDOWN_CHARS = 10_000
MAX_TEXT_CHARS = 5_000
# Every field rendered as Markdown (site.yml's and a reply's are held to the shorter limit): their tables are
# limited too. In a list, "*" stands for any item's index.
RENDERED_AS_MARKDOWN = MARKDOWN_FIELDS | {("publisher", "description"), ("funding",), ("corrections", "policy"),
                                          ("corrections", "how_to_ask"), ("introduction",), ("right_of_reply", "*", "reply")}


def _shape(path: JsonPath) -> JsonPath:
    """The path with list indexes as "*", as the field sets above name fields inside lists."""
    return tuple("*" if isinstance(part, int) else part for part in path)


# Items in any one list: checking an item against the schema costs about 30 µs, and a 256 KiB file
# can hold 87,000 of them. No list of the real content comes near (a claim's evidence is a handful).
MAX_LIST_ITEMS = 1_000


def _long_lists(value: Any, path: JsonPath = ()):
    """The path and length of each list in a parsed file longer than MAX_LIST_ITEMS."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _long_lists(item, path + (key,))
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            yield path, len(value)
        for index, item in enumerate(value):
            yield from _long_lists(item, path + (index,))


def _limit(path: JsonPath) -> int:
    return MAX_MARKDOWN_CHARS if path in MARKDOWN_FIELDS else MAX_TEXT_CHARS


def text_values(value: Any, path: JsonPath = ()):
    """Every text value in a parsed file, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from text_values(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from text_values(item, path + (index,))


def _keys(value: Any, path: JsonPath = ()):
    """Every field name in a parsed file, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), key
            yield from _keys(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _keys(item, path + (index,))


def _control_character(value: str, what: str, pattern: re.Pattern = CONTROL_CHARACTERS,
                       allowed: str = "only tabs and line breaks are allowed in text") -> str | None:
    control = pattern.search(value)
    if control is None:
        return None
    return f"{what} contains the control character U+{ord(control.group()):04X} at character {control.start() + 1}; remove it ({allowed})"


def check(document: YamlDocument, schema: Draft202012Validator) -> list[Problem]:
    if not isinstance(document.data, dict):
        return [Problem(document.path, 1, 1, "(file)", "the file must hold a mapping of fields (name: value)")]
    problems = []
    placeholders = set()
    refused = set()  # fields already reported: a schema message on top would only repeat them
    for path, key in _keys(document.data):
        message = _control_character(str(key), "the field name", KEY_CONTROL_CHARACTERS,
                                     "a field name is one line of plain words") if isinstance(key, str) else None
        if message:
            line, column = document.position(path)
            problems.append(Problem(document.path, line, column, field_name(path[:-1] + (repr(key)[1:-1],)), message))
            refused.add(path[:-1])
    for path, value in text_values(document.data):
        line, column = document.position(path)
        message = _control_character(value, "the text")
        if message is None and len(value) > _limit(path):
            message = (f"is {len(value):,} characters long, more than the limit of {_limit(path):,}; "
                       "shorten it or move detail to the evidence")
        if message is None and _shape(path) in RENDERED_AS_MARKDOWN:
            message = markdown_problem(value)
        if message:
            problems.append(Problem(document.path, line, column, field_name(path), message))
            refused.add(path)
            continue
        if value.lstrip().startswith(PLACEHOLDER):
            placeholders.add(path)
            problems.append(Problem(document.path, line, column, field_name(path), "still holds the placeholder text; fill it in"))
        control = BIDI_CONTROLS.search(value)
        if control:
            problems.append(Problem(
                document.path, line, column, field_name(path),
                f"contains the invisible bidirectional control U+{ord(control.group()):04X} at character {control.start() + 1}, "
                "which makes text display differently from what it says; remove it",
            ))
    long_lists = list(_long_lists(document.data))
    for path, length in long_lists:
        line, column = document.position(path)
        problems.append(Problem(document.path, line, column, field_name(path),
                                f"has {length:,} items, more than the limit of {MAX_LIST_ITEMS:,}; shorten the list"))
    if long_lists:
        return list(dict.fromkeys(problems))  # the rest is checked once the lists are within the limit
    for error in schema.iter_errors(document.data):
        if len(problems) > MAX_PROBLEMS_PER_FILE:
            break  # more than are listed (`problems.at_most_per_file`): the rest are not looked for
        if tuple(error.absolute_path) in placeholders | refused:
            continue  # already reported
        for path, message in _explain(error):
            line, column = document.position(path)
            problems.append(Problem(document.path, line, column, field_name(path), message))
    # jsonschema reports each missing field in its own error, each naming them all: say each once.
    return list(dict.fromkeys(problems))


def _explain(error: ValidationError) -> list[tuple[JsonPath, str]]:
    """Turn one schema error into (field path, message) pairs an editor can act on."""
    path: JsonPath = tuple(error.absolute_path)
    instance: Any = error.instance
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in instance]
        return [(path + (name,), "required field is missing; add it") for name in missing]
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [name for name in instance if name not in error.schema.get("properties", {})]
        return [
            (path + (name,), f"unknown field; allowed fields are: {', '.join(allowed)}")
            for name in extra
        ]
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(map(_article, expected)) if isinstance(expected, list) else _article(expected)
        return [(path, f"expected {expected}, found {_describe(instance)}")]
    if error.validator == "pattern":
        hint = _PATTERN_HINTS.get(error.validator_value, f"does not match the pattern {error.validator_value}")
        return [(path, f"{instance!r} {hint}")]
    if error.validator == "format":
        return [(path, f"{instance!r} is not a valid {error.validator_value} (use YYYY-MM-DD)")]
    if error.validator == "enum":
        return [(path, f"{instance!r} is not allowed; use one of: {', '.join(map(str, error.validator_value))}")]
    if error.validator == "minItems":
        return [(path, f"needs at least {error.validator_value} item{'s' if error.validator_value != 1 else ''}")]
    if error.validator == "maxItems":
        hint = _MAX_ITEMS_HINTS.get(path[-1] if path else "", "shorten the list")
        return [(path, f"has {len(instance):,} items, more than the limit of {error.validator_value:,}; {hint}")]
    if error.validator == "minLength":
        return [(path, "must not be empty")]
    if error.validator == "anyOf" and error.context:
        # Report the most specific alternative's complaint.
        best = max(error.context, key=lambda sub: len(sub.absolute_path))
        return _explain(best)
    return [(path, error.message)]


_MAX_ITEMS_HINTS = {
    "not_checked": "set aside neighbouring sentences together, in one passage",
}

_PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "is not a valid id: use lower-case letters, digits and single hyphens",
    "\\S": "must not be blank",
    "\\{verdict\\}": "has no {verdict}: put {verdict} where the card shows the verdict's label",
    "\\{count\\}": "has no {count}: put {count} where the card shows the number of claims checked",
    "^https?://[^\\s/$.?#][^\\s]*$": "is not a web address: use a full http:// or https:// URL",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "is not a date: use YYYY-MM-DD",
    "^[0-9a-f]{64}$": "is not a sha256: 64 lower-case hexadecimal digits",
    "^#[0-9a-fA-F]{6}$": "is not a colour: use #rrggbb",
    "^Q[0-9]+$": "is not a Wikidata id such as Q12345",
    # site.yml: what the theme writes into every page's <title>, header and links holds no markup.
    '^[^<>"]*$': 'contains < > or ", which a page would read as markup; leave them out (quote with “ ” or « »)',
    '^$|^https?://[^\\s/$.?#<>"][^\\s<>"]*$': ('is not a web address: use a full http:// or https:// URL, without spaces, '
                                            '< > or ", or leave it empty'),
    '^$|^[^\\s@<>"]+@[^\\s@<>"]+\\.[^\\s@<>"]+$': 'is not an e-mail address: use name@domain, or leave it empty',
    "^[A-Za-z0-9][A-Za-z0-9._/+-]*$": "is not a branch name: use letters, digits and . _ / + - (as git names it)",
}


def _article(word: str) -> str:
    return {"object": "a mapping of fields", "array": "a list", "string": "text", "integer": "a whole number",
            "null": "nothing (null)", "boolean": "true or false"}.get(word, word)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    return f"text ({value!r})"


def load_checked(
    path: Path, display_path: str, schema: Schema, root: Path, expect_id: str | None = None,
) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse a YAML file inside `root` and check it against its schema; the document is None if unusable.

    With `expect_id`, the file's `id` must equal it (the file name), so ids stay findable."""
    from .checkcache import CheckedFileCache
    from .yamlfile import YamlFileError, parse_yaml, read_text

    try:
        text = read_text(path, display_path, root)
    except YamlFileError as exc:
        return None, [Problem(exc.path, exc.line, exc.column, "(file)", exc.message)]
    if schema.content is None:
        return None, [Problem(display_path, 1, 1, "(file)", f"cannot be checked: {schema.unusable}")]
    content = schema.content

    def parse_and_check() -> tuple[YamlDocument | None, list[Problem]]:
        try:
            document = parse_yaml(text, display_path)
        except YamlFileError as exc:
            return None, [Problem(exc.path, exc.line, exc.column, "(file)", exc.message)]
        try:
            problems = check(document, compiled(content, schema.display))
        except SchemaUnusable as exc:
            return None, [Problem(display_path, 1, 1, "(file)", f"cannot be checked: {exc}")]
        if not problems and expect_id is not None and document.data["id"] != expect_id:
            line, column = document.position(("id",))
            found = document.data["id"]
            problems.append(Problem(display_path, line, column, "id",
                                    f"id {found!r} differs from the file name; rename the file to {found}.yml or fix the id"))
        return (None if problems else document), problems

    # Unchanged files (same text, same schema, same engine) are not parsed and checked again.
    return CheckedFileCache(root).outcome(text, display_path, schema.digest, expect_id, parse_and_check)
