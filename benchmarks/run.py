"""Time make-deck against the bare-library floor and the peers, in one command.

    python benchmarks/run.py                      # 100 files x 100 cards, 3 runs of each
    python benchmarks/run.py --quick              # 20 files x 50 cards, 1 run of each
    python benchmarks/run.py --profile            # where a build's time goes, per exporter

Every measurement runs in a fresh process, start-up included, and reports:

- wall: the median wall-clock time of the runs;
- peak MB: the largest resident set of any one process of the run's process tree, exact: the
  `ru_maxrss` that `wait4` returns for the child (Linux folds in the descendants it reaped), taken
  by the small launcher (launch.py) that starts each command;
- tree MB: the largest total memory of the whole tree at once (make-deck's workers included),
  sampled from /proc every 20 ms as the sum of each process's proportional set size (PSS), so
  pages that forked workers share are counted once;
- CPU s, and the CPU time other processes used meanwhile (noise in the wall time);
- output sizes by kind.

The corpus (make_corpus.py) is generated once into benchmarks/corpus/ and copied to a scratch
folder for each run, because make-deck writes lock files beside the notes. Results go to
benchmarks/results/ as JSON and a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402
import peers  # noqa: E402
from launch import busy_seconds  # noqa: E402

CORPUS = HERE / "corpus"
RESULTS = HERE / "results"
SMALL_FIXTURE = HERE / "fixtures" / "weimar-crises.txt"
SAMPLE_INTERVAL = 0.02
LONG_RUN = 30.0
"""A measurement whose first run takes longer than this many seconds is not repeated."""

# The targets of issue 7, checked at the end of a run.
FULL_VS_FLOOR = 0.6
MAD_VS_APKG = 3.0
NO_CHANGE_SECONDS = 0.5
SMALL_SECONDS = 0.5
PEAK_MB = 150.0
# Issue 17: a first .apkg build in at most this share of Ankdown's time, and a department's
# notes built whole in at most this long.
FIRST_VS_ANKDOWN = 0.75
DEPT_SECONDS = 20.0
DEPT_FILES = 1000
FLAT_RATIO = 1.25
"""Peak memory counts as flat in the number of files while 100 files need at most this many
times the peak of 10."""

# --------------------------------------------------------------------------- measuring


@dataclass(slots=True)
class Run:
    """One process run."""

    wall: float
    peak_mb: float
    tree_mb: float
    returncode: int
    cpu: float
    """CPU seconds of the process tree (user and system)."""
    others: float
    """CPU seconds that other processes on the machine used meanwhile: noise in the wall time."""
    sampled: bool = False
    """True when the tree's memory was sampled during the run, which slows what it samples: such
    a run gives the memory figures only, never a time."""


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children") as fh:
            found.extend(int(part) for part in fh.read().split())
    return found


def _process_kb(pid: int) -> int:
    """The proportional set size of a process in kB, or its RSS when PSS is not available."""
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tree_kb(pid: int) -> int:
    """The memory of a process and all its descendants, in kB."""
    total, todo, seen = 0, [pid], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _process_kb(current)
        todo.extend(_children(current))
    return total


QUIET_CORES = 0.25
"""The machine counts as quiet while other processes keep fewer cores than this busy."""


def machine_busy(window: float = 1.0) -> float:
    """How many cores the machine keeps busy, on average over `window` seconds."""
    before = busy_seconds()
    time.sleep(window)
    return (busy_seconds() - before) / window


def settle(limit: float) -> None:
    """Wait up to `limit` seconds for the machine to be quiet, so others' work does not land in
    the next measurement. The wait is best effort: "others' load" reports what was left."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and machine_busy() >= QUIET_CORES:
        pass


