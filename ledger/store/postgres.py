"""The PostgreSQL recorder: the library's application recorder plus the ledger's side tables.

The PostgreSQL dialect of ``store.recording.SideTablesRecorder`` (whose
docstring says what the side tables hold), inserting in bulk with ``unnest``,
and a factory whose connections only run read-only transactions. Importing
this module imports the PostgreSQL driver (the ``[postgres]`` extra).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from psycopg.sql import SQL, Identifier

from treaty_ledger.ledger.errors import StoreError
from treaty_ledger.ledger.index.queries import Dialect, IndexReader
from treaty_ledger.ledger.index.rows import subject_rows
from treaty_ledger.ledger.integrity.merkle import extend_frontier, frontier_root
from treaty_ledger.ledger.store.recording import (
    HASHES_TABLE,
    HEADS_TABLE,
    INDEX_TABLE,
    SUBJECTS_TABLE,
    EventRow,
    IndexBehind,
    SideRows,
    SideTablesRecorder,
    check_record_time,
    checked_frontier,
    rebuilt_rows,
)

_POSTGRES_SIDE_TABLES = [
    "CREATE TABLE IF NOT EXISTS {schema}.{hashes} "
    "(position bigint PRIMARY KEY, leaf_hash bytea NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {schema}.{index} (notification_id bigint PRIMARY KEY, "
    "position bigint NOT NULL UNIQUE, record_key text NOT NULL, action text NOT NULL, "
    "recorded_at text NOT NULL, earliest text, latest text, effective_earliest text, "
    "effective_latest text, sequence bigint NOT NULL)",
    "CREATE INDEX IF NOT EXISTS {by_record} ON {schema}.{index} (record_key, position)",
    "CREATE INDEX IF NOT EXISTS {by_time} ON {schema}.{index} (recorded_at, position)",
    "CREATE TABLE IF NOT EXISTS {schema}.{subjects} (subject text NOT NULL, "
    "first_day text NOT NULL, last_day text NOT NULL, record_key text NOT NULL, "
    "notification_id bigint NOT NULL)",
    "CREATE INDEX IF NOT EXISTS {by_days} ON {schema}.{subjects} "
    "(subject, first_day, last_day, record_key)",
    "CREATE TABLE IF NOT EXISTS {schema}.{heads} "
    "(size bigint PRIMARY KEY, root bytea NOT NULL, frontier bytea NOT NULL)",
]


class HashingPostgresRecorder(SideTablesRecorder, PostgresApplicationRecorder):
    """The PostgreSQL dialect of :class:`~treaty_ledger.ledger.store.recording.SideTablesRecorder`.

    Inserts events and side rows in bulk with ``unnest`` (one round trip each,
    whatever the batch size), under the library's EXCLUSIVE table lock.
    """

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema)
        names = {
            "schema": schema,
            "table": Identifier(self.events_table_name),
            "hashes": Identifier(HASHES_TABLE),
            "index": Identifier(INDEX_TABLE),
            "subjects": Identifier(SUBJECTS_TABLE),
            "heads": Identifier(HEADS_TABLE),
            "by_record": Identifier(f"{INDEX_TABLE}_record"),
            "by_time": Identifier(f"{INDEX_TABLE}_time"),
            "by_days": Identifier(f"{SUBJECTS_TABLE}_days"),
        }
        self._side_tables_from = len(self.sql_create_statements)
        for statement in _POSTGRES_SIDE_TABLES:
            self.sql_create_statements.append(SQL(statement).format(**names))
        self._copy_index = SQL("COPY {schema}.{index} FROM STDIN").format(**names)
        self._copy_subjects = SQL("COPY {schema}.{subjects} FROM STDIN").format(**names)
        self._select_heads = SQL(
            "SELECT size, root, frontier FROM {schema}.{heads} ORDER BY size"
        ).format(**names)
        self._select_head = SQL(
            "SELECT size, root, frontier FROM {schema}.{heads} ORDER BY size DESC LIMIT 1"
        ).format(**names)
        self._insert_head = SQL(
            "INSERT INTO {schema}.{heads} (size, root, frontier) VALUES (%s, %s, %s)"
        ).format(**names)
        self._complete = SQL(
            "SELECT (SELECT MAX(notification_id) FROM {schema}.{table}) AS last_entry, "
            "(SELECT MAX(notification_id) FROM {schema}.{index}) AS last_indexed, "
            "(SELECT MAX(position) FROM {schema}.{index}) AS last_position, "
            "(SELECT MAX(size) FROM {schema}.{heads}) AS head"
        ).format(**names)
        self._tables_present = SQL(
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name = ANY(%s)"
        )
        self._clear_side = [
            SQL("DELETE FROM {schema}.{index}").format(**names),
            SQL("DELETE FROM {schema}.{subjects}").format(**names),
            SQL("DELETE FROM {schema}.{heads}").format(**names),
            SQL("DELETE FROM {schema}.{hashes}").format(**names),
        ]
        self._select_all_for_index = SQL(
            "SELECT e.notification_id AS id, e.originator_id AS oid, e.originator_version AS "
            "version, e.topic, e.state, h.leaf_hash FROM {schema}.{table} e "
            "LEFT JOIN {schema}.{hashes} h ON h.position = e.notification_id "
            "ORDER BY e.notification_id"
        ).format(**names)
        self._select_last_state = SQL(
            "SELECT state FROM {schema}.{table} ORDER BY notification_id DESC LIMIT 1"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._copy_events = SQL(
            "COPY {schema}.{table} (originator_id, originator_version, topic, state) FROM STDIN"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._max_id = SQL("SELECT MAX(notification_id) AS id FROM {schema}.{table}").format(
            schema=schema, table=Identifier(self.events_table_name)
        )
        self._ids_after = SQL(
            "SELECT notification_id FROM {schema}.{table} WHERE notification_id > %s "
            "ORDER BY notification_id"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._copy_hashes = SQL("COPY {schema}.{hashes} (position, leaf_hash) FROM STDIN").format(
            schema=schema, hashes=Identifier(HASHES_TABLE)
        )
        self._select_hashes = SQL(
            "SELECT position, leaf_hash FROM {schema}.{hashes} ORDER BY position"
        ).format(schema=schema, hashes=Identifier(HASHES_TABLE))
        self._select_first_ids = SQL(
            "SELECT originator_id, MIN(notification_id) AS id FROM {schema}.{table} "
            "WHERE originator_id = ANY(%s) GROUP BY originator_id"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._select_events_of = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
            "WHERE originator_id = %s ORDER BY originator_version"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._select_existing = SQL(
            "SELECT DISTINCT originator_id FROM {schema}.{table} WHERE originator_id = ANY(%s)"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._count_events = SQL(
            "SELECT COUNT(*) AS n FROM {schema}.{table} WHERE notification_id <= %s"
        ).format(schema=schema, table=Identifier(self.events_table_name))

    @contextmanager
    def _write_transaction(self) -> Iterator[Any]:
        # Side rows are computed between statements, well within the server's
        # idle_in_transaction_session_timeout (the library's default is 5 s).
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            yield curs

    def _begin(self, curs: Any, earliest: str) -> tuple[int, list[bytes]]:
        """Take the library's EXCLUSIVE table lock, check record time and the side tables.

        The lock keeps notification ids in commit order, so a reader following
        the log never skips an entry.

        Raises:
            RecordTimeBehind: the new entries are older than the last one.
            IndexBehind: the side tables do not cover every entry.
            SideTablesDamaged: the last tree head does not hold together.
        """
        self._lock_table(curs)
        curs.execute(self._select_last_state)
        previous = curs.fetchone()
        check_record_time(bytes(previous["state"]) if previous else None, earliest)
        if not self._is_complete(curs):
            raise IndexBehind()
        self._notify_channel(curs)
        return self._head(curs)

    def _insert_in_bulk(self, curs: Any, events: Sequence[EventRow]) -> list[int]:
        """Insert the event rows with one ``COPY``; return their notification ids, in order.

        ``COPY`` returns no ids, so they are read back: under the EXCLUSIVE
        table lock only this transaction inserts, and the sequence gives its
        rows, in the order written, the ids above the largest before them.
        """
        curs.execute(self._max_id)
        before = curs.fetchone()["id"] or 0
        _copy(curs, self._copy_events, events)
        curs.execute(self._ids_after, (before,))
        return [row["notification_id"] for row in curs.fetchall()]

    def _first_ids(self, curs: Any, originator_ids: Sequence[str]) -> dict[str, int]:
        """The first notification id of each of these event sequences that has entries."""
        curs.execute(self._select_first_ids, (list(originator_ids),))
        return {row["originator_id"]: row["id"] for row in curs.fetchall()}

    def _events_of(self, curs: Any, originator_id: str) -> list[StoredEvent]:
        """The stored events of one event sequence, by version."""
        curs.execute(self._select_events_of, (originator_id,))
        return [StoredEvent(row["originator_id"], row["originator_version"], row["topic"],
                            bytes(row["state"])) for row in curs.fetchall()]  # fmt: skip

    def _head(self, curs: Any) -> tuple[int, list[bytes]]:
        curs.execute(self._select_head)
        head = curs.fetchone()
        return (head["size"] if head else 0), checked_frontier(head)

    def _write_rows(self, curs: Any, ids: Sequence[int], pending: SideRows, before: int) -> None:
        """Write hashes and index rows of entries at positions ``before + 1``..., each table
        with one ``COPY`` (several times faster than inserting the same rows)."""
        rows = pending.index
        _copy(curs, self._copy_hashes, zip(ids, pending.hashes, strict=True))
        positions = range(before + 1, before + 1 + len(ids))
        _copy(
            curs,
            self._copy_index,
            ((nid, position, *row[:8]) for nid, position, row in zip(ids, positions, rows,
                                                                    strict=True)),
        )  # fmt: skip
        _copy(curs, self._copy_subjects, subject_rows(ids, rows))

    def _write_head(self, curs: Any, size: int, frontier: list[bytes]) -> None:
        curs.execute(self._insert_head, (size, frontier_root(frontier), b"".join(frontier)))

    def index_reader(self) -> IndexReader:
        """The index queries (``ledger.index.queries``) over this PostgreSQL store."""
        schema = f'"{self.datastore.schema}"'  # a checked name (``ledger.store.pg_location``)
        dialect = Dialect(
            "%s",
            f'{schema}."{self.events_table_name}"',
            "notification_id",
            *(f'{schema}."{name}"' for name in (INDEX_TABLE, SUBJECTS_TABLE, HASHES_TABLE)),
            f'{schema}."{HEADS_TABLE}"',
            ' COLLATE "C"',  # keys and days compare byte by byte, whatever the database's default
        )

        def run(sql: str, params: Sequence[Any]) -> list[Any]:
            try:
                with self.datastore.get_connection() as conn, conn.cursor() as curs:
                    curs.execute(sql, params)
                    return curs.fetchall()
            except (psycopg.Error, PersistenceError) as err:
                raise StoreError(f"cannot read the store's index ({err})") from err

        @contextmanager
        def snapshot() -> Iterator[Any]:
            # REPEATABLE READ: every statement of the transaction sees one snapshot, so
            # that streams opened one after the other agree with each other.
            try:
                with self.datastore.get_connection() as conn, conn.transaction():
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    names = itertools.count()

                    def stream(sql: str, params: Sequence[Any]) -> Iterator[Any]:
                        with conn.cursor(name=f"ledger_stream_{next(names)}") as curs:
                            curs.itersize = 2000
                            curs.execute(sql, params)
                            yield from curs

                    yield stream
            except (psycopg.Error, PersistenceError) as err:
                raise StoreError(f"cannot read the store's index ({err})") from err

        return IndexReader(dialect, run, snapshot, self.track_stream)

    def index_is_complete(self) -> bool:
        """Whether the side tables describe every entry (False for a ledger of an older version)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            return self._is_complete(curs)

    def has_side_tables(self) -> bool:
        """Whether the store holds the side tables at all."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            return self._has_tables(curs)

    def _has_tables(self, curs: Any) -> bool:
        tables = [INDEX_TABLE, SUBJECTS_TABLE, HEADS_TABLE]
        curs.execute(self._tables_present, (self.datastore.schema, tables))
        return curs.fetchone()["n"] == len(tables)

    def _is_complete(self, curs: Any) -> bool:
        if not self._has_tables(curs):
            return False
        curs.execute(self._complete)
        row = curs.fetchone()
        return row["last_entry"] == row["last_indexed"] and row["last_position"] == row["head"]

    def rebuild_index(self) -> None:
        """Write the side tables afresh, as :meth:`HashingSQLiteRecorder.rebuild_index` does."""
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            if self._is_complete(curs):
                return
            for statement in self.sql_create_statements[self._side_tables_from :]:
                curs.execute(statement)
            curs.execute(self._select_heads)
            heads = curs.fetchall()
            curs.execute(self._select_all_for_index)
            found = curs.fetchall()
            pending = rebuilt_rows(found, heads)
            for statement in self._clear_side:
                curs.execute(statement)
            if found:
                ids = [row["id"] for row in found]
                self._write_rows(curs, ids, pending, 0)
                self._write_head(curs, len(ids), extend_frontier([], 0, pending.hashes))

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


def _copy(curs: Any, statement: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Send rows to a ``COPY ... FROM STDIN`` statement (text format)."""
    with curs.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


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
