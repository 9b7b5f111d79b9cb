"""Import the same synthetic file into SQLite and PostgreSQL, interleaved, and print both rates.

Usage: ``python -m benchmarks.postgres_import --dsn postgresql://USER@HOST:5432/DB
[--acts 100000] [--rounds 2]``. Each round imports the file (``benchmarks.synthetic``,
written once, read line by line as ``ledger import`` reads it) into a fresh SQLite file
and into a fresh schema of the PostgreSQL database (dropped afterwards), each in a process
of its own. The target (issue 16): PostgreSQL at least half the SQLite rate. The rates are
those of the same run, so that a busy shared machine weighs on both.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import uuid
from pathlib import Path


def _import(location: str, source: str, queue) -> None:
    from treaty_ledger.ledger.contents import iter_contents
    from treaty_ledger.ledger.records import bounded_lines
    from treaty_ledger.ledger.services.importer import append_records
    from treaty_ledger.ledger.store.application import Ledger

    def read():
        with open(source, "rb") as handle:
            yield from iter_contents(bounded_lines(handle, source), source)

    start = time.perf_counter()
    with Ledger(location, create=True) as ledger:
        append_records(ledger, read)
    queue.put(time.perf_counter() - start)


def _seconds(location: str, source: str) -> float:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_import, args=(location, source, queue))
    process.start()
    seconds = queue.get()
    process.join()
    return seconds


def main() -> None:
    """Write the file, import it into both stores in turn, print the rates and their ratio."""
    import orjson
    import psycopg

    from benchmarks.synthetic import records

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True, help="a PostgreSQL database to make schemas in")
    parser.add_argument("--acts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = str(Path(folder, "records.jsonl"))
        with open(source, "wb") as out:
            for record in records(args.acts, instruments=min(2000, args.acts)):
                out.write(orjson.dumps(record) + b"\n")
        count = args.acts + min(2000, args.acts)
        rates: dict[str, list[float]] = {"sqlite": [], "postgres": []}
        for round_number in range(args.rounds):
            sqlite = str(Path(folder, f"ledger-{round_number}.db"))
            rates["sqlite"].append(count / _seconds(sqlite, source))
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            separator = "&" if "?" in args.dsn else "?"
            try:
                seconds = _seconds(f"{args.dsn}{separator}schema={schema}", source)
                rates["postgres"].append(count / seconds)
            finally:
                with psycopg.connect(args.dsn.split("?")[0], autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    sqlite_rate = statistics.median(rates["sqlite"])
    postgres_rate = statistics.median(rates["postgres"])
    ratio = postgres_rate / sqlite_rate
    met = "met" if ratio >= 0.5 else "missed"
    print(f"{args.acts} acts, median of {args.rounds} interleaved rounds:")
    print(f"  SQLite     {sqlite_rate:>10,.0f} records/s")
    print(f"  PostgreSQL {postgres_rate:>10,.0f} records/s  ({ratio:.2f} x SQLite; "
          f"target >= 0.5: {met})")  # fmt: skip


if __name__ == "__main__":
    main()
