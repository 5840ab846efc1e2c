"""The question of a "definition to term" card: the definition with the term hidden.

The term, its plural or singular, the name without its bracketed abbreviation and the
abbreviation itself are each hidden as `MASK`, whole words only and ignoring case (a short
abbreviation keeps its case). A definition with nothing left to ask gets no reverse card.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...model import Emphasis, Inline, Inlines, Link, Math, Strong, Text, inline_text
from ...words import word_set

MASK = "\ue003"
"""What stands for a hidden term in the masked definition: the renderer's text shows it as
`[...]` (`MASK_HTML`)."""
MASK_HTML = '<span class="n2d-mask">[...]</span>'
"""How a hidden term shows on the card."""

# Words that ask nothing on their own: a definition of only these around the mask is empty.
_FILLER = word_set(
    "a an the of is are was were be been to in on at by for with as and or it its this that these"
    " those which who what called known also means meaning refers term word"
)
_BRACKETED = re.compile(r"^(?P<name>.*?)\s*[(\[](?P<short>[^()\[\]]+)[)\]]\s*$")
_WORDS = re.compile(r"[^\W\d_]{2,}")


def term_forms(term: str) -> tuple[list[str], list[str]]:
    """The spellings of a term to hide: (ignoring case, keeping case)."""
    term = " ".join(term.split())
    loose: list[str] = []
    exact: list[str] = []
    names = [term]
    match = _BRACKETED.match(term)
    if match:
        name, short = match.group("name").strip(), match.group("short").strip()
        if name:
            names.append(name)
        if short and len(short) <= 12:
            (exact if len(short) <= 3 else loose).extend([short, short + "s"])
    for name in names:
        loose.extend(_number_forms(name))
    return _unique(loose), _unique(exact)


def _number_forms(name: str) -> list[str]:
    lower = name.lower()
    forms = [name]
    if re.search(r"[^aeiou]y$", lower):
        forms.append(name[:-1] + "ies")
    elif re.search(r"(?:s|x|z|ch|sh)$", lower):
        forms.append(name + "es")
    else:
        forms.append(name + "s")
    if lower.endswith("ies") and len(name) > 4:
        forms.append(name[:-3] + "y")
    elif lower.endswith("es") and len(name) > 4:
        forms.append(name[:-2])
    if lower.endswith("s") and not lower.endswith("ss") and len(name) > 3:
        forms.append(name[:-1])
    return forms


def _unique(forms: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for form in forms:
        if form.strip():
            seen.setdefault(form.casefold(), form)
    return list(seen.values())


def _pattern(forms: list[str], flags: int) -> re.Pattern[str] | None:
    if not forms:
        return None
    # A one-letter abbreviation ("A", "As"): never the word that starts a sentence.
    short = flags == 0 and all(len(form) <= 2 for form in forms)
    start = r"(?<![.!?]\s)(?<![.!?]\s\s)(?<!^)(?<!^\s)" if short else ""
    # Longest first, so "fields" is hidden whole rather than as "field" and a stray "s".
    alternatives = [
        r"\s+".join(re.escape(word) for word in form.split())
        for form in sorted(forms, key=len, reverse=True)
    ]
    return re.compile(start + r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags)


def mask_definition(term: str, definition: Inlines) -> Inlines | None:
    """The definition with every form of the term hidden as `MASK`, or None when nothing would be
    left to ask."""
    loose, exact = term_forms(term)
    patterns = [p for p in (_pattern(loose, re.IGNORECASE), _pattern(exact, 0)) if p is not None]
    formulas = {form.casefold() for form in loose + exact}
    masked = _mask(definition, patterns, formulas)
    rest = inline_text(masked).replace(MASK, " ")
    if len([w for w in _WORDS.findall(rest) if w.casefold() not in _FILLER]) < 2:
        return None
    return masked


def _mask(nodes: Inlines, patterns: list[re.Pattern[str]], formulas: set[str]) -> Inlines:
    result: list[Inline] = []
    for node in nodes:
        match node:
            case Text():
                text = node.text.replace(MASK, "")
                for pattern in patterns:
                    text = pattern.sub(MASK, text)
                result.append(Text(text))
            case Math() if node.source.strip().casefold() in formulas:
                # "$g$" spells the abbreviation as a formula.
                result.append(Text(MASK))
            case Emphasis() | Strong() | Link():
                result.append(replace(node, children=_mask(node.children, patterns, formulas)))
            case _:
                result.append(node)
    return tuple(result)
