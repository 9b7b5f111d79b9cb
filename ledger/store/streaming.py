"""Appending records as an import reads them: chunks written in one transaction as they come.

An import of a million records cannot hold them all until one write, nor
commit them piecemeal. :meth:`~treaty_ledger.ledger.store.appending.Appending.append_stream`
takes the write lock, then asks the import for its new records chunk by chunk
(a :data:`Produce` function) and writes each chunk with its side rows while
the next is read; the commit comes after the last, and any error (a bad line
far into the file) rolls everything back.

The import decides what is new with :class:`StoreReads`, which answer from
inside the transaction: a record written by an earlier chunk of the same
import is seen, and told apart from one that was in the store before. Each
new record comes with its content encoded and its index row made from the
data in hand (:data:`NewRecord`), so that its stored state and leaf hash are
formatted from those bytes, never by decoding what was just encoded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from eventsourcing.persistence import StoredEvent

from treaty_ledger.ledger.events import Recorded
from treaty_ledger.ledger.integrity.hashes import new_leaf_hash
from treaty_ledger.ledger.store.opening import TOPICS, Versions
from treaty_ledger.ledger.store.recording import Chunk, SideRows, WriteReads

NewRecord = tuple[str, bytes, tuple]
"""A record to append: its event-sequence id (``"act:<id>"``), its content as the codec
encodes it (``ledger.integrity.codec.dumps``) and its index row (``index.rows.IndexRow``,
made with the append's record time :attr:`StoreReads.recorded_at`, or a plain tuple of
its fields, which the garbage collector stops following)."""


class StoreReads(Protocol):
    """What an import may ask the store while it appends (see the module docstring)."""

    recorded_at: str
    """The record time every entry of this append gets (UTC, ISO 8601 with ``Z``)."""

    def recorded(self, originator_ids: Sequence[str]) -> dict[str, bool]:
        """Those event-sequence ids that have entries, each True when this append wrote it."""
        ...

    def versions(self, record_kind: str, record_id: str) -> Versions | None:
        """Every version of a record as the store holds it now, or None."""
        ...

    def same_as_written(self, originator_id: str, content: bytes) -> bool:
        """Whether the record this append wrote under that id has exactly this content."""
        ...


Produce = Callable[[StoreReads], Iterable[Sequence[NewRecord]]]
"""Reads the import and yields its new records chunk by chunk, asking the store as it goes."""

RECORDED = TOPICS[Recorded]


def stored_state(content: bytes, after: bytes) -> bytes:
    """The stored state of a Recorded event: its content, then the keys that follow it.

    ``after`` holds the rest of the state in sorted key order,
    ``b',"recorded_at":...,"recorded_by":...}'``: the codec's encoding of the
    whole event, made without decoding the content again.
    """
    return b'{"record":%s%s' % (content, after)


def new_chunk(records: Sequence[NewRecord], after: bytes) -> Chunk:
    """The events of new records (version 1 each), with their leaf hashes and index rows."""
    events, hashes = [], []
    for oid, content, _ in records:
        state = b'{"record":%s%s' % (content, after)  # stored_state, inlined: once per record
        events.append((oid, 1, RECORDED, state))
        hashes.append(new_leaf_hash(oid, 1, RECORDED, state))
    return Chunk(events, SideRows(hashes, [index for _, _, index in records]))


class WrittenReads:
    """:class:`StoreReads` inside a recorder's write transaction (``insert_stream``)."""

    def __init__(
        self, reads: WriteReads, decoded: Callable[[int, Any], Any], recorded_at: str, after: bytes
    ) -> None:
        self.recorded_at = recorded_at
        self._reads = reads
        self._decoded = decoded
        self._after = after

    def recorded(self, originator_ids: Sequence[str]) -> dict[str, bool]:
        return self._reads.recorded(originator_ids)

    def versions(self, record_kind: str, record_id: str) -> Versions | None:
        events = self._reads.events(f"{record_kind}:{record_id}")
        if not events:
            return None
        entries = [self._decoded(0, event) for event in events]
        return Versions([(entry.action, entry.record) for entry in entries])

    def same_as_written(self, originator_id: str, content: bytes) -> bool:
        events = self._reads.events(originator_id)
        return bool(events) and events[0].state == stored_state(content, self._after)


class HeldReads:
    """:class:`StoreReads` for a store without side tables (in memory), whose events are
    held until one insert: the records of this append are in ``pending``."""

    def __init__(
        self, ledger: Any, pending: dict[str, bytes], recorded_at: str, after: bytes
    ) -> None:
        self.recorded_at = recorded_at
        self._ledger = ledger
        self._pending = pending
        self._after = after

    def recorded(self, originator_ids: Sequence[str]) -> dict[str, bool]:
        kinds = [tuple(oid.split(":", 1)) for oid in originator_ids if oid not in self._pending]
        before = {f"{kind}:{rid}" for kind, rid in self._ledger.existing(kinds)}
        return {oid: oid in self._pending for oid in originator_ids
                if oid in self._pending or oid in before}  # fmt: skip

    def versions(self, record_kind: str, record_id: str) -> Versions | None:
        return self._ledger.versions(record_kind, record_id)

    def same_as_written(self, originator_id: str, content: bytes) -> bool:
        return self._pending.get(originator_id) == stored_state(content, self._after)


def held_events(
    produce: Produce, ledger: Any, recorded_at: str, after: bytes
) -> Iterator[StoredEvent]:
    """Every event of an append to a store without side tables, read through ``produce``."""
    pending: dict[str, bytes] = {}
    for records in produce(HeldReads(ledger, pending, recorded_at, after)):
        for oid, content, _ in records:
            state = pending[oid] = stored_state(content, after)
            yield StoredEvent(oid, 1, RECORDED, state)
