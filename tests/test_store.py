"""The store contract, run against every store: in memory, a SQLite file, PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from builders import Clock, act, instrument

from treaty_ledger.ledger.errors import (
    EmptyStore,
    InvalidRecord,
    RecordConflict,
    StoreError,
    UnknownInstrument,
    UnknownProvision,
)
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.store.application import Ledger


@pytest.fixture
def ledger(store_location):
    with Ledger(store_location, create=True, clock=Clock(), user="tester") as opened:
        yield opened


def submit(*records):
    return [Submitted(f"test line {n}", record) for n, record in enumerate(records, start=1)]


TREATY = instrument(
    "t",
    provisions=[{"id": "t.limit", "type": "restraint", "summary": "limits", "obligors": "parties"}],
)
SIGNED = act("t.sig", "signature", "1990-11-19", ["USA", "RUS"], "t")


def test_append_then_read_back_in_log_order(ledger):
    report = append_records(ledger, submit(TREATY, SIGNED))
    assert report.added == [("instrument", "t"), ("act", "t.sig")]
    assert report.positions == [1, 2]
    read = list(ledger.entries())
    assert [entry.record for entry in read] == [TREATY, SIGNED]
    assert [entry.position for entry in read] == [1, 2]
    assert {entry.recorded_at for entry in read} == {datetime(2026, 1, 1, tzinfo=UTC)}
    assert {entry.recorded_by for entry in read} == {"tester"}
    assert ledger.log_size == 2


def test_reimport_adds_nothing(ledger):
    append_records(ledger, submit(TREATY, SIGNED))
    report = append_records(ledger, submit(TREATY, SIGNED))
    assert report.added == []
    assert report.already == [("instrument", "t"), ("act", "t.sig")]
    assert ledger.log_size == 2


def test_same_id_with_other_content_is_a_conflict_and_writes_nothing(ledger):
    append_records(ledger, submit(TREATY, SIGNED))
    changed = act("t.sig", "signature", "1990-11-20", ["USA", "RUS"], "t")
    extra = act("t.other", "signature", "1991", ["DEU"], "t")
    with pytest.raises(RecordConflict) as caught:
        append_records(ledger, submit(extra, changed))
    assert "'date': recorded '1990-11-19', given '1990-11-20'" in str(caught.value)
    assert ledger.log_size == 2


def test_same_id_twice_in_one_batch_with_other_content_is_refused(ledger):
    changed = act("t.sig", "signature", "1990-11-20", ["USA", "RUS"], "t")
    with pytest.raises(InvalidRecord) as caught:
        append_records(ledger, submit(TREATY, SIGNED, changed))
    assert "test line 3" in str(caught.value) and "test line 2" in str(caught.value)
    assert ledger.log_size == 0


def test_identical_duplicate_in_one_batch_is_appended_once(ledger):
    report = append_records(ledger, submit(TREATY, SIGNED, SIGNED))
    assert report.added == [("instrument", "t"), ("act", "t.sig")]


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (act("x", "signature", "1991", ["DEU"], "unknown"), UnknownInstrument),
        (
            act(
                "x",
                "alleged-violation",
                "2014",
                ["USA"],
                "t",
                recipients=["RUS"],
                provision="t.nope",
            ),
            UnknownProvision,
        ),
        (act("x", "supersession", "1992", ["USA"], "t", successor="unknown"), UnknownInstrument),
    ],
)
def test_a_batch_with_one_bad_reference_writes_nothing(ledger, bad, error):
    with pytest.raises(error):
        append_records(ledger, submit(TREATY, SIGNED, bad))
    assert ledger.log_size == 0


def test_references_may_point_into_the_store(ledger):
    append_records(ledger, submit(TREATY))
    report = append_records(ledger, submit(SIGNED))
    assert report.added == [("act", "t.sig")]


def test_reopened_sqlite_file_keeps_entries(tmp_path):
    path = str(tmp_path / "kept.db")
    with Ledger(path, create=True, clock=Clock()) as first:
        append_records(first, submit(TREATY, SIGNED))
    with Ledger(path) as second:
        assert [entry.record.id for entry in second.entries()] == ["t", "t.sig"]


def test_reading_a_missing_store_creates_nothing(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(EmptyStore) as caught:
        Ledger(str(path))
    assert "ledger import --shipped" in str(caught.value)
    assert not path.exists()


def test_reading_an_empty_store_says_how_to_load(tmp_path):
    path = str(tmp_path / "empty.db")
    Ledger(path, create=True).close()
    with pytest.raises(EmptyStore):
        Ledger(path)


def test_a_failed_first_write_leaves_no_file(tmp_path):
    path = tmp_path / "new.db"
    with pytest.raises(UnknownInstrument), Ledger(str(path), create=True) as opened:
        append_records(opened, submit(SIGNED))
    assert not path.exists()


@pytest.mark.parametrize("create", [True, False])
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path, create):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database")
    with pytest.raises(StoreError) as caught:
        Ledger(str(path), create=create)
    assert "is not a ledger store" in str(caught.value)
    assert path.read_bytes() == b"these are my notes, not a database"


def test_a_database_of_something_else_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(StoreError) as caught:
        Ledger(str(path), create=True)
    assert "invoices" in str(caught.value)


@pytest.mark.parametrize("location", ["mysql://localhost/test", ".", "postgresql:///nohost"])
def test_unsupported_locations_are_refused(location):
    with pytest.raises(StoreError):
        Ledger(location, create=True)


def test_stored_events_are_sorted_key_json(tmp_path):
    path = tmp_path / "wire.db"
    with Ledger(str(path), create=True, clock=Clock(), user="tester") as opened:
        append_records(opened, submit(TREATY))
    with sqlite3.connect(path) as conn:
        topic, state = conn.execute("SELECT topic, state FROM stored_events").fetchone()
    conn.close()
    assert topic == "ledger.events:Recorded"
    assert state.startswith(b'{"record":{"id":"t","legal_nature":"treaty"')
    assert b'"recorded_at":"2026-01-01T00:00:00.000000Z","recorded_by":"tester"' in state


def test_a_database_of_another_event_sourced_application_is_refused_untouched(tmp_path):
    path = tmp_path / "bank.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
            "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )
        conn.execute("INSERT INTO stored_events VALUES ('a', 1, 'bank:Opened', x'7b7d')")
    conn.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(StoreError) as caught:
            Ledger(str(path), create=create)
        assert "another event-sourced application" in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "state",
    [b"not json", b'{"record": {}}', b'{"recorded_at": "2026-01-01T00:00:00Z"}'],
)
def test_a_damaged_entry_is_a_store_error_naming_its_position(tmp_path, state):
    path = tmp_path / "damaged.db"
    with Ledger(str(path), create=True, clock=Clock()) as opened:
        append_records(opened, submit(TREATY, SIGNED))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE stored_events SET state = ? WHERE rowid = 2", (state,))
    conn.close()
    with Ledger(str(path)) as reopened, pytest.raises(StoreError) as caught:
        list(reopened.entries())
    assert "the entry at position 2" in str(caught.value)


def test_an_unknown_topic_is_a_store_error(tmp_path):
    path = tmp_path / "topic.db"
    with Ledger(str(path), create=True, clock=Clock()) as opened:
        append_records(opened, submit(TREATY))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE stored_events SET topic = 'bank:Opened'")
    conn.close()
    with Ledger(str(path)) as reopened, pytest.raises(StoreError):
        list(reopened.entries())


def test_an_empty_store_path_is_refused():
    with pytest.raises(StoreError) as caught:
        Ledger("  ", create=True)
    assert "the store path is empty" in str(caught.value)
