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
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
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
        hashes = [
            (
                position,
                entry_hash(
                    StoredRow(
                        position,
                        str(event.originator_id),
                        event.originator_version,
                        event.topic,
                        event.state,
                    )
                ),
            )
            for position, event in zip(positions, stored_events, strict=True)
        ]
        c.executemany(f"INSERT INTO {HASHES_TABLE} (position, leaf_hash) VALUES (?, ?)", hashes)
        return positions

    def select_hashes(self) -> dict[int, bytes]:
        """Return notification id to recorded leaf hash, for every entry."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position, leaf_hash FROM {HASHES_TABLE} ORDER BY position")
            return {row["position"]: bytes(row["leaf_hash"]) for row in c.fetchall()}

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

    Inside the library's insert transaction, after it takes its EXCLUSIVE
    table lock (which keeps notification ids in commit order, so a reader
    following the log never skips an entry), it checks that record time does
    not go backwards and writes each entry's leaf hash beside it.
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
        self._insert_hash = SQL(
            "INSERT INTO {schema}.{hashes} (position, leaf_hash) VALUES (%s, %s)"
        ).format(schema=schema, hashes=Identifier(HASHES_TABLE))
        self._select_hashes = SQL(
            "SELECT position, leaf_hash FROM {schema}.{hashes} ORDER BY position"
        ).format(schema=schema, hashes=Identifier(HASHES_TABLE))
        self._count_events = SQL(
            "SELECT COUNT(*) AS n FROM {schema}.{table} WHERE notification_id <= %s"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    def _insert_stored_events(self, curs, stored_events: Sequence[StoredEvent], **kwargs: Any):
        self._lock_table(curs)
        curs.execute(self._select_last_state)
        previous = curs.fetchone()
        if previous is not None:
            latest = loads(bytes(previous["state"]))["recorded_at"]
            if any(loads(event.state)["recorded_at"] < latest for event in stored_events):
                raise RecordTimeBehind(latest)
        super()._insert_stored_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(self, curs, stored_events, **kwargs):
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        assert positions is not None
        curs.executemany(
            self._insert_hash,
            [
                (
                    position,
                    entry_hash(
                        StoredRow(
                            position,
                            str(event.originator_id),
                            event.originator_version,
                            event.topic,
                            event.state,
                        )
                    ),
                )
                for position, event in zip(positions, stored_events, strict=True)
            ],
        )
        return positions

    def select_hashes(self) -> dict[int, bytes]:
        """Return notification id to recorded leaf hash, for every entry."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select_hashes)
            return {row["position"]: bytes(row["leaf_hash"]) for row in curs.fetchall()}

    def count_events(self, upto_id: int | None = None) -> int:
        """Count entries with notification id at most ``upto_id`` (all when None)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._count_events, (upto_id if upto_id is not None else 2**62,))
            return curs.fetchone()["n"]
