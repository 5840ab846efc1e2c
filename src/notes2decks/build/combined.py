"""The outputs of a build as a whole, such as `OUT/glossary.csv`: every file's glossary in one.
A file that kept its previous outputs keeps its previous terms there too (the cache has them)."""

from __future__ import annotations

from pathlib import Path

from ..atomic import private_folder
from ..errors import Diagnostic, NotesError
from ..model import Deck, SourceRef
from ..options import BuildOptions
from ..registry import exporters, load
from .cache import BuildCache
from .report import BuildReport, FileResult
from .staging import move_into_place, staging_folder


def kept_previous(result: FileResult) -> bool:
    """True when the build left `result`'s previous outputs in place: the file failed, or held
    nothing to build."""
    return result.error is not None or not result.outputs


def write_combined(
    report: BuildReport, cache: BuildCache, out: Path, options: BuildOptions
) -> None:
    """Write the combined outputs of the formats that have one, when the build has several
    files and anything they depend on changed; the outputs written go to `report.outputs`."""
    combined = [spec for spec in exporters(options.formats) if spec.combined]
    if not combined or len(report.results) < 2:
        return
    listed = [r for r in report.results if r.glossary or not kept_previous(r)]
    key = cache.combined_key([r.file.stem.as_posix() for r in listed], options)
    unchanged = all(r.cached for r in report.results) and key == cache.combined
    if unchanged and all((out / spec.combined_name).is_file() for spec in combined):
        return
    decks = [
        Deck(
            title=r.file.stem.name,
            deck_path=r.deck_path,
            source=SourceRef(r.file.display),
            glossary=r.glossary,
        )
        for r in listed
    ]
    errors = len(report.errors)
    for spec in combined:
        dest = out / spec.combined_name
        try:
            with staging_folder(out) as folder:
                temp = folder / dest.name
                with private_folder(folder):
                    load(spec.combined)(decks, temp, options)
                report.outputs.extend(move_into_place([(temp, dest)]))
        except NotesError as exc:
            # Its message names the output already.
            report.errors.append(exc.diagnostic(""))
        except OSError as exc:
            message = f"cannot write: {exc.strerror or exc}"
            report.errors.append(Diagnostic(str(dest), 0, message, "error"))
    if len(report.errors) == errors and key != cache.combined:
        cache.combined, cache.changed = key, True
