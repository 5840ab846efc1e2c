"""The build cache (OUT/.notes2decks-cache.json): skip notes files whose content (and images'),
options, tool version and outputs are unchanged. A file's content is hashed only when its size
or time changed."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_text
from ..dates import source_date_epoch
from ..errors import Diagnostic
from ..model import GlossaryEntry, SourceRef, TermKind
from ..options import BuildOptions
from ..registry import reader_for
from .files import NotesFile, output_paths
from .report import FileResult

CACHE_NAME = ".notes2decks-cache.json"
_FORMAT = 1


def fingerprint_of(info: os.stat_result, data: bytes) -> dict[str, Any]:
    """The fingerprint of a file whose status is `info` and content `data`."""
    digest = hashlib.sha256(data).hexdigest()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns, "sha256": digest}


def _unchanged(path: Path, recorded: dict[str, Any]) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_size == recorded.get("size") and (
        info.st_mtime_ns == recorded.get("mtime_ns")
        or hashlib.sha256(path.read_bytes()).hexdigest() == recorded.get("sha256")
    )


@functools.cache
def code_digest() -> str:
    """A hash of the package's own source, so that a changed exporter invalidates the cache even
    where the version number did not move (a development install)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def cards_inputs(path: Path, text: str, images: list[Path], options: BuildOptions) -> str | None:
    """A digest of what a notes file's cards are made of besides the deck's title, tags and path
    (the text, the options that add cards, the reading code and libraries), for the lock to reuse
    its records (`enrich.lock.reconcile`). None for notes with images."""
    if images:
        return None
    parts = [__version__, code_digest(), str(options.auto_cloze), text]
    spec = reader_for(path.suffix, text)
    parts.append(spec.name if spec is not None else "")
    for library in spec.libraries if spec is not None else ():
        parts.append(str(getattr(importlib.import_module(library), "__version__", "")))
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def options_key(options: BuildOptions) -> str:
    """A hash of everything besides the notes that changes the outputs."""
    return _options_key(options, __version__, code_digest(), source_date_epoch())


