"""Print the ledger's figures beside a raw sqlite3 + orjson baseline, as ratios, with peak memory.

Usage: ``python -m benchmarks.compare [--acts 10000 100000 1000000]``. For
each size it builds one synthetic ledger (``benchmarks.synthetic``: 2,000
instruments, 200 actors, imprecise dates, 1% of acts corrected or retracted)
and the same rows in a bare SQLite table, then measures each step in a fresh
process, so that its peak RSS is its own:

* import: ``ledger.services.importer.append_records`` of a JSON Lines file, read and
  validated line by line as ``ledger import`` reads it, against ``executemany`` of the
  same rows, held in memory, in one transaction (rows/s);
* full replay: ``replay --as-of 2014-03`` of the whole record (streaming from
  the valid-time index) against selecting every row and decoding it with
  orjson (rows/s of the log);
* as-of one instrument and timeline of one actor: the median of 15 queries
  through the index (opening the ledger each time), against the median of
  selecting and decoding the same records from the bare table through an
  index on the instrument or actor (the physical limit of that query);
* ``ledger serve``, at each size up to 100,000 acts: the seconds to the first
  whole-record answer ``/replay?as_of=2014-03`` (a replay of the whole
  record), then the requests per second of the same answer, kept until the
  log grows (``benchmarks.commands.api_rate``);
* ``ledger --help``: the median of 5 starts of the installed command.

The ratio is ledger rate / raw rate (1.0 means as fast as raw SQLite), so
that the table means something on a shared, noisy machine. Targets are
those of issues 7 and 16 (the import's and replay's ratios are issue 16's
step, with issue 7's aim beside them); the last column says whether each is met.

At each size, every whole-log command of issue 16 then runs on the same
ledger as a fresh process of the installed ``ledger``, and its peak RSS is
printed against the 300 MB target (``benchmarks.memory``; ``--no-commands``
skips them: at 1,000,000 acts they take about an hour on a 2-core machine).

Then, on the shipped record (issue 16), each reading command as a whole
process, the median of 7 runs after one warm-up run, beside the bare-import
baseline ``python -c "import click, orjson, pydantic"`` measured in the same
rounds (target: at most 2 times the baseline; ``chart`` under 1 s), and the
requests per second ``ledger serve`` answers on ``/replay?as_of=2014-03``
(target: at least 10 times the 37 requests/s of before). ``--acts`` with no
size skips the synthetic ledgers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson

from benchmarks.commands import api_rate, installed_command, shipped_commands
from benchmarks.memory import command_peaks

AS_OF = "2014-03"
INSTRUMENT = "synthetic-7"
ACTOR = "POL"
REPEATS = 15
API_ACTS = 100_000  # the API is measured at each size up to this (issue 16)


def _rows(count: int) -> Iterator[dict]:
    from benchmarks.synthetic import records

    return records(count, instruments=min(2000, count))


def _compact(data: bytes) -> bytes:
    """A copy of its own size (orjson's output keeps a 4 KiB buffer per row)."""
    return bytes(memoryview(data))


def _raw_import(path: str, count: int) -> float:
    from benchmarks.synthetic import revisions

    rows = [(r.get("instrument", r["id"]), _compact(orjson.dumps(r))) for r in _rows(count)]
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, instrument TEXT, state BLOB)")
    with conn:
        conn.executemany("INSERT INTO rows (instrument, state) VALUES (?, ?)", rows)
    seconds = time.perf_counter() - start
    # Not timed: the revisions as rows, and the indexes of the per-query baselines.
    wanted = dict(revisions(count))
    by_id = {r["id"]: r for r in _rows(count) if r["id"] in wanted}
    with conn:
        conn.executemany(
            "INSERT INTO rows (instrument, state) VALUES (?, ?)",
            ((by_id[act_id]["instrument"], orjson.dumps({"id": act_id, "date": new_date}))
             for act_id, new_date in revisions(count)),
        )  # fmt: skip
        conn.execute("CREATE INDEX rows_instrument ON rows (instrument)")
        conn.execute("CREATE TABLE actors (actor TEXT, row INTEGER)")
        conn.executemany(
            "INSERT INTO actors VALUES (?, ?)",
            ((actor, n) for n, r in enumerate(_rows(count), 1) for actor in r.get("actors", ())),
        )
        conn.execute("CREATE INDEX actors_actor ON actors (actor, row)")
    conn.close()
    return seconds


def _raw_read(path: str, count: int) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for (state,) in conn.execute("SELECT state FROM rows ORDER BY id"):
        orjson.loads(state)
    conn.close()
    return time.perf_counter() - start


