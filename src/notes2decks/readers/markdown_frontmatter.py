"""YAML front matter of Markdown notes: the block between a first line `---` and the next `---`.

The YAML is loaded with PyYAML's safe loader (never building Python objects or running code)
and, on top of that, with aliases refused, so that a few lines cannot expand into gigabytes.
Known keys are checked for their type; wrong types are either read the obvious way with a
warning or refused with an error at the offending line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import ReadContext

KNOWN_KEYS = ("title", "deck", "subject", "tags", "author", "glossary")

_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

_AUTO = frozenset({"auto", "yes", "true", "on"})
_NOT_AUTO = frozenset({"explicit", "no", "false", "off", "none", ""})


@dataclass(slots=True)
class FrontMatter:
    """What the front matter says, already checked."""

    title: str = ""
    deck: str = ""
    subject: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    auto_glossary: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def split_front_matter(text: str, context: ReadContext) -> tuple[str | None, str]:
    """Split the text into its front matter's YAML (None when there is none) and the Markdown.

    The Markdown keeps one empty line for each line of front matter, so that the parser's line
    numbers stay those of the file.
    """
    if not _OPENING.match(text):
        return None, text
    body_start = text.find("\n") + 1
    if body_start == 0:
        raise context.error(1, _UNCLOSED)
    closing = _CLOSING.search(text, body_start)
    if closing is None:
        raise context.error(1, _UNCLOSED)
    yaml_text = text[body_start : closing.start()]
    after = closing.end() + 1
    return yaml_text, "\n" * text.count("\n", 0, after) + text[after:]


_UNCLOSED = (
    "the front matter that starts with --- on line 1 is never closed: end it with a line "
    "holding only ---. (For a horizontal rule at the very top, put a line of text before it.)"
)


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing aliases: front matter never needs them, and nested aliases
    are the "billion laughs" that would expand into an enormous value."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed in front matter; write the value out",
                event.start_mark,
            )
        node: Node | None = super().compose_node(parent, index)
        return node


def read_front_matter(source: str, context: ReadContext) -> FrontMatter:
    """Load and check front matter YAML that starts on line 2 of the file."""
    loader = _Loader(source)
    try:
        try:
            root = loader.get_single_node()
            if root is None:
                return FrontMatter()
            if not isinstance(root, MappingNode):
                raise context.error(
                    _line(root),
                    "the front matter must be 'key: value' lines, such as 'title: My topic'",
                )
            return _read_mapping(loader, root, context)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 2 if mark is not None else 1
            problem = exc.problem or exc.context or "it is not valid YAML"
            if "mapping values are not allowed" in problem:
                problem = (
                    "a value that holds ': ' must be in quotes, such as "
                    'title: "Stalin: the rise to power"'
                )
            elif "constructor for the tag" in problem:
                problem = (
                    "it uses a YAML tag that notes may not use (such as !!python/object); "
                    "write plain text, numbers and lists"
                )
            raise context.error(line, f"front matter: {problem}") from None
        except yaml.YAMLError as exc:
            raise context.error(1, f"front matter is not valid YAML: {exc}") from None
        except RecursionError:
            raise context.error(1, "front matter is nested too deeply") from None
    finally:
        loader.dispose()


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 2


def _read_mapping(loader: _Loader, root: MappingNode, context: ReadContext) -> FrontMatter:
    result = FrontMatter()
    seen: dict[str, int] = {}
    for key_node, value_node in root.value:
        if not isinstance(key_node, ScalarNode):
            raise context.error(_line(key_node), "a front matter key must be a plain name")
        _construct(loader, key_node, context)
        name = str(key_node.value).strip()
        key = name.casefold()
        line = _line(key_node)
        value = _construct(loader, value_node, context)
        if key in seen:
            context.warning(
                line,
                f"front matter: {name!r} is given twice (lines {seen[key]} and {line}); "
                "the last one is used",
            )
        seen[key] = line
        if key in ("title", "deck", "subject"):
            setattr(result, key, _text(name, value_node, value, context, lists=False))
        elif key == "author":
            result.author = _text(name, value_node, value, context, lists=True)
        elif key == "tags":
            result.tags = _tags(value_node, value, context)
        elif key == "glossary":
            result.auto_glossary = _glossary(value_node, value, context)
        else:
            hint = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            context.warning(
                line,
                f"front matter: unknown key {name!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + f"; the known keys are {', '.join(KNOWN_KEYS)}. It is kept as extra data",
            )
            result.extra[name] = _as_string(value_node, value)
    return result


def _construct(loader: _Loader, node: Node, context: ReadContext) -> Any:
    """Build the value of a node with the safe constructors, as yaml.safe_load would."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        # A well-formed but impossible value, such as the date 2024-02-30.
        raise context.error(_line(node), f"front matter: cannot read this value: {exc}") from None


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _text(name: str, node: Node, value: Any, context: ReadContext, *, lists: bool) -> str:
    """A one-line text value; scalars are read as written (`title: 1984` is "1984")."""
    if value is None:
        context.warning(_line(node), f"front matter: {name!r} is empty and was ignored")
        return ""
    if isinstance(node, ScalarNode):
        return _collapse(str(node.value))
    if (
        lists
        and isinstance(node, SequenceNode)
        and all(isinstance(item, ScalarNode) for item in node.value)
    ):
        return ", ".join(_collapse(str(item.value)) for item in node.value if item.value)
    kind = "a list" if isinstance(node, SequenceNode) else "a set of keys"
    raise context.error(
        _line(node),
        f"front matter: {name!r} must be one line of text, not {kind}: write '{name}: ...'",
    )


