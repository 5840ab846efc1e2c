"""Card text set line by line from cached word widths, exactly as reportlab's Paragraph sets it.

Profiling a large build showed reportlab's `Paragraph` taking most of the time: parsing its
markup, measuring every word again at each type size that fitting tries, and drawing through
general machinery built for justification, links, underlines, images and right-to-left text.
Nearly every card face is plain text with emphasis, bold, inline code and cloze highlights, in one
type size. `TextParagraph` sets exactly that case, with the same line breaks, line positions,
bullets, hanging indents, split long words, highlight boxes and 5 mm-safe heights as `Paragraph`
with the styles of `pdf_content.paragraph_style`, from word widths measured once per font and
size, and draws all the paragraphs of a card face as one text object. Anything else (formulas,
images, links that print their address, hard line breaks) stays with `Paragraph`.

The rules below are reportlab's own (`reportlab.platypus.paragraph`, 4.x-5.x), kept quirk for
quirk, because a card must look the same whichever path set it:

- a paragraph of one unhighlighted fragment is spaced by the style's leading; one of several
  fragments (or one highlighted) by reportlab's line ascent and descent, a little wider;
- a line may overrun its width by 5 % of its spaces (`spaceShrinkage`), squeezed with negative
  word spacing;
- a word wider than a line is split between characters, and the split pieces move together
  when the paragraph continues on another card;
- a paragraph that split a word is broken again at every wrap, from its words as that break
  left them, the pieces joined up again: not always into the same lines;
- fragments split where reportlab's parser splits them, at every `&`, `<` and `>`.

`tests/test_pdf.py` sets many texts both ways and compares lines, heights and glyph positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from string import whitespace
from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getAscentDescent as _rl_ascent_descent
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paragraph import lstrip as rl_lstrip
from reportlab.platypus.paragraph import split as rl_split
from reportlab.platypus.paragraph import strip as rl_strip

_FUZZ: float = rl_config._FUZZ
_TOP_IS_SIZE = bool(rl_config.paraFontSizeHeightOffset)
_WHITE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000"
)
"""reportlab's white space for trailing spaces: Unicode's, less the no-break space."""
_SENTINEL = "\x00"
"""Marks where the markup has a tag: control characters never reach the text (`escape`)."""
_ENTITIES = "&<>"
"""Characters that `escape` writes as entities: reportlab's parser makes each a fragment."""
_UNCLEAN = re.compile(r"^\s|\s$|\s\s|[^\S \xa0]|\u200b|\xa0\s|\s\xa0")
"""Text that `cleanBlockQuotedText` would change: white space at either end, in runs, or other
than single spaces (it splits lines and words on white space, joins them with one space)."""

# --------------------------------------------------------------------------- widths

_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}
_WIDTHS_LIMIT = 50_000
"""About 5 MB of remembered widths: a notes file needs a few thousand, and a worker process
builds many files, so the memory a build takes stays flat in the number of files."""
_widths_count = 0


def _table(font: str, size: float) -> dict[str, float]:
    table = _WIDTHS.get((font, size))
    if table is None:
        table = _WIDTHS[(font, size)] = {}
    return table


def width_of(text: str, font: str, size: float, table: dict[str, float] | None = None) -> float:
    """`stringWidth(text, font, size)`, remembered: the same words come back at every size that
    fitting tries and on every card of a deck."""
    global _widths_count
    if table is None:
        table = _table(font, size)
    width = table.get(text)
    if width is None:
        if _widths_count >= _WIDTHS_LIMIT:
            _WIDTHS.clear()
            _widths_count = 0
            table = _table(font, size)
        width = table[text] = stringWidth(text, font, size)
        _widths_count += 1
    return width


_EXTENTS: dict[tuple[str, float], tuple[float, float]] = {}


def ascent_descent(font: str, size: float) -> tuple[float, float]:
    """reportlab's `getAscentDescent`, remembered: it is asked for every word."""
    key = (font, size)
    extent = _EXTENTS.get(key)
    if extent is None:
        ascent, descent = _rl_ascent_descent(font, size)
        extent = _EXTENTS[key] = (ascent, descent)
    return extent


# --------------------------------------------------------------------------- styled text


class Frag:
    """A run of text in one font and background, as reportlab's parser cuts a paragraph."""

    __slots__ = ("back", "brk", "font", "text")

    def __init__(self, text: str, font: str, back: str | None, brk: bool = False) -> None:
        self.text = text
        self.font = font
        self.back = back
        """The highlight colour behind the run, or None."""
        self.brk = brk
        """True for the line break reportlab puts after the first piece of a split word."""

    def same_style(self, other: Frag) -> bool:
        return self.font == other.font and self.back == other.back


