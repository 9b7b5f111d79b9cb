"""Check a whole log in one pass, holding a few hashes: the checks of ``check_log``, streamed.

``index.check.check_log`` holds every entry, recorded hash and side row of
the log at once: gigabytes for a million entries. :func:`scan_log` runs the
same checks on the streams of ``IndexReader.whole_log`` (the entries with
their recorded hashes and index rows, the subject rows, the tree heads, all
in log order), entry by entry, and holds only the Merkle frontier (one hash
per set bit of the size, ``integrity.merkle``), up to 1,024 leaf hashes not
yet folded into it, the entry being read with its subject rows, and the next
tree head; with ``keep_leaves``, every leaf hash too, packed (32 bytes an
entry), for proofs against checkpoints.

It fails exactly where ``check_log`` fails (see :func:`scan_log`), but does
not say why: a caller that must name the first failing position reads the
log whole with ``check_log`` then, as ``ledger verify`` always did. So a log
that holds is checked in bounded memory, and one that fails is named exactly.
Pure: the store supplies the streams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from treaty_ledger.ledger.errors import LedgerError
from treaty_ledger.ledger.index.queries import LogStreams
from treaty_ledger.ledger.index.rows import index_row
from treaty_ledger.ledger.integrity.codec import loads
from treaty_ledger.ledger.integrity.hashes import StoredRow, checked_hash
from treaty_ledger.ledger.integrity.merkle import PackedLeaves, extend_frontier, frontier_root

_BATCH = 1024


@dataclass(frozen=True)
class LogScan:
    """What one pass over the whole log found.

    Attributes:
        holds: whether every check passed; the other fields describe the
            log only when it did.
        size: the number of entries.
        root: the RFC 9162 Merkle root of the whole log (32 bytes).
        last_recorded_at: the last entry's record time as stored (ISO 8601,
            ``...Z``), "" for an empty log.
        marked: the last position ``within`` accepted, its record time and the
            root of the entries up to it; None when it accepted none.
        leaves: every leaf hash in log order, when asked for; else None.
    """

    holds: bool
    size: int
    root: bytes
    last_recorded_at: str
    marked: tuple[int, str, bytes] | None
    leaves: PackedLeaves | None


def scan_log(
    streams: LogStreams,
    within: Callable[[int, str], bool] = lambda position, recorded_at: True,
    *,
    keep_leaves: bool = False,
) -> LogScan:
    """Run every check of ``check_log`` on the streamed log (the store keeps side tables).

    The log holds when, entry by entry in notification id order: ids
    increase (a side row joined twice would repeat one); a hash was
    recorded for it and its content hashes to it; its record time is not
    earlier than the entry's before; its index row exists with its log
    position and the columns its content gives; its subject rows are those
    its content gives; every recorded tree head is the root and frontier of
    the leaves it covers; and at the end no hash row, index row, subject row
    or tree head is left over, and the last head covers the whole log. These
    are ``check_log``'s conditions (with the index rows joined by id rather
    than zipped by position, which comes to the same when their count is the
    entries').

    Args:
        streams: the log and side tables (``IndexReader.whole_log``).
        within: whether the entry at a position, with that record time,
            belongs to the moment asked for; it must accept a prefix of the
            log (record time never goes backwards in a log that holds).
        keep_leaves: keep every leaf hash (32 bytes an entry).
    """
    scan = _Scan(streams, within, PackedLeaves() if keep_leaves else None)
    holds = scan.run()
    return LogScan(
        holds, scan.count, frontier_root(scan.frontier), scan.last_time, scan.marked, scan.leaves
    )


class _Scan:
    """The state of one pass: the frontier, the next tree head, the next subject row."""

    def __init__(
        self, streams: LogStreams, within: Callable[[int, str], bool], leaves: PackedLeaves | None
    ) -> None:
        self.streams = streams
        self.within = within
        self.leaves = leaves
        self.frontier: list[bytes] = []
        self.folded = 0  # leaves in the frontier
        self.pending: list[bytes] = []  # leaves not yet folded into it
        self.count = 0
        self.last_id: int | None = None
        self.last_time = ""
        self.last_head = 0
        self.head = next(streams.heads, None)
        self.subject = next(streams.subjects, None)
        self.marking = True
        self.marked: tuple[int, str, bytes] | None = None

    def run(self) -> bool:
        if not self._heads_upto(0):
            return False
        for row in self.streams.entries:
            if not self._entry(row):
                return False
        self._close_mark()
        self._fold()
        return (
            self.head is None
            and self.subject is None
            and self.streams.hashes == self.count
            and self.streams.index_rows == self.count
            and (self.count == 0 or self.last_head == self.count)
        )

    def _entry(self, row: Any) -> bool:
        position = self.count + 1
        nid = row["notification_id"]
        recorded = row["leaf_hash"]
        if (self.last_id is not None and nid <= self.last_id) or recorded is None:
            return False
        self.last_id, recorded = nid, bytes(recorded)
        state = row["state"]
        state = bytes(state) if isinstance(state, memoryview) else state
        oid, version, topic = row["originator_id"], row["originator_version"], row["topic"]
        stored = StoredRow(nid, oid, version, topic, state)
        try:
            if checked_hash(stored, recorded) != recorded:
                return False
            derived = index_row(stored.topic, loads(state))
        except (ValueError, KeyError, TypeError, AttributeError, LedgerError):
            return False
        recorded_at = derived.recorded_at if isinstance(derived.recorded_at, str) else ""
        found = (row["position"], row["record_key"], row["action"], row["recorded_at"],
                 row["earliest"], row["latest"], row["effective_earliest"],
                 row["effective_latest"], row["sequence"])  # fmt: skip
        if (
            recorded_at < self.last_time
            or found != (position, *derived.columns())
            or not self._subjects_match(nid, derived)
        ):
            return False
        if self.marking and not self.within(position, recorded_at):
            self._close_mark()  # the moment ends with the entry before
        self.last_time, self.count = recorded_at, position
        self.pending.append(recorded)
        if self.leaves is not None:
            self.leaves.append(recorded)
        if len(self.pending) >= _BATCH:
            self._fold()
        return self._heads_upto(position)

    def _subjects_match(self, nid: int, derived: Any) -> bool:
        expected = sorted(
            (subject, derived.first_day, derived.last_day, derived.record_key)
            for subject in derived.subjects
        )
        found = []
        while self.subject is not None:
            owner = self.subject["notification_id"]
            if not isinstance(owner, int) or owner < nid:
                return False  # a subject row of no entry (or of one read before)
            if owner > nid:
                break
            row = self.subject
            found.append((row["subject"], row["first_day"], row["last_day"], row["record_key"]))
            self.subject = next(self.streams.subjects, None)
        return sorted(found) == expected

    def _heads_upto(self, count: int) -> bool:
        """Check every tree head of at most ``count`` entries (it must cover exactly that many)."""
        while self.head is not None:
            size = self.head["size"]
            if not isinstance(size, int) or size > count:
                return isinstance(size, int)
            if size < count:
                return False  # a head between two entries: impossible in a log that holds
            self._fold()
            if bytes(self.head["root"]) != frontier_root(self.frontier) or bytes(
                self.head["frontier"]
            ) != b"".join(self.frontier):
                return False
            self.last_head = size
            self.head = next(self.streams.heads, None)
        return True

    def _fold(self) -> None:
        if self.pending:
            self.frontier = extend_frontier(self.frontier, self.folded, self.pending)
            self.folded += len(self.pending)
            self.pending = []

    def _close_mark(self) -> None:
        """Note where the moment asked for ends: at the entries read so far."""
        if not self.marking:
            return
        self.marking = False
        if self.count:
            self._fold()
            self.marked = (self.count, self.last_time, frontier_root(self.frontier))
