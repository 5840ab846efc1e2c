"""The .apkg file: a ZIP archive of the collection, the media list and the media files, the same
bytes for the same collection and media (sorted entries with a fixed time, system and mode).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# zlib's level 2 builds as fast as its fastest level and packs a little tighter; its default
# level slows every build for packages a sixth smaller.
_DEFLATE_LEVEL = 2


def write_package(collection: bytes, media: dict[str, bytes], dest: Path) -> None:
    """Zip a collection and its media (file name to content) into `dest`."""
    names = sorted(media)
    # Anki finds a media file by its number in the archive and its name in the `media` list.
    entries = {str(i): media[name] for i, name in enumerate(names)}
    entries["collection.anki2"] = collection
    entries["media"] = json.dumps({str(i): name for i, name in enumerate(names)}).encode()
    with zipfile.ZipFile(dest, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.create_system = 3  # Unix, wherever the package is built
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], zipfile.ZIP_DEFLATED, _DEFLATE_LEVEL)
