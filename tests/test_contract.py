"""The same behaviour on every store: in memory, SQLite file, PostgreSQL (see conftest)."""

from __future__ import annotations

import psycopg
import pytest
from builders import SOURCE, Clock, act, instrument
from conftest import postgres_dsn
from eventsourcing.persistence import PersistenceError

from treaty_ledger.ledger.dates import parse_as_of
from treaty_ledger.ledger.errors import EmptyStore, StoreError
from treaty_ledger.ledger.events import Recorded
from treaty_ledger.ledger.integrity.codec import dumps
from treaty_ledger.ledger.integrity.merkle import root
from treaty_ledger.ledger.model import Source, record_content
from treaty_ledger.ledger.record_time import parse_known_at
from treaty_ledger.ledger.records import Submitted
from treaty_ledger.ledger.services.importer import append_records
from treaty_ledger.ledger.services.migration import migrate
from treaty_ledger.ledger.services.revisions import correct, retract
from treaty_ledger.ledger.services.verification import verify
from treaty_ledger.ledger.store.application import Ledger
from treaty_ledger.projections.replay import replay

WHY = [Source.model_validate(SOURCE)]
RECORDS = [
    instrument("t", provisions=[{"id": "t.limit", "type": "restraint", "summary": "limits",
                                 "obligors": "parties"}]),
    act("t.sig", "signature", "1990-11-19", ["USA", "RUS"], "t"),
    act("t.eif", "entry-into-force", "1992-11-09", ["USA", "RUS"], "t"),
    act("t.rus.susp", "suspension", "2007-07-14", ["RUS"], "t", effective="2007-12-12"),
]  # fmt: skip


@pytest.fixture
def filled(store_location):
    """A ledger of every kind holding four records, a correction and a retraction."""
    with Ledger(store_location, create=True, clock=Clock(), user="contract") as ledger:
        append_records(ledger, [Submitted("test", r) for r in RECORDS])
        correct(ledger, "t.rus.susp", set_fields={"effective": "2007-12-01"}, reason="r",
                sources=WHY)  # fmt: skip
        retract(ledger, "t.sig", reason="r", sources=WHY)
        yield ledger


def replays(ledger):
    entries = list(ledger.entries())
    out = [
        dumps(replay(entries, parse_as_of(day), known_at=known).model_dump(mode="json"))
        for day in ("1991", "2007-12-05", "2020")
        for known in (None, parse_known_at("@4"))
    ]
    return out, ledger.root_hash()


def test_the_whole_life_of_a_ledger_behaves_the_same(filled):
    entries = list(filled.entries())
    assert [e.position for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.action.value for e in entries][-2:] == ["correct", "retract"]
    now = replay(entries, parse_as_of("2007-12-05"))
    then = replay(entries, parse_as_of("2007-12-05"), known_at=parse_known_at("@4"))
    assert [a.status.value for a in now.instruments[0].actors] == ["suspended", "party"]
    assert [a.status.value for a in then.instruments[0].actors] == ["party", "party"]
    report = verify(filled)
    assert report.ok and report.log_size == 6
    assert report.root_hash == root([filled.recorded_hashes()[p] for p in range(1, 7)]).hex()


def test_replays_are_byte_identical_after_migrating_to_and_from_sqlite(filled, tmp_path):
    with Ledger(str(tmp_path / "copy.db"), create=True) as copy:
        assert migrate(filled, copy) == (0, 6)
        with Ledger(str(tmp_path / "back.db"), create=True) as back:
            migrate(copy, back)
            assert replays(filled) == replays(copy) == replays(back)


def test_an_interrupted_migration_resumes_and_a_foreign_target_is_refused(filled, tmp_path):
    with Ledger(str(tmp_path / "partial.db"), create=True) as partial:
        partial.append_log(list(filled.entries())[:3])
        assert migrate(filled, partial) == (3, 3)
        assert replays(partial) == replays(filled)
    with Ledger(str(tmp_path / "other.db"), create=True, clock=Clock()) as other:
        append_records(other, [Submitted("test", instrument("u"))])
        with pytest.raises(StoreError):
            migrate(filled, other)


def test_an_empty_store_says_how_to_load(store_location):
    if store_location == ":memory:":
        pytest.skip("an in-memory store is created empty by every process")
    with pytest.raises(EmptyStore):
        Ledger(store_location)


def _with(dsn: str, **parts: str) -> str:
    """The DSN with its user, port or database replaced."""
    from urllib.parse import urlsplit, urlunsplit

    split = urlsplit(dsn)
    user = parts.get("user", split.username or "")
    host = f"{split.hostname}:{parts.get('port', split.port or 5432)}"
    path = "/" + parts.get("dbname", split.path.lstrip("/"))
    return urlunsplit((split.scheme, f"{user}@{host}" if user else host, path, "", ""))


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"port": "1"}, "the server cannot be reached"),
        ({"user": "nobody_here"}, "the server refused the credentials"),
        ({"dbname": "no_such_database_here"}, "no such database"),
    ],
)
def test_postgres_connection_errors_are_one_clear_line(parts, message):
    location = _with(postgres_dsn().split("?")[0], **parts)
    with pytest.raises(StoreError) as caught:
        Ledger(location, create=True)
    assert message in str(caught.value)
    assert "password" not in str(caught.value).split("(")[0]


def test_a_postgres_schema_of_another_application_is_refused(postgres_location):
    dsn, schema = postgres_location.split("?schema=")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".bank_events (id int)')
    for create in (True, False):
        with pytest.raises(StoreError) as caught:
            Ledger(postgres_location, create=create)
        assert "another event-sourced application" in str(caught.value)


def test_read_only_postgres_is_refused_by_the_server(postgres_location):
    with Ledger(postgres_location, create=True) as ledger:
        append_records(ledger, [Submitted("test", r) for r in RECORDS])
    with Ledger(postgres_location, read_only=True) as ledger:
        assert ledger.log_size == len(RECORDS)
        # Go around the ledger's own refusal, straight to the server.
        content = record_content(instrument("x"))
        event = Recorded("instrument:x", 1, "2027-01-01T00:00:00.000000Z", "t", content)
        stored = ledger._app.mapper.to_stored_event(event)
        with pytest.raises(PersistenceError, match="read-only transaction"):
            ledger._app.recorder.insert_events([stored])
