"""YAML front matter of Markdown notes: the block between a first line `---` and the next `---`.

It is loaded with PyYAML's safe loader (libyaml's, when PyYAML has it) and checked key by key,
with warnings and errors at the offending line of the notes file. The safe loader never builds
Python objects or runs code, and aliases are refused on top of it, so that a few lines cannot
expand into gigabytes (the "billion laughs").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import ReadContext
from . import plugins

KNOWN_KEYS = ("title", "deck", "subject", "tags", "author", "glossary")

_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

_GLOSSARY_AUTO = frozenset({"auto", "yes", "true", "on"})
_GLOSSARY_NOT_AUTO = frozenset({"explicit", "no", "false", "off", "none", ""})

# libyaml's loader when PyYAML was built with it: the same documents, read in C.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the front matter says, already checked."""

    title: str = ""
    """The deck's title, overriding the `#` title."""
    deck: str = ""
    """The Anki deck path, `A::B`."""
    subject: str = ""
    """The subject, for the printed cards."""
    author: str = ""
    """Who wrote the notes."""
    tags: tuple[str, ...] = ()
    """Tags for every card."""
    auto_glossary: bool = False
    """True when key terms are to be found in the text (`glossary: auto`)."""
    extra: dict[str, str] = field(default_factory=dict)
    """Unknown keys, kept as text."""


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


def read_front_matter(source: str, context: ReadContext) -> FrontMatter:
    """Load and check front matter YAML that starts on line 2 of the file."""
    loader = _Loader(source)
    try:
        try:
            if "*" in source:
                _refuse_aliases(source, context)
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
            # libyaml says "did not find expected ..." where PyYAML's own loader says "expected
            # ...": the same message whichever loader PyYAML was built with.
            problem = problem.removeprefix("did not find ")
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


def _refuse_aliases(source: str, context: ReadContext) -> None:
    """Refuse front matter with an alias (`*name`): front matter never needs one."""
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 2 if event.start_mark is not None else 1
            raise context.error(
                line,
                "front matter: aliases (*name) are not allowed in front matter; write the "
                "value out",
            )


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 2


def _read_mapping(loader: yaml.SafeLoader, root: MappingNode, context: ReadContext) -> FrontMatter:
    known: dict[str, Any] = {}
    extra: dict[str, str] = {}
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
            known[key] = _text(name, value_node, value, context, lists=False)
        elif key == "author":
            known[key] = _text(name, value_node, value, context, lists=True)
        elif key == "tags":
            known[key] = _tags(value_node, value, context)
        elif key == "glossary":
            known["auto_glossary"] = _glossary(value_node, value, context)
        elif key in plugins.FRONT_MATTER_KEYS:
            # Obsidian flashcard plugins' settings: see plugins.py.
            written = _as_string(value_node, value)
            extra[name] = plugins.check_front_matter(name, written, line, context)
        else:
            hint = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            context.warning(
                line,
                f"front matter: unknown key {name!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + f"; the known keys are {', '.join(KNOWN_KEYS)}. It is kept as extra data",
            )
            extra[name] = _as_string(value_node, value)
    return FrontMatter(**known, extra=extra)


def _construct(loader: yaml.SafeLoader, node: Node, context: ReadContext) -> Any:
    """Build the value of a node with the safe constructors, as yaml.safe_load would."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        # A well-formed but impossible value, such as the date 2024-02-30.
        raise context.error(_line(node), f"front matter: cannot read this value: {exc}") from None


def _text(name: str, node: Node, value: Any, context: ReadContext, *, lists: bool) -> str:
    """A one-line text value; scalars are read as written (`title: 1984` is "1984")."""
    if value is None:
        context.warning(_line(node), f"front matter: {name!r} is empty and was ignored")
        return ""
    if isinstance(node, ScalarNode):
        return collapse(str(node.value))
    if (
        lists
        and isinstance(node, SequenceNode)
        and all(isinstance(item, ScalarNode) for item in node.value)
    ):
        return ", ".join(collapse(str(item.value)) for item in node.value if item.value)
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
        return tags_of_text(written)
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
    if value is True or (isinstance(value, str) and value.strip().casefold() in _GLOSSARY_AUTO):
        return True
    if value is None or value is False:
        return False
    if isinstance(value, str) and value.strip().casefold() in _GLOSSARY_NOT_AUTO:
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


def collapse(text: str) -> str:
    """The text on one line, its runs of whitespace made single spaces."""
    return " ".join(text.split())


def clean_tag(raw: str) -> str:
    """A tag as Anki wants it: no spaces (they become `_`), `::` kept for hierarchy."""
    tag = raw.strip().lstrip("#").strip()
    return re.sub(r"\s+", "_", tag.replace('"', ""))


def tags_of_text(text: str) -> tuple[str, ...]:
    """The tags of one text: separated by commas, or else by spaces."""
    return clean_tags(text.split(",") if "," in text else text.split())


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
