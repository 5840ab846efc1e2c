"""Key terms for the glossary: the notes' own glossary, kept exactly, and terms found in the text.

`extract_glossary(deck)` is a pure transform of the model. It returns

- the explicit entries the reader put in `Deck.glossary` (kind EXPLICIT), untouched;
- when the notes have no explicit glossary (or ask for `glossary: auto`), the terms the author
  marked: a bold term that its sentence defines ("A **progressive wave** is a wave that ..."),
  and flashcards that ask for a definition ("What is osmosis? | ..." or
  "... - what term is this? | osmosis"), which remember their card so that the Anki exporter
  does not ask the same thing twice;
- when `Deck.auto_glossary` is set (always for card-set text), terms found by rules (kind AUTO)
  and a who's who of the people the notes name (kind PERSON).

The rules favour precision: a candidate must carry evidence that it is a term, not just a
capital letter. The evidence, any one of which is enough:

- quotation marks around a capitalised phrase ('United Opposition') or a rare word
  ('Duumvirate'); lowercase quotes count only in "known as 'x'" or before a naming noun
  ("the 'lock and key' model"), since 'free' or 'crimes' are scare quotes;
- a capitalised name of two or more words that recurs, carries a year in brackets
  ("Ban of Faction (1921)"), or ends (or starts) with a word that names treaties, plans, crises,
  alliances, laws and the like ("Dawes Plan", "Treaty of Versailles");
- a capitalised word used with "the" more than once ("the Triumvirate"), which people's and
  places' names rarely are;
- an acronym (NEP), unless it is a chemical formula, a Roman numeral or a date marker;
- a sentence that defines it: "X is a ...", "X, a ...", "known as X", "X (expansion)".

Each term's variants are merged ("Ban of Faction", "ban on factinos"), misspellings corrected
from the other variants or the dictionary, and the term is listed in its most common wording,
in title case when the notes write it as a name. Its definition is the sentence that explains it
best (a defining sentence first, else the first mention), tidied but with its wording kept.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .edits import edit_distance
from .model import (
    BulletList,
    CardKind,
    Cloze,
    Code,
    Deck,
    Emphasis,
    GlossaryEntry,
    Image,
    Inlines,
    LineBreak,
    Link,
    Math,
    Paragraph,
    SourceRef,
    Strong,
    TermKind,
    Text,
    block_source,
    inline_source,
)

if TYPE_CHECKING:
    from .model import Blocks

__all__ = [
    "extract_glossary",
    "merge_entries",
    "sort_key",
    "term_key",
    "tidy_definition",
]

# --------------------------------------------------------------------------- word lists


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that may join the capitalised words of a name ("Treaty of Versailles", "Ban on Factions").
_CONNECTORS = _words(
    "of on in the for upon to at a an de du des la le les von van der den di da del y"
)
# Words a term's key leaves out, so that "Ban of Faction" and "ban on factions" meet.
_KEY_SKIP = _CONNECTORS | {"and", "&"}

# Words that start a noun phrase that is not a term ("It is", "Their plan was").
_NOT_TERM_START = _words(
    """it this that these those he she they we i you there here his her their its our my your
    what which who whom whose one another each every some many most all both such any no other
    others none much more less few several them him us me when where why how if as so then
    also but and or because although while after before since until during off up out on in
    for back away down to of at by with from into"""
)

# Nouns and modifiers too general to be a key term on their own ("The main reason was ...").
_GENERIC = _words(
    """reason reasons result results cause causes effect effects problem problems idea ideas
    way ways thing things aim aims point points factor factors consequence consequences impact
    impacts outcome outcomes importance significance answer answers question questions
    difference differences example examples part parts rest end start beginning number amount
    level main first second third last only key same next biggest best worst major overall
    purpose role function date name time times year years people person man woman men women
    group groups decision job kind type sort lot side case fact facts issue issues area areas
    word words thing stuff change changes use uses advantage advantages disadvantage
    disadvantages strength strengths weakness weaknesses success failure reaction response
    answer summary conclusion introduction note notes extra topic topics chapter section card
    cards page"""
)

# Words that name treaties, plans, crises, alliances, laws and other named things, when they
# end a capitalised name ("Dawes Plan", "Kapp Putsch", "Krebs Cycle").
_HEAD_LAST = _words(
    """treaty treaties pact pacts plan plans crisis alliance entente agreement accord accords
    act acts bill charter declaration doctrine revolution war wars rebellion revolt uprising
    rising putsch coup massacre purge purges crash depression reform reforms decree decrees
    edict settlement compromise conference summit blockade airlift offensive campaign famine
    strike movement programme program deal union league coalition front bloc axis opposition
    party triumvirate duumvirate clause amendment constitution convention protocol ultimatum
    manifesto testament terror army council committee cycle law laws principle theorem
    process equation constant rule theory hypothesis series paradox syndrome model scale
    republic empire dynasty regime trial trials airlift"""
)
# Words that start a name when "of" follows ("Treaty of Versailles", "League of Nations").
_HEAD_FIRST = _words(
    """treaty battle siege congress council edict peace act law laws sack fall storming
    massacre league union declaration charter bill night conference convention statute
    principle theory ban revolt rising war wars invasion partition unification abolition
    assassination occupation"""
)
# Kinds of group that a single capitalised word names ("the Triumvirate").
_GROUP_WORDS = _words(
    "triumvirate duumvirate tetrarchy entente axis alliance coalition junta commune"
)
# Nouns that turn a lowercase quote into a term: "the 'lock and key' model".
_NAMING_NOUNS = _words(
    """model theory myth principle rule effect hypothesis policy system method approach law
    strategy campaign plan doctrine tactic tactics slogan technique test"""
)
# Titles before a person's name.
_TITLES = _words(
    """tsar czar kaiser king queen prince princess president general chancellor archduke
    emperor empress lord lady sir dr mr mrs ms pope cardinal bishop marshal admiral
    duke earl count minister premier senator governor"""
)
_MONTHS_DAYS = _words(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday"""
)
# Places a notes file names as if they were people ("Germany lost 13% of its land").
_PLACES = _words(
    """afghanistan africa albania algeria america americas antarctica argentina armenia asia
    australia austria austria-hungary azerbaijan balkans bavaria belarus belgium bohemia
    bosnia brazil britain bulgaria burma cambodia canada chile china colombia congo crimea
    croatia cuba czechoslovakia czechia denmark egypt england estonia ethiopia europe finland
    france georgia germany greece holland hungary iceland india indonesia iran iraq ireland
    israel italy japan jordan kenya korea kosovo kuwait latvia lebanon libya lithuania
    luxembourg macedonia malaysia manchuria mexico moldova mongolia montenegro morocco
    netherlands nigeria norway pakistan palestine persia peru philippines poland portugal
    prussia romania rome russia rwanda saxony scotland serbia siberia slovakia slovenia
    somalia spain sudan sweden switzerland syria taiwan tibet turkey ukraine uganda ulster
    vietnam wales yugoslavia zimbabwe berlin moscow petrograd leningrad stalingrad paris
    london vienna munich warsaw prague washington tokyo beijing versailles"""
)
_PLACE_PHRASES = frozenset(
    phrase.replace("-", " ")
    for phrase in _words(
        """soviet-union united-states united-kingdom great-britain new-york new-zealand
        south-africa middle-east far-east west-germany east-germany north-korea south-korea
        north-america south-america latin-america western-europe eastern-europe"""
    )
)
# Capitalised letters that are not acronyms of terms.
_NOT_ACRONYMS = _words(
    """ad bc bce ce am pm ok tv uk us usa gb eu nb ps pto rip etc ie eg fyi asap gcse igcse
    aqa ocr wjec edexcel ks ks3 ks4 sat sats dr mr mrs ms st no vs"""
)
_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
# One-letter element symbols: an all-capitals token made only of them may be a formula (KOH).
_ELEMENTS_1 = frozenset("HBCNOFPSKVYIWU")