class Markup:
    """Builds the fragments of one paragraph the way reportlab's parser would from its markup,
    without writing or parsing the markup: text is added with `text`, and `tag` marks each
    place where the markup would have a tag, with the style that follows it."""

    def __init__(self, font: str) -> None:
        self._parts: list[str] = []
        self._styles: list[tuple[str, str | None]] = [(font, None)]

    def text(self, text: str) -> None:
        """Add text, already cleaned of control characters (as `escape` does)."""
        if "&" in text or "<" in text or ">" in text:
            font, back = self._styles[-1]
            for char in text:
                if char in _ENTITIES:
                    # The parser hands each entity over as a piece of text of its own.
                    self._parts.append(_SENTINEL + char + _SENTINEL)
                    self._styles.append((font, back))
                    self._styles.append((font, back))
                else:
                    self._parts.append(char)
        else:
            self._parts.append(text)

    def tag(self, font: str, back: str | None) -> None:
        self._parts.append(_SENTINEL)
        self._styles.append((font, back))

    def styled(self) -> StyledText:
        # Paragraph cleans its markup before parsing: each line stripped, runs of white space
        # made one space, empty lines dropped. Tags count as words there, which the sentinels
        # reproduce.
        joined = "".join(self._parts)
        cleaned = cleanBlockQuotedText(joined) if _UNCLEAN.search(joined) else joined
        texts = cleaned.split(_SENTINEL)
        if len(texts) != len(self._styles):
            raise AssertionError("fragment styles out of step with the text")
        return StyledText(
            tuple(
                Frag(t, font, back)
                for t, (font, back) in zip(texts, self._styles, strict=True)
                if t
            )
        )


class StyledText:
    """A paragraph's fragments and what can be worked out from them once, whatever the size."""

    __slots__ = ("_pieces", "_words", "frags")

    def __init__(self, frags: tuple[Frag, ...]) -> None:
        self.frags = frags
        self._words: list[str] | None = None
        self._pieces: list[tuple[list[tuple[Frag, str]], bool]] | None = None

    @property
    def simple(self) -> bool:
        """True when reportlab sets it as one fragment (its "kind 0")."""
        return len(self.frags) <= 1 and not (self.frags and self.frags[0].back)

    def words(self) -> list[str]:
        """For a simple paragraph, its words."""
        if self._words is None:
            self._words = rl_split(rl_strip(self.frags[0].text)) if self.frags else []
            if self._words == [""]:
                self._words = []
        return self._words

    def pieces(self) -> list[tuple[list[tuple[Frag, str]], bool]]:
        """For a paragraph of several fragments, its words: each a list of (fragment, text)
        pieces and whether a space follows it (reportlab's `_getFragWords`)."""
        if self._pieces is None:
            self._pieces = _frag_words(self.frags)
        return self._pieces


def _frag_words(frags: Sequence[Frag]) -> list[tuple[list[tuple[Frag, str]], bool]]:
    result: list[tuple[list[tuple[Frag, str]], bool]] = []
    word: list[tuple[Frag, str]] = []
    hanging_strip = True
    for frag in frags:
        text = frag.text
        if not text:
            continue
        if hanging_strip:
            text = rl_lstrip(text)
            if not text:
                continue
            hanging_strip = False
        parts = rl_split(text)
        if text[0] in whitespace or not parts:
            if word:
                result.append((word, False))
                word = []
                spaced = False
            else:
                spaced = bool(result) and result[-1][1]
            if not spaced:
                parts.insert(0, "")
            elif not parts:
                continue
        for part in parts[:-1]:
            word.append((frag, part))
            result.append((word, True))
            word = []
        word.append((frag, parts[-1]))
        if text[-1] in whitespace:
            result.append((word, True))
            word = []
    if word:
        result.append((word, False))
    if not result and frags:
        result.append(([(frags[0], "")], False))
    return result


# --------------------------------------------------------------------------- words for one size

# How a word came about, after reportlab's marker classes.
_WHOLE = 0
_PART = 1  # _SplitFrag: a piece of a split word, not the last
_LAST = 2  # _SplitFragH: the last piece, no space after
_LAST_SPACED = 3  # _SplitFragHS: the last piece, a space after
_BREAK = 4  # _InjectedFrag: the line break after the first piece


class _Word:
    __slots__ = ("kind", "pieces", "spaced", "width")

    def __init__(
        self, width: float, pieces: list[tuple[Frag, str]], spaced: bool, kind: int = _WHOLE
    ) -> None:
        self.width = width
        self.pieces = pieces
        self.spaced = spaced
        self.kind = kind