def _tags(node: Node, value: Any, context: ReadContext) -> tuple[str, ...]:
    """Tags: a YAML list, or one text with the tags separated by commas (or else spaces)."""
    if value is None:
        return ()
    if isinstance(node, ScalarNode):
        written = str(node.value)
        if not isinstance(value, str):
            context.warning(
                _line(node),
                f"front matter: tags should be a list such as 'tags: [russia, stalin]'; "
                f"{written!r} was read as one tag",
            )
            return clean_tags([written])
        parts = written.split(",") if "," in written else written.split()
        return clean_tags(parts)
    if isinstance(node, SequenceNode):
        words: list[str] = []
        for item in node.value:
            if not isinstance(item, ScalarNode):
                raise context.error(
                    _line(item), "front matter: each tag must be a word or phrase, not a list"
                )
            words.append(str(item.value))
        return clean_tags(words)
    raise context.error(
        _line(node), "front matter: tags must be a list such as 'tags: [russia, stalin]'"
    )


def _glossary(node: Node, value: Any, context: ReadContext) -> bool:
    if value is True or (isinstance(value, str) and value.strip().casefold() in _AUTO):
        return True
    if value is None or value is False:
        return False
    if isinstance(value, str) and value.strip().casefold() in _NOT_AUTO:
        return False
    context.warning(
        _line(node),
        "front matter: 'glossary' takes 'auto' (extract key terms from the text); "
        f"{_as_string(node, value)!r} was ignored",
    )
    return False


def _as_string(node: Node, value: Any) -> str:
    """Any value as text: scalars as written, lists and mappings in YAML's one-line form."""
    if isinstance(node, ScalarNode):
        return "" if value is None else str(node.value)
    dumped: str = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=2**31
    )
    return dumped.strip()


def clean_tag(raw: str) -> str:
    """A tag as Anki wants it: no spaces (they become `_`), `::` kept for hierarchy."""
    tag = raw.strip().lstrip("#").strip()
    return re.sub(r"\s+", "_", tag.replace('"', ""))


def clean_tags(raws: list[str]) -> tuple[str, ...]:
    """Cleaned tags without empties and without repeats (Anki tags ignore case)."""
    seen: set[str] = set()
    tags: list[str] = []
    for raw in raws:
        tag = clean_tag(raw)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)
