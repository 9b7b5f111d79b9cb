"""The SQLite recorder: the library's application recorder plus the ledger's side tables.

The SQLite dialect of ``store.recording.SideTablesRecorder`` (whose docstring
says what the side tables hold): ``executemany`` inserts, the write lock taken
when a write transaction begins (``BEGIN IMMEDIATE``), waiting for other
writers, and the index queries over SQLite.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

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

_FIRST_TRY = 1.0  # seconds to wait for the write lock before saying that a write waits
_SECONDARY_INDEXES = (
    f"{INDEX_TABLE}_record",
    f"{INDEX_TABLE}_time",
    f"{SUBJECTS_TABLE}_days",
)
_CACHE_KIB = 64 * 1024
"""SQLite's page cache for a write (64 MiB, against its default of 2 MiB): a large import
touches index pages all over, and every page evicted mid-transaction is written twice."""

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


class HashingSQLiteRecorder(SideTablesRecorder, SQLiteApplicationRecorder):
    """The SQLite dialect of :class:`~treaty_ledger.ledger.store.recording.SideTablesRecorder`."""

    def construct_create_table_statements(self) -> list[str]:
        """The library's tables, the side tables, and the index that entries are counted by."""
        return [
            *super().construct_create_table_statements(),
            *_SQLITE_SIDE_TABLES,
            self._count_index(),
        ]

    def _count_index(self) -> str:
        """Create, if missing, the narrow index that ``count_events`` counts.

        Run when a ledger is created and at the start of every write, so a
        ledger written before it existed gains it with its next write (about
        a second at a million entries, once); until then counting reads the
        primary key's index, as it did.
        """
        table = self.events_table_name
        return f"CREATE INDEX IF NOT EXISTS {table}_count ON {table} (originator_version)"

    lock_wait: float = 0.0
    """Seconds a write waits for another connection's write lock (set by the ledger)."""
    on_wait: Callable[[], None] | None = None
    """Called once when a write starts waiting for another writer (set by the ledger)."""

    @contextmanager
    def _write_transaction(self) -> Iterator[SQLiteCursor]:
        """A cursor in a transaction holding SQLite's write lock from its start.

        ``BEGIN IMMEDIATE`` takes the lock at once, waiting up to
        ``lock_wait`` seconds for another writer (calling ``on_wait`` when it
        starts to wait). A deferred ``BEGIN`` would read first and upgrade
        later, and in WAL mode an upgrade after another writer's commit fails
        at once (``SQLITE_BUSY_SNAPSHOT``) instead of waiting.

        Raises:
            eventsourcing.persistence.OperationalError: the lock stayed taken
                ("database is locked") or the store refused a statement.
            eventsourcing.persistence.IntegrityError: a unique key was taken.
        """
        with self.datastore.get_connection(commit=True) as conn:
            cursor = conn.cursor()
            try:
                self._take_write_lock(cursor)
                try:
                    yield cursor
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
            except sqlite3.IntegrityError as err:
                raise IntegrityError(err) from err
            except sqlite3.OperationalError as err:
                raise OperationalError(err) from err
            except sqlite3.Error as err:
                raise PersistenceError(err) from err
            finally:
                cursor.sqlite_cursor.close()

    def _take_write_lock(self, cursor: SQLiteCursor) -> None:
        first = min(self.lock_wait, _FIRST_TRY)
        cursor.execute(f"PRAGMA busy_timeout = {int(first * 1000)}")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            if self.lock_wait <= first:
                raise
            if self.on_wait is not None:
                self.on_wait()
            cursor.execute(f"PRAGMA busy_timeout = {int((self.lock_wait - first) * 1000)}")
            cursor.execute("BEGIN IMMEDIATE")

    def _begin(self, c: SQLiteCursor, earliest: str) -> tuple[int, list[bytes]]:
        """Check record time and the side tables under the write lock; return the head.

        The transaction holds the write lock from its start
        (:meth:`_write_transaction`), so no other writer can append between
        the checks and the insert.

        Raises:
            IndexBehind: the side tables are missing or do not cover every entry.
            RecordTimeBehind: the new entries are older than the last one.
            SideTablesDamaged: the last tree head does not hold together.
        """
        if not _tables_present(c):
            raise IndexBehind()
        c.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        c.execute(self._count_index())
        c.execute(
            f"SELECT rowid AS id, state FROM {self.events_table_name} "
            "ORDER BY rowid DESC LIMIT 1"
        )
        previous = c.fetchone()
        check_record_time(previous["state"] if previous else None, earliest)
        c.execute(f"SELECT MAX(notification_id) AS id, MAX(position) AS p FROM {INDEX_TABLE}")
        last = c.fetchone()
        c.execute(f"SELECT size, root, frontier FROM {HEADS_TABLE} ORDER BY size DESC LIMIT 1")
        head = c.fetchone()
        size = head["size"] if head else 0
        if (last["id"] or 0) != (previous["id"] if previous else 0) or (last["p"] or 0) != size:
            raise IndexBehind()
        return size, checked_frontier(head)

    def _insert_in_bulk(self, c: SQLiteCursor, stored_events: Sequence[EventRow]) -> range:
        """Insert the event rows with one ``executemany``; return their notification ids (rowids).

        Under the write lock SQLite gives each new row the largest rowid plus
        one (the table has no AUTOINCREMENT), so the rows of one statement
        take consecutive rowids ending at the new largest.
        """
        if not stored_events:
            return range(0)
        c.executemany(self.insert_events_statement, stored_events)
        c.execute(f"SELECT MAX(rowid) AS last FROM {self.events_table_name}")
        last = c.fetchone()["last"]
        return range(last - len(stored_events) + 1, last + 1)

    def _write_rows(
        self, c: SQLiteCursor, ids: Sequence[int], pending: SideRows, before: int
    ) -> None:
        """Write hashes and index rows of entries at positions ``before + 1``..."""
        c.executemany(
            f"INSERT INTO {HASHES_TABLE} (position, leaf_hash) VALUES (?, ?)",
            zip(ids, pending.hashes, strict=True),
        )
        rows = pending.index
        positions = range(before + 1, before + 1 + len(ids))
        c.executemany(
            f"INSERT INTO {INDEX_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(nid, position, *row[:8]) for nid, position, row in
             zip(ids, positions, rows, strict=True)],
        )  # fmt: skip
        c.executemany(
            f"INSERT INTO {SUBJECTS_TABLE} VALUES (?, ?, ?, ?, ?)", subject_rows(ids, rows)
        )

    def _first_ids(self, c: SQLiteCursor, originator_ids: Sequence[str]) -> dict[str, int]:
        """The first notification id (rowid) of each of these event sequences that has entries."""
        found: dict[str, int] = {}
        for start in range(0, len(originator_ids), 500):
            chunk = list(originator_ids[start : start + 500])
            c.execute(
                f"SELECT originator_id, MIN(rowid) AS id FROM {self.events_table_name} "
                f"WHERE originator_id IN ({','.join('?' * len(chunk))}) GROUP BY originator_id",
                chunk,
            )
            found.update((row["originator_id"], row["id"]) for row in c.fetchall())
        return found

    def _events_of(self, c: SQLiteCursor, originator_id: str) -> list[StoredEvent]:
        """The stored events of one event sequence, by version."""
        c.execute(
            "SELECT originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name} WHERE originator_id = ? ORDER BY originator_version",
            (originator_id,),
        )
        return [StoredEvent(row["originator_id"], row["originator_version"], row["topic"],
                            row["state"]) for row in c.fetchall()]  # fmt: skip

    def _defer_indexes(self, c: SQLiteCursor) -> bool:
        """Drop the side tables' secondary indexes inside the write transaction.

        Readers keep them: they see the store as it was before the
        transaction (write-ahead log) until it commits, rebuilt. A rolled-back
        transaction rolls the drop back too.
        """
        for name in _SECONDARY_INDEXES:
            c.execute(f"DROP INDEX IF EXISTS {name}")
        return True

    def _restore_indexes(self, c: SQLiteCursor) -> None:
        for statement in _SQLITE_SIDE_TABLES:
            if any(name in statement for name in _SECONDARY_INDEXES):
                c.execute(statement)

    def _write_head(self, c: SQLiteCursor, size: int, frontier: list[bytes]) -> None:
        c.execute(
            f"INSERT INTO {HEADS_TABLE} (size, root, frontier) VALUES (?, ?, ?)",
            (size, frontier_root(frontier), b"".join(frontier)),
        )

    def index_reader(self) -> IndexReader:
        """The index queries (``ledger.index.queries``) over this SQLite store."""
        dialect = Dialect(
            "?", self.events_table_name, "rowid", INDEX_TABLE, SUBJECTS_TABLE, HASHES_TABLE,
            HEADS_TABLE,
        )  # fmt: skip

        def run(sql: str, params: Sequence[Any]) -> list[Any]:
            try:
                with self.datastore.transaction(commit=False) as c:
                    c.execute(sql, params)
                    return c.fetchall()
            except (sqlite3.Error, PersistenceError) as err:
                raise StoreError(f"cannot read the store's index ({err})") from err

        @contextmanager
        def snapshot() -> Iterator[Any]:
            # One read transaction on one connection: in WAL mode every cursor of it reads
            # the database as it was at its first read, whatever is committed meanwhile.
            try:
                with self.datastore.transaction(commit=False) as c:
                    connection = c.sqlite_cursor.connection

                    def stream(sql: str, params: Sequence[Any]) -> Iterator[Any]:
                        cursor = connection.cursor()
                        try:
                            cursor.execute(sql, params)
                            while batch := cursor.fetchmany(2000):
                                yield from batch
                        finally:
                            cursor.close()

                    yield stream
            except (sqlite3.Error, PersistenceError) as err:
                raise StoreError(f"cannot read the store's index ({err})") from err

        return IndexReader(dialect, run, snapshot, self.track_stream)

    def index_is_complete(self) -> bool:
        """Whether the side tables describe every entry (False for a ledger of an older version)."""
        with self.datastore.transaction(commit=False) as c:
            return _complete(c, self.events_table_name)

    def has_side_tables(self) -> bool:
        """Whether the store holds the side tables at all."""
        with self.datastore.transaction(commit=False) as c:
            return _tables_present(c)

    def rebuild_index(self) -> None:
        """Write the side tables afresh from the stored entries and their recorded hashes.

        For a ledger written by a version without the index: one transaction,
        under the write lock. Entries keep their recorded hashes; the tree
        head is that of the whole log.
        """
        with self._write_transaction() as c:
            for statement in _SQLITE_SIDE_TABLES:
                c.execute(statement)
            if _complete(c, self.events_table_name):
                return  # another writer rebuilt it meanwhile
            c.execute(f"SELECT size, root, frontier FROM {HEADS_TABLE} ORDER BY size")
            heads = c.fetchall()
            c.execute(f"DELETE FROM {INDEX_TABLE}")
            c.execute(f"DELETE FROM {SUBJECTS_TABLE}")
            c.execute(f"DELETE FROM {HEADS_TABLE}")
            c.execute(
                "SELECT e.rowid AS id, e.originator_id AS oid, e.originator_version AS version, "
                "e.topic, e.state, h.leaf_hash "
                f"FROM {self.events_table_name} e LEFT JOIN {HASHES_TABLE} h "
                "ON h.position = e.rowid ORDER BY e.rowid"
            )
            found = c.fetchall()
            pending = rebuilt_rows(found, heads)
            c.execute(f"DELETE FROM {HASHES_TABLE}")
            ids = [row["id"] for row in found]
            if ids:
                self._write_rows(c, ids, pending, 0)
                self._write_head(c, len(ids), extend_frontier([], 0, pending.hashes))

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
        """Count entries with notification id at most ``upto_id`` (all when None).

        Without a bound, SQLite counts the rows of the table's narrowest index:
        ``<events>_count``, on the version alone (a few bytes an entry, against
        some fifty in the primary key's index of text ids), where the ledger
        was opened for writing since it was added; a bound on the rowid would
        make it read the whole table instead.
        """
        with self.datastore.transaction(commit=False) as c:
            if upto_id is None:
                c.execute(f"SELECT COUNT(*) AS n FROM {self.events_table_name}")
            else:
                c.execute(
                    f"SELECT COUNT(*) AS n FROM {self.events_table_name} WHERE rowid <= ?",
                    (upto_id,),
                )
            return c.fetchone()["n"]


def _tables_present(c: Any) -> bool:
    c.execute(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
        (INDEX_TABLE, SUBJECTS_TABLE, HEADS_TABLE),
    )
    return c.fetchone()["n"] == 3


def _complete(c: Any, events_table: str) -> bool:
    """Whether the SQLite side tables cover the last entry (False when they do not exist)."""
    if not _tables_present(c):
        return False
    c.execute(
        f"SELECT (SELECT MAX(rowid) FROM {events_table}) AS last_entry, "
        f"(SELECT MAX(notification_id) FROM {INDEX_TABLE}) AS last_indexed, "
        f"(SELECT MAX(position) FROM {INDEX_TABLE}) AS last_position, "
        f"(SELECT MAX(size) FROM {HEADS_TABLE}) AS head"
    )
    row = c.fetchone()
    return row["last_entry"] == row["last_indexed"] and row["last_position"] == row["head"]