def _sized_words(text: StyledText, size: float) -> list[_Word]:
    words: list[_Word] = []
    tables: dict[str, dict[str, float]] = {}
    for pieces, spaced in text.pieces():
        width = 0.0
        for frag, part in pieces:
            table = tables.get(frag.font)
            if table is None:
                table = tables[frag.font] = _table(frag.font, size)
            part_width = table.get(part)
            if part_width is None:
                part_width = width_of(part, frag.font, size, table)
            width += part_width
        words.append(_Word(width, pieces, spaced))
    return words


def _rejoined(words: Sequence[_Word]) -> list[_Word]:
    """Words handed on when a paragraph is split, with split pieces joined up again, to be set
    afresh (reportlab's `_getFragWords` on processed fragments)."""
    result: list[_Word] = []
    run: list[_Word] = []

    def join() -> None:
        pieces: list[tuple[Frag, str]] = []
        last: Frag | None = None
        width = 0.0
        for part in run:
            width += part.width
            for frag, piece in part.pieces:
                if frag is last:
                    pieces[-1] = (frag, pieces[-1][1] + piece)
                else:
                    pieces.append((frag, piece))
                    last = frag
        result.append(_Word(width, pieces, run[-1].kind == _LAST_SPACED))
        run.clear()

    for word in words:
        if word.kind == _BREAK:
            continue
        if word.kind != _WHOLE:
            run.append(word)
            if word.kind == _LAST_SPACED:
                join()
        else:
            if run:
                join()
            result.append(word)
    if run:
        join()
    return result


def _split_word(
    word: _Word, room: float, widths: list[float], lineno: int, size: float
) -> list[_Word]:
    """A word too wide for any line, cut between characters: the first piece fills `room`, the
    others a line each (reportlab's `_splitFragWord`)."""
    result: list[_Word] = []
    last_line = len(widths) - 1
    max_width = room
    max_next = widths[min(last_line, lineno + 1)]
    pieces: list[tuple[Frag, str]] = []
    line_width = 0.0
    text = ""
    word_width = 0.0
    frag = word.pieces[0][0]
    for owner, char_width, char in _characters(word, size):
        new_width = line_width + char_width
        too_long = new_width > max_width and bool(
            word_width or (not word_width and char_width <= max_next)
        )
        if owner is not frag or too_long:
            # reportlab clones the fragment for each piece: pieces are never merged again.
            frag = Frag(text, frag.font, frag.back)
            pieces.append((frag, text))
            if too_long:
                result.append(_Word(word_width, pieces, False, _PART))
                lineno += 1
                max_width = max_next
                max_next = widths[min(last_line, lineno + 1)]
                pieces = []
                new_width = char_width
                word_width = 0.0
            text = ""
            frag = owner
        word_width += char_width
        text += char
        line_width = new_width
    pieces.append((frag, text))
    kind = _LAST_SPACED if word.spaced else _LAST
    result.append(_Word(word_width, pieces, word.spaced, kind))
    return result


def _characters(word: _Word, size: float) -> Iterator[tuple[Frag, float, str]]:
    for frag, text in word.pieces:
        if text:
            table = _table(frag.font, size)
            for char in text:
                yield frag, width_of(char, frag.font, size, table), char
        else:
            yield frag, 0.0, text


def _split_simple_word(
    word: str, line_width: float, widths: list[float], lineno: int, font: str, size: float
) -> list[str]:
    """reportlab's `_splitWord`: a long word of a one-fragment paragraph cut between characters."""
    result: list[str] = []
    last_line = len(widths) - 1
    text = ""
    max_width = widths[min(last_line, lineno)]
    max_next = widths[min(last_line, lineno + 1)]
    table = _table(font, size)
    for char in word:
        char_width = width_of(char, font, size, table)
        new_width = line_width + char_width
        if new_width > max_width and (text or (not text and char_width <= max_next)):
            result.append(_Piece(text))
            lineno += 1
            max_width = widths[min(last_line, lineno)]
            new_width = char_width
            text = ""
        text += char
        line_width = new_width
    result.append(_LastPiece(text))
    return result


class _Piece(str):
    """A piece of a long word split between lines (reportlab's `_SplitWord`)."""

    __slots__ = ()


class _LastPiece(_Piece):
    """The last piece (`_SplitWordEnd`)."""

    __slots__ = ()


# --------------------------------------------------------------------------- lines


class _Entry:
    """A run of one style on a line, with the spaces between its words."""

    __slots__ = ("frag", "text")

    def __init__(self, frag: Frag, text: str) -> None:
        self.frag = frag
        self.text = text


