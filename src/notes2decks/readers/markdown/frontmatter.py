"""YAML front matter of Markdown notes, loaded with PyYAML's safe loader (aliases refused) and
checked key by key: what cannot be read or used is left out with a warning at its line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import ReadContext
from . import plugins
from .tags import clean_tags, tags_of_text

KNOWN_KEYS = ("title", "deck", "subject", "tags", "author", "glossary", "lang")

STANDARD_KEYS = frozenset(
    {
        *("aliases", "alias", "cssclass", "cssclasses", "date", "created", "updated"),
        *("modified", "publish", "permalink", "description", "image", "cover", "banner"),
        *("draft", "status", "source", "url", "type", "category", "categories"),
    }
)
"""Keys that Obsidian, its plugins and publishing tools write: kept as extra data, unwarned."""

_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# A closing `---` with the notes' first line glued to it: `---# Definition`.
_GLUED_CLOSING = re.compile(r"^---(?=[^\s-])", re.MULTILINE)
_FOREIGN_TAG = "it uses a YAML tag that notes may not use (such as !!python/object)"
# YAML's words for its problems, in plain words.
_PLAIN_PROBLEMS = (
    (
        "mapping values are not allowed",
        "a value that holds ': ' must be in quotes, such as title: \"Stalin: the rise to power\"",
    ),
    ("constructor for the tag", f"{_FOREIGN_TAG}; write plain text, numbers and lists"),
    ("expected ':'", "this line is not a 'key: value' line"),
    ("tab character", "a tab is used here, and YAML indents with spaces only"),
    ("expected <block end>", "this line is indented differently from the lines above it"),
)

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
    lang: str = ""
    """The language the notes are written in (`lang: fr`), or empty."""
    extra: dict[str, str] = field(default_factory=dict)
    """Unknown keys, kept as text."""


def split_front_matter(text: str, context: ReadContext) -> tuple[str | None, str]:
    """Split the text into its front matter's YAML (None when there is none) and the Markdown,
    which keeps an empty line for each line of front matter so that line numbers stay the file's.
    """
    if not _OPENING.match(text):
        return None, text
    body_start = text.find("\n") + 1
    closing = _CLOSING.search(text, body_start) if body_start else None
    if closing is not None:
        after = closing.end() + 1
        return text[body_start : closing.start()], "\n" * text.count("\n", 0, after) + text[after:]
    glued = _GLUED_CLOSING.search(text, body_start) if body_start else None
    if glued is not None:
        line = text.count("\n", 0, glued.start()) + 1
        context.warning(
            line,
            "the front matter's closing --- has text after it on the same line; it was read as "
            "closed there. Put the --- on a line of its own",
        )
        return text[body_start : glued.start()], "\n" * (line - 1) + text[glued.end() :]
    context.warning(
        1,
        "the front matter that starts with --- on line 1 is never closed, so it was read as "
        "notes: end it with a line holding only ---. (For a horizontal rule at the very top, "
        "put a line of text before it.)",
    )
    return None, text


def read_front_matter(source: str, context: ReadContext) -> FrontMatter:
    """Load and check front matter YAML that starts on line 2 of the file. Never raises: what
    cannot be used is left out with a warning."""
    loader = _Loader(source)
    try:
        if "*" in source and _has_alias(source, context):
            return FrontMatter()
        root = loader.get_single_node()
        if root is None:
            return FrontMatter()
        if not isinstance(root, MappingNode):
            _left_out(
                context, _line(root), "it must be 'key: value' lines, such as 'title: My topic'"
            )
            return FrontMatter()
        return _read_mapping(loader, root, context)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        problem = exc.problem or exc.context or "it is not valid YAML"
        # libyaml says "did not find expected ..." where PyYAML's own loader says "expected
        # ...": the same message whichever loader PyYAML was built with.
        problem = problem.removeprefix("did not find ")
        if "cannot start any token" in problem:
            # libyaml leaves out which character it was.
            lines = source.split("\n")
            at = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
            problem = (
                "a tab is used here, and YAML indents with spaces only"
                if "\t" in at
                else "a character here cannot start a value; put the value in quotes"
            )
        problem = next((plain for words, plain in _PLAIN_PROBLEMS if words in problem), problem)
        _left_out(context, line, problem)
    except yaml.YAMLError as exc:
        _left_out(context, 1, f"it is not valid YAML ({exc})")
    except RecursionError:
        _left_out(context, 1, "it is nested too deeply")
    finally:
        loader.dispose()
    return FrontMatter()


def _left_out(context: ReadContext, line: int, problem: str) -> None:
    context.warning(
        line,
        f"front matter: {problem}. The front matter was left out and the notes were read "
        "without it (the title comes from the # heading or the file name)",
    )


def _has_alias(source: str, context: ReadContext) -> bool:
    """Warn about front matter with an alias (`*name`), which front matter never needs."""
    for event in yaml.parse(source, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 2 if event.start_mark is not None else 1
            _left_out(
                context,
                line,
                "aliases (*name) are not allowed in front matter; write the value out",
            )
            return True
    return False


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 2


def _read_mapping(loader: yaml.SafeLoader, root: MappingNode, context: ReadContext) -> FrontMatter:
    known: dict[str, Any] = {}
    extra: dict[str, str] = {}
    seen: dict[str, int] = {}
    unknown: list[tuple[str, int]] = []
    for key_node, value_node in root.value:
        line = _line(key_node)
        if not isinstance(key_node, ScalarNode) or not _constructs(loader, key_node, context):
            context.warning(line, "front matter: a key must be a plain name; this one was ignored")
            continue
        name = str(key_node.value).strip()
        key = name.casefold()
        if key in seen:
            context.warning(
                line,
                f"front matter: {name!r} is given twice (lines {seen[key]} and {line}); "
                "the last one is used",
            )
        seen[key] = line
        if _foreign_tag(value_node):
            context.warning(
                _line(value_node),
                f"front matter: {_FOREIGN_TAG}; write plain text, numbers and lists. "
                f"{name!r} was left out",
            )
            continue
        if key not in KNOWN_KEYS and key != "language" and key not in plugins.FRONT_MATTER_KEYS:
            extra[name] = _as_string(value_node)
            if key not in STANDARD_KEYS:
                unknown.append((name, line))
            continue
        if isinstance(value_node, ScalarNode) and key != "glossary":
            # Text is read as written, so an impossible date is still a title.
            value: Any = None if value_node.tag.endswith(":null") else value_node.value
            if key == "tags" and _constructs(loader, value_node, context):
                value = loader.construct_object(value_node)
        elif _constructs(loader, value_node, context):
            value = loader.construct_object(value_node, deep=True)
        else:
            continue
        if key in ("title", "deck", "subject", "author", "lang", "language"):
            field_name = "lang" if key == "language" else key
            known[field_name] = _text(name, value_node, value, context, lists=key == "author")
        elif key == "tags":
            known[key] = _tags(value_node, value, context)
        elif key in plugins.FRONT_MATTER_KEYS:
            # Obsidian flashcard plugins' settings: see plugins.py.
            extra[name] = plugins.check_front_matter(name, _as_string(value_node), line, context)
        else:
            known["auto_glossary"] = _glossary(value_node, value, context)
    if unknown:
        _warn_unknown(unknown, context)
    return FrontMatter(**known, extra=extra)


def _foreign_tag(node: Node) -> bool:
    """True when a value holds a tag other than YAML's own (`!!python/...`, `!shell`)."""
    if not str(node.tag).startswith("tag:yaml.org,2002:") or "python" in str(node.tag):
        return True
    if isinstance(node, SequenceNode):
        return any(_foreign_tag(item) for item in node.value)
    if isinstance(node, MappingNode):
        return any(_foreign_tag(k) or _foreign_tag(v) for k, v in node.value)
    return False


