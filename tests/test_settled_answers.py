"""An answer as known at a past moment never changes later; keys compare in byte order."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from builders import act, instrument
from click.testing import CliRunner
from conftest import postgres_dsn

from treaty_ledger.cli.main import main
from treaty_ledger.ledger.errors import InvalidMoment
from treaty_ledger.ledger.record_time import format_instant, parse_known_at
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.replay import replay


def test_a_moment_while_a_writer_waits_for_the_lock_is_refused_not_answered(tmp_path):
    location = str(tmp_path / "ledger.db")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Ledger(location, create=True, clock=lambda: start) as ledger:
        append_records(ledger, [Submitted("t", instrument("t"))])
    stamped = start + timedelta(seconds=10)  # the held writer's record time
    during_wait = parse_known_at(format_instant(stamped + timedelta(seconds=1)))
    blocker = sqlite3.connect(location, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # hold the write lock on purpose
    done = threading.Event()

    def held_writer() -> None:
        with Ledger(location, create=True, clock=lambda: stamped) as writer:
            signed = act("t.sig", "signature", "1990", ["USA"], "t")
            append_records(writer, [Submitted("t", signed)])
        done.set()

    thread = threading.Thread(target=held_writer)
    thread.start()
    time.sleep(0.5)
    try:
        with Ledger(location, read_only=True) as reader:
            with pytest.raises(InvalidMoment, match="later than the last record time"):
                reader.indexed().horizon(during_wait)
            with pytest.raises(InvalidMoment, match="later than the last record time"):
                replay(reader.verified().entries, _as_of(), known_at=during_wait)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        thread.join(timeout=30)
    assert done.is_set()
    with Ledger(location, read_only=True) as reader:
        assert reader.indexed().horizon(parse_known_at(format_instant(stamped)))[0] == 2
        with pytest.raises(InvalidMoment):  # still later than anything committed
            reader.indexed().horizon(during_wait)


def _as_of():
    from treaty_ledger.ledger.dates import parse_as_of

    return parse_as_of("2000")


def test_the_cli_refuses_a_known_at_after_the_last_record_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped"]).exit_code == 0
    time.sleep(0.01)
    just_now = format_instant(datetime.now(UTC))  # after the import, not in the future
    result = runner.invoke(main, ["replay", "--as-of", "2014", "--known-at", just_now])
    assert result.exit_code == 1
    assert "later than the last record time" in result.output.strip().splitlines()[-1]


@pytest.fixture
def icu_database():
    """A database whose default collation is ICU en-US (punctuation ignored at first level)."""
    import psycopg

    dsn = postgres_dsn()
    base = dsn.split("?")[0]
    name = f"tl_icu_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        try:
            conn.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu "
                "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
            )
        except psycopg.Error as err:
            pytest.skip(f"the server cannot create an ICU database: {err}")
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_whole_record_replay_on_an_icu_database_finds_every_instrument(icu_database):
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--shipped", "--store", icu_database]).exit_code == 0
    result = runner.invoke(main, ["replay", "--as-of", "2014-03", "--store", icu_database])
    assert result.exit_code == 0, result.output
    assert "No instrument has a status" not in result.output
    assert re.search(r"^inf-1987\s+in-force since 1988-06-01", result.output, re.M)
