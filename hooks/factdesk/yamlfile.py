"""Safe YAML loading that remembers where every field is.

Only plain data is accepted: no Python tags, no anchors or aliases (they are
how "billion laughs" documents blow up), no duplicate keys. Dates stay strings
so that the JSON Schemas can check them. Every value keeps its line and column
so that a problem is reported where the editor must fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from .boundary import MAX_YAML_BYTES, OutsideBoundary, read_bytes

JsonPath = tuple[Union[str, int], ...]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# The plain data of JSON; any other tag (!!binary, !!set, !!timestamp, !!python/…) is refused.
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "str", "seq", "map")}
# Deeper than any real file; stops recursion long before Python's limit.
MAX_DEPTH = 32


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, minus implicit timestamps (dates stay ISO strings) and every non-JSON type."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }
    # None is PyYAML's fallback for unknown tags: it raises "could not determine a constructor".
    yaml_constructors = {tag: constructor for tag, constructor in _BaseLoader.yaml_constructors.items()
                         if tag in _PLAIN_TAGS or tag is None}


@dataclass
class YamlDocument:
    """A parsed file: its data and the (line, column) of each field, both 1-based."""

    path: str
    data: Any
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: JsonPath) -> tuple[int, int]:
        """Where `path` is, or its nearest enclosing field that exists."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


class YamlFileError(Exception):
    def __init__(self, path: str, line: int, column: int, message: str):
        self.path, self.line, self.column, self.message = path, line, column, message
        super().__init__(f"{path}:{line}:{column}: {message}")


def read_text(path: Path, display_path: str, root: Path) -> str:
    """Decode UTF-8 (a byte-order mark is dropped), reporting where invalid bytes are.

    Only a regular file inside `root`, reached without symbolic links, is read."""
    try:
        raw = read_bytes(path, root, MAX_YAML_BYTES)
    except OutsideBoundary as exc:
        raise YamlFileError(display_path, 1, 1, f"{display_path} {exc}") from None
    except OSError as exc:
        raise YamlFileError(display_path, 1, 1, f"{display_path} cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlFileError(
            display_path, line, column,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it with UTF-8 encoding",
        ) from None
    return text.replace("\r\n", "\n")


def load_yaml(path: Path, display_path: str, root: Path | None = None) -> YamlDocument:
    """Parse a repository file; `display_path` is its path from the root (the root, if not given, is where it starts)."""
    if root is None:
        root = path.parents[len(Path(display_path).parts) - 1]
    return parse_yaml(read_text(path, display_path, root), display_path)


def parse_yaml(text: str, display_path: str) -> YamlDocument:
    """Parse YAML text; `display_path` is the name problems are reported under."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise YamlFileError(display_path, 1, 1, "the file is empty; it must hold a YAML mapping of fields")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlFileError(display_path, 1, 1, "the file is empty; it must hold a YAML mapping of fields")
        positions: dict[JsonPath, tuple[int, int]] = {}
        _index(node, (), positions, set(), display_path)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        unclosed = _unclosed_quote(text)
        if unclosed is not None:
            raise YamlFileError(display_path, *unclosed) from None
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in problem:
            problem = f"values are nested more than {MAX_DEPTH} levels deep; no field needs that"
        if "could not determine a constructor" in str(exc):
            problem = f"YAML tags such as {_tag_of(exc)} are not allowed; write plain text, numbers, lists and mappings"
        raise YamlFileError(display_path, line, column, f"YAML syntax: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a raw control character: placed by its offset in the text
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise YamlFileError(display_path, line, column, f"the control character {_describe_character(exc.character)} "
                            "is not allowed in the file; remove it") from None
    except yaml.YAMLError as exc:  # errors without a position
        raise YamlFileError(display_path, 1, 1, f"YAML syntax: {exc}") from None
    finally:
        loader.dispose()
    return YamlDocument(display_path, data, positions)


def _plain_key(value: str) -> Any:
    """A key such as `1` or `true` as the loader constructs it, so that its position is found."""
    try:
        return yaml.load(value, Loader=_Loader)
    except yaml.YAMLError:
        return value


def _describe_character(character: str | int) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X}"


def _unclosed_quote(text: str) -> tuple[int, int, str] | None:
    """A quoted text left open runs on to the next quote mark, and the error shows up lines later:
    point at the line where it was opened instead."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') \
                    and token.end_mark.line > token.start_mark.line \
                    and re.search(r"\n\s*[\w-]+:\s", text[token.start_mark.index:token.end_mark.index]):
                mark = token.start_mark
                return (mark.line + 1, mark.column + 1,
                        f"YAML syntax: the quoted text opened here ({token.style}) is not closed on its line; "
                        "add the closing quote")
    except yaml.MarkedYAMLError as exc:
        if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
            mark = exc.context_mark
            return (mark.line + 1, mark.column + 1,
                    "YAML syntax: the quoted text opened here is never closed; add the closing quote")
    except yaml.YAMLError:
        pass
    return None


def _tag_of(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    start = problem.find("'")
    tag = problem[start:] if start >= 0 else "this one"
    return tag.replace("tag:yaml.org,2002:", "!!")


def _index(
    node: yaml.Node, path: JsonPath, positions: dict[JsonPath, tuple[int, int]],
    seen: set[int], display_path: str,
) -> None:
    if len(path) > MAX_DEPTH:
        mark = node.start_mark
        raise YamlFileError(display_path, mark.line + 1, mark.column + 1,
                            f"values are nested more than {MAX_DEPTH} levels deep; no field needs that")
    if id(node) in seen:
        mark = node.start_mark
        raise YamlFileError(
            display_path, mark.line + 1, mark.column + 1,
            "YAML anchors and aliases (&name, *name) are not allowed; write each value out in full",
        )
    seen.add(id(node))
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                mark = key_node.start_mark
                raise YamlFileError(display_path, mark.line + 1, mark.column + 1, "keys must be plain words")
            if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                mark = key_node.start_mark
                raise YamlFileError(display_path, mark.line + 1, mark.column + 1, "YAML merge keys (<<) are not allowed")
            key = key_node.value if key_node.tag == "tag:yaml.org,2002:str" else _plain_key(key_node.value)
            if key in keys:
                mark = key_node.start_mark
                raise YamlFileError(
                    display_path, mark.line + 1, mark.column + 1,
                    f"duplicate key {key!r}; keep one of them",
                )
            keys.add(key)
            # A field is reported at its key, where the editor sees its name.
            positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _index(value_node, path + (key,), positions, seen, display_path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, path + (index,), positions, seen, display_path)
