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
queries over these tables are in ``ledger.index_queries``; the PostgreSQL
recorder is in ``ledger.pg_recorder``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import PersistenceError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from ledger.codec import loads
from ledger.errors import LedgerError, StoreError
from ledger.index_check import check_tree_heads
from ledger.index_queries import Dialect, IndexReader
from ledger.index_rows import IndexRow, index_row
from ledger.integrity import StoredRow, checked_hash, new_entry_hash
from ledger.merkle import extend_frontier, frontier_root

HASHES_TABLE = "entry_hashes"
INDEX_TABLE = "valid_time_index"
SUBJECTS_TABLE = "subject_index"
HEADS_TABLE = "tree_heads"

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


class IndexBehind(Exception):  # noqa: N818  (a signal to index, not a user error)
    """The side tables do not describe every entry before a write; nothing was written.

    Raised inside the write transaction when a ledger written by a version
    without the index (or such a version writing alongside this one) left
    entries unindexed. The ledger rebuilds the index and writes again.
    """


class SideTablesDamaged(Exception):  # noqa: N818  (translated by the ledger into StoreError)
    """A tree head or an entry's recorded hash is not what the entries give; nothing was written."""


class HashingSQLiteRecorder(SQLiteApplicationRecorder):
    """Application recorder that keeps hashes, the valid-time index and tree heads."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *_SQLITE_SIDE_TABLES]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Hash and index before the transaction: the write lock is held only to write.
        return self.insert_stream([Chunk(stored_events, side_rows(stored_events))])

    def insert_stream(self, chunks: Iterable[Chunk]) -> list[int]:
        """Insert chunks of events in one transaction, with their side rows; return their ids.

        For imports too large to hold at once: each chunk's hashes and index
        rows are computed when it comes (under the write lock), and one tree
        head is written at the end. All or nothing.

        Raises:
            RecordTimeBehind: the first entry is older than the log's last.
            eventsourcing.persistence.PersistenceError: the store refused.
        """
        with self.datastore.transaction(commit=True) as c:
            return self._insert_chunks(c, chunks)

    def _insert_chunks(self, c: SQLiteCursor, chunks: Iterable[Chunk]) -> list[int]:
        written: list[int] = []
        size, frontier = 0, []
        for chunk in chunks:
            rows = chunk.rows if chunk.rows is not None else side_rows(chunk.events)
            ids = self._insert_in_bulk(c, chunk.events)
            if not ids:
                continue
            if not written:
                previous = self._check_record_time(c, ids[0], rows)
                size, frontier = self._checked_head(c, previous)
            self._write_rows(c, ids, rows, size + len(written))
            frontier = extend_frontier(frontier, size + len(written), rows.hashes)
            written.extend(ids)
        if written:
            self._write_head(c, size + len(written), frontier)
        return written

    def _check_record_time(self, c: SQLiteCursor, first_id: int, rows: SideRows) -> int:
        """Refuse entries older than the last one; return the last one's id (0 if none)."""
        c.execute(
            f"SELECT rowid AS id, state FROM {self.events_table_name} WHERE rowid < ? "
            "ORDER BY rowid DESC LIMIT 1",
            (first_id,),
        )
        previous = c.fetchone()
        if previous is None:
            return 0
        latest = loads(previous["state"])["recorded_at"]
        if any(row.recorded_at < latest for row in rows.index):
            raise RecordTimeBehind(latest)
        return previous["id"]

    def _checked_head(self, c: SQLiteCursor, previous_id: int) -> tuple[int, list[bytes]]:
        """The last tree head, once the side tables are known to cover every earlier entry.

        Raises:
            IndexBehind: they do not (or do not exist).
            SideTablesDamaged: the head does not hold together.
        """
        c.execute(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)",
            (INDEX_TABLE, SUBJECTS_TABLE, HEADS_TABLE),
        )
        if c.fetchone()["n"] != 3:
            raise IndexBehind()
        c.execute(f"SELECT MAX(notification_id) AS id, MAX(position) AS p FROM {INDEX_TABLE}")
        last = c.fetchone()
        c.execute(f"SELECT size, root, frontier FROM {HEADS_TABLE} ORDER BY size DESC LIMIT 1")
        head = c.fetchone()
        size = head["size"] if head else 0
        if (last["id"] or 0) != previous_id or (last["p"] or 0) != size:
            raise IndexBehind()
        return size, checked_frontier(head)

    def _insert_in_bulk(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert the events with one ``executemany``; return their notification ids (rowids).

        Under the write lock SQLite gives each new row the largest rowid plus
        one (the table has no AUTOINCREMENT), so the rows of one statement
        take consecutive rowids ending at the new largest.
        """
        if not stored_events:
            return []
        c.executemany(
            self.insert_events_statement,
            ((str(e.originator_id), e.originator_version, e.topic, e.state)
             for e in stored_events),
        )  # fmt: skip
        c.execute(f"SELECT MAX(rowid) AS last FROM {self.events_table_name}")
        last = c.fetchone()["last"]
        return list(range(last - len(stored_events) + 1, last + 1))

    def _head(self, c: SQLiteCursor) -> tuple[int, list[bytes]]:
        """The log size and frontier of the last tree head ((0, []) for an empty log)."""
        c.execute(f"SELECT size, frontier FROM {HEADS_TABLE} ORDER BY size DESC LIMIT 1")
        head = c.fetchone()
        return (head["size"], split_frontier(head["frontier"])) if head else (0, [])

    def _write_rows(self, c: SQLiteCursor, ids: list[int], pending: SideRows, before: int) -> None:
        """Write hashes and index rows of entries at positions ``before + 1``..."""
        c.executemany(
            f"INSERT INTO {HASHES_TABLE} (position, leaf_hash) VALUES (?, ?)",
            zip(ids, pending.hashes, strict=True),
        )
        rows = pending.index
        c.executemany(
            f"INSERT INTO {INDEX_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (nid, before + rank, *row.columns())
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

    def _write_head(self, c: SQLiteCursor, size: int, frontier: list[bytes]) -> None:
        c.execute(
            f"INSERT INTO {HEADS_TABLE} (size, root, frontier) VALUES (?, ?, ?)",
            (size, frontier_root(frontier), b"".join(frontier)),
        )

    def index_reader(self) -> IndexReader:
        """The index queries (``ledger.index_queries``) over this SQLite store."""
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

        def iterate(sql: str, params: Sequence[Any]) -> Iterator[Any]:
            try:
                with self.datastore.transaction(commit=False) as c:
                    c.execute(sql, params)
                    while batch := c.sqlite_cursor.fetchmany(10_000):
                        yield from batch
            except (sqlite3.Error, PersistenceError) as err:
                raise StoreError(f"cannot read the store's index ({err})") from err

        return IndexReader(dialect, run, iterate)

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
        with self.datastore.transaction(commit=True) as c:
            for statement in _SQLITE_SIDE_TABLES:
                c.execute(statement)
            c.execute(f"DELETE FROM {HEADS_TABLE} WHERE size < 0")  # takes the write lock
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
        """Count entries with notification id at most ``upto_id`` (all when None)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT COUNT(*) AS n FROM {self.events_table_name} WHERE rowid <= ?",
                (upto_id if upto_id is not None else 2**62,),
            )
            return c.fetchone()["n"]