def measure(cmd: Sequence[str], log: Path, sample_tree: bool = True) -> Run:
    """Run `cmd` through launch.py, its output appended to `log`: its wall and CPU time, its
    largest process's peak memory, and with `sample_tree` the peak memory of its process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(log, "ab") as out,
        tempfile.NamedTemporaryFile(suffix=".json", dir=log.parent) as report,
    ):
        out.write(f"$ {' '.join(cmd)}\n".encode())
        out.flush()
        launcher = [sys.executable, "-I", "-S", str(HERE / "launch.py"), report.name, *cmd]
        proc = subprocess.Popen(launcher, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                # The launcher itself is left out: it is not part of what is measured.
                peak[0] = max(peak[0], sum(tree_kb(child) for child in _children(proc.pid)))
                done.wait(SAMPLE_INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        if sample_tree:
            sampler.start()
        proc.wait()
        done.set()
        if sample_tree:
            sampler.join()
        try:
            data = json.loads(Path(report.name).read_text(encoding="utf-8"))
        except ValueError:
            data = {"wall": 0.0, "cpu": 0.0, "maxrss_kb": 0, "returncode": 127, "others": 0.0}
        code = int(data["returncode"]) if proc.returncode == 0 else proc.returncode
        out.write(f"# exit {code}, {data['wall']:.3f} s, {data['cpu']:.2f} s CPU\n\n".encode())
    return Run(
        data["wall"],
        data["maxrss_kb"] / 1024,
        peak[0] / 1024,
        code,
        data["cpu"],
        data["others"],
        sampled=sample_tree,
    )


@dataclass(frozen=True, slots=True)
class Check:
    """A target and whether the run met it."""

    name: str
    passed: bool | None
    """True when met, False when missed, None when not measured in this run."""
    detail: str


@dataclass(slots=True)
class Result:
    """One row of the table: a command measured `len(walls)` times."""

    name: str
    label: str
    cards: int
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    """CPU seconds of each run: cpu / wall is how many cores the run kept busy."""
    others: float = 0.0
    """The most cores that other processes kept busy during a run, on average over that run."""
    peak_mb: float = 0.0
    tree_mb: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)
    notes_in_apkg: int = 0
    built_cards: int = 0
    """The cards make-deck reported, its cloze and glossary cards included."""
    ok: bool = True
    detail: str = ""

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")

    @property
    def cards_per_second(self) -> float:
        return self.cards / self.wall if self.walls and self.wall > 0 else 0.0

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else float("nan")

    def add(self, run: Run) -> None:
        if not run.sampled:
            self.walls.append(run.wall)
            self.cpus.append(run.cpu)
            self.others = max(self.others, run.others / run.wall if run.wall > 0 else 0.0)
        self.peak_mb = max(self.peak_mb, run.peak_mb)
        self.tree_mb = max(self.tree_mb, run.tree_mb)
        if run.returncode != 0:
            self.ok = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["wall"] = self.wall
        data["cpu"] = self.cpu
        data["cards_per_second"] = self.cards_per_second
        return data


# --------------------------------------------------------------------------- outputs


def output_sizes(folder: Path) -> dict[str, int]:
    """Bytes of output by kind (apkg, pdf, csv), every file under `folder` counted once."""
    sizes: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".apkg", ".pdf", ".csv"):
            kind = path.suffix[1:]
            sizes[kind] = sizes.get(kind, 0) + path.stat().st_size
    return sizes


def apkg_notes(folder: Path) -> int:
    """How many notes the .apkg files under `folder` hold: proof that a tool took every card."""
    total = 0
    for path in sorted(folder.rglob("*.apkg")):
        with zipfile.ZipFile(path) as package, tempfile.TemporaryDirectory() as temp:
            names = package.namelist()
            name = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
            if name is None:
                continue
            package.extract(name, temp)
            connection = sqlite3.connect(Path(temp) / name)
            try:
                total += int(connection.execute("select count(*) from notes").fetchone()[0])
            finally:
                connection.close()
    return total


def mtimes(folder: Path) -> dict[str, int]:
    return {
        path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
        for path in folder.rglob("*")
        if path.is_file()
    }


def changed_files(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


# --------------------------------------------------------------------------- the benchmark


def make_deck_command() -> list[str]:
    """make-deck from the Python running this script, not a shim: shims add start-up time."""
    script = Path(sys.executable).parent / "make-deck"
    if script.exists():
        return [str(script)]
    found = shutil.which("make-deck")
    if found:
        return [found]
    return [sys.executable, "-m", "notes2decks", "build"]


def ensure_corpus(files: int, cards: int, seed: int) -> Path:
    """The corpus folder, generated when missing or made by another generator version."""
    folder = CORPUS / f"f{files}-c{cards}-s{seed}"
    stamp = folder / "real-cards.json"
    if stamp.exists() and (folder / "cards.json").exists():
        with contextlib.suppress(ValueError, KeyError):
            data = json.loads(stamp.read_text(encoding="utf-8"))
            if data["generator"]["version"] == make_corpus.GENERATOR_VERSION:
                return folder
    if folder.exists():
        shutil.rmtree(folder)
    print(f"generating the corpus in {folder.relative_to(ROOT)} ...", flush=True)
    make_corpus.write_corpus(folder, files, cards, "all", seed)
    print(f"  {make_corpus.describe(folder)}", flush=True)
    return folder


def summary_counts(log: Path) -> tuple[int, int]:
    """Files and cards from the last make-deck summary line in `log`."""
    matches = re.findall(
        r"(\d+) files?, (\d+) cards", log.read_text(encoding="utf-8", errors="replace")
    )
    if not matches:
        return 0, 0
    files, cards = matches[-1]
    return int(files), int(cards)


class Bench:
    """Runs the measurements in a scratch folder and collects the results."""

    def __init__(
        self, corpus: Path, repeat: int, jobs: int | None, log: Path, settle: float = 0.0
    ) -> None:
        self.corpus = corpus
        self.settle = settle
        self.repeat = repeat
        self.sampling = False
        """True while a round 0 runs: its command's process tree is sampled for memory."""
        self.jobs = jobs
        self.log = log
        self.scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=RESULTS))
        self.results: list[Result] = []
        self.checks: list[Check] = []
        self.info: dict[str, Any] = {}
        # The real-shaped notes (`real/`) are what most rows build, and what the floor and the
        # peers get; the classic Markdown and card-set rows hold the same cards.
        data = json.loads((corpus / "real-cards.json").read_text(encoding="utf-8"))
        self.files: list[dict[str, Any]] = data["files"]
        self.cards = sum(len(item["cards"]) for item in self.files)
        self.make_deck = make_deck_command()
        self.source = source_digest()
        self.source_changed: list[str] = []

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def fresh(self, name: str) -> Path:
        folder = self.scratch / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        return folder

    def notes_copy(self, kind: str) -> Path:
        """A scratch copy of the corpus's notes of one kind (`real`, `md` or `txt`)."""
        dest = self.fresh(f"notes-{kind}")
        shutil.copytree(self.corpus / kind, dest, dirs_exist_ok=True)
        return dest

    def deck_args(self, formats: str, force: bool) -> list[str]:
        args = ["--format", formats]
        if force:
            args.append("--force")
        if self.jobs is not None:
            args += ["--jobs", str(self.jobs)]
        return args

    def check_counts(self, result: Result, files: int) -> None:
        """Fail a make-deck result whose summary does not account for every file and card.

        make-deck counts the cards it built, cloze and glossary cards included, so it reports
        more cards than the notes have headings: at least the corpus's count is expected.
        """
        built_files, built = summary_counts(self.log)
        result.built_cards = built
        if result.ok and (built_files != files or built < result.cards):
            result.ok = False
            result.detail = (
                f"make-deck reported {built_files} files and {built} cards, "
                f"expected {files} files and at least {result.cards} cards"
            )

    def measure(self, cmd: Sequence[str]) -> Run:
        """`measure`, once the machine is quiet (or `settle` seconds have passed); the tree's
        memory is sampled only in a round 0 (see `rounds`)."""
        if self.settle > 0:
            settle(self.settle)
        return measure(cmd, self.log, sample_tree=self.sampling)

    def rounds(self, result: Result) -> Iterator[int]:
        """Round 0, whose run only samples the process tree's memory, then the timed rounds from 1
        up to `repeat`, stopping early after one long run.

        Reading every process's memory from /proc 50 times a second slows a build of several
        processes (a 0.72 s `.apkg` build took 0.78 s when sampled), so no timed run is.
        """
        try:
            self.sampling = True
            yield 0
            self.sampling = False
            for number in range(1, self.repeat + 1):
                if result.walls and result.walls[0] > LONG_RUN:
                    return
                yield number
        finally:
            self.sampling = False

    def record(self, result: Result, uses_source: bool = True) -> Result:
        # The cache keys on the tool's source, so an edit during a measurement makes it rebuild
        # (and a mix of versions is no measurement): flag it rather than report it as if clean.
        # The floor and the peers do not run the project's code.
        source = source_digest()
        changed, self.source = source != self.source, source
        if changed and uses_source:
            self.source_changed.append(result.name)
            result.detail = (result.detail + "; " if result.detail else "") + (
                "the source under src/ changed during this measurement"
            )
        self.results.append(result)
        status = "" if result.ok else "  FAILED: " + (result.detail or f"see {self.log}")
        if result.ok and result.name in self.source_changed:
            status = "  (the source changed during it)"
        print(
            f"  {result.label:<44} {result.wall:8.3f} s {result.cpu:7.2f} s CPU"
            f" {result.cards_per_second:8.0f} cards/s {result.peak_mb:6.1f} MB"
            f"  (others: {result.others:.2f} cores){status}",
            flush=True,
        )
        return result

    def time_build(
        self,
        name: str,
        label: str,
        notes: Sequence[Path],
        formats: str,
        cards: int | None = None,
        files: int | None = None,
    ) -> Result:
        """A clean build (empty output folder, --force), `repeat` times."""
        result = Result(name, label, self.cards if cards is None else cards)
        out = self.scratch / f"out-{name}"
        for _ in self.rounds(result):
            if out.exists():
                shutil.rmtree(out)
            cmd = [
                *self.make_deck,
                *map(str, notes),
                "-o",
                str(out),
                *self.deck_args(formats, True),
            ]
            result.add(self.measure(cmd))
        self.check_counts(result, len(self.files) if files is None else files)
        result.sizes = output_sizes(out)
        if "apkg" in formats:
            result.notes_in_apkg = apkg_notes(out)
        return self.record(result)

    # ----------------------------------------------------------------------- the steps

    def builds(self) -> None:
        print("make-deck, real-shaped corpus, clean builds:", flush=True)
        real = self.notes_copy("real")
        self.time_build("full", "full build (apkg,pdf,csv)", [real], "apkg,pdf,csv")
        for fmt in ("apkg", "pdf", "csv"):
            self.time_build(fmt, f"{fmt} alone", [real], fmt)
        self.first_build()
        print("make-deck, the classic corpora (the same cards):", flush=True)
        md = self.notes_copy("md")
        self.time_build(
            "full-md", "full build, Markdown, all with a glossary", [md], "apkg,pdf,csv"
        )
        txt = self.notes_copy("txt")
        self.time_build("full-txt", "full build, card-set text", [txt], "apkg,pdf,csv")
        print("memory against the number of files (same cards per file):", flush=True)
        notes = sorted(p for p in real.iterdir() if not p.name.startswith("."))
        # A tenth of the files with the corpus's mix of kinds (the first tenth would be
        # Markdown only, and leave out what card sets load, such as the English word list).
        chosen = [i * 10 + i % 10 for i in range(max(1, len(notes) // 10))]
        few = [notes[i] for i in chosen if i < len(notes)]
        cards = sum(len(self.files[i]["cards"]) for i in chosen if i < len(notes))
        self.time_build(
            "full-few", f"full build, {len(few)} files", few, "apkg,pdf,csv", cards, len(few)
        )

    def first_build(self) -> None:
        """The `.apkg` of notes never built before: no lock files yet, so every card is written
        and every lock file is made, as on a user's first build."""
        result = Result("apkg-first", "apkg alone, first build (no lock files)", self.cards)
        out = self.scratch / "out-apkg-first"
        for round_ in self.rounds(result):
            notes = self.fresh(f"notes-first-{round_}")
            shutil.copytree(self.corpus / "real", notes, dirs_exist_ok=True)
            os.sync()  # so that flushing the first lock file does not also flush the copy
            if out.exists():
                shutil.rmtree(out)
            cmd = [*self.make_deck, str(notes), "-o", str(out), *self.deck_args("apkg", False)]
            result.add(self.measure(cmd))
        self.check_counts(result, len(self.files))
        result.sizes = output_sizes(out)
        result.notes_in_apkg = apkg_notes(out)
        self.record(result)

    def department(self, files: int, cards: int, seed: int) -> None:
        """A department's notes: many files of the real shape, a full build, once."""
        corpus = ensure_corpus(files, cards, seed)
        print(f"a department's notes ({files} files x {cards} cards), full build:", flush=True)
        notes = self.fresh("notes-dept")
        shutil.copytree(corpus / "real", notes, dirs_exist_ok=True)
        result = Result("dept", f"department: {files} files, full build", files * cards)
        out = self.scratch / "out-dept"
        for _ in self.rounds(result):
            if out.exists():
                shutil.rmtree(out)
            cmd = [
                *self.make_deck,
                str(notes),
                "-o",
                str(out),
                *self.deck_args("apkg,pdf,csv", True),
            ]
            result.add(self.measure(cmd))
        self.check_counts(result, files)
        result.sizes = output_sizes(out)
        self.record(result)

    def rebuilds(self) -> None:
        print("rebuilds (real-shaped corpus, all formats):", flush=True)
        notes = self.notes_copy("real")
        out = self.scratch / "out-rebuild"
        if out.exists():
            shutil.rmtree(out)
        base = [*self.make_deck, str(notes), "-o", str(out)]
        first = self.measure([*base, *self.deck_args("apkg,pdf,csv", True)])
        if first.returncode != 0:
            self.record(Result("nochange", "no-change rebuild", 0, ok=False, detail="first build"))
            return
        nochange = Result("nochange", "no-change rebuild", self.cards)
        touched: list[str] = []
        for _ in self.rounds(nochange):
            before = mtimes(out)
            nochange.add(self.measure([*base, *self.deck_args("apkg,pdf,csv", False)]))
            touched += changed_files(before, mtimes(out))
        if touched:
            nochange.detail = f"rewrote {sorted(set(touched))[:5]}"
        self.record(nochange)
        self.checks.append(
            self.rebuild_check(
                nochange, "a no-change rebuild writes nothing", not touched, "no output touched"
            )
        )

        victim = sorted(notes.glob("*.md"))[len(list(notes.glob("*.md"))) // 2]
        stem = victim.stem
        onechange = Result("onechange", "one-change rebuild (1 of N files edited)", self.cards)
        unexpected: set[str] = set()
        missing: set[str] = set()
        for round_ in self.rounds(onechange):
            text = victim.read_text(encoding="utf-8")
            # Edit one fact, as a teacher fixing a typo would.
            victim.write_text(text.replace(".\n", f" (revised {round_}).\n", 1), encoding="utf-8")
            before = mtimes(out)
            onechange.add(self.measure([*base, *self.deck_args("apkg,pdf,csv", False)]))
            changed = set(changed_files(before, mtimes(out)))
            own = {f"{stem}.apkg", f"{stem}.pdf", f"{stem}-glossary.csv"}
            # The combined glossary and the cache belong to the whole build and must follow.
            allowed = own | {"glossary.csv", ".notes2decks-cache.json"}
            unexpected |= changed - allowed
            # An output whose bytes did not change is not rewritten (its glossary, say), but
            # the edited fact is in the package and the PDF.
            missing |= {f"{stem}.apkg", f"{stem}.pdf"} - changed
        rewrote_own_only = not unexpected and not missing
        detail = f"rewrote {stem}'s changed outputs (and the build's cache)"
        if unexpected:
            detail = f"also rewrote {sorted(unexpected)[:5]}"
        if missing:
            detail = f"did not rewrite {sorted(missing)}"
        onechange.detail = "" if rewrote_own_only else detail
        self.record(onechange)
        self.checks.append(
            self.rebuild_check(
                onechange,
                "a one-change rebuild rewrites only that file's outputs",
                rewrote_own_only,
                detail,
            )
        )

    def rebuild_check(self, result: Result, name: str, passed: bool, detail: str) -> Check:
        if result.name in self.source_changed:
            return Check(name, None, "the source under src/ changed during it; measure again")
        if not result.ok:
            return Check(name, False, result.detail or "make-deck failed")
        return Check(name, passed, detail if passed else result.detail or detail)

    def small(self) -> None:
        print("the sample-like card set (8 cards), start-up included:", flush=True)
        folder = self.fresh("small")
        notes = folder / SMALL_FIXTURE.name
        shutil.copyfile(SMALL_FIXTURE, notes)
        result = Result("small", "8-card card set, all formats", 8)
        out = folder / "out"
        for _ in self.rounds(result):
            if out.exists():
                shutil.rmtree(out)
            with contextlib.suppress(FileNotFoundError):
                (folder / f".{notes.name}.notes2decks.lock").unlink()
            result.add(self.measure([*self.make_deck, str(notes), "-o", str(out)]))
        self.check_counts(result, 1)
        result.sizes = output_sizes(out)
        self.record(result)
        start = Result("startup", "make-deck --version (start-up only)", 0)
        for _ in self.rounds(start):
            start.add(self.measure([*self.make_deck, "--version"]))
        self.record(start)

    def floor(self) -> None:
        print("the floor: bare genanki, reportlab and csv, one process each:", flush=True)
        cards_json = self.corpus / "real-cards.json"
        for mode, label in (
            ("genanki", "floor: genanki, 1 Package per file"),
            ("reportlab", "floor: reportlab, 1 Paragraph per face"),
            ("csv", "floor: csv module"),
            # Not part of the floor: what a layout cheaper than Paragraph can save.
            ("canvas", "reference: reportlab text objects, cached widths"),
        ):
            result = Result(f"floor-{mode}", label, self.cards)
            for _ in self.rounds(result):
                out = self.fresh(f"floor-{mode}")
                cmd = [sys.executable, str(HERE / "floor.py"), mode, str(cards_json), str(out)]
                result.add(self.measure(cmd))
            result.sizes = output_sizes(out)
            if mode == "genanki":
                result.notes_in_apkg = apkg_notes(out)
            self.record(result, uses_source=False)

    def peers(self, skip: bool) -> None:
        print("the peers, same cards, .apkg only:", flush=True)
        for peer in peers.PEERS:
            if skip:
                self.info.setdefault("peers", {})[peer.name] = "skipped (--no-peers)"
                continue
            problem = peers.setup(peer)
            if problem:
                self.info.setdefault("peers", {})[peer.name] = problem
                print(f"  {peer.label}: not run: {problem}", flush=True)
                continue
            version = peers.installed_version(peer)
            self.info.setdefault("peers", {})[peer.name] = f"{peer.label} {version}"
            inputs = self.fresh(f"peer-input-{peer.name}")
            peers.write_input(peer, self.files, inputs)
            result = Result(f"peer-{peer.name}", f"{peer.label} {version}", self.cards)
            for _ in self.rounds(result):
                out = self.fresh(f"peer-out-{peer.name}")
                result.add(self.measure(peer.command(inputs, out)))
            result.sizes = output_sizes(out)
            result.notes_in_apkg = apkg_notes(out)
            if result.ok and result.notes_in_apkg != self.cards:
                result.detail = f"its .apkg holds {result.notes_in_apkg} notes, not {self.cards}"
            self.record(result, uses_source=False)

    # ----------------------------------------------------------------------- verdicts

    def get(self, name: str) -> Result | None:
        return next((r for r in self.results if r.name == name and r.ok and r.walls), None)

    def ratios(self) -> dict[str, float]:
        found: dict[str, float] = {}
        floor_parts = [self.get(f"floor-{m}") for m in ("genanki", "reportlab", "csv")]
        parts = [p for p in floor_parts if p is not None]
        if len(parts) == len(floor_parts):
            found["floor_total_s"] = sum(p.wall for p in parts)
        full, apkg = self.get("full"), self.get("apkg")
        if full and "floor_total_s" in found:
            found["full_over_floor"] = full.wall / found["floor_total_s"]
            # CPU time hardly depends on what else the machine is doing: on N cores the wall
            # ratio cannot go below this one divided by N.
            found["full_over_floor_cpu"] = full.cpu / sum(p.cpu for p in parts)
        ankdown, mad = self.get("peer-ankdown"), self.get("peer-mdankideck")
        if apkg and ankdown:
            found["ankdown_over_apkg"] = ankdown.wall / apkg.wall
        if apkg and mad:
            found["mdankideck_over_apkg"] = mad.wall / apkg.wall
        first = self.get("apkg-first")
        if first and ankdown:
            found["apkg_first_over_ankdown"] = first.wall / ankdown.wall
        few = self.get("full-few")
        if full and few:
            found["peak_many_over_few"] = full.peak_mb / few.peak_mb
        return found

    def verdicts(self) -> list[Check]:
        """Each target of issues 7 and 17: passed (True), missed (False) or not measured (None)."""
        ratios = self.ratios()
        checks = list(self.checks)

        def needs(*names: str) -> str:
            """Why a target cannot be judged: a run failed or was not made; "" when it can."""
            for name in names:
                found = next((r for r in self.results if r.name == name), None)
                if found is None:
                    return f"{name} not run"
                if not found.ok:
                    return f"{name} failed"
                if name in self.source_changed:
                    return f"the source under src/ changed during {name}; measure again"
            return ""

        def check(name: str, passed: bool, detail: str, *needed: str) -> None:
            missing = needs(*needed)
            if missing:
                checks.append(Check(name, False if "failed" in missing else None, missing))
            else:
                checks.append(Check(name, passed, detail))

        floor = ("floor-genanki", "floor-reportlab", "floor-csv")
        value = ratios.get("full_over_floor", 0.0)
        check(
            f"full build <= {FULL_VS_FLOOR} x the floor",
            value <= FULL_VS_FLOOR,
            f"{value:.2f} x the floor",
            "full",
            *floor,
        )
        value = ratios.get("ankdown_over_apkg", 0.0)
        check(
            ".apkg alone faster than Ankdown",
            value > 1.0,
            f"Ankdown takes {value:.2f} x as long",
            "apkg",
            "peer-ankdown",
        )
        value = ratios.get("mdankideck_over_apkg", 0.0)
        check(
            f".apkg alone >= {MAD_VS_APKG:g} x faster than markdown-anki-decks",
            value >= MAD_VS_APKG,
            f"markdown-anki-decks takes {value:.2f} x as long",
            "apkg",
            "peer-mdankideck",
        )
        value = ratios.get("apkg_first_over_ankdown", 0.0)
        check(
            f".apkg alone, first build, <= {FIRST_VS_ANKDOWN} x Ankdown's time",
            value <= FIRST_VS_ANKDOWN,
            f"{value:.2f} x Ankdown's time",
            "apkg-first",
            "peer-ankdown",
        )
        if any(r.name == "dept" for r in self.results):
            dept = self.get("dept")
            wall, peak = (dept.wall, dept.peak_mb) if dept else (0.0, 0.0)
            check(
                f"department build <= {DEPT_SECONDS:g} s",
                wall <= DEPT_SECONDS,
                f"{wall:.1f} s",
                "dept",
            )
            check(
                f"department build peak memory <= {PEAK_MB:g} MB",
                peak <= PEAK_MB,
                f"{peak:.1f} MB per process",
                "dept",
            )
        for name, limit, label in (
            ("nochange", NO_CHANGE_SECONDS, "no-change rebuild"),
            ("small", SMALL_SECONDS, "8-card set, start-up included,"),
        ):
            result = self.get(name)
            wall = result.wall if result else 0.0
            check(f"{label} <= {limit} s", wall <= limit, f"{wall:.3f} s", name)
        full = self.get("full")
        peak, tree = (full.peak_mb, full.tree_mb) if full else (0.0, 0.0)
        check(
            f"peak memory <= {PEAK_MB:g} MB (largest process)",
            peak <= PEAK_MB,
            f"{peak:.1f} MB; the whole tree at once: {tree:.1f} MB",
            "full",
        )
        value = ratios.get("peak_many_over_few", 0.0)
        check(
            f"peak memory flat in the number of files (<= {FLAT_RATIO} x)",
            value <= FLAT_RATIO,
            f"{value:.2f} x the peak of a tenth of the files",
            "full",
            "full-few",
        )
        return checks


# --------------------------------------------------------------------------- reporting


def machine() -> dict[str, Any]:
    """What the numbers came from."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) // 1024
    versions: dict[str, str] = {}
    for module in ("genanki", "reportlab", "notes2decks"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[module] = importlib.metadata.version(module)
    accel = "installed" if importlib.util.find_spec("_rl_accel") else "not installed"
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "rl_accel": accel,
    }


def source_digest() -> str:
    """A hash of the package's source files: it changes when someone edits the code."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        with contextlib.suppress(OSError):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def source_state() -> str:
    """The commit measured, and how many files under src/ differ from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {head}" + (f" with {len(dirty)} changed file(s) under src/" if dirty else "")


def _size(nbytes: int) -> str:
    return f"{nbytes / 1e6:.1f} MB" if nbytes >= 100_000 else f"{nbytes / 1e3:.0f} kB"


def markdown_report(bench: Bench, info: dict[str, Any], checks: list[Check]) -> str:
    m = info["machine"]
    lines = [
        f"Run of {info['date']} on {m['cpus']} x {m['cpu_model']}, {m['memory_mb']} MB RAM, "
        f"Python {m['python']}, {m['platform']}; genanki {m['versions'].get('genanki', '?')}, "
        f"reportlab {m['versions'].get('reportlab', '?')} (rl_accel {m['rl_accel']}); "
        f"notes2decks at {info['source']}.",
        "",
        f"Corpus: {info['corpus']}. Each figure is the median of {bench.repeat} run(s) in a "
        "fresh process, start-up included.",
        "",
        "| what | wall s | CPU s | cards/s | peak MB | tree MB | .apkg | .pdf | .csv "
        "| notes in .apkg | cards built | others' load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in bench.results:
        sizes = [_size(r.sizes[k]) if k in r.sizes else "" for k in ("apkg", "pdf", "csv")]
        wall = f"{r.wall:.3f}" if r.ok else f"FAILED ({r.detail or 'see log'})"
        if r.ok and r.name in bench.source_changed:
            wall += " (source changed)"
        speed = f"{r.cards_per_second:,.0f}" if r.cards and r.ok else ""
        lines.append(
            f"| {r.label} | {wall} | {r.cpu:.2f} | {speed} | {r.peak_mb:.1f} | {r.tree_mb:.1f} | "
            + " | ".join(sizes)
            + f" | {r.notes_in_apkg or ''} | {r.built_cards or ''} | {r.others:.2f} |"
        )
    if bench.source_changed:
        lines += [
            "",
            "**The source under src/ changed during "
            + ", ".join(bench.source_changed)
            + ": measure again.**",
        ]
    ratios = info["ratios"]
    lines += ["", "Ratios:", ""]
    labels = {
        "floor_total_s": "floor total (genanki + reportlab + csv), s",
        "full_over_floor": "full build / floor total",
        "full_over_floor_cpu": "full build / floor total, in CPU time (the wall ratio's lower "
        "bound on N cores is this / N)",
        "ankdown_over_apkg": "Ankdown / make-deck .apkg alone",
        "mdankideck_over_apkg": "markdown-anki-decks / make-deck .apkg alone",
        "apkg_first_over_ankdown": "make-deck .apkg first build / Ankdown",
        "peak_many_over_few": "peak memory, all files / a tenth of the files",
    }
    lines += [f"- {labels[k]}: {v:.2f}" for k, v in ratios.items()]
    lines += ["", "Targets:", ""]
    verdict = {True: "PASS", False: "FAIL", None: "NOT MEASURED"}
    lines += [f"- {verdict[c.passed]}: {c.name} ({c.detail})" for c in checks]
    for name, state in info.get("peers", {}).items():
        lines.append(f"- peer {name}: {state}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- profiling


PIPELINE = (
    "read_notes_text",
    "enrich_deck",
    "extract_glossary",
    "add_auto_cloze",
    "reconcile",
    "save_lock",
    "export_apkg",
    "export_pdf",
    "export_csv",
    "export_combined_csv",
)


PROFILES = (
    ("real", "apkg,pdf,csv"),
    ("real", "apkg"),
    ("real", "pdf"),
    ("real", "csv"),
    ("txt", "apkg,pdf,csv"),
)


def profile(corpus: Path, log: Path, top: int = 15) -> str:
    """Profile builds in one process (--jobs 1): the full build and each format alone on the
    Markdown notes, and the full build on the card-set text. For each, where the time goes: the
    pipeline's steps, the project's functions by cumulative time, and every function by own time.

    cProfile slows pure-Python code with many small calls (reportlab's width and line-breaking
    code) far more than C code, so shares are a guide to where to look, not a forecast of the
    saving: measure the change with the timed run."""
    import pstats

    lines = [
        "# Profile",
        "",
        f"Corpus: {make_corpus.describe(corpus)}. Each build runs in one process under cProfile.",
        "",
    ]
    scratch = Path(tempfile.mkdtemp(prefix="profile-", dir=RESULTS))
    try:
        for kind, formats in PROFILES:
            notes = scratch / f"notes-{kind}"
            if not notes.exists():
                shutil.copytree(corpus / kind, notes)
            name = f"{kind}-{formats.replace(',', '-')}"
            stats_file = RESULTS / f"profile-{name}.prof"
            out = scratch / "out"
            if out.exists():
                shutil.rmtree(out)
            cmd = [
                sys.executable, "-m", "cProfile", "-o", str(stats_file),
                "-m", "notes2decks", "build", str(notes), "-o", str(out),
                "--format", formats, "--force", "--jobs", "1", "-q",
            ]  # fmt: skip
            run = measure(cmd, log)
            lines += [f"## {kind} notes, --format {formats}: {run.wall:.2f} s under cProfile", ""]
            if run.returncode != 0 or not stats_file.exists():
                lines += [f"failed, see {log}", ""]
                continue
            stats = pstats.Stats(str(stats_file))
            total = max(getattr(stats, "total_tt", 0.0), 1e-9)
            table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
            by_cumulative = sorted(table.items(), key=lambda item: -item[1][3])
            lines += ["Pipeline steps (cumulative):", ""]
            for (filename, _, function), (_, _, _, cumulative, _) in by_cumulative:
                if function in PIPELINE and "notes2decks" in filename:
                    share = 100 * cumulative / total
                    lines.append(f"- {function}: {cumulative:.2f} s ({share:.0f} %)")
            lines += ["", f"notes2decks functions by cumulative time (top {top}):", ""]
            own_code = [
                item
                for item in by_cumulative
                if "/notes2decks/" in item[0][0]
                and item[0][2] not in PIPELINE
                and "/cli/" not in item[0][0]
                and "__main__" not in item[0][0]
            ]
            lines += [_profile_line(item) for item in own_code[:top]]
            lines += ["", f"All functions by own time (top {top}):", ""]
            by_own = sorted(table.items(), key=lambda item: -item[1][2])[:top]
            lines += [_profile_line(item) for item in by_own]
            lines.append("")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "\n".join(lines)


def import_profile(log: Path, top: int = 15) -> str:
    """Where the start-up of a small build goes: `python -X importtime` on the 8-card set,
    the modules that take longest to import, with what they import."""
    lines = ["## Start-up: imports of an 8-card build (python -X importtime)", ""]
    scratch = Path(tempfile.mkdtemp(prefix="imports-", dir=RESULTS))
    try:
        notes = scratch / SMALL_FIXTURE.name
        shutil.copyfile(SMALL_FIXTURE, notes)
        cmd = [
            sys.executable, "-X", "importtime", "-m", "notes2decks", "build", str(notes),
            "-o", str(scratch / "out"), "-q",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{done.stdout}\n")
        rows: list[tuple[int, int, str]] = []
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if match:
                depth = len(match.group(3)) // 2
                rows.append((int(match.group(2)), depth, match.group(4)))
        total = sum(cumulative for cumulative, depth, _ in rows if depth == 0)
        lines += [f"Total import time: {total / 1e6:.3f} s.", ""]
        lines += [f"Slowest imports, cumulative, two levels deep (top {top}):", ""]
        ranked = sorted((r for r in rows if r[1] <= 1), key=lambda r: -r[0])[:top]
        lines += [f"- {cum / 1e3:7.1f} ms: {'  ' * depth}{name}" for cum, depth, name in ranked]
        lines.append("")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "\n".join(lines)


def _profile_line(item: tuple[Any, Any]) -> str:
    (filename, line, function), (_, calls, own, cumulative, _) = item
    return (
        f"- {own:6.2f} s own, {cumulative:6.2f} s cum, {calls:>8} calls: "
        f"{function} ({_short_path(filename)}:{line})"
    )


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, help="notes files in the corpus (default 100)")
    parser.add_argument("--cards", type=int, help="cards per file (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="the corpus's seed")
    parser.add_argument("--repeat", type=int, help="runs of each measurement (default 3)")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to make-deck (default: its own)")
    parser.add_argument("--quick", action="store_true", help="20 files x 50 cards, 1 run each")
    parser.add_argument("--no-peers", action="store_true", help="skip Ankdown and co.")
    parser.add_argument(
        "--only",
        default="builds,rebuilds,small,floor,peers",
        help="comma-separated steps: builds, rebuilds, small, floor, peers",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="wait up to this long before each measurement for other work to stop (default 30)",
    )
    parser.add_argument("--profile", action="store_true", help="profile instead of timing")
    parser.add_argument(
        "--dept",
        action="store_true",
        help=f"also build a department's notes: {DEPT_FILES} files of --cards cards, once",
    )
    args = parser.parse_args(argv)
    files = args.files or (20 if args.quick else 100)
    cards = args.cards or (50 if args.quick else 100)
    repeat = args.repeat or (1 if args.quick else 3)
    if files < 10 or cards < 1 or repeat < 1:
        parser.error("use at least 10 files, 1 card and 1 run")

    RESULTS.mkdir(parents=True, exist_ok=True)
    corpus = ensure_corpus(files, cards, args.seed)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    log = RESULTS / f"run-{stamp}.log"

    if args.profile:
        text = profile(corpus, log) + "\n" + import_profile(log)
        (RESULTS / "profile.md").write_text(text, encoding="utf-8")
        print(text)
        print(f"\nwritten to {(RESULTS / 'profile.md').relative_to(ROOT)}; .prof files beside it")
        return 0

    # A stopped run still removes its scratch folder (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    steps = [s.strip() for s in args.only.split(",") if s.strip()]
    bench = Bench(corpus, repeat, args.jobs, log, args.settle)
    print(f"corpus {corpus.relative_to(ROOT)}: {make_corpus.describe(corpus)}")
    print(f"make-deck: {' '.join(bench.make_deck)}; log: {log.relative_to(ROOT)}", flush=True)
    runners: dict[str, Callable[[], None]] = {
        "builds": bench.builds,
        "rebuilds": bench.rebuilds,
        "small": bench.small,
        "floor": bench.floor,
        "peers": lambda: bench.peers(args.no_peers),
        "dept": lambda: bench.department(DEPT_FILES, cards, args.seed),
    }
    if args.dept and "dept" not in steps:
        steps.append("dept")
    try:
        for step in steps:
            if step not in runners:
                parser.error(f"unknown step {step!r}; choose from {', '.join(runners)}")
            runners[step]()
    finally:
        bench.close()

    checks = bench.verdicts()
    info: dict[str, Any] = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "source": source_state(),
        "corpus": make_corpus.describe(corpus),
        "corpus_args": {"files": files, "cards": cards, "seed": args.seed},
        "repeat": repeat,
        "jobs": args.jobs,
        "make_deck": bench.make_deck,
        "peers": bench.info.get("peers", {}),
        "ratios": bench.ratios(),
    }
    text = markdown_report(bench, info, checks)
    print()
    print(text)
    data = {
        **info,
        "results": [r.to_json() for r in bench.results],
        "checks": [asdict(check) for check in checks],
    }
    for name in (f"run-{stamp}", "latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    print(f"written to {(RESULTS / f'run-{stamp}.md').relative_to(ROOT)} and .json")
    return 1 if any(check.passed is False for check in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
