"""The note types of the packages: their fixed IDs, fields, card templates and style.

A note type's ID and name belong to its field layout, so that Anki keeps updating the notes of
older packages; a template or CSS change keeps the ID and moves `STYLE_MODIFIED`, which is how
Anki learns to take the new templates.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")
"""The style sheet of every note type (`style.css` beside this module)."""

STYLE_MODIFIED = 1764201600
"""When the templates or the CSS last changed (seconds since the epoch).

Anki updates a note type's templates and CSS only from a package whose note type is newer, so
move this forward with every change to them; `STYLE_FINGERPRINT` makes a forgotten move fail the
tests.
"""
STYLE_FINGERPRINT = "11bffbbdb947"
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
    cloze: bool = False
    """True for a cloze note type."""


# A note type's ID and name belong to its field layout: when the fields change, add a new entry
# with a new name and ID (never reuse one), so Anki sees a new note type instead of reporting
# "updates ignored because the note type has changed". tests/test_apkg.py keeps the history.
_FIELD_LAYOUTS: dict[tuple[str, tuple[str, ...]], tuple[int, str]] = {
    ("revision", ("Front", "Back", "Deck", "Source")): (1741353501, "notes2decks Revision"),
    ("basic", ("Front", "Back", "Deck", "Source")): (1741353502, "notes2decks Basic"),
    ("reversed", ("Front", "Back", "Deck", "Source")): (
        1741353503,
        "notes2decks Basic (and reversed)",
    ),
    ("cloze", ("Text", "Back Extra", "Source")): (1741353504, "notes2decks Cloze"),
    ("glossary", ("Term", "Definition", "Deck", "Source")): (1741353505, "notes2decks Glossary"),
}

# The meta line sits in a body-wide box so that it lines up with the facts above it.
_META = (
    '<div class="n2d-body"><div class="n2d-meta">{{#Deck}}<span>{{Deck}}</span>{{/Deck}}'
    "{{#Source}}<span>{{Source}}</span>{{/Source}}</div></div>"
)
_CLOZE_META = (
    '<div class="n2d-body"><div class="n2d-meta">{{#Source}}<span>{{Source}}</span>'
    "{{/Source}}</div></div>"
)


def _side(field: str, css_class: str) -> str:
    return f'<div class="{css_class}">{{{{{field}}}}}</div>'


def _answer(question: str, field: str) -> str:
    return f'{question}\n<hr id="answer">\n{_side(field, "n2d-body")}\n{_META}'


_FRONT = _side("Front", "n2d-front")
_BACK_Q = _side("Back", "n2d-body")
_TERM = _side("Term", "n2d-front")
_DEFINITION_Q = _side("Definition", "n2d-body")
_CLOZE_Q = '<div class="cloze-text">{{cloze:Text}}</div>'

_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "revision": (("Revision card", _FRONT, _answer(_FRONT, "Back")),),
    "basic": (("Card 1", _FRONT, _answer(_FRONT, "Back")),),
    "reversed": (
        ("Card 1", _FRONT, _answer(_FRONT, "Back")),
        ("Card 2", _BACK_Q, f'{_BACK_Q}\n<hr id="answer">\n{_side("Front", "n2d-front")}\n{_META}'),
    ),
    "cloze": (
        (
            "Cloze",
            _CLOZE_Q,
            f'{_CLOZE_Q}\n{{{{#Back Extra}}}}<div class="n2d-body"><div class="n2d-extra">'
            f"{{{{Back Extra}}}}</div></div>{{{{/Back Extra}}}}\n{_CLOZE_META}",
        ),
    ),
    "glossary": (
        ("Term to definition", _TERM, _answer(_TERM, "Definition")),
        (
            "Definition to term",
            _DEFINITION_Q,
            f'{_DEFINITION_Q}\n<hr id="answer">\n{_TERM}\n{_META}',
        ),
    ),
}

NOTE_TYPES: dict[str, NoteType] = {
    key: NoteType(key, model_id, name, fields, _TEMPLATES[key], key == "cloze")
    for (key, fields), (model_id, name) in _FIELD_LAYOUTS.items()
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


def note_type_json(note_type: NoteType, default_deck: int) -> dict[str, Any]:
    """A note type as a legacy collection stores it, new cards going to `default_deck`."""
    fields = [
        {
            "name": name,
            "ord": i,
            "sticky": False,
            "rtl": False,
            "font": "Arial",
            "size": 20,
            "media": [],
        }
        for i, name in enumerate(note_type.fields)
    ]
    templates = [
        {
            "name": name,
            "ord": i,
            "qfmt": qfmt,
            "afmt": afmt,
            "did": None,
            "bqfmt": "",
            "bafmt": "",
            "bfont": "",
            "bsize": 0,
        }
        for i, (name, qfmt, afmt) in enumerate(note_type.templates)
    ]
    # Old Anki versions read `req` to decide which cards exist; new ones work it out themselves.
    req = [
        [i, "any", [f for f, name in enumerate(note_type.fields) if "{{" + name in qfmt]]
        for i, (_, qfmt, _) in enumerate(note_type.templates)
    ]
    return {
        "id": note_type.model_id,
        "name": note_type.name,
        "type": 1 if note_type.cloze else 0,
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