def _median(query) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        query()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _raw_instrument(path: str, count: int) -> float:
    def query() -> None:
        conn = sqlite3.connect(path)
        for (state,) in conn.execute(
            "SELECT state FROM rows WHERE instrument = ? ORDER BY id", (INSTRUMENT,)
        ):
            orjson.loads(state)
        conn.close()

    return _median(query)


def _raw_actor(path: str, count: int) -> float:
    def query() -> None:
        conn = sqlite3.connect(path)
        for (state,) in conn.execute(
            "SELECT r.state FROM actors a JOIN rows r ON r.id = a.row WHERE a.actor = ? "
            "ORDER BY a.row",
            (ACTOR,),
        ):
            orjson.loads(state)
        conn.close()

    return _median(query)


def _ledger_import(path: str, count: int) -> float:
    from treaty_ledger.ledger.contents import iter_contents
    from treaty_ledger.ledger.records import bounded_lines
    from treaty_ledger.ledger.services.importer import append_records
    from treaty_ledger.ledger.store.application import Ledger

    source = Path(path).with_name("records.jsonl")  # not timed: the file 'ledger import' reads
    with source.open("wb") as out:
        for record in _rows(count):
            out.write(orjson.dumps(record) + b"\n")

    def read() -> Iterator:  # as 'ledger import' reads a file: line by line, never held
        with source.open("rb") as handle:
            yield from iter_contents(bounded_lines(handle, source.name), source.name)

    start = time.perf_counter()
    with Ledger(path, create=True) as ledger:
        append_records(ledger, read)
    seconds = time.perf_counter() - start
    source.unlink()
    _append_revisions(path, count)  # not timed
    return seconds


def _append_revisions(path: str, count: int) -> None:
    """Append the synthetic corrections and retractions in one transaction, as a log."""
    from benchmarks.synthetic import SOURCE, records, revisions
    from treaty_ledger.ledger.entries import Action, Entry
    from treaty_ledger.ledger.model import Act, Source
    from treaty_ledger.ledger.store.application import Ledger

    wanted = dict(revisions(count))
    acts = {
        r["id"]: Act.model_validate(r)
        for r in records(count, instruments=min(2000, count))
        if r["id"] in wanted
    }
    source = (Source.model_validate(SOURCE),)
    now = datetime.now(UTC)
    with Ledger(path, create=True) as ledger:
        size = ledger.log_size
        entries = []
        for position, (act_id, new_date) in enumerate(revisions(count), start=size + 1):
            act = acts[act_id]
            if new_date is None:
                entries.append(Entry(position, now, "benchmarks", act, Action.RETRACT, (),
                                     "synthetic retraction", source))  # fmt: skip
            else:
                entries.append(Entry(position, now, "benchmarks",
                                     act.model_copy(update={"date": new_date}), Action.CORRECT,
                                     ("date",), "synthetic correction", source))  # fmt: skip
        ledger.append_log(entries)


def _ledger_replay(path: str, count: int) -> float:
    from treaty_ledger.cli.queries import replay_query
    from treaty_ledger.ledger.dates import parse_as_of
    from treaty_ledger.ledger.store.application import Ledger

    start = time.perf_counter()
    with Ledger(path, read_only=True) as ledger:
        replay_query(ledger, parse_as_of(AS_OF))
    return time.perf_counter() - start


def _ledger_instrument(path: str, count: int) -> float:
    from treaty_ledger.cli.queries import replay_query
    from treaty_ledger.ledger.dates import parse_as_of
    from treaty_ledger.ledger.store.application import Ledger

    def query() -> None:
        with Ledger(path, read_only=True) as ledger:
            replay_query(ledger, parse_as_of(AS_OF), instrument=INSTRUMENT)

    return _median(query)


def _ledger_timeline(path: str, count: int) -> float:
    from treaty_ledger.cli.queries import timeline_query
    from treaty_ledger.ledger.store.application import Ledger

    def query() -> None:
        with Ledger(path, read_only=True) as ledger:
            timeline_query(ledger, actor=ACTOR)

    return _median(query)