class _Line:
    __slots__ = ("ascent", "count", "descent", "entries", "extra", "first_word")

    def __init__(
        self,
        extra: float,
        count: int,
        entries: list[_Entry],
        ascent: float,
        descent: float,
        first_word: int,
    ) -> None:
        self.extra = extra
        """The width left over (negative when the line is squeezed)."""
        self.count = count
        """The words on the line, for the word spacing of a squeezed line."""
        self.entries = entries
        self.ascent = ascent
        self.descent = descent
        self.first_word = first_word
        """Where the line starts in the paragraph's processed words."""


def _break_simple(
    words: list[str], widths: list[float], font: str, size: float, shrink: float, split: bool
) -> list[tuple[float, list[str]]]:
    """reportlab's `breakLines` for one fragment: (width left over, words) for each line."""
    table = _table(font, size)
    space = width_of(" ", font, size, table)
    space_shrink = shrink * space
    # The common case, with no word wider than a line, in a tight loop; the same arithmetic in
    # the same order as below, so the same lines.
    lines: list[tuple[float, list[str]]] = []
    line: list[str] = []
    count = 0
    current = -space
    lineno = 0
    last_line = len(widths) - 1
    max_width = widths[0]
    limit = max_width
    get = table.get
    for word in words:
        width = get(word)
        if width is None:
            width = width_of(word, font, size, table)
        new = current + space + width
        if new <= limit:
            line.append(word)
            count += 1
            current = new
            limit = max_width + space_shrink * count
        elif width > max_width:
            # A word wider than a line: reportlab splits it between characters.
            return _break_simple_general(words, widths, font, size, shrink, split)
        elif not count:
            line.append(word)
            count = 1
            current = new
            limit = max_width + space_shrink
        else:
            lines.append((max_width - current, line))
            line = [word]
            count = 1
            current = width
            lineno += 1
            max_width = widths[min(last_line, lineno)]
            limit = max_width + space_shrink
    if line:
        lines.append((max_width - current, line))
    return lines


def _break_simple_general(
    words: list[str], widths: list[float], font: str, size: float, shrink: float, split: bool
) -> list[tuple[float, list[str]]]:
    table = _table(font, size)
    space = width_of(" ", font, size, table)
    space_shrink = shrink * space
    lines: list[tuple[float, list[str]]] = []
    line: list[str] = []
    current = -space
    lineno = 0
    last_line = len(widths) - 1
    max_width = widths[0]
    forced = False
    stack = words[::-1]
    while stack:
        word = stack.pop()
        if not word and isinstance(word, _Piece):
            forced = True
        width = table.get(word)
        if width is None:
            width = width_of(word, font, size, table)
        new = current + space + width
        limit = max_width + space_shrink * len(line)
        if (
            new > limit
            and not forced
            and split
            and not isinstance(word, _Piece)
            and width > widths[min(lineno, last_line)]
        ):
            pieces = _split_simple_word(word, current + space, widths, lineno, font, size)
            stack.extend(reversed(pieces))
            forced = True
            continue
        if new <= limit or not line or forced:
            if word:
                line.append(word)
            if forced:
                forced = False
                lines.append((max_width - new, line))
                line = []
                current = -space
                lineno += 1
                max_width = widths[min(last_line, lineno)]
            else:
                current = new
        else:
            lines.append((max_width - current, line))
            line = [word]
            current = width
            lineno += 1
            max_width = widths[min(last_line, lineno)]
    if line:
        lines.append((max_width - current, line))
    return lines