_COPULA = _words("is are was were")
# What follows "X is" when the sentence defines X.
_DEFINING_AFTER_COPULA = _words("a an the when where how one used formed made defined called known")
_DEFINING_VERBS = ("means", "refers to", "stands for", "describes", "is defined as")
_NAMING_BEFORE = ("also known as", "known as", "called", "termed", "named", "nicknamed", "dubbed")
# Verbs that explain a named group or agreement by saying how it came about.
_CREATING = _words(
    """formed form forms created create creates founded set established signed sign
    introduced introduce launched launch"""
)
# Verbs (and the like) that often follow a person who is the subject of a fact.
_SUBJECT_VERBS = _words(
    """was is had has became led made said wanted believed needed feared knew used died won
    lost took gave tried argued thought saw began could would did went got kept also then
    still never only"""
)
_SUBORDINATE = _words("when after as since because although while until before so if")

# How common a word must be (in the spell checker's English frequency list) to count as an
# everyday word: "free" or "party" are, "triumvirate" or "enzyme" are not.
_COMMON = 10000
# How rare a capitalised word must be to be taken for a name ("stalin" 230, "karl" 500).
_NAME_RARE = 1000

# Longest term, in words, and longest definition of a person, in characters.
_MAX_TERM_WORDS = 6
_MAX_PERSON_CHARS = 400
_MAX_PERSON_FACTS = 3

# --------------------------------------------------------------------------- text helpers

_WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
_YEAR_AFTER = re.compile(r"\s*\((?:c\.\s*)?\d{3,4}(?:\s*[-–—/]\s*\d{2,4})?\)")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'’”)\]]*\s+")
_ABBREVIATIONS = _words(
    """e.g i.e etc c ca approx vs cf mr mrs ms dr st no fig al jan feb mar apr jun jul aug sep
    sept oct nov dec prof gen col lt sgt rev vol p pp"""
)
_OPEN_QUOTES = {"'": "'’", "‘": "'’", '"': '"”', "“": '"”'}
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text without accents and case, for comparing and sorting: "Passé" gives "passe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("’", "'")


def _bare(word: str) -> str:
    """A word folded, without a possessive ending."""
    word = fold(word)
    if word.endswith("'s"):
        return word[:-2]
    return word.rstrip("'")


def _stem(word: str) -> str:
    """A crude singular, enough to merge "factions" with "faction"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def term_key(term: str) -> str:
    """The key under which two spellings of a term count as one.

    Case, accents, possessives, plurals and linking words are ignored: "Ban of Faction" and
    "ban on factions" share the key `ban faction`.
    """
    words = [_bare(w) for w in _WORD.findall(term)]
    content = [_stem(w) for w in words if w not in _KEY_SKIP]
    return " ".join(content or words)


def sort_key(term: str) -> tuple[str, str, str]:
    """The order of a glossary: by term, without regard to case, accents or leading quotes."""
    folded = fold(term)
    return (folded.lstrip("'\"‘“(-– "), folded, term)


def tidy_definition(text: str) -> str:
    """A definition with normalised spaces, a capital first letter and a sensible full stop.

    The wording is kept: only white space, a leading bullet or dash, and the final punctuation
    change.
    """
    text = _SPACES.sub(" ", text).strip()
    text = text.lstrip("-–—•*·:;, ").rstrip(",;:-–— ")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    closing = text.rstrip("'\"’”)]")
    if not closing.endswith((".", "!", "?", "…")):
        text += "."
    return text


def _frequencies() -> Mapping[str, int]:
    """English word frequencies from the spell checker's dictionary (loaded once)."""
    from .spelling import english_frequencies

    return english_frequencies()


def _frequency(word: str) -> int:
    return _frequencies().get(_bare(word), 0)


