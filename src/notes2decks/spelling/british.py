"""British spellings as American ones, for pyspellchecker's American list to accept them:
regular rules (`favour` -> `favor`, `organised` -> `organized`, `centre` -> `center`), and a
short list of the words no rule reaches (`aluminium`, `kerb`, `maths`)."""

from __future__ import annotations

from collections.abc import Iterator

# British words that the rules below do not reach.
BRITISH_WORDS = frozenset(
    """
    aluminium annexe annexes cheque cheques connexion draught draughts draughty gaol gaols
    gaoler kerb kerbs maths pyjamas aeroplane aeroplanes sceptic sceptics sceptical
    sceptically scepticism tyres jewellery mould moulds mouldy moulded moulding moult moulted
    dreamt speciality specialities gramme grammes sulphur sulphurous sulphate sulphates
    sulphide plough ploughs ploughed ploughing storey storeys whilst amongst learnt spelt
    burnt leapt smoulder smouldering artefact artefacts enquiry enquiries enquire enquired
    fulfil fulfils enrol enrols enrolment instil instils distil distils appal appals skilful
    wilful programme programmes
    """.split()  # noqa: SIM905 - a list of words reads best as words
)


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, _, b in (pair.partition(">") for pair in text.split()))


# (British ending or infix, American replacement). Applied to unknown words only, one or two at
# a time, so a misspelling would have to be an exact British form of a real word to slip by.
_SUFFIXES = _pairs(
    """
    isation>ization isations>izations ise>ize ised>ized ises>izes ising>izing iser>izer
    isers>izers isable>izable yse>yze ysed>yzed ysing>yzing ence>ense ences>enses re>er res>ers
    red>ered ring>ering lled>led lling>ling ller>ler llers>lers mme>m mmes>ms ogue>og ogues>ogs
    """
)
_INFIXES = _pairs("our>or ae>e oe>e ph>f")


def american_forms(word: str) -> Iterator[str]:
    """American spellings a British word may have: one or two rule applications."""
    once = set(_one_rule(word))
    yield from sorted(once)
    for form in sorted(once):
        yield from sorted(set(_one_rule(form)) - once)


def american_endings(word: str) -> Iterator[str]:
    """American spellings of a British word's ending alone (`organised` -> `organized`)."""
    for british, american in _SUFFIXES:
        if word.endswith(british) and len(word) > len(british) + 1:
            yield word[: -len(british)] + american


def _one_rule(word: str) -> Iterator[str]:
    yield from american_endings(word)
    for british, american in _INFIXES:
        start = word.find(british)
        while start != -1:
            yield word[:start] + american + word[start + len(british) :]
            start = word.find(british, start + 1)
