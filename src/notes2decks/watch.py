"""`make-deck --watch`: rebuild whenever a notes file (or an image) is saved."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from .options import BuildOptions

# Editors save in bursts (a temp file, a rename, a touch): wait for the burst to end.
_SETTLE_SECONDS = 0.3


def watch_and_build(
    paths: Sequence[Path], out: Path, options: BuildOptions, build_once: Callable[[], int]
) -> None:
    """Build once, then again after every change under `paths` (outside `out`), until Ctrl+C."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    from .enrich.lock import LOCK_FOLDER

    out_resolved = out.resolve()
    changed = threading.Event()

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write"):
                return
            where = Path(str(event.src_path)).resolve()
            ours = out_resolved in (where, *where.parents) or LOCK_FOLDER in where.parts
            if not (ours or where.name.startswith(".") or where.name.endswith("~")):
                changed.set()  # not the outputs, the build's lock files, hidden or backup files

    observer = Observer()
    for path in paths:
        folder = path if path.is_dir() else path.parent
        observer.schedule(OnChange(), str(folder), recursive=path.is_dir())
    build_once()
    observer.start()
    click.echo("watching for changes; press Ctrl+C to stop", err=True)
    try:
        while True:
            changed.wait()
            time.sleep(_SETTLE_SECONDS)
            changed.clear()
            click.echo(time.strftime("[%H:%M:%S] change seen, rebuilding"), err=True)
            build_once()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
