"""The YAML route of front matter: any front matter that `markdown_frontmatter` does not read
itself, loaded with PyYAML's safe loader and checked key by key, with warnings and errors at
the offending line.

The safe loader never builds Python objects or runs code, and aliases are refused on top of it,
so that a few lines cannot expand into gigabytes.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import ReadContext
from .markdown_frontmatter import (
    GLOSSARY_AUTO,
    GLOSSARY_NOT_AUTO,
    KNOWN_KEYS,
    FrontMatter,
    clean_tags,
    collapse,
    tags_of_text,
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


def read_yaml_front_matter(source: str, context: ReadContext) -> FrontMatter:
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
    if value is True or (isinstance(value, str) and value.strip().casefold() in GLOSSARY_AUTO):
        return True
    if value is None or value is False:
        return False
    if isinstance(value, str) and value.strip().casefold() in GLOSSARY_NOT_AUTO:
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