def _break_styled(
    words: list[_Word], widths: list[float], size: float, shrink: float, split: bool
) -> tuple[list[_Line], list[_Word]]:
    """reportlab's `breakLines` for several fragments: the lines, and the words as processed
    (long ones split), which a split paragraph hands on."""
    lines: list[_Line] = []
    processed: list[_Word] = []
    entries: list[_Entry] = []
    stack = words[::-1]
    lineno = 0
    last_line = len(widths) - 1
    max_width = widths[0]
    count = 0
    space = current = 0.0
    ascent = descent = 0.0
    entry: _Entry | None = None
    first_word = 0
    # The width of a space and the extents of each font at this size, looked up once.
    space_of: dict[str, float] = {}
    extents: dict[str, tuple[float, float]] = {}

    def space_width(font: str) -> float:
        width = space_of.get(font)
        if width is None:
            width = space_of[font] = width_of(" ", font, size)
        return width

    def extent(font: str) -> tuple[float, float]:
        found = extents.get(font)
        if found is None:
            found = extents[font] = ascent_descent(font, size)
        return found

    while stack:
        word = stack.pop()
        processed.append(word)
        last_font = word.pieces[-1][0].font
        if not entries:
            count = 0
            space = current = 0.0
            ascent, descent = extent(last_font)
        frag = word.pieces[0][0]
        new = current + space + word.width if word.width > 0 else current
        is_break = word.kind == _BREAK
        limit = max_width
        if shrink and new > max_width:
            # Only a line that overruns its width needs the allowance for squeezing its spaces.
            squeeze = space
            for item in entries:
                if not item.frag.brk:
                    spaces = item.text.count(" ")
                    if spaces:
                        squeeze += spaces * space_width(item.frag.font)
            limit += squeeze * shrink
        if (
            not is_break
            and new > limit
            and split
            and word.kind == _WHOLE
            and word.width > widths[min(lineno, last_line)]
        ):
            pieces = _split_word(word, max_width - space - current, widths, lineno, size)
            brk = Frag("", frag.font, frag.back, brk=True)
            pieces.insert(1, _Word(0.0, [(brk, "")], False, _BREAK))
            stack.extend(reversed(pieces))
            processed.pop()
            continue
        if not ((new > limit and count > 0) or is_break):
            text = word.pieces[0][1]
            if text:
                count += 1
            a, d = extent(frag.font)
            ascent, descent = max(ascent, a), min(descent, d)
            if not entries:
                entry = _Entry(frag, text)
                entries.append(entry)
            elif entry is None or not entry.frag.same_style(frag):
                if space:
                    for item in reversed(entries):
                        if not item.frag.brk:
                            if not item.text.endswith(" "):
                                item.text += " "
                            break
                entry = _Entry(frag, text)
                entries.append(entry)
            elif space:
                entry.text += text if entry.text.endswith(" ") else " " + text
            else:
                entry.text += text
            space = space_width(last_font) if word.spaced else 0.0
            more = False
            for piece_frag, piece in word.pieces[1:]:
                entry = _Entry(piece_frag, piece)
                if piece:
                    more = True
                entries.append(entry)
                a, d = extent(piece_frag.font)
                ascent, descent = max(ascent, a), min(descent, d)
            if not text and more:
                count += 1
            current = new
        else:
            if is_break:
                entries.append(_Entry(frag, ""))
            lines.append(_Line(max_width - current, count, entries, ascent, descent, first_word))
            first_word = len(processed) - 1
            lineno += 1
            max_width = widths[min(last_line, lineno)]
            if is_break:
                entries = []
                entry = None
                continue
            space = space_width(last_font) if word.spaced else 0.0
            current = word.width
            count = 1
            entry = _Entry(frag, word.pieces[0][1])
            entries = [entry]
            ascent, descent = extent(frag.font)
            for piece_frag, piece in word.pieces[1:]:
                entry = _Entry(piece_frag, piece)
                entries.append(entry)
                a, d = extent(piece_frag.font)
                ascent, descent = max(ascent, a), min(descent, d)
    if entries:
        lines.append(_Line(max_width - current, count, entries, ascent, descent, first_word))
    return lines, processed


# --------------------------------------------------------------------------- drawing text


class _Encoding:
    """What one document's subset 0 of one font holds, for `text_out`'s quick way."""

    __slots__ = ("font", "known", "table")

    def __init__(self, font: Any) -> None:
        self.font = font
        self.known: set[str] = set()
        """Characters with a code in subset 0 (or none in the font: they print as .notdef)."""
        self.table: dict[int, str] = {}
        """Each known character's one-byte code, for `str.translate`."""

    def learn(self, text: str, doc: Any) -> None:
        state = self.font.state[doc]
        assignments = state.assignments
        glyphs = self.font.face.charToGlyph
        for char in set(text):
            code = 32 if char == "\xa0" else ord(char)
            number = assignments.get(code)
            if number is None:
                if code in glyphs:
                    continue
                number = 0
            if number < 256:
                self.known.add(char)
                self.table[ord(char)] = chr(number)


def text_out(text_object: Any, text: str, newline: bool = False) -> None:
    """`text_object._textOut(text, newline)`: the same PDF operators, written without
    reportlab's character-by-character subset lookup once every character of `text` has its
    code."""
    canvas = text_object._canvas
    encodings: dict[str, _Encoding | None] | None = getattr(canvas, "_n2d_encodings", None)
    if encodings is None:
        encodings = canvas._n2d_encodings = {}
    name = text_object._fontname
    if name in encodings:
        encoding = encodings[name]
    else:
        font = getFont(name)
        # Only TrueType fonts are set in subsets; others keep reportlab's own way.
        encoding = encodings[name] = _Encoding(font) if font._dynamicFont else None
    if encoding is None or not text or not encoding.known.issuperset(text):
        # reportlab gives new characters their codes, in the order they are first drawn.
        text_object._textOut(text, newline)
        if encoding is not None:
            encoding.learn(text, canvas._doc)
        return
    encoded = text.translate(encoding.table).encode("latin-1")
    code = f"({canvas._escape(encoded)}) Tj"
    if text_object._curSubset != 0:
        size = fp_str(text_object._fontsize)
        leading = fp_str(text_object._leading)
        internal = encoding.font.getSubsetInternalName(0, canvas._doc)
        code = f"{internal} {size} Tf {leading} TL {code}"
        text_object._curSubset = 0
    text_object._code.append(code + " T*" if newline else code)


