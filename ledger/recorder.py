"""The ledger's recorders: the library's application recorders plus entry hashes.

They subclass the eventsourcing library's ``SQLiteApplicationRecorder`` and
``PostgresApplicationRecorder`` so that every insert also writes each entry's
leaf hash (``ledger.integrity``) into the ``entry_hashes`` table, in the same
transaction (an entry and its hash are committed together or not at all), and
refuses entries whose record time is earlier than the last entry's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

from ledger.codec import loads
from ledger.integrity import StoredRow, entry_hash

HASHES_TABLE = "entry_hashes"


class RecordTimeBehind(Exception):  # noqa: N818  (a signal to restamp, not a user error)
    """New entries carry a record time earlier than the entry before them; nothing was written.

    Raised inside the write transaction, after the insert has taken SQLite's
    write lock, so that the check cannot race another writer. The ledger
    restamps the entries and tries again.
    """

    def __init__(self, latest: str) -> None:
        self.latest = latest
        super().__init__(f"the log's last record time is {latest}")


class HashingSQLiteRecorder(SQLiteApplicationRecorder):
    """Application recorder that keeps a leaf hash per position beside the events."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {HASHES_TABLE} "
            "(position INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL)",
        ]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Hash before the transaction: the write lock is held only to write.
        self._pending_hashes = _leaf_hashes(stored_events)
        return super().insert_events(stored_events, **kwargs)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        assert positions is not None
        if positions:
            c.execute(
                f"SELECT state FROM {self.events_table_name} WHERE rowid < ? "
                "ORDER BY rowid DESC LIMIT 1",
                (positions[0],),
            )
            previous = c.fetchone()
            if previous is not None:
                latest = loads(previous["state"])["recorded_at"]
                if any(loads(event.state)["recorded_at"] < latest for event in stored_events):
                    raise RecordTimeBehind(latest)
        hashes = list(zip(positions, self._pending_hashes, strict=True))
        c.executemany(f"INSERT INTO {HASHES_TABLE} (position, leaf_hash) VALUES (?, ?)", hashes)
        return positions

    def select_hashes(self) -> dict[int, bytes]:
        """Return notification id to recorded leaf hash, for every entry."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position, leaf_hash FROM {HASHES_TABLE} ORDER BY position")
            return {row["position"]: bytes(row["leaf_hash"]) for row in c.fetchall()}

    def select_existing(self, originator_ids: Sequence[str]) -> set[str]:
        """Return those of the event-sequence ids that have at least one entry."""
        found: set[str] = set()
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(originator_ids), 500):
                chunk = list(originator_ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                c.execute(
                    f"SELECT DISTINCT originator_id FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({marks})",
                    chunk,
                )
                found.update(row["originator_id"] for row in c.fetchall())
        return found

    def count_events(self, upto_id: int | None = None) -> int:
        """Count entries with notification id at most ``upto_id`` (all when None)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT COUNT(*) AS n FROM {self.events_table_name} WHERE rowid <= ?",
                (upto_id if upto_id is not None else 2**62,),
            )
            return c.fetchone()["n"]


class HashingPostgresRecorder(PostgresApplicationRecorder):
    """The PostgreSQL twin of :class:`HashingSQLiteRecorder`.

    Its insert takes the library's EXCLUSIVE table lock (which keeps
    notification ids in commit order, so a reader following the log never
    skips an entry), checks that record time does not go backwards, and
    writes events and leaf hashes in bulk.
    """

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{hashes} "
                "(position bigint PRIMARY KEY, leaf_hash bytea NOT NULL)"
            ).format(schema=schema, hashes=Identifier(HASHES_TABLE))
        )
        self._select_last_state = SQL(
            "SELECT state FROM {schema}.{table} ORDER BY notification_id DESC LIMIT 1"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._insert_many = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::bytea[]) "
            "RETURNING notification_id"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._insert_hashes = SQL(
            "INSERT INTO {schema}.{hashes} (position, leaf_hash) "
            "SELECT * FROM unnest(%s::bigint[], %s::bytea[])"
        ).format(schema=schema, hashes=Identifier(HASHES_TABLE))
        self._select_hashes = SQL(
            "SELECT position, leaf_hash FROM {schema}.{hashes} ORDER BY position"
        ).format(schema=schema, hashes=Identifier(HASHES_TABLE))
        self._select_existing = SQL(
            "SELECT DISTINCT originator_id FROM {schema}.{table} WHERE originator_id = ANY(%s)"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._count_events = SQL(
            "SELECT COUNT(*) AS n FROM {schema}.{table} WHERE notification_id <= %s"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> list[int]:
        """Insert entries and their hashes in one transaction, each in one bulk statement.

        Takes the library's EXCLUSIVE table lock first (so notification ids
        are committed in order), refuses entries older than the last one
        (:class:`RecordTimeBehind`), then inserts the events and the hashes
        with ``unnest`` (one round trip each, whatever the batch size).
        """
        if not stored_events:
            return []
        # Hash before the transaction: an idle transaction is ended by the server after
        # the library's idle_in_transaction_session_timeout (5 s), and the lock is short.
        hashes = _leaf_hashes(stored_events)
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            curs.execute(self._select_last_state)
            previous = curs.fetchone()
            if previous is not None:
                latest = loads(bytes(previous["state"]))["recorded_at"]
                if any(loads(event.state)["recorded_at"] < latest for event in stored_events):
                    raise RecordTimeBehind(latest)
            self._notify_channel(curs)
            curs.execute(
                self._insert_many,
                (
                    [str(event.originator_id) for event in stored_events],
                    [event.originator_version for event in stored_events],
                    [event.topic for event in stored_events],
                    [event.state for event in stored_events],
                ),
            )
            positions = sorted(row["notification_id"] for row in curs.fetchall())
            curs.execute(self._insert_hashes, (positions, hashes))
        return positions

    def select_hashes(self) -> dict[int, bytes]:
        """Return notification id to recorded leaf hash, for every entry."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select_hashes)
            return {row["position"]: bytes(row["leaf_hash"]) for row in curs.fetchall()}

    def select_existing(self, originator_ids: Sequence[str]) -> set[str]:
        """Return those of the event-sequence ids that have at least one entry."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select_existing, (list(originator_ids),))
            return {row["originator_id"] for row in curs.fetchall()}

    def count_events(self, upto_id: int | None = None) -> int:
        """Count entries with notification id at most ``upto_id`` (all when None)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._count_events, (upto_id if upto_id is not None else 2**62,))
            return curs.fetchone()["n"]


def _leaf_hashes(stored_events: Sequence[StoredEvent]) -> list[bytes]:
    """Leaf hashes of events about to be stored (a leaf does not include its position)."""
    return [
        entry_hash(StoredRow(0, str(e.originator_id), e.originator_version, e.topic, e.state))
        for e in stored_events
    ]


class ReadOnlyPostgresFactory(PostgresFactory):
    """The library's PostgreSQL factory whose connections only run read-only transactions.

    Every pooled connection is configured with ``default_transaction_read_only``
    (a PostgreSQL setting), so a write through a ledger opened ``--read-only``
    is refused by the server itself, not only by the ledger.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        configure = pool._configure  # the library's own set-up of each connection

        def read_only(conn: Any) -> None:
            if configure is not None:
                configure(conn)
            conn.execute("SET default_transaction_read_only = on")

        pool._configure = read_only
