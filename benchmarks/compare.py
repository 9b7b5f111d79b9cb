"""Print the ledger's rates beside a raw sqlite3 + orjson baseline, as ratios, with peak memory.

Usage: ``python -m benchmarks.compare [--acts 10000 100000]``. For each size
it builds one synthetic ledger (``benchmarks.synthetic``: 2,000 instruments
at most, 65 actors, imprecise dates) and the same rows in a bare SQLite
table, then measures, each step in a fresh process so that its peak RSS is
its own:

* import: ``ledger.importer.append_records`` (validated) against
  ``executemany`` of the same JSON rows in one transaction;
* full replay: ``projections.replay`` of the whole ledger against selecting
  every row and decoding it with orjson;
* as-of one instrument, and timeline of one actor: the ledger's answer
  against the raw read of all rows (the ledger has no valid-time index yet).

The ratio is ledger rate / raw rate (1.0 means as fast as raw SQLite), so
that the table means something on a shared, noisy machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

import orjson


def _rows(count: int) -> list[bytes]:
    from benchmarks.synthetic import records

    return [orjson.dumps(record) for record in records(count, instruments=min(2000, count))]


def _raw_import(path: str, count: int) -> float:
    rows = _rows(count)
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, state BLOB)")
    with conn:
        conn.executemany("INSERT INTO rows (state) VALUES (?)", ((row,) for row in rows))
    conn.close()
    return time.perf_counter() - start


def _raw_read(path: str, count: int) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for (state,) in conn.execute("SELECT state FROM rows ORDER BY id"):
        orjson.loads(state)
    conn.close()
    return time.perf_counter() - start


def _ledger_import(path: str, count: int) -> float:
    from ledger.importer import append_records
    from ledger.records import parse_record
    from ledger.store import Ledger

    rows = _rows(count)
    start = time.perf_counter()
    submitted = [parse_record(row, f"row {n}") for n, row in enumerate(rows, 1)]
    with Ledger(path, create=True) as ledger:
        append_records(ledger, submitted)
    return time.perf_counter() - start


def _ledger_replay(path: str, count: int) -> float:
    from ledger.dates import parse_as_of
    from ledger.store import Ledger
    from projections.replay import replay

    start = time.perf_counter()
    with Ledger(path) as ledger:
        replay(ledger.entries(), parse_as_of("2014-03"))
    return time.perf_counter() - start


def _ledger_instrument(path: str, count: int) -> float:
    from ledger.dates import parse_as_of
    from ledger.store import Ledger
    from projections.replay import replay

    start = time.perf_counter()
    with Ledger(path) as ledger:
        replay(ledger.entries(), parse_as_of("2014-03"), instrument="synthetic-7")
    return time.perf_counter() - start


def _ledger_timeline(path: str, count: int) -> float:
    from ledger.store import Ledger
    from projections.timeline import timeline

    start = time.perf_counter()
    with Ledger(path) as ledger:
        timeline(ledger.entries(), actor="POL")
    return time.perf_counter() - start


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


def main() -> None:
    """Build each size, measure each step against its raw baseline, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, nargs="+", default=[10_000])
    args = parser.parse_args()
    print(f"{'acts':>9} {'measure':<22} {'ledger/s':>10} {'raw/s':>10} {'ratio':>7} "
          f"{'ledger ms':>10} {'peak MB':>8}")  # fmt: skip
    for count in args.acts:
        rows = count + min(2000, count)
        with tempfile.TemporaryDirectory() as folder:
            raw, mine = str(Path(folder, "raw.db")), str(Path(folder, "ledger.db"))
            pairs = [
                ("import", _ledger_import, _raw_import),
                ("full replay", _ledger_replay, _raw_read),
                ("as-of one instrument", _ledger_instrument, _raw_read),
                ("timeline one actor", _ledger_timeline, _raw_read),
            ]
            for name, ledger_step, raw_step in pairs:
                ledger_seconds, peak = _measure(ledger_step, mine, count)
                raw_seconds, _ = _measure(raw_step, raw, count)
                ledger_rate, raw_rate = rows / ledger_seconds, rows / raw_seconds
                print(
                    f"{count:>9} {name:<22} {ledger_rate:>10,.0f} {raw_rate:>10,.0f} "
                    f"{ledger_rate / raw_rate:>7.3f} {ledger_seconds * 1000:>10,.0f} {peak:>8,.0f}"
                )


if __name__ == "__main__":
    main()
