"""Eight processes writing at once into one SQLite file and one PostgreSQL schema.

Every record is stored exactly once, no "database is locked" or serialization
error reaches the caller (writes are retried, ``ledger.store.retry``), record time
never goes backwards, and a reader following the log while the writers
commit sees every position, in order, without skipping one.
"""

from __future__ import annotations

import multiprocessing
import time

import orjson
import pytest

from treaty_ledger.ledger.services.verification import verify
from treaty_ledger.ledger.store.application import Ledger

WRITERS = 8
OWN = 5


def shared_records() -> list[dict]:
    """One file that every writer imports: 10 instruments, 60 acts."""
    from benchmarks.synthetic import records

    return list(records(60, instruments=10, seed=3))


def write(location: str, index: int, lines: list[bytes], failures) -> None:
    """One writer process: import the shared file, record its own acts, correct one."""
    from builders import SOURCE, act

    from treaty_ledger.ledger.model import Source
    from treaty_ledger.ledger.records import Submitted, parse_lines
    from treaty_ledger.ledger.services.importer import append_records
    from treaty_ledger.ledger.services.revisions import correct

    try:
        with Ledger(location, create=True, user=f"writer-{index}") as ledger:
            append_records(ledger, parse_lines(lines, "shared.jsonl"))
            for n in range(OWN):
                own = act(f"own.{index}.{n}", "doctrinal-statement", f"{2000 + n}", ["USA"])
                append_records(ledger, [Submitted("own", own)])
            correct(ledger, f"own.{index}.0", set_fields={"date": "1999"}, reason="writer fix",
                    sources=[Source.model_validate(SOURCE)])  # fmt: skip
    except Exception as err:  # noqa: BLE001 - report any failure to the parent test
        failures.put(f"writer {index}: {type(err).__name__}: {err}")


def follow(location: str, stop, seen) -> None:
    """Read the log from the last seen position until told to stop and caught up."""
    from treaty_ledger.ledger.errors import EmptyStore

    last, positions = 0, []
    while True:
        stopping = stop.is_set()
        try:
            with Ledger(location) as ledger:
                for entry in ledger.entries():
                    if entry.position > last:
                        positions.append(entry.position)
                        last = entry.position
        except EmptyStore:
            pass
        if stopping:
            break
        time.sleep(0.01)
    seen.put(positions)


def run_writers(location: str) -> tuple[list[str], list[int]]:
    context = multiprocessing.get_context("spawn")
    lines = [orjson.dumps(record) for record in shared_records()]
    failures, seen, stop = context.Queue(), context.Queue(), context.Event()
    reader = context.Process(target=follow, args=(location, stop, seen))
    writers = [
        context.Process(target=write, args=(location, index, lines, failures))
        for index in range(WRITERS)
    ]
    reader.start()
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=180)
    stop.set()
    positions = seen.get(timeout=60)
    reader.join(timeout=60)
    problems = []
    while not failures.empty():
        problems.append(failures.get())
    return problems, positions


@pytest.fixture(params=["sqlite", "postgres"])
def shared_location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return request.getfixturevalue("postgres_location")


def test_eight_processes_store_every_record_once(shared_location):
    problems, positions = run_writers(shared_location)
    assert problems == []
    with Ledger(shared_location) as ledger:
        entries = list(ledger.entries())
        report = verify(ledger)
    recorded = [e.record.id for e in entries if e.action.value == "record"]
    assert len(recorded) == len(set(recorded)) == len(shared_records()) + WRITERS * OWN
    assert sum(e.action.value == "correct" for e in entries) == WRITERS
    times = [e.recorded_at for e in entries]
    assert times == sorted(times)
    assert report.ok
    assert positions == [e.position for e in entries]  # the follower skipped nothing
