"""The recorders' common base: entries and their side rows, written in one transaction.

The ledger's recorders subclass the eventsourcing library's
``SQLiteApplicationRecorder`` and ``PostgresApplicationRecorder`` (in
``store.sqlite`` and ``store.postgres``) together with
:class:`SideTablesRecorder`, so that every insert also writes, in the same
transaction (an entry and its side rows are committed together or not at
all):

* each entry's leaf hash (``integrity.hashes``) into ``entry_hashes``;
* its valid-time index rows (``index.rows``) into ``valid_time_index`` and
  ``subject_index``, with its log position;
* the tree head after the insert (log size, RFC 9162 root and frontier,
  ``integrity.merkle``) into ``tree_heads``,

and refuses entries whose record time is earlier than the last entry's: the
check runs after the write lock is taken, so it cannot race another writer.
Everything computed from the entries alone (hashes, index rows) is computed
before the transaction or between chunks. The chunked insert loop is written
once, here; a dialect supplies the statements (how to take the lock, insert
in bulk, write side rows and heads). The queries over these tables are in
``index.queries``.
"""

from __future__ import annotations

import weakref
from array import array
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import StoredEvent

from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.index.check import check_tree_heads
from treaty_ledger.ledger.index.rows import IndexRow, index_row
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.integrity.hashes import StoredRow, checked_hash, new_entry_hash
from treaty_ledger.ledger.integrity.merkle import extend_frontier, frontier_root

HASHES_TABLE = "entry_hashes"
INDEX_TABLE = "valid_time_index"
SUBJECTS_TABLE = "subject_index"
HEADS_TABLE = "tree_heads"

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


DEFER_INDEXES_FROM = 50_000
"""An insert stream that has written this many entries, and at least as many as the log
held before it, has its side tables' secondary indexes built once at its end."""