@dataclass(frozen=True)
class Chunk:
    """Events to insert together, with their side rows when already computed."""

    events: Sequence[StoredEvent]
    rows: SideRows | None = None


@dataclass(frozen=True)
class SideRows:
    """What the side tables get for entries about to be stored, in their order."""

    hashes: list[bytes]
    index: list[IndexRow]


def side_rows(stored_events: Sequence[StoredEvent]) -> SideRows:
    """Leaf hashes and index rows of events about to be stored (neither holds a position)."""
    hashes, index = [], []
    for event in stored_events:
        oid = str(event.originator_id)
        hashes.append(
            new_entry_hash(StoredRow(0, oid, event.originator_version, event.topic, event.state))
        )
        index.append(index_row(event.topic, loads(event.state)))
    return SideRows(hashes, index)


def rebuilt_rows(found: Sequence[Any], heads: Sequence[Any]) -> SideRows:
    """The side rows of stored entries, in log order.

    Rows: id (notification id), oid, version, topic, state, leaf_hash;
    ``heads``: the tree heads recorded so far (size, root, frontier).

    Each entry must hash to its recorded hash, and the recorded hashes must
    give every recorded tree head: an index is never rebuilt over altered
    entries, nor over a log cut short (which would erase the evidence).

    Raises:
        SideTablesDamaged: naming the first position that has no recorded
            hash, does not match it, or cannot be indexed, or the first tree
            head the log does not give.
    """
    hashes, index = [], []
    for position, row in enumerate(found, start=1):
        recorded = bytes(row["leaf_hash"]) if row["leaf_hash"] is not None else None
        state = bytes(row["state"]) if isinstance(row["state"], memoryview) else row["state"]
        stored = StoredRow(row["id"], str(row["oid"]), row["version"], row["topic"], state)
        try:
            decoded = loads(state)
            matches = recorded is not None and checked_hash(stored, recorded) == recorded
            entry_index = index_row(row["topic"], decoded)
        except (ValueError, KeyError, TypeError, LedgerError) as err:
            raise SideTablesDamaged(
                f"the entry at position {position} cannot be indexed ({type(err).__name__}); "
                "run 'ledger verify'"
            ) from err
        if not matches:
            raise SideTablesDamaged(
                f"the entry at position {position} does not hash to what was recorded when it "
                "was appended; run 'ledger verify'"
            )
        hashes.append(recorded)
        index.append(entry_index)
    failure = check_tree_heads(hashes, heads)
    if failure is not None:
        raise SideTablesDamaged(
            f"the log does not give its recorded tree heads ({failure.kind}: {failure.detail}); "
            "run 'ledger verify'"
        )
    return SideRows(hashes, index)


def checked_frontier(head: Any) -> list[bytes]:
    """The frontier of a tree head row (size, root, frontier), checked against its root.

    Raises:
        SideTablesDamaged: the frontier does not fit the size or give the root.
    """
    if head is None:
        return []
    frontier = split_frontier(bytes(head["frontier"]))
    try:
        root = frontier_root(extend_frontier(frontier, head["size"], []))
    except ValueError as err:
        raise SideTablesDamaged(
            f"the tree head of size {head['size']} is damaged ({err}); run 'ledger verify'"
        ) from err
    if root != bytes(head["root"]):
        raise SideTablesDamaged(
            f"the tree head of size {head['size']} does not hold together; run 'ledger verify'"
        )
    return frontier


def split_frontier(frontier: bytes) -> list[bytes]:
    """The frontier's hashes from their stored concatenation."""
    return [bytes(frontier[i : i + 32]) for i in range(0, len(frontier), 32)]


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
