"""Generate a synthetic notes corpus for the benchmark: N files of M revision cards each.

    python benchmarks/make_corpus.py --files 100 --cards 100 --format all benchmarks/corpus/x

writes, under OUT_DIR, the same cards in three layouts:

- `real/`: the corpus shaped like real notes folders, the one most rows measure. Of every 20
  files, 5 are Markdown with a `## Glossary` section, 8 Markdown without one (the glossary is
  then extracted from the text, as for most real notes), 4 card-set text files copied from a
  revision website, and 3 flashcard files (tab-separated `.tsv` as Anki and Quizlet export them,
  or `front | back` lines in a `.txt`). `real-cards.json` describes it.
- `md/NNN-slug.md`: every file in the Markdown authoring format with a `## Glossary` (front
  matter, one `## heading` per card, the facts as a bullet list, a few `**bold**` key terms):
  the corpus the benchmark measured before, kept as one row so that its history stays
  comparable;
- `txt/NNN-slug.txt`: every file as card-set text (title line, a heading paragraph, one fact per
  paragraph, `N of M` after each card, sometimes the website's footer);
- `cards.json`: the cards and glossaries of `md/` and `txt/`, format-neutral, for the floor and
  the peers.

The sizes follow real card sets such as the sample notes: headings of 3-8 words, 3-6 facts of
10-35 words, years and quoted terms in about a third of the facts, now and then a card with no
heading of its own (it continues the previous one) and a long "extra notes" card of 4-6 facts of
30-60 words, as long as the sample's longest. Everything is drawn from a seeded generator per
file, so the corpus is the same on every machine and run, and regenerating one file never
changes another.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 3
"""Bump when the output changes, so that run.py regenerates cached corpora."""

# --------------------------------------------------------------------------- word banks


def _items(text: str, sep: str = ",") -> list[str]:
    """A word bank written as a paragraph, items separated by `sep`, line breaks as spaces."""
    return [" ".join(item.split()) for item in text.split(sep) if item.strip()]


def _subject(topics: str, actors: str, terms: str, places: str) -> dict[str, list[str]]:
    return {
        "topics": _items(topics, "|"),
        "actors": _items(actors),
        "terms": _items(terms),
        "places": _items(places),
    }


SUBJECTS: dict[str, dict[str, list[str]]] = {
    "History": _subject(
        """The power struggle after Lenin | The origins of the Cold War | Weimar Germany and
        its crises | The causes of the First World War | The Tudors and the Reformation | Civil
        rights in the United States | The collapse of the Soviet Union | Appeasement and the
        road to war | The Russian Revolutions of 1917 | Britain and the New Deal years""",
        """Stalin, Trotsky, Bukharin, Zinoviev, Kamenev, Lenin, Churchill, Roosevelt, Truman,
        Hitler, Stresemann, Ebert, Chamberlain, Henry VIII, Cromwell, Wolsey, Martin Luther King,
        Gorbachev, Khrushchev, Kerensky, the Politburo, the Reichstag, Congress, the Tsar,
        the Bolsheviks""",
        """Ban on Factions, New Economic Policy, Socialism in One Country, United Opposition,
        Triumvirate, Iron Curtain, Marshall Plan, Truman Doctrine, Berlin Blockade, Dawes Plan,
        Treaty of Versailles, hyperinflation, Act of Supremacy, Dissolution of the Monasteries,
        collectivisation, Five-Year Plan, containment, Munich Agreement, general secretary,
        Lenin's Testament, permanent revolution, glasnost""",
        """Moscow, Petrograd, Berlin, Munich, Yalta, Potsdam, Washington, London, Montgomery,
        Prague, the Ruhr, Kronstadt""",
    ),
    "Biology": _subject(
        """Enzymes and respiration | Cell structure and transport | Inheritance and variation |
        The immune system and disease | Photosynthesis and plant nutrition | Homeostasis and the
        kidney | Ecosystems and nutrient cycles | The nervous system and reflexes""",
        """the enzyme, the mitochondrion, the cell membrane, the nucleus, the kidney, the liver,
        the pancreas, a white blood cell, the ribosome, the chloroplast, the neurone,
        the hormone, Mendel, Darwin, Pasteur""",
        """active site, denaturation, aerobic respiration, anaerobic respiration, diffusion,
        osmosis, active transport, homeostasis, negative feedback, antibody, phagocytosis,
        allele, genotype, phenotype, meiosis, mitosis, limiting factor, transpiration, synapse,
        glucagon, insulin""",
        """the small intestine, the alveoli, the nephron, the root hair cell, the leaf,
        the bloodstream, the cytoplasm, the stomach""",
    ),
    "Physics": _subject(
        """Stationary waves and resonance | Electric circuits and resistance | Forces and
        Newton's laws | Radioactivity and half-life | Thermal physics and gases | Magnetic fields
        and induction | Energy stores and transfers""",
        """Newton, Faraday, Rutherford, Maxwell, Einstein, Curie, Ohm, the current, the wave,
        the nucleus, the magnet, the gas, the spring, the resistor, the transformer""",
        """node, antinode, resonance, potential difference, resistivity, internal resistance,
        momentum, impulse, terminal velocity, half-life, alpha decay, specific heat capacity,
        latent heat, flux linkage, electromagnetic induction, efficiency, wavelength,
        refraction""",
        """the circuit, the string, the vacuum, the coil, the laboratory, the atmosphere,
        the reactor, the cathode ray tube""",
    ),
    "Geography": _subject(
        """Coastal landscapes and processes | Urbanisation in lower income countries | Tectonic
        hazards and responses | Rivers and flood management | Climate change and its effects |
        Globalisation and development""",
        """the government, the river, the glacier, local people, the council, the World Bank,
        migrants, farmers, the tide, the storm, planners""",
        """longshore drift, hydraulic action, abrasion, meander, oxbow lake, subduction zone,
        liquefaction, urban sprawl, rural-urban migration, informal sector, carbon footprint,
        sustainability, flood plain, hard engineering, soft engineering, development gap""",
        """Holderness, Rio de Janeiro, Lagos, Mumbai, the Somerset Levels, Nepal, Haiti,
        the Amazon basin, the Lake District, Swanage Bay""",
    ),
    "Economics": _subject(
        """Market failure and government intervention | Inflation and monetary policy | Supply,
        demand and elasticity | International trade and exchange rates | Labour markets and
        wages""",
        """the central bank, firms, consumers, the government, Keynes, Adam Smith, Friedman,
        trade unions, the Treasury, households""",
        """price elasticity of demand, externality, merit good, public good, monetary policy,
        fiscal policy, quantitative easing, comparative advantage, exchange rate, monopoly,
        minimum wage, opportunity cost, inflation, aggregate demand, multiplier effect""",
        """the labour market, the eurozone, the housing market, the stock market, the United
        Kingdom, developing economies, the global economy""",
    ),
}

