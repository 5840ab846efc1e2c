"""Warnings that many records of one file share, given once."""

from __future__ import annotations

from .. import ReadContext


class Tally:
    """Warnings that many records may share: given once per file, with the count and the first
    few lines, so that one reason never buries the rest of a build's output."""

    _SHOWN = 5

    def __init__(self, context: ReadContext) -> None:
        self.context = context
        self._hits: dict[tuple[str, str], list[tuple[int, str, str]]] = {}

    def add(self, one: str, many: str, line: int, detail: str = "", alone: str = "") -> None:
        """Count a warning: `one` says it of one line, `many` (with `{count}`) of several,
        `detail` what each line is about; `alone` replaces `one` when it is the only one."""
        self._hits.setdefault((one, many), []).append((line, detail, alone))

    def report(self) -> None:
        """Give the warnings counted, each once."""
        for (one, many), hits in self._hits.items():
            line, detail, alone = hits[0]
            if len(hits) == 1:
                self.context.warning(line, alone or one + (f": {detail}" if detail else ""))
                continue
            shown = ", ".join(
                f"{detail} (line {where})" if detail else str(where)
                for where, detail, _ in hits[: self._SHOWN]
            )
            more = ", ..." if len(hits) > self._SHOWN else ""
            lines = "" if detail else "lines "
            self.context.warning(line, f"{many.format(count=len(hits))} ({lines}{shown}{more})")
