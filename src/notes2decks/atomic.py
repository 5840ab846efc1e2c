"""Writing outputs so that an interrupted build never leaves a half-written file: on POSIX each
writer locks its temporary file, and the next write of the same file removes unlocked ones,
whose writers were killed."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

if sys.platform != "win32":
    import fcntl

# mkstemp creates files readable by the owner only; outputs are ordinary files for sharing.
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK


def _remove_abandoned(dest: Path) -> None:
    """Remove the temporary files of `dest` whose writers were killed."""
    if sys.platform == "win32":
        return
    # Matched by hand rather than with a glob: every write scans its folder, and a glob
    # pattern per output name costs a regex compilation each time.
    prefix, suffix = f".{dest.name}.", ".part"
    try:
        with os.scandir(dest.parent) as entries:
            names = [
                entry.name
                for entry in entries
                if entry.name.startswith(prefix)
                and entry.name.endswith(suffix)
                and len(entry.name) >= len(prefix) + len(suffix)
            ]
    except OSError:
        return
    for name in names:
        leftover = dest.parent / name
        # Not one being written by a live writer, or already gone.
        with contextlib.suppress(OSError), open(leftover, "rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            leftover.unlink()


# The folder of `private_folder`, while its block runs.
_private: ContextVar[Path | None] = ContextVar("private_folder", default=None)


@contextlib.contextmanager
def private_folder(folder: Path) -> Iterator[None]:
    """Within the block, files written atomically into `folder` are written in place: for a
    build's staging folder, which nobody else reads and whose files move into place only once
    all are complete, a temporary file and a rename per file would buy nothing."""
    token = _private.set(folder)
    try:
        yield
    finally:
        _private.reset(token)


@contextlib.contextmanager
def atomic_path(dest: Path, *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `dest`, renamed onto it when the block succeeds and removed
    on any error. `durable` flushes it to the disk before the rename, so that even a power cut
    leaves the old content or the new. Inside a `private_folder`, `dest` itself is yielded."""
    if _private.get() == dest.parent:
        try:
            yield dest
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        if sys.platform == "win32":
            os.close(fd)  # Windows cannot rename an open file, so its temporaries stay unclaimed
        else:
            # Without locks (some network file systems) a temporary is simply never cleaned:
            # the cleaner cannot take the lock either.
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.chmod(tmp, _FILE_MODE)
        yield tmp
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if sys.platform != "win32":
            os.close(fd)


def write_bytes(dest: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `dest` atomically (see `atomic_path` for `durable`)."""
    with atomic_path(dest, durable=durable) as tmp:
        tmp.write_bytes(data)


def write_text(dest: Path, text: str, encoding: str = "utf-8", *, durable: bool = True) -> None:
    """Write `text` to `dest` atomically, with the newlines exactly as given."""
    write_bytes(dest, text.encode(encoding), durable=durable)