def _known(word: str) -> bool:
    return _bare(word) in _frequencies()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _correction(word: str) -> str:
    """The most frequent dictionary word one edit away from a misspelt word, or the word itself.

    One edit (a letter dropped, added, changed, or two swapped) catches most slips of the keys
    ("factinos"); the spell checker's own search of two edits takes a second per word.
    """
    folded = _bare(word)
    if _known(folded):
        return word
    splits = [(folded[:i], folded[i:]) for i in range(len(folded) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    edits |= {a + c + b for a, b in splits for c in _LETTERS}
    frequencies = _frequencies()
    known = sorted((w for w in edits if w in frequencies), key=lambda w: (-frequencies[w], w))
    return known[0] if known else word


@functools.lru_cache(maxsize=1 << 16)
def _typo_of(a: str, b: str) -> bool:
    """True when `a` and `b` (folded, singular) are one word, one of them misspelt.

    Two dictionary words never are ("alkane", "alkene"); otherwise a slip of one letter in a
    word of five or more letters, or two in one of eight or more, with the first letter right.
    """
    if a == b:
        return True
    if not a or not b or a[0] != b[0] or (_known(a) and _known(b)):
        return False
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 8 else 1 if shortest >= 5 else 0
    return allowed > 0 and edit_distance(a, b, allowed) <= allowed


def _title_case(words: Sequence[str]) -> str:
    """Words of a name in title case: linking words lower case, other words capitalised."""
    result: list[str] = []
    for index, word in enumerate(words):
        if index and fold(word) in _KEY_SKIP:
            result.append(word.lower())
        elif word[:1].islower():
            result.append(word[:1].upper() + word[1:])
        else:
            result.append(word)
    return " ".join(result)


def _is_acronym(word: str) -> bool:
    """True for NEP, ATP, USSR, mRNA: two or more capitals and no other letters."""
    core = word[:-1] if len(word) > 3 and word.endswith("s") and word[:-1].isupper() else word
    if re.fullmatch(r"[A-Z][A-Z&]{1,6}", core):
        return not _ROMAN.match(core)
    return bool(re.fullmatch(r"[a-z][A-Z]{2,5}", core))


def _formula_like(word: str) -> bool:
    """True for KOH or HCN: all capitals, every letter an element symbol of one letter."""
    return word.isupper() and all(c in _ELEMENTS_1 for c in word)


# --------------------------------------------------------------------------- sentences


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    bare: str
    stem: str
    cap: bool
    initial: bool
    possessive: bool


@dataclass(slots=True)
class _Sentence:
    text: str
    line: int
    masked: tuple[tuple[int, int], ...] = ()
    bold: tuple[tuple[int, int], ...] = ()
    tokens: list[_Token] = field(default_factory=list)

    def gap(self, left: _Token, right: _Token) -> str:
        return self.text[left.end : right.start]

    def before(self, token: _Token, count: int = 1) -> list[_Token]:
        index = self.tokens.index(token)
        return self.tokens[max(0, index - count) : index]


def _flatten(inlines: Inlines) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """The plain text of inline content, with the spans of bold text and of code or math."""
    parts: list[str] = []
    bold: list[tuple[int, int]] = []
    masked: list[tuple[int, int]] = []
    length = 0

    def walk(nodes: Inlines, in_bold: bool) -> None:
        nonlocal length
        for node in nodes:
            start = length
            if isinstance(node, Text):
                # Written as a definition shows it: formulas in dollars (`inline_source`).
                text = inline_source((node,))
                parts.append(text)
                length += len(text)
            elif isinstance(node, Code | Math):
                text = inline_source((node,))
                parts.append(text)
                length += len(text)
                masked.append((start, length))
            elif isinstance(node, Strong):
                walk(node.children, True)
                if not in_bold:
                    bold.append((start, length))
            elif isinstance(node, Emphasis | Cloze | Link):
                walk(node.children, in_bold)
            elif isinstance(node, Image):
                parts.append(node.alt)
                length += len(node.alt)
            elif isinstance(node, LineBreak):
                parts.append("\n")
                length += 1

    walk(inlines, False)
    return "".join(parts), bold, masked


def _split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the sentences of a paragraph's text."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        following = text[end : end + 1]
        if not following or not (
            following.isupper() or following.isdigit() or following in "'\"‘“("
        ):
            continue
        word = re.search(r"([\w.]+)[.!?…]+[\"'’”)\]]*\s+$", text[start:end])
        if word and match.group().startswith("."):
            before = word.group(1).lower().rstrip(".")
            if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                continue
        yield start, match.start() + len(match.group().rstrip())
        start = end
    if text[start:].strip():
        yield start, len(text.rstrip())


def _tokenise(sentence: _Sentence) -> None:
    tokens: list[_Token] = []
    clause_start = True
    position = 0
    for match in _WORD.finditer(sentence.text):
        if any(s <= match.start() < e for s, e in sentence.masked):
            continue
        if re.search(r"[:;•]", sentence.text[position : match.start()]):
            clause_start = True
        word = match.group()
        bare = _bare(word)
        tokens.append(
            _Token(
                text=word,
                start=match.start(),
                end=match.end(),
                bare=bare,
                stem=_stem(bare),
                cap=word[:1].isupper(),
                initial=clause_start,
                possessive=fold(word).endswith("'s") or (word.endswith("'") and len(word) > 2),
            )
        )
        clause_start = False
        position = match.end()
    sentence.tokens = tokens


def _paragraphs(blocks: Blocks) -> Iterator[Paragraph]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, BulletList):
            for item in block.items:
                yield from _paragraphs(item.children)


def _sentences(deck: Deck) -> list[_Sentence]:
    """Every sentence of the deck's text (not headings, code or tables), in order."""
    sentences: list[_Sentence] = []
    blocks = [deck.intro, *(card.back for card in deck.cards)]
    for group in blocks:
        for paragraph in _paragraphs(group):
            text, bold, masked = _flatten(paragraph.children)
            for start, end in _split_sentences(text):
                piece = text[start:end]
                lead = len(piece) - len(piece.lstrip())
                piece = piece.strip()
                offset = start + lead
                if not piece:
                    continue
                line = paragraph.line + text[:offset].count("\n") if paragraph.line else 0
                sentence = _Sentence(
                    text=piece,
                    line=line,
                    masked=tuple(
                        (s - offset, e - offset)
                        for s, e in masked
                        if offset <= s < offset + len(piece)
                    ),
                    bold=tuple(
                        (s - offset, e - offset)
                        for s, e in bold
                        if offset <= s < offset + len(piece)
                    ),
                )
                _tokenise(sentence)
                sentences.append(sentence)
    return sentences


# --------------------------------------------------------------------------- candidates


@dataclass(slots=True)
class _Mention:
    sentence: int
    start: int
    end: int
    words: list[str]
    """The mention's words as written, linking words included."""
    named: bool
    """True when written with capitals that are not just a sentence's first letter."""
    score: int = 0
    """How well the sentence explains the term (see `_Finder._score`)."""


@dataclass(slots=True)
class _Candidate:
    key: tuple[str, ...]
    order: tuple[int, int]
    evidence: set[str] = field(default_factory=set)
    acronym: str = ""
    expansion: str = ""
    suffix: str = ""
    """A naming noun after a quoted phrase: the 'lock and key' *model*."""
    mentions: list[_Mention] = field(default_factory=list)
    defined_in: set[int] = field(default_factory=set)
    """Sentences whose pattern made it a candidate: they explain it."""
    introduced_in: set[int] = field(default_factory=set)
    """Sentences that introduce it without defining it, such as an acronym's spelling out."""


@dataclass(slots=True)
class _Person:
    key: str
    names: list[list[str]] = field(default_factory=list)
    mentions: int = 0
    evidence: int = 0
    against: int = 0
    facts: list[int] = field(default_factory=list)


def _content(words: Iterable[str]) -> tuple[str, ...]:
    """The key of a phrase: its words' stems without linking words.

    A capitalised particle that starts a name stays ("Van der Waals forces" keeps "van").
    """
    words = list(words)
    stems = [_stem(_bare(w)) for w in words]
    kept = tuple(
        s
        for i, (s, w) in enumerate(zip(stems, words, strict=True))
        if s not in _KEY_SKIP or (i == 0 and w[:1].isupper() and len(words) > 2)
    )
    return kept or tuple(stems)


class _Finder:
    """Finds the key terms and people of one deck's text."""

    def __init__(self, deck: Deck) -> None:
        self.deck = deck
        self.sentences = _sentences(deck)
        self.lowercase: set[str] = set()
        self.midcaps: set[str] = set()
        for sentence in self.sentences:
            for token in sentence.tokens:
                if not token.cap:
                    self.lowercase.add(token.bare)
                    self.lowercase.add(_stem(token.bare))
                elif not token.initial:
                    self.midcaps.add(token.bare)
        # Where each stem occurs, so that looking for a term's mentions is no scan of the text.
        self.where: dict[str, list[tuple[int, int]]] = {}
        for index, sentence in enumerate(self.sentences):
            for position, token in enumerate(sentence.tokens):
                self.where.setdefault(token.stem, []).append((index, position))
        self.stems_by_letter: dict[str, list[str]] = {}
        for stem in self.where:
            self.stems_by_letter.setdefault(stem[:1], []).append(stem)
        self.candidates: dict[tuple[str, ...], _Candidate] = {}
        self.people: dict[str, _Person] = {}
        self.person_keys: set[str] = set()

    # ------------------------------------------------------------------ word classes

    def _proper(self, token: _Token) -> bool:
        """True when a capitalised token is capitalised as a name, not as a first word."""
        if not token.cap or any(c.isdigit() for c in token.text):
            return False
        if not token.initial:
            return True
        if token.bare in _NOT_TERM_START or token.bare in _CONNECTORS:
            return False
        if token.bare in self.midcaps:
            return True
        return (
            token.bare not in self.lowercase
            and _stem(token.bare) not in self.lowercase
            and _frequency(token.bare) < _COMMON
        )

    def _name_like(self, word: str) -> bool:
        """True for a word that could be a person's name: rare, and no month, place or title."""
        bare = _bare(word)
        return (
            _frequency(bare) < _NAME_RARE
            and bare not in _MONTHS_DAYS
            and bare not in _PLACES
            and bare not in _TITLES
            and bare not in _HEAD_LAST
            and bare not in _HEAD_FIRST
            and not bare.endswith(("ism", "ist", "ists", "ian", "ians", "ans", "ese", "ish"))
            and not _is_acronym(word)
        )

    def _candidate(self, words: Sequence[str], where: tuple[int, int]) -> _Candidate:
        key = _content(words)
        for existing_key, existing in self.candidates.items():
            if len(existing_key) == len(key) and all(
                _typo_of(a, b) for a, b in zip(existing_key, key, strict=True)
            ):
                return existing
        candidate = _Candidate(key=key, order=where)
        self.candidates[key] = candidate
        return candidate

    # ------------------------------------------------------------------ collecting

    def collect(self) -> None:
        # Names first, so that the defining patterns know who the people are.
        for index, sentence in enumerate(self.sentences):
            self._acronyms(index, sentence)
            self._quotes(index, sentence)
            self._chains(index, sentence)
        people = {p.key for p in self.accepted_people()}
        self.person_keys = people
        for index, sentence in enumerate(self.sentences):
            self._defined_phrases(index, sentence)

    def _acronyms(self, index: int, sentence: _Sentence) -> None:
        tokens = sentence.tokens
        for position, token in enumerate(tokens):
            if not _is_acronym(token.text) or token.bare in _NOT_ACRONYMS:
                continue
            neighbours = (
                tokens[max(0, position - 1) : position] + tokens[position + 1 : position + 2]
            )
            if any(n.text.isupper() and len(n.text) > 1 for n in neighbours):
                continue  # a phrase in capitals, such as a mnemonic, not an acronym
            expansion = self._expansion(sentence, position)
            if not expansion and (_formula_like(token.text) or _frequency(token.bare) >= _COMMON):
                continue
            candidate = self._candidate([token.text], (index, token.start))
            candidate.acronym = token.text.rstrip("s") if token.text[:-1].isupper() else token.text
            candidate.evidence.add("acronym")
            if expansion and not candidate.expansion:
                candidate.expansion = expansion
                candidate.introduced_in.add(index)

    def _expansion(self, sentence: _Sentence, position: int) -> str:
        """The words an acronym stands for, when the sentence spells them out next to it."""
        token = sentence.tokens[position]
        acronym = token.text.rstrip("s") if token.text[:-1].isupper() else token.text
        text = sentence.text
        longest = min(len(acronym) + 5, 2 * len(acronym))
        # "New Economic Policy (NEP)": the shortest run of words before it that spells it.
        if text[: token.start].rstrip().endswith("(") and text[token.end :].startswith(")"):
            before = [t for t in sentence.tokens[:position] if t.end <= token.start]
            for count in range(1, min(longest, len(before)) + 1):
                words = before[-count:]
                long_form = text[words[0].start : words[-1].end]
                if words[0].bare not in _KEY_SKIP and _spells(acronym, long_form):
                    return long_form
        # "ATP (adenosine triphosphate)"
        bracket = re.match(r"\s*\(([^()]{3,80})\)", text[token.end :])
        if bracket:
            long_form = bracket.group(1).strip()
            if len(_WORD.findall(long_form)) <= longest and _spells(acronym, long_form):
                return long_form
        return ""

    def _quotes(self, index: int, sentence: _Sentence) -> None:
        text = sentence.text
        for start, end in _quote_spans(text):
            inner = text[start:end]
            words = [t for t in sentence.tokens if start <= t.start and t.end <= end]
            if not words or len(words) > _MAX_TERM_WORDS or re.search(r"[.!?;:\d]", inner):
                continue
            content = [t for t in words if t.bare not in _KEY_SKIP]
            if not content or words[0].bare in _NOT_TERM_START:
                continue
            capitalised = content[0].cap and content[-1].cap
            if "," in inner and not all(t.cap for t in content):
                continue
            if capitalised:
                if len(content) == 1 and (
                    _frequency(content[0].bare) >= _COMMON or content[0].bare in _PLACES
                ):
                    continue
                candidate = self._candidate([t.text for t in words], (index, start))
                candidate.evidence.add("quoted")
                continue
            # Lowercase quotes are scare quotes unless named ("known as 'x'") or followed by a
            # naming noun ("the 'lock and key' model").
            following = re.match(r"['’\"”]\s+(\w+)", text[end:])
            noun = following.group(1) if following else ""
            named = re.search(
                r"\b(?:" + "|".join(_NAMING_BEFORE) + r")\s+(?:the\s+|an?\s+)?$",
                text[: start - 1],
                re.IGNORECASE,
            )
            if noun.lower() in _NAMING_NOUNS:
                candidate = self._candidate([t.text for t in words] + [noun], (index, start))
                candidate.suffix = noun
                candidate.evidence.add("quoted")
                candidate.defined_in.add(index)
            elif (named and not re.search(r"so-called\s*$", text[: start - 1], re.IGNORECASE)) or (
                len(content) > 1 and content[-1].bare in _NAMING_NOUNS
            ):
                # "the 'domino theory'" names itself by its last word.
                candidate = self._candidate([t.text for t in words], (index, start))
                candidate.evidence.add("quoted")
                candidate.defined_in.add(index)

    def _chains(self, index: int, sentence: _Sentence) -> None:
        """Capitalised names: runs of capitalised words, linking words allowed inside."""
        tokens = sentence.tokens
        position = 0
        while position < len(tokens):
            if not self._proper(tokens[position]) or _is_acronym(tokens[position].text):
                position += 1
                continue
            chain = [tokens[position]]
            cursor = position + 1
            while cursor < len(tokens):
                previous = tokens[cursor - 1]
                if previous.possessive and len(chain) > 1 and not chain[-1].possessive:
                    break
                if not re.fullmatch(r"[ \t]*", sentence.gap(previous, tokens[cursor])):
                    break
                token = tokens[cursor]
                if token.cap and not _is_acronym(token.text) and not token.bare.isdigit():
                    chain.append(token)
                    cursor += 1
                    continue
                # Up to two linking words, if a capitalised word follows them.
                links = 0
                probe = cursor
                while (
                    probe < len(tokens)
                    and tokens[probe].bare in _CONNECTORS
                    and not tokens[probe].cap
                    and links < 2
                    and re.fullmatch(r"[ \t]*", sentence.gap(tokens[probe - 1], tokens[probe]))
                ):
                    probe += 1
                    links += 1
                if (
                    links
                    and probe < len(tokens)
                    and tokens[probe].cap
                    and not _is_acronym(tokens[probe].text)
                    and re.fullmatch(r"[ \t]*", sentence.gap(tokens[probe - 1], tokens[probe]))
                ):
                    chain.extend(tokens[cursor : probe + 1])
                    cursor = probe + 1
                    continue
                break
            position = cursor
            self._chain(index, sentence, chain)

    def _chain(self, index: int, sentence: _Sentence, chain: list[_Token]) -> None:
        content = [t for t in chain if t.bare not in _CONNECTORS]
        words = [t.text for t in chain]
        tokens = sentence.tokens
        first = tokens.index(chain[0])
        before = tokens[first - 1] if first else None
        after_the = before is not None and before.bare == "the"
        eponym = any(t.possessive for t in chain[:-1])  # "Lenin's Testament" is a term
        # An organisation or agreement that the notes say was founded: "set up Cominform",
        # "Comecon, set up in 1949, ...". People are born, not founded.
        created = r"(?:set\s+up|formed|founded|created|established|signed|launched)"
        if len(content) == 1 and (
            re.search(r"\b" + created + r"\s+(?:the\s+)?$", sentence.text[: chain[0].start])
            or re.match(r",\s+" + created + r"\b", sentence.text[chain[-1].end :])
        ):
            if not content[0].possessive and _frequency(content[0].bare) < _COMMON:
                self._candidate(words, (index, chain[0].start)).evidence.add("created")
            return
        if (all(self._name_like(t.text) for t in content) and not after_the and not eponym) or (
            content[0].bare in _TITLES and len(content) > 1
        ):
            self._person_mention(index, sentence, [t for t in content if t.bare not in _TITLES])
            return
        year = bool(_YEAR_AFTER.match(sentence.text[chain[-1].end :]))
        if len(content) >= 2:
            head_last = content[-1].bare in _HEAD_LAST or _stem(content[-1].bare) in _HEAD_LAST
            head_first = content[0].bare in _HEAD_FIRST and any(t.bare == "of" for t in chain[1:])
            place = content[-1].bare in _PLACES or fold(" ".join(words)) in _PLACE_PHRASES
            if place and not (head_first or head_last):
                return  # "West Berlin", "Soviet Union"
            candidate = self._candidate(words, (index, chain[0].start))
            candidate.evidence.add("name")
            if year:
                candidate.evidence.add("year")
            if head_last or head_first:
                candidate.evidence.add("head")
            return
        token = content[0]
        if (
            token.possessive
            or _frequency(token.bare) >= _COMMON
            or token.bare in _PLACES
            or token.bare in _MONTHS_DAYS
            or token.bare in _TITLES
        ):
            return
        if before is not None and before.bare == "the" and not token.initial:
            candidate = self._candidate(words, (index, token.start))
            candidate.evidence.add("the")
            if token.bare in _GROUP_WORDS:
                candidate.evidence.add("head")

    def _defined_phrases(self, index: int, sentence: _Sentence) -> None:
        """Phrases a sentence defines: "X is a ...", "... called X", "X, a ..."."""
        if sentence.tokens:
            self._defined_subject(index, sentence)
            self._defined_by_naming(index, sentence)
            self._defined_by_apposition(index, sentence)

    def _defined_subject(self, index: int, sentence: _Sentence) -> None:
        """ "Osmosis is the ...", "The perfect tense (le passé composé) is used for ..." """
        tokens = sentence.tokens
        text = sentence.text
        start = 1 if tokens[0].bare in ("a", "an", "the") else 0
        phrase: list[_Token] = []
        for token in tokens[start : start + 5]:
            if phrase and not re.fullmatch(r"[ \t\-]*", sentence.gap(phrase[-1], token)):
                break
            phrase.append(token)
        for end in range(1, len(phrase) + 1):
            subject = phrase[:end]
            tail = text[subject[-1].end :]
            bracket = re.match(r"\s*(?:\([^()]*\)\s*)?", tail)
            rest = tail[bracket.end() if bracket else 0 :]
            if re.match(r"(is|are|was|were)\s", rest):
                after = [t for t in tokens if t.start >= len(text) - len(rest)][1:]
                if after and self._defines(after, plural=subject[-1].bare.endswith("s")):
                    self._defined(index, subject)
                return
            if any(rest.lower().startswith(v + " ") for v in _DEFINING_VERBS):
                self._defined(index, subject)
                return
            if bracket and bracket.group().strip():
                return

    def _defined_by_naming(self, index: int, sentence: _Sentence) -> None:
        """ "... known as the Beer Hall Putsch", "... which is called fermentation" """
        tokens = sentence.tokens
        text = sentence.text
        for match in re.finditer(
            r"\b(?:" + "|".join(_NAMING_BEFORE) + r")\s+(?:the\s+|an?\s+)?", text, re.IGNORECASE
        ):
            if re.search(r"so-$", text[: match.start()]):
                continue  # "so-called" marks scare quotes
            phrase: list[_Token] = []
            for token in [t for t in tokens if t.start >= match.end()][:4]:
                if phrase and not re.fullmatch(r"[ \t\-]*", sentence.gap(phrase[-1], token)):
                    break
                if token.bare in _NOT_TERM_START or token.bare in _COPULA:
                    break
                phrase.append(token)
            if phrase and phrase[0].start == match.end():
                self._defined(index, phrase)

    def _defined_by_apposition(self, index: int, sentence: _Sentence) -> None:
        """ "the Rentenmark, a temporary currency", "an active site, a region with ..." """
        tokens = sentence.tokens
        text = sentence.text
        for match in re.finditer(r",\s+(?:a|an|the)\s+\w+\s+\w+", text):
            before = [t for t in tokens if t.end <= match.start()]
            if not before or text[before[-1].end : match.start()].strip():
                continue
            # Introduced with "a" or "an" ("has an active site, a region"), or a name ("the
            # Rentenmark, a currency"): "the enzyme together break, the ..." is a clause.
            phrase: list[_Token] = []
            for token in reversed(before[-4:]):
                if token.bare in ("a", "an") or (token.bare == "the" and phrase and phrase[0].cap):
                    break
                if token.bare in _NOT_TERM_START or token.bare in _KEY_SKIP or token.possessive:
                    phrase = []
                    break
                phrase.insert(0, token)
            else:
                phrase = []
            if phrase and len(phrase) <= 3:
                self._defined(index, phrase)

    @staticmethod
    def _defines(after: Sequence[_Token], plural: bool) -> bool:
        """True when the words after "is" or "are" define the subject."""
        word = after[0].bare
        if word in ("made",):
            return len(after) > 1 and after[1].bare in ("up", "of", "from", "by")
        if word in _DEFINING_AFTER_COPULA:
            return True
        # "Enzymes are biological catalysts": a plural subject defined without an article.
        return (
            plural
            and not word.endswith(("ed", "en"))
            and word not in _NOT_TERM_START
            and word not in _KEY_SKIP
            and word not in ("not", "set", "cut", "put", "paid", "able", "still", "often")
            and word not in ("usually", "mostly", "now", "then", "very", "too", "less", "more")
        )

    def _defined(self, index: int, phrase: list[_Token]) -> None:
        if not phrase or len(phrase) > 4:
            return
        if any(any(c.isdigit() for c in t.text) for t in phrase):
            return
        bares = [t.bare for t in phrase]
        if bares[0] in _NOT_TERM_START or bares[-1] in _KEY_SKIP:
            return
        if any(b in ("a", "an", "the", "and", "or") for b in bares[1:]):
            return
        if bares[0] in _GENERIC or bares[-1] in _GENERIC or _stem(bares[-1]) in _GENERIC:
            return
        if len(phrase) == 1:
            token = phrase[0]
            if _is_acronym(token.text):
                candidate = self._candidate([token.text], (index, token.start))
                candidate.defined_in.add(index)
                return
            if (
                _frequency(token.bare) >= _COMMON
                or token.bare in _PLACES
                or token.bare in _TITLES
                or token.possessive
                or self._is_person_word(token)
            ):
                return
        candidate = self._candidate([t.text for t in phrase], (index, phrase[0].start))
        candidate.evidence.add("defined")
        candidate.defined_in.add(index)

    def _is_person_word(self, token: _Token) -> bool:
        return any(_typo_of(key, token.bare) for key in self.person_keys)

    # ------------------------------------------------------------------ people

    def _person_mention(self, index: int, sentence: _Sentence, name: list[_Token]) -> None:
        if not name:
            return
        surname = name[-1]
        key = surname.bare
        person = None
        for existing in self.people.values():
            if _typo_of(existing.key, key):
                person = existing
                break
        if person is None:
            person = self.people.setdefault(key, _Person(key))
        person.mentions += 1
        words = [t.text for t in name]
        if words[-1].endswith(("'s", "’s")):
            words[-1] = words[-1][:-2]
        elif words[-1].endswith(("'", "’")):
            words[-1] = words[-1][:-1]
        person.names.append(words)
        tokens = sentence.tokens
        first = tokens.index(name[0])
        last = tokens.index(surname)
        before = tokens[first - 1] if first else None
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        if surname.possessive or len(name) > 1:
            person.evidence += 1
        if before is not None and before.bare in _TITLES:
            person.evidence += 1
        if (
            after is not None
            and not after.cap
            and (after.bare in _SUBJECT_VERBS or after.bare.endswith("ed"))
        ):
            person.evidence += 1
        if before is not None and before.bare == "the":
            person.against += 2
        if (
            before is not None
            and not before.cap
            and before.bare in ("in", "at", "from", "into", "near")
            and not sentence.gap(before, name[0]).strip()
        ):
            person.against += 1
        if (
            after is not None
            and after.bare == "and"
            and last + 2 < len(tokens)
            and tokens[last + 2].cap
            and self._name_like(tokens[last + 2].text)
        ):
            person.evidence += 1  # "Zinoviev and Kamenev": joined to another name
        if self._subject(sentence, first, last) and index not in person.facts:
            person.facts.append(index)

    @staticmethod
    def _subject(sentence: _Sentence, first: int, last: int) -> bool:
        """True when the name starts the sentence (after a date or "When") and does something."""
        tokens = sentence.tokens
        for token in tokens[:first]:
            if token.cap and token.bare not in _SUBORDINATE and token.bare not in ("in", "on"):
                continue  # other names of the subject: "Zinoviev, Kamenev and Trotsky"
            if (
                token.bare in ("and", "in", "on", "by", "then", "also")
                or token.bare in _SUBORDINATE
            ):
                continue
            if token.bare in _MONTHS_DAYS:
                continue
            return False
        if sentence.tokens[last].possessive:
            return False
        for token in tokens[last + 1 : last + 6]:
            if token.cap or token.bare == "and":
                continue
            return (
                token.bare in _SUBJECT_VERBS
                or token.bare.endswith("ed")
                or any(
                    t.bare.endswith("ed") or t.bare in _SUBJECT_VERBS
                    for t in tokens[last + 1 : last + 6]
                    if not t.cap
                )
            )
        return False

    def accepted_people(self) -> list[_Person]:
        return [
            p
            for p in self.people.values()
            if p.mentions >= 2 and p.facts and p.evidence + len(p.facts) > p.against
        ]

    # ------------------------------------------------------------------ mentions

    def find_mentions(self, candidate: _Candidate) -> None:
        """Every place the term occurs, in any case and spelling, and how well each explains it."""
        key = candidate.key
        firsts = [s for s in self.stems_by_letter.get(key[0][:1], ()) if _typo_of(s, key[0])]
        places = sorted(place for stem in firsts for place in self.where[stem])
        for index, position in places:
            sentence = self.sentences[index]
            tokens = sentence.tokens
            token = tokens[position]
            if candidate.acronym:
                word = token.text.rstrip("s") if token.text[:-1].isupper() else token.text
                if word != candidate.acronym:
                    continue
                matched = [token]
            else:
                matched = self._match(sentence, position, key)
                if not matched:
                    continue
            named = any(t.cap and not (t.initial and t is tokens[0]) for t in matched) or (
                len(matched) == 1 and self._proper(matched[0]) and matched[0].initial
            )
            mention = _Mention(
                sentence=index,
                start=matched[0].start,
                end=matched[-1].end,
                words=[t.text for t in matched],
                named=named and not candidate.acronym,
            )
            mention.score = self._score(candidate, sentence, index, position, matched)
            candidate.mentions.append(mention)

    def _match(self, sentence: _Sentence, position: int, key: tuple[str, ...]) -> list[_Token]:
        tokens = sentence.tokens
        matched: list[_Token] = []
        cursor = position
        for number, stem in enumerate(key):
            skipped = 0
            while (
                number
                and cursor < len(tokens)
                and tokens[cursor].bare in _KEY_SKIP
                and tokens[cursor].stem != stem
                and skipped < 2
            ):
                cursor += 1
                skipped += 1
            if cursor >= len(tokens):
                return []
            token = tokens[cursor]
            if number and not re.fullmatch(
                r"[\s\-'’\"‘“”]*", sentence.gap(tokens[cursor - 1], token)
            ):
                return []
            if not _typo_of(token.stem, stem):
                return []
            matched.append(token)
            cursor += 1
        return tokens[position:cursor]

    def _score(
        self,
        candidate: _Candidate,
        sentence: _Sentence,
        index: int,
        position: int,
        matched: list[_Token],
    ) -> int:
        """How well a sentence explains the term: 3 defines it, 2 introduces it, 1 names it."""
        text = sentence.text
        tokens = sentence.tokens
        last = tokens.index(matched[-1])
        after = text[matched[-1].end :]
        before = text[: matched[0].start]
        if index in candidate.defined_in:
            return 3
        if index in candidate.introduced_in:
            return 2
        lead = [t for t in tokens[:position] if t.bare not in ("a", "an", "the")]
        if not lead:
            follow = tokens[last + 1 :]
            if follow and follow[0].bare in _COPULA and self._defines(follow[1:] or follow, True):
                return 3
            if re.match(r"\s*[:\-–—]\s", after):
                return 3
        if re.search(
            r"\b(?:" + "|".join(_NAMING_BEFORE) + r")\s+(?:the\s+|an?\s+)?['‘\"“]?$",
            before,
            re.IGNORECASE,
        ):
            return 3
        if re.match(r"\s*,\s+(?:a|an|the)\s", after):
            return 2
        # A name that is introduced ("formed the Triumvirate"), dated or quoted is being
        # explained more than one that is only used.
        if (
            position > 1
            and tokens[position - 1].bare == "the"
            and tokens[position - 2].bare in _CREATING
        ):
            return 1
        if re.search(r"\b(?:" + "|".join(_CREATING) + r")\s+(?:the\s+)?['‘\"“]$", before):
            return 1
        if _YEAR_AFTER.match(after) or re.search(r"['‘\"“]$", before):
            return 1
        return 0

    # ------------------------------------------------------------------ choosing

    def accept(self, candidate: _Candidate) -> bool:
        evidence = candidate.evidence
        if not candidate.mentions:
            return False
        if candidate.acronym:
            return True
        if len(candidate.key) == 1 and any(_typo_of(k, candidate.key[0]) for k in self.person_keys):
            return False
        if candidate.key[0] in _PLACES and len(candidate.key) == 1:
            return False
        named = [m for m in candidate.mentions if m.named]
        if "quoted" in evidence or "defined" in evidence:
            return True
        if "name" in evidence:
            return bool({"year", "head"} & evidence or (len(candidate.mentions) >= 2 and named))
        if "created" in evidence:
            return True
        if "the" in evidence:
            return "head" in evidence or len(named) >= 2
        return False

    def display(self, candidate: _Candidate) -> str:
        """The term as listed: its most common wording, corrected, in title case if a name."""
        if candidate.acronym:
            return candidate.acronym
        spellings = [list(m.words) for m in candidate.mentions]
        # Correct misspelt words where the spellings disagree ("Testemant", "factinos").
        width = max(len(s) for s in spellings)
        for column in range(width):
            seen = {fold(s[column]) for s in spellings if column < len(s)}
            if len(seen) < 2:
                continue
            for spelling in spellings:
                if column >= len(spelling):
                    continue
                word = spelling[column]
                if _known(word) or fold(word) in _KEY_SKIP:
                    continue
                fixed = _correction(word)
                if fixed != word and _typo_of(_stem(fold(fixed)), _stem(_bare(word))):
                    spelling[column] = _recase(fixed, word)
                    continue
                others = [
                    s[column]
                    for s in spellings
                    if column < len(s)
                    and _known(s[column])
                    and _typo_of(_bare(s[column]), _bare(word))
                ]
                if others:
                    spelling[column] = _recase(others[0], word)
        counts: dict[str, int] = {}
        firsts: dict[str, list[str]] = {}
        for spelling in spellings:
            wording = fold(" ".join(spelling))
            counts[wording] = counts.get(wording, 0) + 1
            firsts.setdefault(wording, spelling)
        # The most common wording; among equals the fuller one ("Ban on Factions" over "Ban of
        # Faction"), then the first.
        order = list(firsts)
        best = max(order, key=lambda w: (counts[w], len(w), -order.index(w)))
        words = list(firsts[best])
        if candidate.suffix and fold(words[-1]) != fold(candidate.suffix):
            words.append(candidate.suffix)
        if words and words[-1].endswith(("'s", "’s")):
            words[-1] = words[-1][:-2]
        named = [m for m in candidate.mentions if m.named]
        if any(m.words[-1][:1].isupper() for m in named):
            return _title_case(words)  # written as a name: "Socialism in one Country"
        if named:
            return " ".join(words)  # a name and a common noun: "Van der Waals forces"
        first = words[0]
        if (
            first[:1].isupper()
            and not _is_acronym(first)
            and (_bare(first) in self.lowercase or _known(first))
        ):
            words[0] = first[:1].lower() + first[1:]
        return " ".join(words)

    def definition(self, candidate: _Candidate) -> tuple[str, int]:
        """The sentence that explains the term best, tidied, and its line."""
        best = max(candidate.mentions, key=lambda m: (m.score, -m.sentence, -m.start))
        sentence = self.sentences[best.sentence]
        text = tidy_definition(sentence.text)
        if candidate.expansion and fold(candidate.expansion) not in fold(text):
            text = f"{tidy_definition(candidate.expansion)} {text}"
        return text, sentence.line

    def person_entry(self, person: _Person) -> GlossaryEntry:
        names = sorted(person.names, key=lambda n: (-len(n), person.names.index(n)))
        facts: list[str] = []
        total = 0
        first_line = 0
        for index in person.facts[:_MAX_PERSON_FACTS]:
            fact = tidy_definition(self.sentences[index].text)
            if facts and total + len(fact) > _MAX_PERSON_CHARS:
                break
            facts.append(fact)
            total += len(fact) + 1
            first_line = first_line or self.sentences[index].line
        return GlossaryEntry(
            term=" ".join(names[0]),
            definition=" ".join(facts),
            source=SourceRef(self.deck.source.file, first_line),
            kind=TermKind.PERSON,
        )

    # ------------------------------------------------------------------ all together

    def entries(self, people: bool) -> list[GlossaryEntry]:
        self.collect()
        found: list[GlossaryEntry] = []
        accepted: list[_Candidate] = []
        for candidate in self.candidates.values():
            self.find_mentions(candidate)
            if self.accept(candidate):
                accepted.append(candidate)
        # An acronym's spelled-out name is the same term: "New Economic Policy" joins "NEP".
        expansions = {_content(_WORD.findall(c.expansion)): c for c in accepted if c.expansion}
        for candidate in accepted:
            if candidate.acronym or candidate.key not in expansions:
                term, line = self.definition(candidate)
            else:
                continue
            if not term:
                continue
            found.append(
                GlossaryEntry(
                    term=self.display(candidate),
                    definition=term,
                    source=SourceRef(self.deck.source.file, line),
                    kind=TermKind.AUTO,
                )
            )
        if people:
            found.extend(self.person_entry(p) for p in self.accepted_people())
        return found

    def bold_entries(self) -> list[GlossaryEntry]:
        """Bold terms that their sentence defines: "A **progressive wave** is a wave that ..."."""
        found: list[GlossaryEntry] = []
        for sentence in self.sentences:
            for start, end in sentence.bold:
                term = _SPACES.sub(" ", sentence.text[start:end]).strip()
                words = _WORD.findall(term)
                if not words or len(words) > 8 or term.endswith((".", "!", "?", ",", ";")):
                    continue
                before = sentence.text[:start]
                after = sentence.text[end:]
                lead_in = re.fullmatch(r"\s*(?:(?:a|an|the)\s+)?", before, re.IGNORECASE)
                if not (
                    re.match(
                        r"\s*(?:\([^()]*\)\s*)?(?:is|are|was|were|means|refers to|describes|"
                        r"stands for)\b",
                        after,
                    )
                    or (lead_in and re.match(r"\s*[:\-–—=]\s", after))
                    or re.match(r"\s*,\s+(?:a|an|the)\s", after)
                    or re.search(
                        r"\b(?:" + "|".join(_NAMING_BEFORE) + r")\s+(?:the\s+|an?\s+)?$",
                        before,
                        re.IGNORECASE,
                    )
                ):
                    continue
                found.append(
                    GlossaryEntry(
                        term=term,
                        definition=tidy_definition(sentence.text),
                        source=SourceRef(self.deck.source.file, sentence.line),
                        kind=TermKind.AUTO,
                    )
                )
        return found


def _spells(acronym: str, long_form: str) -> bool:
    """True when an acronym's letters appear in order in `long_form`, its first letter starting
    the first word: the test of Schwartz and Hearst (2003), so "ATP" spells "adenosine
    triphosphate" and "NEP" spells "New Economic Policy"."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    text = long_form.lower()
    if not letters or not text or text[0] != letters[0]:
        return False
    cursor = len(text) - 1
    for number in range(len(letters) - 1, -1, -1):
        letter = letters[number]
        while cursor >= 0 and (
            text[cursor] != letter or (number == 0 and cursor > 0 and text[cursor - 1].isalnum())
        ):
            cursor -= 1
        if cursor < 0:
            return False
        cursor -= 1
    return True


def _recase(word: str, like: str) -> str:
    """`word` with the capitalisation of `like`."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def _quote_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans inside quotation marks, telling quotes from apostrophes ("Lenin's", "j'ai")."""
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        closers = _OPEN_QUOTES.get(char)
        opens = (
            closers is not None
            and (position == 0 or text[position - 1] in " \t\n([{—–-/")
            and position + 1 < length
            and not text[position + 1].isspace()
        )
        if not opens or closers is None:
            position += 1
            continue
        end = position + 1
        found = -1
        while end < length and end - position <= 100:
            if (
                text[end] in closers
                and not text[end - 1].isspace()
                and (end + 1 == length or not text[end + 1].isalnum())
            ):
                found = end
                break
            end += 1
        if found < 0:
            position += 1
            continue
        yield position + 1, found
        position = found + 1


# --------------------------------------------------------------------------- flashcards

_ASKS_DEFINITION = (
    re.compile(
        r"^(?P<who>what|who)\s+(?:is|are|was|were)\s+(?:meant\s+by\s+)?(?:(?:a|an|the)\s+)?"
        r"(?P<term>[^?]+?)\s*\?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^what\s+(?:does|do|did)\s+(?:the\s+(?:term|word|phrase)\s+)?(?P<term>[^?]+?)\s+"
        r"(?:mean|stand\s+for)\s*\??$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:define|definition\s+of|(?:give\s+)?(?:the\s+)?meaning\s+of)\s+"
        r"(?:the\s+(?:term|word)\s+)?(?P<term>[^?.!:]+?)\s*[.?!:]?$",
        re.IGNORECASE,
    ),
)
_ASKS_TERM = re.compile(
    r"\s*(?:[-–—:,]\s*)?(?:what\s+(?:term|word|name)\s+is\s+(?:this|that|it)|what\s+is\s+this\s+"
    r"called|what\s+is\s+it\s+called|which\s+term\s+is\s+this|name\s+(?:this|the\s+term))\s*\??$",
    re.IGNORECASE,
)
_ASKS_TERM_FOR = re.compile(
    r"^(?:what\s+is\s+the\s+(?:term|word|name)\s+(?:given\s+)?(?:for|to)|what\s+do\s+we\s+call|"
    r"what\s+(?:term|word)\s+(?:describes|means))\s+(?P<definition>[^?]+?)\s*\?$",
    re.IGNORECASE,
)
# What a question asks about when it does not ask for a definition ("What is the role of ...").
_RELATIONAL = _words(
    """role function purpose difference differences cause causes effect effects result results
    consequence consequences significance importance capital date name main reason reasons aim
    aims outcome impact advantage advantages disadvantage disadvantages formula equation
    terms value answer number type types example examples best first last link relationship
    process"""
)


def _flashcard_entries(deck: Deck) -> list[GlossaryEntry]:
    """Definition pairs from question-and-answer cards, remembering their card."""
    found: list[GlossaryEntry] = []
    for card in deck.cards:
        if card.kind not in (CardKind.BASIC, CardKind.REVERSED):
            continue
        front = _SPACES.sub(" ", inline_source(card.front)).strip()
        back = _SPACES.sub(" ", block_source(card.back)).strip()
        if not front or not back:
            continue
        entry = _definition_pair(front, back)
        if entry is None:
            continue
        term, definition, kind = entry
        found.append(
            GlossaryEntry(
                term=term,
                definition=tidy_definition(definition),
                source=card.source,
                kind=kind,
                card=card.identity,
            )
        )
    return found


def _definition_pair(front: str, back: str) -> tuple[str, str, TermKind] | None:
    """(term, definition, kind) when a card asks for a definition or for a term."""
    back_words = _WORD.findall(back)
    # "... - what term is this? | osmosis", "What is the term for ...? | tissue"
    asked = _ASKS_TERM.search(front)
    definition = front[: asked.start()].strip() if asked else ""
    if not asked:
        match = _ASKS_TERM_FOR.match(front)
        definition = match.group("definition") if match else ""
    if definition:
        if 0 < len(back_words) <= _MAX_TERM_WORDS and not re.search(r"[.!?;]", back):
            return back.strip(" '\"‘’“”"), definition, TermKind.AUTO
        return None
    # "What is osmosis? | ...", "Define diffusion. | ..."
    for pattern in _ASKS_DEFINITION:
        match = pattern.match(front)
        if not match:
            continue
        term = match.group("term").strip(" '\"‘’“”")
        words = _WORD.findall(term)
        if (
            not words
            or len(words) > 5
            or re.search(r"\d", term)
            or _bare(words[0]) in _RELATIONAL
            or _bare(words[0]) in _NOT_TERM_START
            or (
                re.search(r"\b(?:between|of|for|in|on|to|with)\b", term)
                and not words[0][0].isupper()
            )
            or len(back_words) < 2
        ):
            return None
        who = match.groupdict().get("who") or ""
        return term, back, TermKind.PERSON if who.lower() == "who" else TermKind.AUTO
    return None


# --------------------------------------------------------------------------- public


def _merge_priority(entry: GlossaryEntry) -> int:
    return {TermKind.EXPLICIT: 0, TermKind.AUTO: 1, TermKind.PERSON: 2}[entry.kind]


def merge_entries(entries: Iterable[GlossaryEntry]) -> tuple[GlossaryEntry, ...]:
    """Entries with duplicates merged and sorted by term.

    Two entries are duplicates when their terms share a `term_key`. The first explicit entry
    wins, else the first extracted term, else the first person; explicit entries with the same
    term but different definitions are all kept, since the notes say them.
    """
    kept: dict[str, GlossaryEntry] = {}
    extra: list[GlossaryEntry] = []
    for entry in entries:
        key = term_key(entry.term)
        current = kept.get(key)
        if current is None or _merge_priority(entry) < _merge_priority(current):
            kept[key] = entry
        elif (
            entry.kind is TermKind.EXPLICIT
            and current.kind is TermKind.EXPLICIT
            and entry.definition != current.definition
        ):
            extra.append(entry)
    result = [*kept.values(), *extra]
    result.sort(key=lambda e: (sort_key(e.term), e.source, e.definition))
    return tuple(result)


def extract_glossary(deck: Deck, *, people: bool = True) -> tuple[GlossaryEntry, ...]:
    """The deck's glossary: explicit entries kept exactly, plus the terms found in the notes.

    Terms are looked for when the notes have no explicit glossary or ask for `glossary: auto`
    (`Deck.auto_glossary`): bold terms that a sentence defines and definition flashcards always
    then, and with `auto_glossary` also quoted phrases, names, acronyms and defined phrases
    (kind AUTO) and, if `people`, the people the notes name with the facts about them (kind
    PERSON). The result is sorted by term and the same for the same deck, run after run.
    """
    explicit = [e for e in deck.glossary if e.kind is TermKind.EXPLICIT]
    if explicit and not deck.auto_glossary:
        return merge_entries(explicit)
    finder = _Finder(deck)
    found: list[GlossaryEntry] = [*_flashcard_entries(deck), *finder.bold_entries()]
    if deck.auto_glossary:
        found.extend(finder.entries(people))
    return merge_entries([*explicit, *found])