def _warn_unknown(unknown: list[tuple[str, int]], context: ReadContext) -> None:
    """One warning for all the unknown keys of the front matter, at the first one's line."""
    named = []
    for name, _ in unknown:
        key = name.casefold()
        # Obsidian's keys are suggested only for a near miss (`alises`), not `completed`.
        hint = difflib.get_close_matches(key, KNOWN_KEYS, n=1) or difflib.get_close_matches(
            key, sorted(STANDARD_KEYS), n=1, cutoff=0.8
        )
        named.append(f"{name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
    keys = "unknown key " if len(named) == 1 else "unknown keys "
    context.warning(
        unknown[0][1],
        f"front matter: {keys}{', '.join(named)}; the known keys are {', '.join(KNOWN_KEYS)}. "
        + ("It is" if len(named) == 1 else "They are")
        + " kept as extra data",
    )


def _constructs(loader: yaml.SafeLoader, node: Node, context: ReadContext) -> bool:
    """True when the node's value can be built with the safe constructors, as yaml.safe_load
    would; a warning, and False, for a well-formed but impossible value such as 2024-02-30."""
    try:
        loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        context.warning(_line(node), f"front matter: {_FOREIGN_TAG}; this value was left out")
        return False
    except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
        context.warning(
            _line(node), f"front matter: cannot read this value ({exc}); it was left out"
        )
        return False
    return True


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
    context.warning(
        _line(node),
        f"front matter: {name!r} must be one line of text, not {kind}, so it was ignored: "
        f"write '{name}: ...'",
    )
    return ""


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
            if isinstance(item, ScalarNode):
                words.append(str(item.value))
            else:
                context.warning(
                    _line(item),
                    "front matter: each tag must be a word or phrase, not a list; this one was "
                    "ignored",
                )
        return clean_tags(words)
    context.warning(
        _line(node),
        "front matter: tags must be a list such as 'tags: [russia, stalin]'; they were ignored",
    )
    return ()


def _glossary(node: Node, value: Any, context: ReadContext) -> bool:
    word = value.strip().casefold() if isinstance(value, str) else None
    if value is True or word in _GLOSSARY_AUTO:
        return True
    if value is None or value is False or word in _GLOSSARY_NOT_AUTO:
        return False
    context.warning(
        _line(node),
        "front matter: 'glossary' takes 'auto' (extract key terms from the text); "
        f"{_as_string(node)!r} was ignored",
    )
    return False


def _as_string(node: Node) -> str:
    """Any value as text: scalars as written, lists and mappings in YAML's one-line form."""
    if isinstance(node, ScalarNode):
        return "" if node.tag.endswith(":null") else str(node.value)
    _flow(node)
    return yaml.serialize(node, Dumper=yaml.SafeDumper, allow_unicode=True, width=2**31).strip()


def _flow(node: Node) -> None:
    """Mark lists and mappings to be written on one line, as `[a, b]` and `{k: v}`."""
    if isinstance(node, SequenceNode | MappingNode):
        node.flow_style = True
        for item in node.value:
            for child in item if isinstance(item, tuple) else (item,):
                _flow(child)


def collapse(text: str) -> str:
    """The text on one line, its runs of whitespace made single spaces."""
    return " ".join(text.split())
