"""Crash safety and a full disk: a killed or refused import loses nothing and leaves no half.

An import appends in one transaction (``ledger import``), so a process
killed with SIGKILL in the middle of importing 100,000 acts leaves the store
with all of them or none, never part of one; re-running the same import
completes it, and replay and verification pass afterwards.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import psycopg
import pytest

from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.errors import EmptyStore
from treaty_ledger.ledger.services.verification import verify
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.store.pg_location import EVENTS_TABLE, parse_postgres
from treaty_ledger.projections.replay import replay

ACTS, INSTRUMENTS = 100_000, 2_000
LEDGER = shutil.which("ledger", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    from benchmarks.synthetic import records

    path = tmp_path_factory.mktemp("crash") / "big.jsonl"
    with open(path, "wb") as handle:
        for record in records(ACTS, instruments=INSTRUMENTS):
            handle.write(orjson.dumps(record) + b"\n")
    return path


def writing_started(location: str, pid: int) -> bool:
    """Whether the import is inside its write transaction."""
    if location.startswith("postgresql://"):
        where = parse_postgres(location)
        with where.connect() as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = %s AND l.mode = 'ExclusiveLock' AND l.granted",
                (EVENTS_TABLE,),
            ).fetchone()
        return row[0] > 0
    wal = Path(f"{location}-wal")
    return wal.exists() and wal.stat().st_size > 1 << 20


def count(location: str) -> int:
    try:
        with Ledger(location) as ledger:
            return ledger.log_size
    except EmptyStore:
        return 0


@pytest.fixture(params=["sqlite", "postgres"])
def crash_location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "crash.db")
    return request.getfixturevalue("postgres_location")


def test_a_killed_import_leaves_all_or_nothing_and_a_rerun_completes(crash_location, big_file):
    assert LEDGER, "the ledger command is installed with the package"
    process = subprocess.Popen([LEDGER, "import", str(big_file), "--store", crash_location],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not writing_started(crash_location, process.pid):
        assert process.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert count(crash_location) in (0, ACTS + INSTRUMENTS)
    rerun = subprocess.run([LEDGER, "import", str(big_file), "--store", crash_location],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    with Ledger(crash_location) as ledger:
        assert ledger.log_size == ACTS + INSTRUMENTS
        entries = list(ledger.entries())
        assert len({entry.record.id for entry in entries}) == ACTS + INSTRUMENTS
        assert verify(ledger).ok
    assert replay(entries, parse_as_of("2000")).position == ACTS + INSTRUMENTS


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_is_a_clear_error_and_loses_nothing(tmp_path, big_file):
    store = str(tmp_path / "small.db")
    first = subprocess.run([LEDGER, "import", "--shipped", "--store", store], capture_output=True,
                           text=True, check=False)  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = count(store)
    limit = sum(f.stat().st_size for f in tmp_path.glob("small.db*")) + (256 << 10)
    full = subprocess.run([LEDGER, "import", str(big_file), "--store", store],
                          capture_output=True, text=True, check=False,
                          preexec_fn=_limit_file_size(limit))  # fmt: skip
    assert full.returncode == 1
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the store")
    assert "nothing was written" in lines[0]
    assert "Traceback" not in full.stderr
    assert count(store) == before
    with Ledger(store) as ledger:
        assert verify(ledger).ok


def test_postgres_is_unchanged_by_a_failed_import(postgres_location, tmp_path):
    """A bad line refuses the whole file on PostgreSQL too; the schema keeps what it had."""
    ok = subprocess.run([LEDGER, "import", "--shipped", "--store", postgres_location],
                        capture_output=True, text=True, check=False)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"record": "act", "id": "x"}\n')
    refused = subprocess.run([LEDGER, "import", str(bad), "--store", postgres_location],
                             capture_output=True, text=True, check=False)  # fmt: skip
    assert refused.returncode == 1
    with psycopg.connect(postgres_location.split("?")[0]) as conn:
        schema = parse_postgres(postgres_location).schema
        (rows,) = conn.execute(f'SELECT count(*) FROM "{schema}".{EVENTS_TABLE}').fetchone()
    assert rows == count(postgres_location)