VERBS = _items(
    """introduced, opposed, supported, controlled, weakened, strengthened, replaced, reduced,
    increased, challenged, defended, abandoned, promoted, explained, transformed, limited,
    encouraged, undermined, protected, exploited, organised, reformed, questioned, released,
    absorbed, produced"""
)
VERBS_PERFECT = _items(
    """introduced, opposed, gained, lost, built, secured, won, expanded, removed, changed,
    weakened, broken, reached, published, rejected"""
)
ADJECTIVES = _items(
    """important, powerful, rapid, gradual, significant, limited, popular, economic, political,
    temporary, permanent, main, direct, indirect, strong, weak, large, small, early, later, key,
    central, local"""
)
NOUNS = _items(
    """support, control, position, policy, reputation, change, rate, process, system, structure,
    influence, pressure, response, effect, reason, decision, role, problem, movement, balance,
    supply, level, share, authority, agreement, resistance, growth, loss, energy, evidence"""
)
PERIODS = _items(
    """the 1920s, the war, the crisis, the following decade, the next stage, the early years,
    this period, the reaction, the debate, the experiment"""
)
MONTHS = _items(
    """January, February, March, April, May, June, July, August, September, October, November,
    December"""
)
HEADING_PATTERNS = _items(
    """Importance of the {term} | Causes of the {adj} {noun} | {Actor} and the {term} |
    Weaknesses of the {noun}, especially {actor} | Why the {term} mattered | Effects of the
    {term} on {place} | The {adj} {noun} of {actor} | {Term} in {place} | How {actor} {verb} the
    {noun} | Key facts about the {term} | Arguments for and against the {term} | {Actor}'s {adj}
    {noun} | The role of {actor} | Extra notes on the {term} | Comparing the {term} and the
    {term2}""",
    "|",
)

FOOTER = (
    "No comments have yet been made",
    "Similar {subject} resources:",
    "See all {subject} resources \u00bb",
)

# --------------------------------------------------------------------------- the neutral cards


