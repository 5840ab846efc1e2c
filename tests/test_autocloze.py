"""Auto cloze: dated and quoted facts of card-set notes become cloze cards."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from notes2decks.enrich.autocloze import add_auto_cloze, cloze_inlines, fact_clozes
from notes2decks.identity import card_identity
from notes2decks.model import (
    AUTO_TAG,
    BulletList,
    Card,
    CardKind,
    Cloze,
    Deck,
    Inlines,
    ListItem,
    Paragraph,
    SourceRef,
    Strong,
    Text,
    inline_text,
)

DECK_PATH = "History::Russia"


def hidden(inlines: Inlines) -> list[tuple[int, str]]:
    """(number, text) of each cloze, in order."""
    found: list[tuple[int, str]] = []
    for node in inlines:
        if isinstance(node, Cloze):
            found.append((node.number, inline_text(node.children)))
        elif isinstance(node, Strong):
            found.extend(hidden(node.children))
    return found


def clozes_of(text: str) -> list[tuple[int, str]]:
    return hidden(cloze_inlines((Text(text),)))


def revision(heading: str, *facts: str, line: int = 1) -> Card:
    return Card(
        CardKind.REVISION,
        (Text(heading),),
        tuple(Paragraph((Text(f),), line + 1 + i) for i, f in enumerate(facts)),
        SourceRef("russia.txt", line),
        card_identity(DECK_PATH, "revision", heading),
        ("power",),
    )


def deck(*cards: Card) -> Deck:
    return Deck("Power", DECK_PATH, SourceRef("russia.txt"), cards, auto_cloze=True)


def test_years_ranges_decades_and_dates_are_hidden() -> None:
    assert clozes_of("1923, formed the Triumvirate") == [(1, "1923")]
    assert clozes_of("disagreements during 1903-1917, questioning") == [(1, "1903-1917")]
    assert clozes_of("the war of 1939–45 and the 1920s") == [(1, "1939–45"), (2, "1920s")]
    assert clozes_of("in February 1928, he campaigned") == [(1, "February 1928")]
    assert clozes_of("died on 21 January 1924 at Gorki") == [(1, "21 January 1924")]


def test_numbers_that_are_not_years_are_left_alone() -> None:
    assert clozes_of("1 of 8, 300 delegates, 12,1925 votes, 3.1921 and 19234") == []


def test_quoted_key_terms_are_hidden_but_scare_quotes_are_not() -> None:
    text = (
        "joined forces in 'United Opposition', expelled for 'factionalism', "
        "apologised for their 'crimes' and had a 'free' choice"
    )
    assert clozes_of(text) == [(1, "United Opposition")]
    assert clozes_of("Stalin's idea of 'Socialism in one Country' 1925") == [
        (1, "Socialism in one Country"),
        (2, "1925"),
    ]
    assert clozes_of("formed the \u201cDuumvirate\u201d with \u2018Bukharin\u2019") == [
        (1, "Duumvirate"),
        (2, "Bukharin"),
    ]


def test_apostrophes_inside_words_open_no_quotation() -> None:
    assert clozes_of("Lenin's Testament and Trotsky's 'Permanent Revolution'") == [
        (1, "Permanent Revolution")
    ]
    assert clozes_of("Lenin's death and Stalin's rise") == []


def test_the_same_item_twice_shares_one_number() -> None:
    assert clozes_of("in 1925 and again in 1925, then 1927") == [
        (1, "1925"),
        (1, "1925"),
        (2, "1927"),
    ]


def test_nested_emphasis_is_searched() -> None:
    inlines = cloze_inlines((Text("In "), Strong((Text("1926 the 'Left'"),))))
    assert hidden(inlines) == [(1, "1926"), (2, "Left")]


def test_fact_cards_follow_their_card_with_context_tags_and_identity() -> None:
    first = revision(
        "Importance of Party Organization",
        "1923, formed the Triumvirate",
        "Stayed in the background",
        "'Socialism in one Country' won votes in 1925",
    )
    second = revision("Weaknesses", "Trotsky kept silent", line=10)
    result = add_auto_cloze(deck(first, second))
    kinds = [c.kind for c in result.cards]
    assert kinds == [CardKind.REVISION, CardKind.CLOZE, CardKind.CLOZE, CardKind.REVISION]
    made = result.cards[1:3]
    assert [c.source.line for c in made] == [2, 4]
    assert all(c.back == (Paragraph(first.front, 1),) for c in made)
    assert all(c.tags == ("power", AUTO_TAG) for c in made)
    assert made[0].identity == card_identity(DECK_PATH, "cloze", "1923, formed the Triumvirate")
    assert hidden(made[1].front) == [(1, "Socialism in one Country"), (2, "1925")]


def test_facts_in_lists_count_and_other_kinds_are_left_alone() -> None:
    listed = dataclasses.replace(
        revision("Dates"),
        back=(BulletList((ListItem((Paragraph((Text("Exiled in 1929"),)),)),)),),
    )
    basic = dataclasses.replace(
        revision("Q"), kind=CardKind.BASIC, back=(Paragraph((Text("1924"),)),)
    )
    assert len(fact_clozes(listed, DECK_PATH)) == 1
    assert fact_clozes(basic, DECK_PATH) == []


def test_a_deck_without_dates_or_terms_is_returned_unchanged() -> None:
    plain = deck(revision("Weaknesses", "Trotsky kept silent"))
    assert add_auto_cloze(plain) is plain


def test_the_same_fact_on_two_cards_gets_two_identities() -> None:
    result = add_auto_cloze(deck(revision("A", "In 1924"), revision("B", "In 1924", line=5)))
    made = [c.identity for c in result.cards if c.kind is CardKind.CLOZE]
    assert len(made) == 2 and made[1] == made[0] + "#2"
    assert (
        add_auto_cloze(deck(revision("A", "In 1924"), revision("B", "In 1924", line=5))) == result
    )


words = st.sampled_from(
    [
        "In",
        "1924",
        "1903-1917",
        "the",
        "'United Opposition'",
        "'free'",
        "Lenin's",
        "1920s",
        ",",
        "x",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(words, st.text(max_size=12)), max_size=12))
def test_clozing_keeps_the_text_and_never_makes_an_empty_cloze_card(parts: list[str]) -> None:
    fact = " ".join(parts)
    front = cloze_inlines((Text(fact),))
    assert inline_text(front) == fact
    numbers = [n for n, _ in hidden(front)]
    assert all(text.strip() for _, text in hidden(front))
    assert sorted(set(numbers)) == list(range(1, len(set(numbers)) + 1))
    made = fact_clozes(revision("Heading", fact), DECK_PATH)
    assert len(made) == (1 if numbers else 0)
    assert all(hidden(card.front) for card in made)
