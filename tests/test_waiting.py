"""A writer queued behind another writer's lock waits for it, up to ``--wait`` seconds.

Another connection holds the SQLite file's write lock (as a long import
does) while ``ledger import`` runs: released within the wait, the import
waits, says so on standard error, and succeeds; held past it, the import
fails with one ``Error:`` line and writes nothing. Busy errors met while
opening or reading are ``StoreBusy`` and retried (``ledger.store.retry``).
"""

from __future__ import annotations

import sqlite3
import threading

import orjson
import pytest
from builders import SOURCE, act, instrument
from click.testing import CliRunner

from treaty_ledger.cli.main import main as cli
from treaty_ledger.ledger.errors import StoreBusy, StoreError, WriteConflict
from treaty_ledger.ledger.model import record_content
from treaty_ledger.ledger.store import retry
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.ledger.store.locks import is_busy
from treaty_ledger.ledger.store.retry import retrying


def write_jsonl(path, records):
    path.write_bytes(b"".join(orjson.dumps(record_content(r)) + b"\n" for r in records))
    return path


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "ledger.db"
    first = write_jsonl(tmp_path / "first.jsonl", [instrument("t-1")])
    assert CliRunner().invoke(cli, ["import", str(first), "--store", str(path)]).exit_code == 0
    return path


def _records(tmp_path):
    return write_jsonl(
        tmp_path / "more.jsonl", [act("t-1.usa.sig", "signature", "1990", ["USA"], "t-1")]
    )


def _hold_lock(path, seconds: float) -> threading.Event:
    """Hold the file's write lock from another connection for ``seconds``; return 'taken'."""
    taken = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        taken.set()
        threading.Event().wait(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)
    return taken


def _log_size(path) -> int:
    with Ledger(str(path), read_only=True) as ledger:
        return ledger.log_size


def test_a_writer_waits_for_a_lock_released_within_its_wait(store, tmp_path):
    _hold_lock(store, 2.5)
    result = CliRunner().invoke(
        cli, ["import", str(_records(tmp_path)), "--store", str(store), "--wait", "30"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Waiting up to 30 s for another writer") == 1
    assert _log_size(store) == 2


def test_a_writer_gives_up_after_its_wait_and_writes_nothing(store, tmp_path):
    _hold_lock(store, 8)
    result = CliRunner().invoke(
        cli, ["import", str(_records(tmp_path)), "--store", str(store), "--wait", "2"]
    )
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ") and "locked by another writer" in lines[-1]
    assert "--wait" in lines[-1] and "nothing was written" in lines[-1]
    assert "Traceback" not in result.output
    assert _log_size(store) == 1


@pytest.mark.parametrize("given", ["-1", "abc", "inf", "nan", "1e400", "86401"])
def test_wait_must_be_a_number_of_seconds(store, tmp_path, given):
    result = CliRunner().invoke(
        cli, ["import", str(_records(tmp_path)), "--store", str(store), "--wait", given]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "--wait" in result.stderr and "Traceback" not in result.output
    assert _log_size(store) == 1


def test_correct_takes_the_same_wait(store, tmp_path):
    CliRunner().invoke(cli, ["import", str(_records(tmp_path)), "--store", str(store)])
    _hold_lock(store, 2.5)
    result = CliRunner().invoke(cli, [
        "correct", "t-1.usa.sig", "--set", "date=1991", "--reason", "typo",
        "--source-title", SOURCE["title"], "--source-publisher", SOURCE["publisher"],
        "--source-date", SOURCE["date"], "--store", str(store), "--wait", "30",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Waiting up to 30 s" in result.stderr
    assert _log_size(store) == 3


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("database is busy"), True),
        (sqlite3.OperationalError("no such table: stored_events"), False),
        (sqlite3.IntegrityError("database is locked"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_only_lock_errors_count_as_busy(error, busy):
    assert is_busy(error) is busy


def test_busy_and_conflicts_are_retried_and_other_errors_are_not():
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise StoreBusy("locked")
        if len(calls) == 2:
            raise WriteConflict("same record")
        return "done"

    assert retrying(flaky, wait=10) == "done" and len(calls) == 3

    def broken() -> None:
        calls.append(1)
        raise StoreError("refused")

    calls.clear()
    with pytest.raises(StoreError, match="refused"):
        retrying(broken, wait=10)
    assert len(calls) == 1


def test_with_no_wait_a_busy_store_is_tried_once():
    calls = []

    def busy() -> None:
        calls.append(1)
        raise StoreBusy("the store is locked")

    with pytest.raises(StoreBusy, match="the store is locked"):
        retrying(busy, wait=0)
    assert calls == [1]


def _hold_pg_lock(location: str, sql: str, seconds: float) -> None:
    """Run ``sql`` (taking a lock) in a transaction of another session, held ``seconds``."""
    import psycopg

    from treaty_ledger.ledger.store.pg_location import parse_postgres

    where = parse_postgres(location)
    taken = threading.Event()

    def hold() -> None:
        with psycopg.connect(host=where.host, port=where.port, user=where.user,
                             dbname=where.dbname) as conn:  # fmt: skip
            conn.execute(sql.format(schema=where.schema))
            taken.set()
            threading.Event().wait(seconds)
            conn.rollback()

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(10)


@pytest.mark.parametrize(
    "sql",
    [
        # a writer's table lock, as a long import holds it
        'LOCK TABLE "{schema}".treatyledger_events IN EXCLUSIVE MODE',
        # the creation lock another process holds while opening the store for writing
        "SELECT pg_advisory_lock(hashtext('treaty-ledger:{schema}'))",
    ],
)
def test_on_postgresql_a_writer_gives_up_after_its_wait_too(postgres_location, tmp_path, sql):
    first = write_jsonl(tmp_path / "first.jsonl", [instrument("t-1")])
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(first), "--store", postgres_location]).exit_code == 0
    _hold_pg_lock(postgres_location, sql, 30)
    result = runner.invoke(
        cli, ["import", str(_records(tmp_path)), "--store", postgres_location, "--wait", "2"]
    )
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ") and "--wait" in lines[-1], lines
    assert "Traceback" not in result.output


def test_a_conflict_that_persists_gives_up_after_every_attempt(monkeypatch):
    monkeypatch.setattr(retry, "ATTEMPTS", 3)
    calls = []

    def conflicting() -> None:
        calls.append(1)
        raise WriteConflict("same record")

    with pytest.raises(StoreError, match=r"same record \(gave up after 3 attempts\)"):
        retrying(conflicting, wait=10)
    assert len(calls) == 3


def test_the_first_attempt_counts_against_the_wait():
    """A first attempt that outlasts the wait is not run again (the retry machinery comes later)."""
    calls = []

    def slow_conflict() -> None:
        calls.append(1)
        threading.Event().wait(0.3)
        raise WriteConflict("same record")

    with pytest.raises(StoreError, match=r"gave up after 1 attempts"):
        retrying(slow_conflict, wait=0.2)
    assert calls == [1]