@dataclass(slots=True)
class SynthCard:
    """One generated card: its front and its facts, with `**bold**` around key terms."""

    front: str
    facts: list[str]
    continued: bool = False


@dataclass(slots=True)
class SynthFile:
    """One generated notes file."""

    stem: str
    title: str
    subject: str
    deck: str
    tags: list[str]
    cards: list[SynthCard] = field(default_factory=list)
    footer: bool = False
    glossary: list[tuple[str, str]] = field(default_factory=list)
    """Key terms and their definitions: the Markdown file's `## Glossary` section."""


class _Writer:
    """Draws words and sentences for one file from its own seeded generator."""

    def __init__(self, rng: random.Random, subject: str) -> None:
        self.rng = rng
        self.bank = SUBJECTS[subject]

    def pick(self, items: list[str]) -> str:
        return items[self.rng.randrange(len(items))]

    def year(self) -> str:
        return str(self.rng.randint(1485, 2015))

    def term(self) -> str:
        return self.pick(self.bank["terms"])

    def object(self, bold: bool) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            term = self.term()
            return f"the **{term}**" if bold else f"the {term}"
        if roll < 0.45:
            return f"{self.pick(self.bank['actors'])}'s {self.pick(NOUNS)}"
        if roll < 0.55:
            return f"'{self.quoted()}'"
        return f"the {self.pick(ADJECTIVES)} {self.pick(NOUNS)}"

    def quoted(self) -> str:
        words = self.term().split()
        if self.rng.random() < 0.5:
            words = [self.pick(ADJECTIVES), self.pick(NOUNS)]
        return " ".join(words).capitalize() if self.rng.random() < 0.3 else " ".join(words)

    def opening(self, dated: bool, bold: bool) -> str:
        actor = self.pick(self.bank["actors"])
        if dated:
            roll = self.rng.random()
            if roll < 0.5:
                return f"In {self.year()}, {actor} {self.pick(VERBS)} {self.object(bold)}"
            if roll < 0.8:
                return (
                    f"By {self.pick(MONTHS)} {self.year()} {actor} had "
                    f"{self.pick(VERBS_PERFECT)} {self.object(bold)}"
                )
            return f"The {self.term()} ({self.year()}) {self.pick(VERBS)} {self.object(bold)}"
        roll = self.rng.random()
        if roll < 0.35:
            term = self.term()
            term = term[:1].upper() + term[1:]
            shown = f"**{term}**" if bold else term
            return f"{shown} is the {self.pick(NOUNS)} of {self.object(False)}"
        if roll < 0.7:
            return f"{actor} {self.pick(VERBS)} {self.object(bold)}"
        return (
            f"The {self.pick(ADJECTIVES)} {self.pick(NOUNS)} {self.pick(VERBS)} {self.object(bold)}"
        )

    def continuation(self, previous: str) -> str:
        actor = self.pick(self.bank["actors"])
        roll = self.rng.random()
        # "in Moscow in 1924 in Moscow" reads like a generator: no two settings in a row.
        if previous.startswith((" in ", " during ")):
            roll *= 0.65
        if roll < 0.2:
            return f", which {self.pick(VERBS)} {self.object(False)}"
        if roll < 0.35:
            return f" because {actor} {self.pick(VERBS)} {self.object(False)}"
        if roll < 0.5:
            return f", so {actor} {self.pick(VERBS)} {self.object(False)}"
        if roll < 0.65:
            return f" and {self.pick(VERBS)} {self.object(False)}"
        if roll < 0.8:
            return f" in {self.pick(self.bank['places'])}"
        if roll < 0.9:
            return f" during {self.pick(PERIODS)}"
        return f" in {self.year()}"

    def fact(self, low: int, high: int) -> str:
        """A sentence of about `low` to `high` words."""
        target = self.rng.randint(low, high)
        dated = self.rng.random() < 0.3
        bold = self.rng.random() < 0.25
        text = self.opening(dated, bold)
        more = ""
        while _words(text) < target:
            more = self.continuation(more)
            if _words(text) + _words(more) > high and _words(text) >= low:
                break
            text += more
        return text[:1].upper() + text[1:] + "."

    def heading(self, used: set[str]) -> str:
        for _ in range(100):
            pattern = self.pick(HEADING_PATTERNS)
            actor = self.pick(self.bank["actors"])
            term, term2 = self.term(), self.term()
            text = pattern.format(
                term=term,
                term2=term2,
                Term=term[:1].upper() + term[1:],
                actor=actor,
                Actor=actor[:1].upper() + actor[1:],
                adj=self.pick(ADJECTIVES),
                noun=self.pick(NOUNS),
                verb=self.pick(VERBS),
                place=self.pick(self.bank["places"]),
            )
            # A card-set heading must read like one: 3-8 words, short, no closing punctuation.
            if 3 <= _words(text) <= 8 and len(text) <= 70 and text.casefold() not in used:
                used.add(text.casefold())
                return text
        # Every pattern collided: number the heading rather than loop for ever.
        text = f"Key facts, part {len(used) + 1}"
        used.add(text.casefold())
        return text