def _child(step, path, count, queue) -> None:
    seconds = step(path, count)
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _measure(step, path: str, count: int) -> tuple[float, float]:
    """Run one step in a fresh process; return (seconds, peak RSS in MB)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(step, path, count, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _help_seconds() -> float:
    command = installed_command()
    if command is None:
        return float("nan")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([command, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


STEPS = [
    # name, ledger step, raw step, targets (a ratio, a median time, a peak in MB; issue 16's
    # step for the ratios, issue 7's aim in brackets)
    ("import", _ledger_import, _raw_import, "ratio >= 0.1 (aim 0.5), peak < 300 MB"),
    ("full replay", _ledger_replay, _raw_read, "ratio >= 0.2 (aim 0.7), peak < 300 MB"),
    ("as-of one instrument", _ledger_instrument, _raw_instrument, "median < 50 ms"),
    ("timeline one actor", _ledger_timeline, _raw_actor, "median < 50 ms"),
]


NEXT_LEVERS = {
    # what would close a missed target, from the profiles in the README's Performance section
    "import": "the side tables' layout (the subject index a WITHOUT ROWID table keyed by its "
    "index: one B-tree for two; a migration of existing ledgers), then validating on one core "
    "while writing on the other, then compiled code for the per-record Python",
    "full replay": "sort only the keys in the store (today SQLite's sort carries every whole "
    "entry) and fetch the entries in that order, then decode and type-check a stored entry "
    "in one pydantic-core call, then cheaper per-happening objects",
    "as-of one instrument": "two B-tree lookups an entry instead of four (the leaf hash kept "
    "in the index row; a migration)",
    "timeline one actor": "two B-tree lookups a row instead of four (the leaf hash kept in the "
    "index row, or the subject index WITHOUT ROWID carrying entry ids; a migration), then the "
    "per-row checks (hash, decode, index row) in compiled code",
}
"""For each step, the next lever, printed under its row when a target is missed."""


def _met(target: str, ratio: float, seconds: float, peak: float) -> str:
    """Each part of a target (``ratio >= X``, ``peak < Y MB``, ``median < Z ms``), met or not."""
    parts = []
    for part in target.split(", "):
        words = part.split()
        limit = float(words[2])
        if words[0] == "ratio":
            short = f"missed ({limit / ratio:.1f}x short)"
            parts.append("ratio " + ("met" if ratio >= limit else short))
        elif words[0] == "peak":
            parts.append("memory " + ("met" if peak < limit else "missed"))
        else:
            over = f"missed ({seconds * 1000 / limit:.1f}x over)"
            parts.append("met" if seconds * 1000 < limit else over)
    return ", ".join(parts)


def main() -> None:
    """Build each size, measure each step against its raw baseline, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, nargs="*", default=[10_000])
    parser.add_argument("--no-commands", action="store_true",
                        help="skip the peak memory of every whole-log command at each size")
    args = parser.parse_args()
    command = installed_command()
    began = time.perf_counter()
    for count in args.acts:
        print(f"{'acts':>9} {'measure':<21} {'ledger/s':>10} {'raw/s':>10} {'ratio':>6} "
              f"{'ledger ms':>10} {'raw ms':>8} {'peak MB':>8}  target")  # fmt: skip
        rows = count + min(2000, count)
        with tempfile.TemporaryDirectory() as folder:
            raw, mine = str(Path(folder, "raw.db")), str(Path(folder, "ledger.db"))
            for name, ledger_step, raw_step, target in STEPS:
                ledger_seconds, peak = _measure(ledger_step, mine, count)
                raw_seconds, _ = _measure(raw_step, raw, count)
                ledger_rate, raw_rate = rows / ledger_seconds, rows / raw_seconds
                ratio = ledger_rate / raw_rate
                # A query reads a part of the log: a rate over the whole log would mislead.
                shown = (f"{ledger_rate:>10,.0f}", f"{raw_rate:>10,.0f}") if target.startswith(
                    "ratio") else (f"{'-':>10}", f"{'-':>10}")  # fmt: skip
                print(
                    f"{count:>9} {name:<21} {shown[0]} {shown[1]} "
                    f"{ratio:>6.3f} {ledger_seconds * 1000:>10,.1f} {raw_seconds * 1000:>8,.1f} "
                    f"{peak:>8,.0f}  {target}: {_met(target, ratio, ledger_seconds, peak)}",
                    flush=True,
                )
                if "missed" in _met(target, ratio, ledger_seconds, peak):
                    print(f"{'':>10}next lever: {NEXT_LEVERS[name]}", flush=True)
            if command is not None and count <= API_ACTS:
                first, rate = api_rate(command, mine)
                met = "met" if first < 1 else f"missed ({first:,.1f} x over)"
                print(f"{count:>9} ledger serve /replay?as_of={AS_OF}: first answer "
                      f"{first:,.1f} s (target < 1 s: {met}), then {rate:,.0f} requests/s "
                      "(1 client)", flush=True)  # fmt: skip
                if first >= 1:
                    print(f"{'':>10}next lever: the whole-record replay's (above); the "
                          "answers after the first are kept until the log grows")
            if command is not None and not args.no_commands:
                command_peaks(command, mine, count)
    help_seconds = _help_seconds()
    met = "met" if help_seconds < 0.3 else "missed"
    print(f"ledger --help: {help_seconds * 1000:.0f} ms (target < 300 ms: {met})")
    if command is not None:
        with tempfile.TemporaryDirectory() as folder:
            shipped_commands(command, folder)
    print(f"compare ran in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
