"""The ledger's recorders: the library's application recorders plus side tables.

They subclass the eventsourcing library's ``SQLiteApplicationRecorder`` and
``PostgresApplicationRecorder`` so that every insert also writes, in the same
transaction (an entry and its side rows are committed together or not at
all):

* each entry's leaf hash (``ledger.integrity``) into ``entry_hashes``;
* its valid-time index rows (``ledger.index_rows``) into
  ``valid_time_index`` and ``subject_index``, with its log position;
* the tree head after the insert (log size, RFC 9162 root and frontier,
  ``ledger.merkle``) into ``tree_heads``,

and refuses entries whose record time is earlier than the last entry's.
Everything computed from the entries alone (hashes, index rows) is computed
before the transaction, so the write lock is held only to write. The
queries over these tables are in ``ledger.index_queries``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

from ledger.codec import loads
from ledger.index_queries import Dialect, IndexReader
from ledger.index_rows import IndexRow, index_row
from ledger.integrity import StoredRow, new_entry_hash
from ledger.merkle import extend_frontier, frontier_root

HASHES_TABLE = "entry_hashes"
INDEX_TABLE = "valid_time_index"
SUBJECTS_TABLE = "subject_index"
HEADS_TABLE = "tree_heads"

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
_SQLITE_SIDE_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {HASHES_TABLE} "
    "(position INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {INDEX_TABLE} (notification_id INTEGER PRIMARY KEY, "
    "position INTEGER NOT NULL UNIQUE, record_key TEXT NOT NULL, action TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL, earliest TEXT, latest TEXT, effective_earliest TEXT, "
    "effective_latest TEXT, sequence INTEGER NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_record ON {INDEX_TABLE} (record_key, position)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_time ON {INDEX_TABLE} (recorded_at, position)",
    f"CREATE TABLE IF NOT EXISTS {SUBJECTS_TABLE} (subject TEXT NOT NULL, "
    "first_day TEXT NOT NULL, last_day TEXT NOT NULL, record_key TEXT NOT NULL, "
    "notification_id INTEGER NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {SUBJECTS_TABLE}_days ON {SUBJECTS_TABLE} "
    "(subject, first_day, last_day, record_key)",
    f"CREATE TABLE IF NOT EXISTS {HEADS_TABLE} "
    "(size INTEGER PRIMARY KEY, root BLOB NOT NULL, frontier BLOB NOT NULL)",
]


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
    """Application recorder that keeps hashes, the valid-time index and tree heads."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *_SQLITE_SIDE_TABLES]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Hash and index before the transaction: the write lock is held only to write.
        self._pending = _side_rows(stored_events)
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
                if any(row.recorded_at < latest for row in self._pending.index):
                    raise RecordTimeBehind(latest)
        self._write_side_rows(c, list(positions), self._pending)
        return positions

    def _write_side_rows(self, c: SQLiteCursor, ids: list[int], pending: _SideRows) -> None:
        hashes, rows = pending.hashes, pending.index
        c.executemany(
            f"INSERT INTO {HASHES_TABLE} (position, leaf_hash) VALUES (?, ?)",
            zip(ids, hashes, strict=True),
        )
        c.execute(f"SELECT size, frontier FROM {HEADS_TABLE} ORDER BY size DESC LIMIT 1")
        head = c.fetchone()
        size, frontier = (head["size"], _split(head["frontier"])) if head else (0, [])
        c.executemany(
            f"INSERT INTO {INDEX_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (nid, size + rank, *_index_values(row))
                for rank, (nid, row) in enumerate(zip(ids, rows, strict=True), start=1)
            ),
        )
        c.executemany(
            f"INSERT INTO {SUBJECTS_TABLE} VALUES (?, ?, ?, ?, ?)",
            (
                (subject, row.first_day, row.last_day, row.record_key, nid)
                for nid, row in zip(ids, rows, strict=True)
                for subject in row.subjects
            ),
        )
        frontier = extend_frontier(frontier, size, hashes)
        c.execute(
            f"INSERT INTO {HEADS_TABLE} (size, root, frontier) VALUES (?, ?, ?)",
            (size + len(ids), frontier_root(frontier), b"".join(frontier)),
        )

    def index_reader(self) -> IndexReader:
        """The index queries (``ledger.index_queries``) over this SQLite store."""
        dialect = Dialect(
            "?", self.events_table_name, "rowid", INDEX_TABLE, SUBJECTS_TABLE, HASHES_TABLE,
            HEADS_TABLE,
        )  # fmt: skip

        def run(sql: str, params: Sequence[Any]) -> list[Any]:
            with self.datastore.transaction(commit=False) as c:
                c.execute(sql, params)
                return c.fetchall()

        def iterate(sql: str, params: Sequence[Any]) -> Iterator[Any]:
            with self.datastore.transaction(commit=False) as c:
                c.execute(sql, params)
                while batch := c.sqlite_cursor.fetchmany(10_000):
                    yield from batch

        return IndexReader(dialect, run, iterate)

    def index_is_complete(self) -> bool:
        """Whether the side tables describe every entry (False for a ledger of an older version)."""
        with self.datastore.transaction(commit=False) as c:
            return _complete(c, self.events_table_name)

    def rebuild_index(self) -> None:
        """Write the side tables afresh from the stored entries and their recorded hashes.

        For a ledger written by a version without the index: one transaction,
        under the write lock. Entries keep their recorded hashes; the tree
        head is that of the whole log.
        """
        with self.datastore.transaction(commit=True) as c:
            c.execute(f"DELETE FROM {HEADS_TABLE} WHERE size < 0")  # takes the write lock
            if _complete(c, self.events_table_name):
                return  # another writer rebuilt it meanwhile
            c.execute(f"DELETE FROM {INDEX_TABLE}")
            c.execute(f"DELETE FROM {SUBJECTS_TABLE}")
            c.execute(f"DELETE FROM {HEADS_TABLE}")
            c.execute(
                "SELECT e.rowid AS id, e.topic, e.state, h.leaf_hash "
                f"FROM {self.events_table_name} e LEFT JOIN {HASHES_TABLE} h "
                "ON h.position = e.rowid ORDER BY e.rowid"
            )
            found = c.fetchall()
            missing = [row["id"] for row in found if row["leaf_hash"] is None]
            if missing:
                raise IntegrityError(f"no hash is recorded for notification id {missing[0]}")
            pending = _SideRows(
                [bytes(row["leaf_hash"]) for row in found],
                [index_row(row["topic"], loads(row["state"])) for row in found],
            )
            c.execute(f"DELETE FROM {HASHES_TABLE}")
            self._write_side_rows(c, [row["id"] for row in found], pending)

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
        for statement in _POSTGRES_SIDE_TABLES:
            self.sql_create_statements.append(SQL(statement).format(**names))
        self._insert_index = SQL(
            "INSERT INTO {schema}.{index} SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
            "%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
            "%s::bigint[])"
        ).format(**names)
        self._insert_subjects = SQL(
            "INSERT INTO {schema}.{subjects} SELECT * FROM unnest(%s::text[], %s::text[], "
            "%s::text[], %s::text[], %s::bigint[])"
        ).format(**names)
        self._select_head = SQL(
            "SELECT size, frontier FROM {schema}.{heads} ORDER BY size DESC LIMIT 1"
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
            "SELECT e.notification_id AS id, e.topic, e.state, h.leaf_hash FROM {schema}.{table} e "
            "LEFT JOIN {schema}.{hashes} h ON h.position = e.notification_id "
            "ORDER BY e.notification_id"
        ).format(**names)
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
        # Hash and index before the transaction: an idle transaction is ended by the server
        # after the library's idle_in_transaction_session_timeout (5 s), and the lock is short.
        pending = _side_rows(stored_events)
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)
            curs.execute(self._select_last_state)
            previous = curs.fetchone()
            if previous is not None:
                latest = loads(bytes(previous["state"]))["recorded_at"]
                if any(row.recorded_at < latest for row in pending.index):
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
            self._write_side_rows(curs, positions, pending)
        return positions

    def _write_side_rows(self, curs: Any, ids: list[int], pending: _SideRows) -> None:
        rows = pending.index
        curs.execute(self._insert_hashes, (ids, pending.hashes))
        curs.execute(self._select_head)
        head = curs.fetchone()
        size, frontier = (head["size"], _split(bytes(head["frontier"]))) if head else (0, [])
        columns = list(zip(*(_index_values(row) for row in rows), strict=True))
        curs.execute(
            self._insert_index,
            (ids, list(range(size + 1, size + 1 + len(ids))), *map(list, columns)),
        )
        pairs = [(nid, row, subject) for nid, row in zip(ids, rows, strict=True)
                 for subject in row.subjects]  # fmt: skip
        curs.execute(
            self._insert_subjects,
            (
                [subject for _, _, subject in pairs],
                [row.first_day for _, row, _ in pairs],
                [row.last_day for _, row, _ in pairs],
                [row.record_key for _, row, _ in pairs],
                [nid for nid, _, _ in pairs],
            ),
        )
        frontier = extend_frontier(frontier, size, pending.hashes)
        curs.execute(
            self._insert_head, (size + len(ids), frontier_root(frontier), b"".join(frontier))
        )

    def index_reader(self) -> IndexReader:
        """The index queries (``ledger.index_queries``) over this PostgreSQL store."""
        schema = f'"{self.datastore.schema}"'  # a checked name (``ledger.pg_location``)
        dialect = Dialect(
            "%s",
            f'{schema}."{self.events_table_name}"',
            "notification_id",
            *(f'{schema}."{name}"' for name in (INDEX_TABLE, SUBJECTS_TABLE, HASHES_TABLE)),
            f'{schema}."{HEADS_TABLE}"',
        )

        def run(sql: str, params: Sequence[Any]) -> list[Any]:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(sql, params)
                return curs.fetchall()

        def iterate(sql: str, params: Sequence[Any]) -> Iterator[Any]:
            with (
                self.datastore.get_connection() as conn,
                conn.transaction(),
                conn.cursor(name="ledger_happenings") as curs,
            ):
                curs.itersize = 10_000
                curs.execute(sql, params)
                yield from curs

        return IndexReader(dialect, run, iterate)

    def index_is_complete(self) -> bool:
        """Whether the side tables describe every entry (False for a ledger of an older version)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            return self._is_complete(curs)

    def _is_complete(self, curs: Any) -> bool:
        tables = [INDEX_TABLE, SUBJECTS_TABLE, HEADS_TABLE]
        curs.execute(self._tables_present, (self.datastore.schema, tables))
        if curs.fetchone()["n"] != len(tables):
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
            curs.execute(self._select_all_for_index)
            found = curs.fetchall()
            missing = [row["id"] for row in found if row["leaf_hash"] is None]
            if missing:
                raise IntegrityError(f"no hash is recorded for notification id {missing[0]}")
            pending = _SideRows(
                [bytes(row["leaf_hash"]) for row in found],
                [index_row(row["topic"], loads(bytes(row["state"]))) for row in found],
            )
            for statement in self._clear_side:
                curs.execute(statement)
            if found:
                self._write_side_rows(curs, [row["id"] for row in found], pending)

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


@dataclass(frozen=True)
class _SideRows:
    """What the side tables get for entries about to be stored, in their order."""

    hashes: list[bytes]
    index: list[IndexRow]


def _side_rows(stored_events: Sequence[StoredEvent]) -> _SideRows:
    """Leaf hashes and index rows of events about to be stored (neither holds a position)."""
    hashes, index = [], []
    for event in stored_events:
        oid = str(event.originator_id)
        hashes.append(
            new_entry_hash(StoredRow(0, oid, event.originator_version, event.topic, event.state))
        )
        index.append(index_row(event.topic, loads(event.state)))
    return _SideRows(hashes, index)


def _index_values(row: IndexRow) -> tuple:
    """The columns of ``valid_time_index`` after notification id and position."""
    return (
        row.record_key,
        row.action,
        row.recorded_at,
        row.earliest,
        row.latest,
        row.effective_earliest,
        row.effective_latest,
        row.sequence,
    )


def _split(frontier: bytes) -> list[bytes]:
    """The frontier's hashes from their stored concatenation."""
    return [bytes(frontier[i : i + 32]) for i in range(0, len(frontier), 32)]


def _complete(c: Any, events_table: str) -> bool:
    """Whether the SQLite side tables cover the last entry (False when they do not exist)."""
    c.execute(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
        (INDEX_TABLE, SUBJECTS_TABLE, HEADS_TABLE),
    )
    if c.fetchone()["n"] != 3:
        return False
    c.execute(
        f"SELECT (SELECT MAX(rowid) FROM {events_table}) AS last_entry, "
        f"(SELECT MAX(notification_id) FROM {INDEX_TABLE}) AS last_indexed, "
        f"(SELECT MAX(position) FROM {INDEX_TABLE}) AS last_position, "
        f"(SELECT MAX(size) FROM {HEADS_TABLE}) AS head"
    )
    row = c.fetchone()
    return row["last_entry"] == row["last_indexed"] and row["last_position"] == row["head"]


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
