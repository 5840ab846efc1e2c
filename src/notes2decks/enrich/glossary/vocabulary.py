"""The word lists (sets of folded words) and word classes the glossary's rules use, and the
frequencies of English words (the spell checker's list, `spelling.english_frequencies`)."""

from __future__ import annotations

import functools
import re

from ...spelling import english_frequencies
from ...words import bare, word_set

NOT_TERM_START = word_set(
    """it this that these those he she they we i you there here his her their its our my your
    what which who whom whose one another each every some many most all both such any no other
    others none much more less few several them him us me when where why how if as so then
    also but and or because although while after before since until during off up out on in
    for back away down to of at by with from into"""
)
"""Words that start a noun phrase that is not a term ("It is", "Their plan was")."""

GENERIC = word_set(
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
"""Nouns and modifiers too general to be a key term on their own ("The main reason was ...")."""

HEAD_LAST = word_set(
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
"""Words that end the name of a treaty, plan, crisis, law... ("Dawes Plan", "Krebs Cycle")."""

HEAD_FIRST = word_set(
    """treaty battle siege congress council edict peace act law laws sack fall storming
    massacre league union declaration charter bill night conference convention statute
    principle theory ban revolt rising war wars invasion partition unification abolition
    assassination occupation"""
)
"""Words that start a name when "of" follows ("Treaty of Versailles", "League of Nations")."""

GROUP_WORDS = word_set(
    "triumvirate duumvirate tetrarchy entente axis alliance coalition junta commune"
)
"""Kinds of group that a single capitalised word names ("the Triumvirate")."""

NAMING_NOUNS = word_set(
    """model theory myth principle rule effect hypothesis policy system method approach law
    strategy campaign plan doctrine tactic tactics slogan technique test"""
)
"""Nouns that turn a lowercase quote into a term: "the 'lock and key' model"."""

TITLES = word_set(
    """tsar czar kaiser king queen prince princess president general chancellor archduke
    emperor empress lord lady sir dr mr mrs ms pope cardinal bishop marshal admiral
    duke earl count minister premier senator governor"""
)
"""Titles before a person's name."""

MONTHS_DAYS = word_set(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday"""
)

PLACES = word_set(
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
"""Places a notes file names as if they were people ("Germany lost 13% of its land")."""

PLACE_PHRASES = frozenset(
    phrase.replace("-", " ")
    for phrase in word_set(
        """soviet-union united-states united-kingdom great-britain new-york new-zealand
        south-africa middle-east far-east west-germany east-germany north-korea south-korea
        north-america south-america latin-america western-europe eastern-europe"""
    )
)

NOT_ACRONYMS = word_set(
    """ad bc bce ce am pm ok tv uk us usa gb eu nb ps pto rip etc ie eg fyi asap gcse igcse
    aqa ocr wjec edexcel ks ks3 ks4 sat sats dr mr mrs ms st no vs"""
)
"""Capitalised letters that are not acronyms of terms."""

COPULA = word_set("is are was were")

DEFINING_AFTER_COPULA = word_set(
    "a an the when where how one used formed made defined called known"
)
"""What follows "X is" when the sentence defines X."""

DEFINING_VERB = re.compile("(?:means|refers to|stands for|describes|is defined as) ", re.IGNORECASE)
"""A defining verb and a space, to match where a subject ends: "Osmosis *means* ..."."""

REACH = 40
"""How far back a pattern that ends where a term starts may reach, in characters."""


def ends_with(pattern: re.Pattern[str], text: str, end: int | None = None) -> bool:
    """True when `pattern` (anchored with `$`) matches text that ends at `end`. Only the last
    `REACH` characters are searched, quick in long sentences; `\\b` still sees those before."""
    stop = len(text) if end is None else end
    return pattern.search(text, max(0, stop - REACH), stop) is not None


NAMING_BEFORE = ("also known as", "known as", "called", "termed", "named", "nicknamed", "dubbed")

CREATING = word_set(
    """formed form forms created create creates founded set established signed sign
    introduced introduce launched launch"""
)
"""Verbs that explain a named group or agreement by saying how it came about."""

SUBJECT_VERBS = word_set(
    """was is had has became led made said wanted believed needed feared knew used died won
    lost took gave tried argued thought saw began could would did went got kept also then
    still never only"""
)
"""Verbs (and the like) that often follow a person who is the subject of a fact."""

SUBORDINATE = word_set("when after as since because although while until before so if")

ARTICLES = ("a", "an", "the")

COMMON = 10000
"""How common an everyday word is in the English list: "free", "party"; not "enzyme"."""

NAME_RARE = 1000
"""How rare a capitalised word must be to be taken for a name ("stalin" 230, "karl" 500)."""

MAX_TERM_WORDS = 6

NAMING = re.compile(r"\b(?:" + "|".join(NAMING_BEFORE) + r")\s+(?:the\s+|an?\s+)?", re.IGNORECASE)
"""A phrase that names what follows it: "known as the", "called"."""

NAMED_BEFORE = re.compile(NAMING.pattern + "$", re.IGNORECASE)
"""Text that ends by naming what follows it."""

APPOSITION_AFTER = re.compile(r"\s*,\s+(?:a|an|the)\s")
"""A comma and an article after a term, that starts what it is: "the Rentenmark, a currency"."""

YEAR_AFTER = re.compile(r"\s*\((?:c\.\s*)?\d{3,4}(?:\s*[-–—/]\s*\d{2,4})?\)")
"""A year in brackets after a name: "Ban of Faction (1921)"."""

_ROMAN = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_CAPITALS = re.compile(r"[A-Z][A-Z&]{1,6}")
_MIXED_CAPITALS = re.compile(r"[a-z][A-Z]{2,5}")
# One-letter element symbols: an all-capitals token made only of them may be a formula (KOH).
_ELEMENTS_1 = frozenset("HBCNOFPSKVYIWU")
_NOT_NAMES = MONTHS_DAYS | PLACES | TITLES | HEAD_LAST | HEAD_FIRST
_NAME_ENDINGS = ("ism", "ist", "ists", "ian", "ians", "ans", "ese", "ish")


@functools.lru_cache(maxsize=1 << 16)
def frequency(word: str) -> int:
    """How common a word (in any case, possessive or not) is in English; 0 if not English."""
    return english_frequencies().get(bare(word), 0)


def known(word: str) -> bool:
    """True when a word (in any case, possessive or not) is in the English list."""
    return bare(word) in english_frequencies()


def common(word: str) -> bool:
    """True for an everyday word, too common to be a term on its own."""
    return frequency(word) >= COMMON


@functools.lru_cache(maxsize=1 << 14)
def is_acronym(word: str) -> bool:
    """True for NEP, ATP, USSR, mRNA: two or more capitals and no other letters."""
    core = word[:-1] if len(word) > 3 and word.endswith("s") and word[:-1].isupper() else word
    if _CAPITALS.fullmatch(core):
        return not _ROMAN.match(core)
    return bool(_MIXED_CAPITALS.fullmatch(core))


def acronym_letters(word: str) -> str:
    """An acronym without a plural "s": "NEPs" gives "NEP"."""
    return word.rstrip("s") if word[:-1].isupper() else word


def formula_like(word: str) -> bool:
    """True for KOH or HCN: all capitals, every letter an element symbol of one letter."""
    return word.isupper() and all(c in _ELEMENTS_1 for c in word)


@functools.lru_cache(maxsize=1 << 16)
def name_like(word: str) -> bool:
    """True for a word that could be a person's name: rare, and no month, place or title."""
    folded = bare(word)
    return (
        frequency(folded) < NAME_RARE
        and folded not in _NOT_NAMES
        and not folded.endswith(_NAME_ENDINGS)
        and not is_acronym(word)
    )


LABELS = word_set(
    """importance significance implementation usage usages use uses goal goals aim aims purpose
    note notes tip tips hint hints definition meaning method methods step steps pros cons
    benefit benefits drawback drawbacks limitation limitations evaluation component components
    activity activities metric metrics property properties characteristic characteristics
    feature features description explanation application applications aspect aspects
    overview background context summary conclusion example examples reason reasons cause
    causes effect effects result results consequence consequences impact impacts outcome
    outcomes advantage advantages disadvantage disadvantages strength strengths weakness
    weaknesses answer question why how what when where who remember important warning key
    main exam strategy type types see also link links reference references source sources
    further reading code implementation to of for and or vs"""
)
"""Words of a label that heads a field of the notes, not a term: "Importance", "Key aspects"."""