# Asked for every file of a build, with the same answer each time.
@functools.lru_cache(maxsize=8)
def _options_key(options: BuildOptions, version: str, code: str, epoch: int | None) -> str:
    data = {
        f.name: getattr(options, f.name)
        for f in dataclasses.fields(options)
        # None of them changes what an output holds.
        if f.name not in ("jobs", "force", "strict")
    }
    data["print_kinds"] = sorted(kind.value for kind in options.print_kinds)
    data.update(version=version, code=code, source_date_epoch=epoch)
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _output_sizes(outputs: list[Path]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in outputs:
        with contextlib.suppress(OSError):
            sizes[path.name] = path.stat().st_size
    return sizes


class BuildCache:
    """What the last builds wrote, by output stem."""

    def __init__(self, entries: dict[str, dict[str, Any]], combined: str = "") -> None:
        self.entries = entries
        self.combined = combined
        self.changed = False

    @classmethod
    def load(cls, out: Path) -> BuildCache:
        """The cache in `out`, or an empty one when it is missing or unreadable."""
        try:
            data = json.loads((out / CACHE_NAME).read_bytes())
        except (OSError, ValueError):
            return cls({})
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return cls({})
        entries = data.get("files", {})
        return cls(entries if isinstance(entries, dict) else {}, str(data.get("combined", "")))

    def save(self, out: Path) -> None:
        """Write the cache back if anything changed."""
        if not self.changed:
            return
        data = {"format": _FORMAT, "files": self.entries, "combined": self.combined}
        # Compact: json.dumps only uses its C encoder without `indent`, and nobody reads this.
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        write_text(out / CACHE_NAME, text, durable=False)

    def lookup(self, file: NotesFile, out: Path, options: BuildOptions) -> FileResult | None:
        """The remembered result of `file`, when nothing it depends on has changed."""
        entry = self.entries.get(file.stem.as_posix())
        if not entry or entry.get("options") != options_key(options):
            return None
        if entry.get("source") != file.display or not _unchanged(file.path, entry["notes"]):
            return None
        if not all(_unchanged(Path(name), seen) for name, seen in entry.get("inputs", {}).items()):
            return None
        outputs = list(output_paths(file, out, options.formats).values())
        sizes = entry.get("outputs", {})
        for path in outputs:
            # An output that a power cut left short no longer has the size this build gave it.
            recorded = sizes.get(path.name) if isinstance(sizes, dict) else None
            try:
                info = path.stat()
            except OSError:
                return None
            if not stat.S_ISREG(info.st_mode) or recorded not in (None, info.st_size):
                return None
        return FileResult(
            file=file,
            outputs=outputs,
            cards=int(entry.get("cards", 0)),
            glossary=tuple(_entry_from_data(item) for item in entry.get("glossary", [])),
            deck_path=str(entry.get("deck_path", "")),
            identities=tuple(str(key) for key in entry.get("identities", [])),
            warnings=[Diagnostic(**item) for item in entry.get("warnings", [])],
            cached=True,
        )

    def store(self, result: FileResult, options: BuildOptions) -> None:
        """Remember a successful result."""
        self.entries[result.file.stem.as_posix()] = {
            "source": result.file.display,
            "options": options_key(options),
            "notes": _recorded_fingerprint(result, result.file.path),
            "inputs": {str(path): _recorded_fingerprint(result, path) for path in result.inputs},
            "outputs": _output_sizes(result.outputs),
            "cards": result.cards,
            "deck_path": result.deck_path,
            "identities": list(result.identities),
            "glossary": [_entry_to_data(entry) for entry in result.glossary],
            # Notes tell of what this build did, not of the notes: a rebuild does not repeat them.
            "warnings": [dataclasses.asdict(w) for w in result.warnings if w.severity != "note"],
        }
        self.changed = True

    def combined_key(self, stems: list[str], options: BuildOptions) -> str:
        """What the build's combined outputs depend on besides each file: which files built."""
        text = json.dumps([sorted(stems), options_key(options)])
        return hashlib.sha256(text.encode()).hexdigest()

    def previous(self, file: NotesFile) -> tuple[str, tuple[GlossaryEntry, ...]]:
        """The deck path and glossary that the last build of `file` gave (empty when none)."""
        entry = self.entries.get(file.stem.as_posix()) or {}
        glossary = tuple(_entry_from_data(item) for item in entry.get("glossary", []))
        return str(entry.get("deck_path", "")), glossary

    def forget(self, result: FileResult) -> None:
        """Drop what is remembered of a file that failed, but for the deck path and glossary
        that `result` carries: its previous outputs stay, and so do its terms in the combined
        glossary. (An entry without options is never looked up as a hit.)"""
        key = result.file.stem.as_posix()
        glossary = [_entry_to_data(entry) for entry in result.glossary]
        kept = {"deck_path": result.deck_path, "glossary": glossary} if glossary else None
        if self.entries.get(key) != kept:
            if kept:
                self.entries[key] = kept
            else:
                self.entries.pop(key, None)
            self.changed = True


def _recorded_fingerprint(result: FileResult, path: Path) -> dict[str, Any]:
    """The fingerprint the build took of the bytes it read of `path`, else one taken now."""
    taken = result.fingerprints.get(str(path))
    return taken if taken is not None else fingerprint_of(path.stat(), path.read_bytes())


def _entry_to_data(entry: GlossaryEntry) -> dict[str, Any]:
    return {
        "term": entry.term,
        "definition": entry.definition,
        "file": entry.source.file,
        "line": entry.source.line,
        "kind": entry.kind.value,
        "card": entry.card,
    }


def _entry_from_data(data: dict[str, Any]) -> GlossaryEntry:
    return GlossaryEntry(
        term=data["term"],
        definition=data["definition"],
        source=SourceRef(data["file"], data["line"]),
        kind=TermKind(data["kind"]),
        card=data.get("card", ""),
    )