# --------------------------------------------------------------------------- the flowable


class TextParagraph(Flowable):  # type: ignore[misc]
    """A paragraph of styled text that wraps, splits across cards and draws like reportlab's
    `Paragraph` with the same style."""

    # Flowable's defaults, as class attributes: a card face makes thousands of these.
    wrapped = 0
    hAlign = "LEFT"
    vAlign = "BOTTOM"
    _traceInfo = None
    _showBoundary = None
    encoding = None

    def __init__(
        self,
        text: StyledText,
        style: Any,
        bullet: str | None = None,
        *,
        words: list[str] | None = None,
        processed: list[_Word] | None = None,
    ) -> None:
        self.text = text
        self.style = style
        self.bullet = bullet
        self.simple = text.simple if processed is None else False
        self._words = words if words is not None else text.words() if self.simple else []
        """A one-fragment paragraph's words."""
        self._processed = processed
        """For a paragraph of several fragments, the processed words its next break starts from:
        after a split, or after a break that split long words; else None, for its own words."""
        self._font: str = text.frags[0].font if text.frags else style.fontName
        self._simple_lines: list[tuple[float, list[str]]] = []
        self._lines: list[_Line] = []
        self._processed_words: list[_Word] = []
        self._for_width: float | None = None
        self._rebreak = False
        """True when the next wrap breaks the lines again whatever its width."""
        self.width = 0.0
        self.height = 0.0

    # ------------------------------------------------------------------ wrapping

    def _empty(self) -> bool:
        if self.simple:
            return not self._words
        if self._processed is not None:
            return not self._processed
        return not self.text.frags

    def _widths(self, avail: float) -> list[float]:
        style = self.style
        first = avail - (style.leftIndent + style.firstLineIndent) - style.rightIndent
        later = avail - style.leftIndent - style.rightIndent
        widths = [first, later]
        if self.bullet:
            bullet_width = width_of(self.bullet, style.bulletFontName, style.bulletFontSize)
            length = style.bulletIndent + bullet_width + 0.6 * style.bulletFontSize
            indent = style.leftIndent + style.firstLineIndent
            if length > indent:
                widths[0] -= length - indent
        return widths

    def _break(self, avail: float) -> None:
        style = self.style
        size = style.fontSize
        widths = self._widths(avail)
        shrink = style.spaceShrinkage
        split = bool(style.splitLongWords)
        if self.simple:
            words = self._words
            self._simple_lines = (
                _break_simple(words, widths, self._font, size, shrink, split) if words else []
            )
        else:
            if self._processed is not None:
                source = _rejoined(self._processed)
            else:
                source = _sized_words(self.text, size)
            self._lines, processed = _break_styled(source, widths, size, shrink, split)
            self._processed_words = processed
            # reportlab's Paragraph keeps the words its break processed and breaks again from
            # them at every wrap, its split pieces joined up again. That is the same as breaking
            # its own words unless the break split a word (adding pieces and a line break): the
            # rejoined pieces can then break differently, as when a line narrower than nothing
            # splits an empty word and the rejoining merges it with the word before it.
            self._rebreak = len(processed) != len(source)
            if self._rebreak:
                self._processed = processed
        self._for_width = avail

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width < _FUZZ:
            return 0, 0x7FFFFFFF
        self.width = avail_width
        if self._for_width != avail_width or self._rebreak:
            self._break(avail_width)
        self.height = self._height()
        return self.width, self.height

    def _height(self) -> float:
        leading: float = self.style.leading
        if self.simple:
            ascent, descent = ascent_descent(self._font, self.style.fontSize)
            height: float = len(self._simple_lines) * max(leading, ascent - descent)
            return height
        return sum(max(line.ascent - line.descent, leading) for line in self._lines)

    def _line_count(self) -> int:
        return len(self._simple_lines) if self.simple else len(self._lines)

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        if self._empty() or avail_width < _FUZZ or avail_height < _FUZZ:
            return []
        if self._for_width != avail_width:
            self.wrap(avail_width, avail_height)
        style = self.style
        leading = style.leading
        if self.simple:
            step = max(leading, 1.2 * style.fontSize)
            fit = int(avail_height / float(step))
        else:
            fit = 0
            height = 0.0
            for i, line in enumerate(self._lines):
                height += max(line.ascent - line.descent, leading)
                if height > avail_height + 1e-8:
                    break
                fit = i + 1
        if fit == 0:
            return []
        if self._line_count() <= fit:
            return [self]
        if self.simple:
            lines = self._simple_lines
            head = TextParagraph(self.text, style, self.bullet, words=_joined(lines[:fit]))
            tail = TextParagraph(self.text, style, None, words=_joined(lines[fit:]))
        else:
            start = self._lines[fit].first_word
            words = self._processed_words
            head = TextParagraph(self.text, style, self.bullet, processed=_trim(words[:start]))
            tail = TextParagraph(self.text, style, None, processed=_trim(words[start:]))
        return [head, tail]

    # ------------------------------------------------------------------ drawing

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Draw with the bottom left at (x, y), as Flowable.drawOn does, without moving the
        origin."""
        pen = Pen(canvas)
        self.draw_with(pen, x, y)
        pen.finish()

    def draw(self) -> None:
        pen = Pen(self.canv)
        self.draw_with(pen, 0.0, 0.0)
        pen.finish()

    def draw_with(self, pen: Pen, x: float, y: float) -> None:
        """Add the paragraph, its bottom left at (x, y), to `pen`'s text and boxes."""
        if not self._line_count():
            return
        style = self.style
        top = style.fontSize if _TOP_IS_SIZE else self._first_ascent()
        baseline = y + self.height - top
        offset = style.firstLineIndent
        if self.bullet:
            offset = self._bullet(pen, offset, x, baseline, self.bullet)
        if self.simple:
            self._draw_simple(pen, offset, x, baseline)
        else:
            self._draw_styled(pen, offset, x, baseline)

    def _first_ascent(self) -> float:
        if self.simple:
            ascent: float = ascent_descent(self._font, self.style.fontSize)[0]
            return ascent
        return self._lines[0].ascent

    def _bullet(self, pen: Pen, offset: float, x: float, y: float, bullet: str) -> float:
        """Draw the bullet and return where the first line starts (reportlab's `_drawBullet`)."""
        style = self.style
        text = pen.at(x + style.bulletIndent, y + getattr(style, "bulletOffsetY", 0))
        pen.font(style.bulletFontName, style.bulletFontSize)
        pen.fill(getattr(style, "bulletColor", style.textColor))
        text_out(text, bullet)
        width = width_of(bullet, style.bulletFontName, style.bulletFontSize)
        end = style.bulletIndent + width + style.bulletFontSize * 0.6
        start: float = max(offset, end - style.leftIndent)
        return start

    def _draw_simple(self, pen: Pen, offset: float, x: float, y: float) -> None:
        style = self.style
        size = style.fontSize
        ascent, descent = ascent_descent(self._font, size)
        leading = max(style.leading, ascent - descent)
        centre = _centred(style)
        left = x + style.leftIndent
        text: Any = None
        line_x = 0.0
        for i, (extra, words) in enumerate(self._simple_lines):
            start = offset if i == 0 else 0.0
            line = " ".join(words)
            spacing = 0.0
            if extra <= -1e-8:
                gaps = len(words) + line.count("\xa0") - 1
                if gaps > 0:
                    spacing = extra / float(gaps)
            if centre and not spacing:
                start += 0.5 * extra
            if text is None:
                line_x = left + start
                text = pen.at(line_x, y)
                pen.font(self._font, size, leading)
                pen.fill(style.textColor)
            elif left + start != line_x:
                # Each line ends with a step down by the leading to the start of the line
                # before, as reportlab's; a line that starts elsewhere moves across from there.
                text.setXPos(left + start - line_x)
                line_x = left + start
            if spacing:
                text.setWordSpace(spacing)
                text_out(text, line, newline=True)
                text.setWordSpace(0)
            else:
                text_out(text, line, newline=True)

    def _draw_styled(self, pen: Pen, offset: float, x0: float, y: float) -> None:
        style = self.style
        size = style.fontSize
        leading = style.leading
        centre = _centred(style)
        # The highlight boxes are as tall as the leading of the first line's type size.
        box = max(leading, 1.2 * size)
        font = ""
        current = y  # reportlab's running baseline, which the highlight boxes follow
        below: float | None = None
        previous_step = 0.0
        for i, line in enumerate(self._lines):
            start = offset if i == 0 else 0.0
            extra = line.extra
            spacing = 0.0
            if extra <= -1e-8:
                gaps = line.count + sum(e.text.count("\xa0") for e in line.entries) - 1
                if gaps > 0:
                    spacing = extra / float(gaps)
            if centre and not spacing:
                start += 0.5 * extra
            # reportlab places each line by the previous line's descent and this one's ascent,
            # each at least a share of the leading, which spaces these lines a little wider
            # than their height says.
            ascent = max(leading * 5 / 6, line.ascent)
            descent = max(leading / 6, -line.descent)
            step = ascent + descent
            baseline = current
            if below is not None:
                expected = below - ascent
                if previous_step != step:
                    baseline += step - previous_step
                if abs(expected - baseline) > 1e-8:
                    baseline = current = expected
            below = baseline - descent
            previous_step = step
            x = x0 + style.leftIndent + start
            text = pen.at(x, baseline)
            if spacing:
                text.setWordSpace(spacing)
            spaces = 0
            back: Any = None
            back_x = 0.0
            last_text = ""
            for j, entry in enumerate(line.entries):
                frag = entry.frag
                at = x + spaces * spacing
                end = at
                if j > 0:
                    end = at - _trailing_space(last_text, font, size)
                font = frag.font
                pen.font(font, size)
                pen.fill(style.textColor)
                if entry.text:
                    text_out(text, entry.text)
                if frag.back and back is None:
                    back, back_x = frag.back, at
                elif back is not None:
                    # reportlab starts a new box at every run, even of the same colour.
                    pen.box(back_x, end, current + size - box, box, back)
                    back = frag.back or None
                    back_x = at
                x += width_of(entry.text, font, size)
                spaces += entry.text.count(" ") + entry.text.count("\xa0")
                last_text = entry.text
            if back is not None:
                pen.box(back_x, x + (spaces - 1) * spacing, current + size - box, box, back)
            if spacing:
                text.setWordSpace(0)
            current -= box


