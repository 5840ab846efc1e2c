"""The peers: other Markdown-to-Anki tools, installed in their own virtual environments and fed
the same cards as make-deck.

    python benchmarks/peers.py setup                  # create the venvs, install from PyPI
    python benchmarks/peers.py input CORPUS/cards.json WORK_DIR   # write each peer's input

- Ankdown (PyPI `ankdown`): cards separated by `---`, front and back by `%`, the back in
  Markdown. It walks a folder and writes ONE .apkg for everything, with a deck per folder, so each
  notes file goes in a folder of its own to get one deck per file, as make-deck does.
- markdown-anki-decks (PyPI `markdown-anki-decks`, command `mdankideck`): a `# title` and one
  `## question` per card with the answer below it; one .apkg per file. Its typer version breaks
  with click 8.2, hence `click<8.2` in its own venv.

Both get each card's front and its facts as a bullet list with `**bold**` key terms: the same
cards that make-deck reads from the Markdown corpus.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENVS = HERE / ".venvs"


@dataclass(frozen=True, slots=True)
class Peer:
    """A peer tool: its venv, what to install, and how to run it."""

    name: str
    """A short name for tables."""
    label: str
    """The name people know it by."""
    requirements: tuple[str, ...]
    """What `pip install` gets, by PyPI name."""
    script: str
    """The console script the package installs."""

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    @property
    def executable(self) -> Path:
        return self.venv / "bin" / self.script

    def command(self, inputs: Path, out: Path) -> list[str]:
        """The command that converts `inputs` (written by `write_input`) into `out`."""
        if self.name == "ankdown":
            return [str(self.executable), "-r", str(inputs), "-p", str(out / "ankdown.apkg")]
        return [str(self.executable), str(inputs), str(out)]


PEERS = (
    Peer("ankdown", "Ankdown", ("ankdown",), "ankdown"),
    Peer("mdankideck", "markdown-anki-decks", ("markdown-anki-decks", "click<8.2"), "mdankideck"),
)


def setup(peer: Peer) -> str:
    """Create the peer's venv and install it; returns "" when it is ready, or why not."""
    if peer.executable.exists():
        return ""
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(peer.venv)
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"cannot create a venv: {exc}"
    pip = [str(peer.venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    done = subprocess.run(
        [*pip, *peer.requirements], capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0 or not peer.executable.exists():
        lines = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        detail = lines[-1] if lines else done.stderr.strip()[-300:]
        return f"pip install {' '.join(peer.requirements)} failed: {detail}"
    return ""


def installed_version(peer: Peer) -> str:
    """The peer's installed version, as pip reports it."""
    package = peer.requirements[0]
    done = subprocess.run(
        [str(peer.venv / "bin" / "python"), "-m", "pip", "show", package],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return "?"


def _back_markdown(facts: list[str]) -> str:
    return "\n".join(f"- {fact}" for fact in facts)


def write_input(peer: Peer, files: list[dict[str, Any]], dest: Path) -> int:
    """Write the cards in the peer's input format under `dest`; returns the number of cards."""
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for item in files:
        if peer.name == "ankdown":
            folder = dest / item["stem"]
            folder.mkdir(exist_ok=True)
            cards = [
                f"{card['front']}\n\n%\n\n{_back_markdown(card['facts'])}\n"
                for card in item["cards"]
            ]
            (folder / "cards.md").write_text("\n---\n\n".join(cards), encoding="utf-8")
        else:
            parts = [f"# {item['title']}\n"]
            parts += [
                f"## {card['front']}\n\n{_back_markdown(card['facts'])}\n" for card in item["cards"]
            ]
            (dest / f"{item['stem']}.md").write_text("\n".join(parts), encoding="utf-8")
        count += len(item["cards"])
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("setup", help="create the peers' venvs and install them")
    make = sub.add_parser("input", help="write each peer's input for a corpus")
    make.add_argument("cards", type=Path)
    make.add_argument("work", type=Path)
    args = parser.parse_args(argv)
    if args.action == "setup":
        for peer in PEERS:
            problem = setup(peer)
            print(f"{peer.label}: {problem or 'ready, ' + installed_version(peer)}")
        return 0
    files = json.loads(args.cards.read_text(encoding="utf-8"))["files"]
    for peer in PEERS:
        count = write_input(peer, files, args.work / peer.name)
        print(f"{peer.label}: {count} cards in {args.work / peer.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