def _words(text: str) -> int:
    return len(text.split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-")


def generate_file(index: int, cards: int, seed: int) -> SynthFile:
    """The notes of file number `index` (0-based): depends on nothing but its arguments."""
    rng = random.Random(f"notes2decks-bench:{seed}:{index}")
    subjects = sorted(SUBJECTS)
    subject = subjects[index % len(subjects)]
    writer = _Writer(rng, subject)
    topic = writer.pick(SUBJECTS[subject]["topics"])
    title = f"{topic} ({index + 1})"
    synth = SynthFile(
        stem=f"{index + 1:03d}-{_slug(topic)}",
        title=title,
        subject=subject,
        deck=f"Bench::{subject}::{title}",
        tags=[subject.lower(), f"unit-{index % 7 + 1}"],
        footer=rng.random() < 0.3,
    )
    used: set[str] = set()
    heading = ""
    for _ in range(cards):
        roll = rng.random()
        if roll < 0.04:
            facts = [writer.fact(30, 60) for _ in range(rng.randint(4, 6))]
        else:
            facts = [writer.fact(10, 35) for _ in range(rng.randint(3, 6))]
        # Now and then a card has no heading and goes on with the previous card's (never twice
        # in a row: two cards with one front are a mistake the reader warns about).
        if heading and not synth.cards[-1].continued and roll > 0.95:
            synth.cards.append(SynthCard(f"{heading} (continued)", facts, continued=True))
        else:
            heading = writer.heading(used)
            synth.cards.append(SynthCard(heading, facts))
    # The glossary defines some of the terms the file puts in bold, as a teacher's notes would.
    # One entry per term, whatever its capitals at the start of a sentence.
    terms = {t.casefold(): t for card in synth.cards for f in card.facts for t in _bold(f)}
    bold = sorted(terms.values())
    rng.shuffle(bold)
    for term in sorted(bold[: rng.randint(6, 10)], key=str.casefold):
        synth.glossary.append((term, writer.fact(8, 20)))
    return synth


def _bold(fact: str) -> list[str]:
    return re.findall(r"\*\*(.+?)\*\*", fact)


def generate(files: int, cards: int, seed: int = 1) -> list[SynthFile]:
    """The whole corpus."""
    return [generate_file(index, cards, seed) for index in range(files)]


# --------------------------------------------------------------------------- renderings


def plain(fact: str) -> str:
    """A fact without its `**` markers."""
    return fact.replace("**", "")


def to_markdown(synth: SynthFile) -> str:
    """The file in the Markdown authoring format."""
    lines = [
        "---",
        f"title: {json.dumps(synth.title)}",
        f"deck: {json.dumps(synth.deck)}",
        f"subject: {synth.subject}",
        f"tags: [{', '.join(synth.tags)}]",
        "---",
        "",
    ]
    for card in synth.cards:
        lines.append(f"## {card.front}")
        lines.append("")
        lines.extend(f"- {fact}" for fact in card.facts)
        lines.append("")
    if synth.glossary:
        lines += ["## Glossary", ""]
        for term, definition in synth.glossary:
            lines += [term, f": {plain(definition)}", ""]
    return "\n".join(lines)


def to_cardset(synth: SynthFile) -> str:
    """The file as card-set text copied from a revision website."""
    total = len(synth.cards)
    parts = [synth.title, ""]
    for number, card in enumerate(synth.cards, start=1):
        if not card.continued:
            parts.append(card.front)
        parts.extend(plain(fact) for fact in card.facts)
        parts.append(f"{number} of {total}")
        parts.append("")
    if synth.footer:
        parts.extend(line.format(subject=synth.subject) for line in FOOTER)
    return "\n\n".join(parts).rstrip("\n") + "\n"


def to_json(corpus: list[SynthFile], files: int, cards: int, seed: int) -> dict[str, Any]:
    """The format-neutral cards that floor.py and peers.py read."""
    return {
        "generator": {"version": GENERATOR_VERSION, "files": files, "cards": cards, "seed": seed},
        "files": [
            {
                "stem": synth.stem,
                "title": synth.title,
                "subject": synth.subject,
                "deck": synth.deck,
                "tags": synth.tags,
                "glossary": [list(entry) for entry in synth.glossary],
                "cards": [
                    {"front": card.front, "facts": card.facts, "continued": card.continued}
                    for card in synth.cards
                ],
            }
            for synth in corpus
        ],
    }


# Of every 20 files of the real-shaped corpus: what each is (see the module's description).
REAL_SHAPES = ("md-glossary",) * 5 + ("md",) * 8 + ("cardset",) * 4 + ("flashcards",) * 3


def real_shape(index: int) -> str:
    """The kind of notes file number `index` is in the real-shaped corpus."""
    return REAL_SHAPES[index % len(REAL_SHAPES)]


def to_flashcards(synth: SynthFile, index: int) -> tuple[str, str]:
    """The file as flashcards, one card a line, and its suffix: a tab-separated export (as Anki's
    "Notes in Plain Text" and Quizlet write them) or `front | back` lines in a `.txt`."""
    if index % 2:
        lines = ["#separator:tab", "#html:false", f"#deck:{synth.deck}"]
        lines += [f"{card.front}\t{'; '.join(map(plain, card.facts))}" for card in synth.cards]
        return "\n".join(lines) + "\n", ".tsv"
    lines = [f"{card.front} | {'; '.join(map(plain, card.facts))}" for card in synth.cards]
    return "\n".join(lines) + "\n", ".txt"


def real_file(synth: SynthFile, index: int) -> tuple[SynthFile, str, str]:
    """File number `index` of the real-shaped corpus: its cards (without the glossary it does
    not write), its text and its suffix."""
    shape = real_shape(index)
    if shape == "md-glossary":
        return synth, to_markdown(synth), ".md"
    bare = dataclasses.replace(synth, glossary=[])
    if shape == "md":
        return bare, to_markdown(bare), ".md"
    if shape == "cardset":
        return bare, to_cardset(bare), ".txt"
    text, suffix = to_flashcards(bare, index)
    return bare, text, suffix


def write_corpus(out: Path, files: int, cards: int, fmt: str = "all", seed: int = 1) -> None:
    """Write the corpus under `out` (see the module's description); `fmt` is `real`, `md`,
    `txt`, `both` (md and txt) or `all`."""
    corpus = generate(files, cards, seed)
    formats = {"both": ("md", "txt"), "all": ("real", "md", "txt")}.get(fmt, (fmt,))
    for name in formats:
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        if name == "real":
            real = []
            for index, synth in enumerate(corpus):
                kept, text, suffix = real_file(synth, index)
                (folder / f"{synth.stem}{suffix}").write_text(text, encoding="utf-8")
                real.append(kept)
            data = to_json(real, files, cards, seed)
            (out / "real-cards.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
            continue
        render = to_markdown if name == "md" else to_cardset
        for synth in corpus:
            (folder / f"{synth.stem}.{name}").write_text(render(synth), encoding="utf-8")
    if {"md", "txt"} & set(formats):
        data = to_json(corpus, files, cards, seed)
        (out / "cards.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def describe(out: Path, name: str = "") -> str:
    """A line about the corpus: files, cards, facts and words, to check the sizes are realistic."""
    if not name:
        name = "real-cards.json" if (out / "real-cards.json").exists() else "cards.json"
    data = json.loads((out / name).read_text(encoding="utf-8"))
    cards = [card for item in data["files"] for card in item["cards"]]
    facts = [fact for card in cards for fact in card["facts"]]
    words = sum(_words(plain(fact)) for fact in facts)
    return (
        f"{len(data['files'])} files, {len(cards)} cards, {len(facts)} facts "
        f"({len(facts) / max(1, len(cards)):.1f} per card, "
        f"{words / max(1, len(facts)):.1f} words per fact)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--files", type=int, default=100, help="notes files (default 100)")
    parser.add_argument("--cards", type=int, default=100, help="cards per file (default 100)")
    parser.add_argument("--format", choices=("real", "md", "txt", "both", "all"), default="all")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.files < 1 or args.cards < 1:
        parser.error("--files and --cards must be at least 1")
    write_corpus(args.out, args.files, args.cards, args.format, args.seed)
    print(f"{args.out}: {describe(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
