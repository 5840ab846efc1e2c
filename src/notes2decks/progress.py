"""A progress bar for builds that take a while, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time

import click

from .build.report import FileResult

# Builds quicker than this show no bar at all: a flash of a bar is noise.
_DELAY_SECONDS = 1.0


class Progress:
    """Counts finished files; draws a one-line bar on stderr once a build passes a second."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self.drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.drawn:
            click.echo("\r\033[K", nl=False, err=True)

    def advance(self, result: FileResult, done: int, total: int) -> None:
        """Note one finished file and redraw the bar when it is due."""
        if not self.enabled or time.monotonic() - self.started < _DELAY_SECONDS:
            return
        self.drawn = True
        width = 30
        filled = width * done // max(total, 1)
        name = result.file.display
        name = name if len(name) <= 40 else "…" + name[-39:]
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r\033[K[{bar}] {done}/{total} {name}", nl=False, err=True)
