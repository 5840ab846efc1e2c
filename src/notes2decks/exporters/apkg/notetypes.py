"""The note types of the packages: their fixed IDs, fields, card templates and style.

A note type's ID and name belong to its field layout, so that Anki keeps updating the notes of
older packages; a template or CSS change keeps the ID and moves `STYLE_MODIFIED`, which is how
Anki learns to take the new templates.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
"""The style sheet of every note type (`style.css` beside this module)."""

STYLE_MODIFIED = 1796428800
"""When the templates or the CSS last changed (seconds since the epoch): Anki takes them only
from a newer note type. `STYLE_FINGERPRINT` makes a forgotten move fail the tests."""
STYLE_FINGERPRINT = "0913cc0a77bb"
"""The first hex digits of `style_fingerprint()` when `STYLE_MODIFIED` was last moved."""


@dataclass(frozen=True, slots=True)
class NoteType:
    """An Anki note type: its fixed ID, name, fields and card templates."""

    key: str
    """Our name for it: `revision`, `basic`, `reversed`, `cloze` or `glossary`."""
    model_id: int
    """The fixed Anki ID: the same for as long as the fields stay the same."""
    name: str
    """The name users see in Anki."""
    fields: tuple[str, ...]
    """The field names, in order."""
    templates: tuple[tuple[str, str, str], ...]
    """Each card template as (name, question HTML, answer HTML)."""


# A note type's ID and name belong to its field layout: when the fields change, add a new entry
# with a new name and ID (never reuse one), so Anki sees a new note type instead of quietly
# remapping ours. tests/test_apkg.py keeps the history of every layout ever published; README.md
# tells users how to move notes of older layouts to the new types.
_CARD_FIELDS = ("Front", "Back", "Topic", "Section", "Source")
_CLOZE_FIELDS = ("Text", "Back Extra", "Topic", "Section", "Source")
_GLOSSARY_FIELDS = ("Term", "Definition", "Masked Definition", "Topic", "Source")
_FIELD_LAYOUTS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "revision": (_CARD_FIELDS, 1764950401, "notes2decks Revision v2"),
    "basic": (_CARD_FIELDS, 1764950402, "notes2decks Basic v2"),
    "reversed": (_CARD_FIELDS, 1764950403, "notes2decks Basic (and reversed) v2"),
    "cloze": (_CLOZE_FIELDS, 1764950404, "notes2decks Cloze v2"),
    "glossary": (_GLOSSARY_FIELDS, 1764950405, "notes2decks Glossary v2"),
}

# Every front names its topic (and the section of a generic heading) in small type above the
# prompt: "Definition" or "In [...] he formed the Triumvirate" cannot be answered without it.
# It lines up with the prompt: centred over a heading, left over text (`n2d-left`).


def _topic(*, section: bool = True, left: bool = False) -> str:
    css_class = "n2d-topic n2d-left" if left else "n2d-topic"
    # A glossary term belongs to the whole topic: no section.
    rest = "{{#Section}}<span>{{Section}}</span>{{/Section}}" if section else ""
    return f'{{{{#Topic}}}}<div class="{css_class}">{{{{Topic}}}}{rest}</div>{{{{/Topic}}}}'


# The meta line sits in a body-wide box so that it lines up with the facts above it.
_META = '{{#Source}}<div class="n2d-body"><div class="n2d-meta">{{Source}}</div></div>{{/Source}}'


def _side(field: str, css_class: str) -> str:
    return f'<div class="{css_class}">{{{{{field}}}}}</div>'


def _answer(question: str, field: str, css_class: str = "n2d-body") -> str:
    return f'{question}\n<hr id="answer">\n{_side(field, css_class)}\n{_META}'


_FRONT = _topic() + _side("Front", "n2d-front")
_BACK_Q = _topic(left=True) + _side("Back", "n2d-body")
_TERM = _topic(section=False) + _side("Term", "n2d-front")
# The reverse glossary card exists only when the masked definition leaves something to ask:
# Anki makes no card whose question is empty.
_MASKED = _topic(section=False, left=True) + _side("Masked Definition", "n2d-body")
_MASKED_Q = "{{#Masked Definition}}" + _MASKED + "{{/Masked Definition}}"
_CLOZE_Q = _topic(left=True) + '<div class="cloze-text">{{cloze:Text}}</div>'
_EXTRA = '<div class="n2d-body"><div class="n2d-extra">{{Back Extra}}</div></div>'
_CLOZE_A = f"{_CLOZE_Q}\n{{{{#Back Extra}}}}{_EXTRA}{{{{/Back Extra}}}}\n{_META}"

_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "revision": (("Revision card", _FRONT, _answer(_FRONT, "Back")),),
    "basic": (("Card 1", _FRONT, _answer(_FRONT, "Back")),),
    "reversed": (
        ("Card 1", _FRONT, _answer(_FRONT, "Back")),
        ("Card 2", _BACK_Q, _answer(_BACK_Q, "Front", "n2d-front")),
    ),
    "cloze": (("Cloze", _CLOZE_Q, _CLOZE_A),),
    "glossary": (
        ("Term to definition", _TERM, _answer(_TERM, "Definition")),
        ("Definition to term", _MASKED_Q, _answer(_MASKED_Q, "Term", "n2d-front")),
    ),
}

# The field a card template asks (the first in its question besides the topic's), which old Anki
# versions read (`req`) to decide whether the card exists; new ones work it out themselves.
_ASKED = re.compile(r"\{\{(?:cloze:)?(?!Topic\}|Section\})([^#/}]+)\}\}")

NOTE_TYPES: dict[str, NoteType] = {
    key: NoteType(key, model_id, name, fields, _TEMPLATES[key])
    for key, (fields, model_id, name) in _FIELD_LAYOUTS.items()
}
"""The note types by key."""


def style_fingerprint() -> str:
    """A hash of everything that `STYLE_MODIFIED` dates: the templates and the CSS."""
    data = json.dumps([CSS, sorted(_TEMPLATES.items())], sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


_LATEX_PREAMBLE = (
    "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n"
    "\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n"
    "\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
)

# What a legacy collection stores of each field and card template besides its name and place.
_FIELD = {"sticky": False, "rtl": False, "font": "Arial", "size": 20, "media": []}
_TEMPLATE = {"did": None, "bqfmt": "", "bafmt": "", "bfont": "", "bsize": 0}


def note_type_json(note_type: NoteType, default_deck: int) -> dict[str, Any]:
    """A note type as a legacy collection stores it, new cards going to `default_deck`."""
    fields = [{"name": name, "ord": i, **_FIELD} for i, name in enumerate(note_type.fields)]
    templates = [
        {"name": name, "ord": i, "qfmt": qfmt, "afmt": afmt, **_TEMPLATE}
        for i, (name, qfmt, afmt) in enumerate(note_type.templates)
    ]
    asked = [_ASKED.findall(qfmt)[0] for _, qfmt, _ in note_type.templates]
    req = [[i, "any", [note_type.fields.index(name)]] for i, name in enumerate(asked)]
    return {
        "id": note_type.model_id,
        "name": note_type.name,
        "type": 1 if note_type.key == "cloze" else 0,
        "mod": STYLE_MODIFIED,
        "usn": -1,
        "sortf": 0,
        "did": default_deck,
        "tmpls": templates,
        "flds": fields,
        "css": CSS,
        "latexPre": _LATEX_PREAMBLE,
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "req": req,
        "tags": [],
        "vers": [],
    }
