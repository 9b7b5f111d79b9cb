"""Print import and replay rates beside a raw sqlite3 + orjson baseline, as ratios.

Usage: ``python -m benchmarks.compare [--acts 10000 ...]``. Both sides run in
the same process, on the same rows, one after the other, so the ratio is
meaningful on a shared, noisy machine even when the absolute times are not.
The baseline inserts the same JSON rows with ``executemany`` in one
transaction, and reads them back decoding each with orjson.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import orjson

from benchmarks.synthetic import records
from ledger.dates import parse_as_of
from ledger.importer import append_records
from ledger.records import parse_record
from ledger.store import Ledger
from projections.replay import replay


def _raw_import(path: Path, rows: list[bytes]) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, state BLOB)")
    with conn:
        conn.executemany("INSERT INTO rows (state) VALUES (?)", ((row,) for row in rows))
    conn.close()
    return time.perf_counter() - start


def _raw_read(path: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for (state,) in conn.execute("SELECT state FROM rows ORDER BY id"):
        orjson.loads(state)
    conn.close()
    return time.perf_counter() - start


def _ledger_import(path: Path, rows: list[bytes]) -> float:
    start = time.perf_counter()
    submitted = [parse_record(row, f"row {n}") for n, row in enumerate(rows, 1)]
    with Ledger(str(path), create=True) as ledger:
        append_records(ledger, submitted)
    return time.perf_counter() - start


def _ledger_replay(path: Path) -> float:
    start = time.perf_counter()
    with Ledger(str(path)) as ledger:
        replay(ledger.entries(), parse_as_of("2014-03"))
    return time.perf_counter() - start


def main() -> None:
    """Run each size and print a table of rates and ratios (ledger / raw)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, nargs="+", default=[10_000])
    args = parser.parse_args()
    print(f"{'acts':>9} {'measure':<14} {'ledger/s':>12} {'raw/s':>12} {'ratio':>7}")
    for count in args.acts:
        rows = [orjson.dumps(record) for record in records(count, instruments=min(2000, count))]
        with tempfile.TemporaryDirectory() as folder:
            raw, mine = Path(folder, "raw.db"), Path(folder, "ledger.db")
            figures = [
                ("import", _ledger_import(mine, rows), _raw_import(raw, rows)),
                ("full replay", _ledger_replay(mine), _raw_read(raw)),
            ]
        for name, ledger_seconds, raw_seconds in figures:
            ledger_rate, raw_rate = len(rows) / ledger_seconds, len(rows) / raw_seconds
            print(
                f"{count:>9} {name:<14} {ledger_rate:>12,.0f} {raw_rate:>12,.0f} "
                f"{ledger_rate / raw_rate:>7.3f}"
            )


if __name__ == "__main__":
    main()
