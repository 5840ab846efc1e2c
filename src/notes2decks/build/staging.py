"""Staging folders: each notes file's outputs are written aside, then moved into place together.
A staging folder's `owner` file stays open (and on POSIX locked) while its build runs, so that
the next build can tell a killed build's folder from one that a running build is writing."""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import NotesError

STAGING_PREFIX = ".notes2decks-staging-"
"""The name a build's staging folder in the output folder starts with."""

_OWNER = "owner"
# A folder without an owner file older than this was left by a build killed before opening it.
_UNOWNED_GRACE = 10.0

if sys.platform == "win32":

    def _own(folder: Path) -> IO[bytes]:
        # Windows does not delete a file that is open, which is the lock.
        return open(folder / _OWNER, "wb")

    def _owner_gone(owner: Path) -> bool:
        try:
            owner.unlink()
        except PermissionError:
            return False
        return True

else:
    import fcntl

    def _own(folder: Path) -> IO[bytes]:
        handle = open(folder / _OWNER, "wb")  # noqa: SIM115 - held open while the folder lives
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise
        return handle

    def _owner_gone(owner: Path) -> bool:
        with open(owner, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True


@contextlib.contextmanager
def staging_folder(out: Path, given: Path | None = None) -> Iterator[Path]:
    """A folder of its own for outputs being written, removed with its content when the block
    ends: inside `given` (the build's staging folder, owned already) when given, else a staging
    folder in `out`, owned while it lives."""
    if given is None:
        out.mkdir(parents=True, exist_ok=True)
    prefix = STAGING_PREFIX if given is None else None
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=given or out))
    owner: IO[bytes] | None = None
    try:
        if given is None:
            owner = _own(folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if owner is not None:
            owner.close()


def move_into_place(staged: list[tuple[Path, Path]]) -> list[Path]:
    """Rename staged outputs onto their destinations; returns those written. An output whose
    bytes are already in place keeps its time. What would stop a rename is checked for every
    output first, so a failure leaves all of the previous outputs as they were."""
    for _, dest in staged:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"cannot create the folder {dest.parent}: {exc.strerror or exc}"
            raise NotesError(message) from None
        if dest.is_dir():
            raise NotesError(f"cannot write {dest}: a folder of that name is in the way")
    written: list[Path] = []
    for temp, dest in staged:
        if _same_bytes(temp, dest):
            continue
        try:
            os.replace(temp, dest)
        except OSError as exc:
            raise NotesError(f"cannot write {dest}: {exc.strerror or exc}") from None
        written.append(dest)
    return written


def _same_bytes(new: Path, old: Path) -> bool:
    """True when `old` is an ordinary file (not a link) holding exactly the bytes of `new`."""
    try:
        return not old.is_symlink() and old.is_file() and filecmp.cmp(new, old, shallow=False)
    except OSError:
        return False


def remove_abandoned_staging(out: Path) -> list[Path]:
    """Remove the staging folders (named with `STAGING_PREFIX`) that killed builds left in
    `out`, not those of a build still running; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = sorted(out.iterdir())
    except OSError:
        return removed
    for folder in entries:
        if not folder.name.startswith(STAGING_PREFIX) or folder.is_symlink():
            continue
        try:
            if not folder.is_dir():
                continue
            abandoned = _owner_gone(folder / _OWNER)
        except FileNotFoundError:
            try:
                abandoned = time.time() - folder.stat().st_mtime > _UNOWNED_GRACE
            except OSError:
                continue
        except OSError:
            continue
        if abandoned:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
