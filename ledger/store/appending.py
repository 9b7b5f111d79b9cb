"""Appending to a ledger: new records, revisions and exported logs, in one transaction each.

:class:`Appending` is the write half of
:class:`~treaty_ledger.ledger.store.application.Ledger`, kept in its own module
so that each half reads in one sitting. It uses the ledger's open application
(``_app``), its location, user and clock, and its reads (``log_size``,
``versions``, ``_ranks``, ``_decoded``, ``_reading``). Record time never goes
backwards in log order: an entry gets the later of the clock and the last
entry's record time, and a write that finds a later one restamps and retries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    PersistenceError,
    StoredEvent,
)

from treaty_ledger.ledger.entries import Action, Entry
from treaty_ledger.ledger.errors import StoreBusy, StoreError, WriteConflict
from treaty_ledger.ledger.events import Corrected, Recorded, Retracted
from treaty_ledger.ledger.integrity.codec import dumps
from treaty_ledger.ledger.integrity.hashes import StoredRow, checked_hash
from treaty_ledger.ledger.model import Act, Instrument, Source, record_content
from treaty_ledger.ledger.store.locks import is_busy, locked
from treaty_ledger.ledger.store.opening import (
    RESTAMPS,
    TOPICS,
    format_record_time,
    originator_id,
    shown,
)
from treaty_ledger.ledger.store.recording import (
    Chunk,
    IndexBehind,
    RecordTimeBehind,
    SideTablesDamaged,
    SideTablesRecorder,
    WriteReads,
)
from treaty_ledger.ledger.store.streaming import Produce, WrittenReads, held_events, new_chunk


class Appending:
    """The write methods of a ledger (mixed into ``Ledger``)."""

    wait: float  # seconds a write waits for another writer's lock (set by ``Ledger``)

    def append_stream(self, produce: Produce) -> Sequence[int]:
        """Append an import's new records as it reads them, all in one transaction.

        ``produce`` (``ledger.store.streaming``) is called under the write
        lock with reads that see this append's own writes, and yields the new
        records chunk by chunk; each chunk is written before the next is read,
        so that a large import is never held in memory. Every entry gets the
        same record time. ``produce`` may be called again from the start
        (after another writer stamped a later record time, or after indexing a
        ledger written by an older version): it must read its records afresh.

        Returns:
            The positions of the new entries, in order (a range: one
            transaction's entries follow one another).

        Raises:
            StoreError: the store refused the write (another writer recorded
                the same id meanwhile, the disk is full, the file is
                read-only); nothing was written.
            Any error ``produce`` raises, after rolling everything back.
        """
        recorder = self._app.recorder
        for _ in range(RESTAMPS):
            instant = self._next_instant()
            # The rest of a Recorded event's state, its keys in sorted order after "record".
            after = b',"recorded_at":%s,"recorded_by":%s}' % (dumps(instant), dumps(self.user))
            if not isinstance(recorder, SideTablesRecorder):
                try:
                    held = partial(self._insert_held, produce, instant, after)
                    return self._ranks(self._write(held))
                except RecordTimeBehind:
                    continue
            count: list[int] = []
            chunks = partial(self._chunks, produce, instant, after)
            try:
                last = self._write(partial(_last_id, recorder, chunks, instant, count))
            except RecordTimeBehind:
                continue
            if not last:
                return range(0)
            end = self._ranks(last)[0]
            return range(end - count[0] + 1, end + 1)
        raise StoreError(
            f"the store {shown(self.location)} kept receiving later record times from other "
            "writers; nothing was written, try again"
        )

    def _chunks(
        self, produce: Produce, instant: str, after: bytes, reads: WriteReads
    ) -> Iterator[Chunk]:
        for records in produce(WrittenReads(reads, self._decoded, instant, after)):
            yield new_chunk(records, after)

    def _insert_held(self, produce: Produce, instant: str, after: bytes) -> Sequence[int] | None:
        events = list(held_events(produce, self, instant, after))
        return self._app.recorder.insert_events(events) if events else []

    def append_revision(
        self,
        record: Instrument | Act,
        *,
        version: int,
        action: Action,
        reason: str,
        sources: Sequence[Source],
        changed: Sequence[str] = (),
    ) -> int:
        """Append a correction (``record`` is the new content) or a retraction.

        Args:
            version: the record's next version number (its count of entries + 1).

        Returns:
            The new entry's position.

        Raises:
            StoreError: the store refused the write, for instance because
                another writer revised the same record meanwhile.
        """
        common: dict[str, Any] = {
            "originator_id": originator_id(record),
            "originator_version": version,
            "recorded_by": self.user,
            "record": record_content(record),
            "reason": reason,
            "sources": [source.model_dump(mode="json", exclude_none=True) for source in sources],
        }

        def build(recorded_at: str) -> list:
            if action is Action.CORRECT:
                return [Corrected(recorded_at=recorded_at, changed=sorted(changed), **common)]
            return [Retracted(recorded_at=recorded_at, **common)]

        return self._save_stamped(build)[0]

    def append_log(
        self, entries: Sequence[Entry], hashes: Sequence[bytes | None] | None = None
    ) -> list[int]:
        """Append exported entries after the last one, keeping record times and authors.

        ``hashes``: the leaf hash each entry's exported line carries (None
        where it carries none); an entry that does not give its hash is
        refused before anything is written.

        The entries must continue the log: their positions run on from the
        ledger's last position (1, 2, 3... for an empty ledger). They are
        appended in one transaction; the positions the store gives them must
        be theirs (a PostgreSQL sequence that skipped numbers would not).

        Raises:
            StoreError: the positions do not continue the log, the store gave
                other positions, or the store refused the write.
        """
        size = self.log_size
        versions: dict[str, int] = {}
        events = []
        for expected, entry in enumerate(entries, start=size + 1):
            if entry.position != expected:
                raise StoreError(
                    f"the store {shown(self.location)} already holds {size} entries; the log to "
                    f"load starts at position {entry.position} where {expected} is due: load a "
                    "log into an empty store, or only the entries that follow"
                )
            oid = originator_id(entry.record)
            if oid not in versions:
                known = self.versions(entry.record.record, entry.record.id)
                versions[oid] = len(known.items) if known else 0
            versions[oid] += 1
            common: dict[str, Any] = {
                "originator_id": oid,
                "originator_version": versions[oid],
                "recorded_at": format_record_time(entry.recorded_at),
                "recorded_by": entry.recorded_by,
                "record": record_content(entry.record),
            }
            revision = {
                "reason": entry.reason or "",
                "sources": [s.model_dump(mode="json", exclude_none=True) for s in entry.sources],
            }
            if entry.action is Action.RECORD:
                events.append(Recorded(**common))
            elif entry.action is Action.CORRECT:
                events.append(Corrected(changed=list(entry.changed), **common, **revision))
            else:
                events.append(Retracted(**common, **revision))
        if hashes is not None:
            self._check_hashes(entries, events, hashes)
        try:
            positions = self._save(events) if events else []
        except RecordTimeBehind as err:
            raise StoreError(
                f"another writer appended to {shown(self.location)} while the log was being "
                f"loaded (its last record time is {err.latest}); nothing was written"
            ) from err
        if positions != [entry.position for entry in entries]:
            raise StoreError(
                f"the store {shown(self.location)} gave positions {positions[:1]}... to entries "
                f"{entries[0].position}...; the copy is not position-for-position"
            )
        return positions

    def _check_hashes(self, entries, events: list, hashes: Sequence[bytes | None]) -> None:
        """Refuse entries that do not give the leaf hashes their exported log carries."""
        for entry, event, expected in zip(entries, events, hashes, strict=True):
            if expected is None:
                continue
            stored = self._stored(event)
            row = StoredRow(0, str(stored.originator_id), stored.originator_version,
                            stored.topic, stored.state)  # fmt: skip
            if checked_hash(row, expected) != expected:
                raise StoreError(
                    f"the log's entry at position {entry.position} does not hash to the "
                    "leaf_hash it carries: it was changed after it was exported; nothing was "
                    "written"
                )

    def _next_instant(self) -> str:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("the ledger's clock must return an aware datetime")
        with self._reading():
            last = self._app.recorder.max_notification_id()
            if last:
                (notification,) = self._app.recorder.select_notifications(start=last, limit=1)
        if last:
            now = max(now, self._decoded(last, notification).recorded_at)
        return format_record_time(now)

    def _save_stamped(self, build: Callable[[str], list]) -> list[int]:
        """Save the events ``build`` makes for a record time, restamping if another writer
        appended a later record time meanwhile (record time never goes backwards)."""
        for _ in range(RESTAMPS):
            try:
                return self._save(build(self._next_instant()))
            except RecordTimeBehind:
                continue
        raise StoreError(
            f"the store {shown(self.location)} kept receiving later record times from other "
            "writers; nothing was written, try again"
        )

    def _save(self, events: list) -> list[int]:
        stored = [self._stored(event) for event in events]
        return self._ranks(self._write(partial(self._app.recorder.insert_events, stored)))

    def _write(self, insert: Callable[[], Sequence[int] | None]) -> list[int]:
        """Run one insert, turning the store's refusals into ledger errors; return the new ids.

        Writes go straight to the recorder, as the library's event store
        does, without its collecting of aggregates' events: the ledger's
        events are plain, one per record.
        """
        if self.read_only:
            raise StoreError(
                f"the store {shown(self.location)} is open read-only; nothing was written"
            )
        try:
            try:
                ids = insert()
            except IndexBehind:
                # Entries written by a version without the index: index them, write again.
                self._app.recorder.rebuild_index()
                ids = insert()
        except SideTablesDamaged as err:
            raise StoreError(
                f"the store {shown(self.location)} cannot be written: {err}; nothing was written"
            ) from err
        except IntegrityError as err:
            raise WriteConflict(
                f"another writer appended to the same record in {shown(self.location)} "
                "at the same time; nothing was written"
            ) from err
        except (PersistenceError, sqlite3.Error) as err:
            if is_busy(err):
                raise StoreBusy(locked(shown(self.location), self.wait)) from err
            raise StoreError(
                f"the store {shown(self.location)} refused the write ({err}); nothing was written"
            ) from err
        return list(ids or [])

    def _stored(self, event: Recorded | Corrected | Retracted) -> StoredEvent:
        """The stored form of an event, as the library's mapper makes it (no cipher, no zip)."""
        state = dict(vars(event))
        oid, version = state.pop("originator_id"), state.pop("originator_version")
        return StoredEvent(
            oid, version, TOPICS[type(event)], self._app.mapper.transcoder.encode(state)
        )


def _last_id(
    recorder: SideTablesRecorder,
    chunks: Callable[[WriteReads], Iterator[Chunk]],
    earliest: str,
    count: list[int],
) -> list[int]:
    """Insert a stream of chunks; return only the last new id, and put their count in ``count``.

    A million ids need not be copied into lists: the entries of one
    transaction take consecutive positions, which the last id and the count give.
    """
    ids = recorder.insert_stream(chunks, earliest)
    count[:] = [len(ids)]
    return list(ids[-1:])