class Pen:
    """The text and highlight boxes of one or more paragraphs, drawn together: the boxes first,
    then the text in one text object, inside one saved graphics state."""

    __slots__ = ("_fill", "boxes", "canvas", "text")

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.text: Any = None
        self.boxes: list[tuple[float, float, float, float, Any]] = []
        self._fill: Any = None

    def font(self, name: str, size: float, leading: float | None = None) -> None:
        """Set the text's font, and its leading if given, unless they are set already."""
        text = self.text
        if (
            text._fontname == name
            and text._fontsize == size
            and (leading is None or text._leading == leading)
        ):
            return
        if leading is None:
            text._setFont(name, size)
        else:
            text.setFont(name, size, leading)

    def fill(self, colour: Any) -> None:
        """Set the text's colour unless it is set already."""
        if colour is not self._fill and colour != self._fill:
            self.text.setFillColor(colour)
            self._fill = colour

    def at(self, x: float, y: float) -> Any:
        """The text object, its next line starting at (x, y)."""
        if self.text is None:
            self.text = self.canvas.beginText(x, y)
        else:
            self.text.setTextOrigin(x, y)
        return self.text

    def box(self, x1: float, x2: float, y: float, height: float, colour: Any) -> None:
        self.boxes.append((x1, x2, y, height, colour))

    def finish(self) -> None:
        if self.text is None and not self.boxes:
            return
        canvas = self.canvas
        canvas.saveState()
        for x1, x2, y, height, colour in self.boxes:
            canvas.setFillColor(colour)
            canvas.rect(x1, y, x2 - x1, height, stroke=0, fill=1)
        if self.text is not None:
            canvas.drawText(self.text)
        canvas.restoreState()
        self.text = None
        self.boxes = []
        self._fill = None


def _centred(style: Any) -> bool:
    if style.alignment not in (TA_LEFT, TA_CENTER):
        raise ValueError("TextParagraph sets left or centred text only")
    return bool(style.alignment == TA_CENTER)


def _trailing_space(text: str, font: str, size: float) -> float:
    stripped = text.rstrip(_WHITE)
    if len(stripped) == len(text):
        return 0.0
    return width_of(text[len(stripped) :], font, size)


def _joined(lines: list[tuple[float, list[str]]]) -> list[str]:
    """The words of some lines, with the pieces of split words joined up again."""
    words: list[str] = []
    run: list[str] = []
    for _, line in lines:
        for word in line:
            if isinstance(word, _Piece):
                run.append(word)
                if isinstance(word, _LastPiece):
                    words.append("".join(run))
                    run = []
                continue
            if run:
                words.append("".join(run))
                run = []
            words.append(word)
    if run:
        words.append("".join(run))
    return words


def _trim(words: list[_Word]) -> list[_Word]:
    while words and words[-1].kind == _BREAK:
        words = words[:-1]
    return words