class SideTablesRecorder:
    """The chunked insert shared by both recorders; a dialect supplies the statements.

    A dialect (also a subclass of the library's application recorder)
    supplies these methods: ``_write_transaction()``, a context manager giving
    a cursor in a transaction that commits when its block ends without error;
    ``_begin(cursor, earliest)``, which takes the write lock, checks record time
    (:func:`check_record_time`) and that the side tables cover every earlier
    entry, and returns the last tree head's size and frontier;
    ``_insert_in_bulk(cursor, events)``, returning the new notification ids in
    order; ``_write_rows(cursor, ids, rows, before)``, writing hashes and index
    rows of entries at positions ``before + 1``...; ``_write_head(cursor, size,
    frontier)``; ``_first_ids(cursor, oids)``, the first notification id of each
    event sequence that has entries; and ``_events_of(cursor, oid)``, the
    stored events of one sequence by version.
    """

    def track_stream(self, stream: Generator[Any, None, None]) -> None:
        """Keep (weakly) a stream of index rows, to close it with :meth:`close_streams`."""
        if "_streams" not in self.__dict__:
            self._streams: weakref.WeakSet = weakref.WeakSet()
        self._streams.add(stream)

    def close_streams(self) -> None:
        """Close every stream of index rows still open: its read transaction ends now.

        Called before the store's connections are closed; a stream its reader
        left unfinished would otherwise end later, when collected, against a
        closed pool (eventsourcing's ``ConnectionPoolClosedError``, printed
        as an ignored exception).
        """
        for stream in list(self.__dict__.get("_streams", ())):
            stream.close()

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Insert entries with their side rows in one transaction; return their ids."""
        # Hash and index before the transaction: the write lock is held only to write.
        rows = side_rows(stored_events)
        earliest = min((row.recorded_at for row in rows.index), default="")
        events = [event_row(event) for event in stored_events]
        return list(self.insert_stream(lambda reads: [Chunk(events, rows)], earliest))

    def insert_stream(
        self, produce: Callable[[WriteReads], Iterable[Chunk]], earliest: str
    ) -> Sequence[int]:
        """Insert chunks of events as ``produce`` makes them, in one transaction; return their ids.

        For imports too large to hold at once: the write lock is taken first,
        then ``produce`` is called with reads that see the transaction's own
        writes (:class:`WriteReads`) and its chunks are written as they come,
        each with its side rows (computed here when the chunk has none); one
        tree head is written at the end. All or nothing: an error raised by
        ``produce`` rolls everything back.

        Args:
            earliest: the earliest record time among the entries to come.

        Returns:
            The new entries' notification ids, in order (an array of integers).

        Raises:
            RecordTimeBehind: ``earliest`` is older than the log's last record time.
            IndexBehind: the side tables do not cover every earlier entry.
            SideTablesDamaged: the last tree head does not hold together.
            eventsourcing.persistence.PersistenceError: the store refused.
        """
        written = array("q")
        deferred = False
        with self._write_transaction() as cursor:
            size, frontier = self._begin(cursor, earliest)
            reads = WriteReads(self, cursor)
            for chunk in produce(reads):
                if not chunk.events:
                    continue
                rows = chunk.rows
                ids = self._insert_in_bulk(cursor, chunk.events)
                if reads.first_new is None:
                    reads.first_new = ids[0]
                self._write_rows(cursor, ids, rows, size + len(written))
                frontier = extend_frontier(frontier, size + len(written), rows.hashes)
                written.extend(ids)
                if not deferred and len(written) >= max(size, DEFER_INDEXES_FROM):
                    deferred = self._defer_indexes(cursor)
            if deferred:
                self._restore_indexes(cursor)
            if written:
                self._write_head(cursor, size + len(written), frontier)
        return written

    def _defer_indexes(self, cursor: Any) -> bool:
        """Stop maintaining the side tables' secondary indexes until :meth:`_restore_indexes`.

        For a dialect that can drop and rebuild them inside the transaction
        (building an index at once is several times cheaper than growing it
        row by row); returns whether it did. By default it does not.
        """
        return False

    def _restore_indexes(self, cursor: Any) -> None:
        """Build again, before the commit, the indexes :meth:`_defer_indexes` dropped."""


class WriteReads:
    """Reads inside an open write transaction, which see its own uncommitted writes.

    Given to the producer of :meth:`SideTablesRecorder.insert_stream`, so that
    an import can tell records written earlier in the same transaction from
    records that were in the store before it.
    """

    def __init__(self, recorder: Any, cursor: Any) -> None:
        self._recorder = recorder
        self._cursor = cursor
        self.first_new: int | None = None
        """The notification id of the transaction's first entry, once it has one."""

    def recorded(self, originator_ids: Sequence[str]) -> dict[str, bool]:
        """Those event-sequence ids that have entries, each with whether this transaction
        wrote its first (True) or it was in the store before (False)."""
        first_ids = self._recorder._first_ids(self._cursor, originator_ids)
        new = self.first_new
        return {oid: new is not None and nid >= new for oid, nid in first_ids.items()}

    def events(self, originator_id: str) -> list[StoredEvent]:
        """The stored events of one event sequence, by version (empty when it has none)."""
        return self._recorder._events_of(self._cursor, originator_id)


def check_record_time(latest_state: bytes | None, earliest: str) -> None:
    """Refuse new entries older than the last one (whose stored state is given, or None).

    ``earliest`` is the earliest record time among the new entries.

    Raises:
        RecordTimeBehind: one of the new entries is older.
    """
    if latest_state is None:
        return
    latest = loads(latest_state)["recorded_at"]
    if earliest < latest:
        raise RecordTimeBehind(latest)


EventRow = tuple[str, int, str, bytes]
"""A stored event as the events table takes it: (originator id, version, topic, state)."""


def event_row(event: StoredEvent) -> EventRow:
    """The table row of one of the library's stored events."""
    return str(event.originator_id), event.originator_version, event.topic, event.state


@dataclass(frozen=True)
class Chunk:
    """Events to insert together (as table rows), with their side rows."""

    events: Sequence[EventRow]
    rows: SideRows


@dataclass(frozen=True)
class SideRows:
    """What the side tables get for entries about to be stored, in their order."""

    hashes: list[bytes]
    index: list[IndexRow] | list[tuple]  # rows, or plain tuples of their fields


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
