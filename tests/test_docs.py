"""The documentation keeps up with the command line: every command has help with an example,
every option has help, and README.md names every command and every long option."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from notes2decks.cli import main, make_deck

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")

COMMANDS: dict[str, click.Command] = {
    "make-deck": make_deck,
    "notes2decks": main,
    **{f"notes2decks {name}": command for name, command in main.commands.items()},
}


def mentioned(name: str) -> bool:
    """True when README.md has `name` as a whole word (`--lock` is not in `--no-lock`)."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", README) is not None


def test_the_group_holds_every_command() -> None:
    assert sorted(main.commands) == ["build", "check", "show"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    help_text = COMMANDS[name].help or ""
    assert help_text.strip(), f"{name} has no help"
    assert "Example:" in help_text, f"{name}'s help has no Example:"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    context = click.Context(COMMANDS[name], info_name=name)
    for param in COMMANDS[name].get_params(context):
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{name} {'/'.join(param.opts)} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_long_option_is_in_the_readme(name: str) -> None:
    assert mentioned(name), f"README.md does not mention {name}"
    context = click.Context(COMMANDS[name], info_name=name)
    for param in COMMANDS[name].get_params(context):
        if isinstance(param, click.Option):
            for option in (*param.opts, *param.secondary_opts):
                if option.startswith("--"):
                    assert mentioned(option), f"README.md does not document {name} {option}"


def test_the_check_finds_what_is_missing() -> None:
    assert not mentioned("--no-such-option")
    assert not mentioned("--lock-file")  # only `--lock/--no-lock` and the words "lock file"
