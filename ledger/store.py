"""The ledger application: the only code that talks to the event store.

Built on the eventsourcing library: its SQLite application recorder on a
file is the embedded default, its in-memory ("POPO") recorder serves tests.
Each record is its own sequence of events (originator id
``"instrument:<id>"`` or ``"act:<id>"``): version 1 records it, later
versions correct or retract it. The library's notification log gives every
entry a position in one total order. Entries are encoded by
:class:`ledger.codec.OrjsonTranscoder`.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    OperationalError,
    PersistenceError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import Environment, TopicError, get_topic

from ledger.codec import OrjsonTranscoder, dumps
from ledger.entries import Action, Entry, VerifiedLog
from ledger.errors import EmptyStore, StoreBusy, StoreError, WriteConflict
from ledger.events import Corrected, Recorded, Retracted
from ledger.index_entries import checked_entry
from ledger.index_queries import IndexReader
from ledger.indexed_reads import IndexedReads
from ledger.integrity import StoredRow, entry_hash, verify_rows
from ledger.locations import MEMORY, check_sqlite_file, mark_as_ledger
from ledger.model import RECORD_ADAPTER, Act, Instrument, Source, record_content
from ledger.pg_location import check_postgres, is_postgres, parse_postgres
from ledger.pg_recorder import HashingPostgresRecorder
from ledger.record_time import format_instant
from ledger.recorder import (
    Chunk,
    HashingSQLiteRecorder,
    IndexBehind,
    RecordTimeBehind,
    SideTablesDamaged,
)
from ledger.redaction import redact

_PAGE = 1000
_CHUNK = 5000
_RESTAMPS = 20
_INDEXING = (HashingSQLiteRecorder, HashingPostgresRecorder)
_ACTIONS = {Recorded: Action.RECORD, Corrected: Action.CORRECT, Retracted: Action.RETRACT}
_TOPICS = {kind: get_topic(kind) for kind in _ACTIONS}


Progress = Callable[[int, int], None]
"""Called with (items done, items in all) as long work goes on."""


def utc_now() -> datetime:
    """Return the current instant as an aware UTC datetime (the default clock)."""
    return datetime.now(UTC)


def originator_id(record: Instrument | Act) -> str:
    """Return the event-sequence id of a record: ``"<record kind>:<id>"``."""
    return f"{record.record}:{record.id}"


@dataclass(frozen=True)
class Versions:
    """Every version of one record, oldest first, as (action, content) pairs."""

    items: list[tuple[Action, Instrument | Act]]

    @property
    def current(self) -> Instrument | Act | None:
        """The record as it stands, or None once retracted."""
        action, record = self.items[-1]
        return None if action is Action.RETRACT else record

    @property
    def first(self) -> Instrument | Act:
        """The record as first recorded."""
        return self.items[0][1]


class _LedgerApplication(Application[str]):
    name = "TreatyLedger"

    def construct_env(self, name: str, env=None) -> Environment:
        # Configured only by what the Ledger passes in, never by stray
        # environment variables of the library.
        return Environment(name, dict(env or {}))

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()


class Ledger:
    """An append-only ledger of records over one event store.

    Use as a context manager, or call :meth:`close`.

    Args:
        location: a SQLite file path or ``:memory:``.
        create: create the file and its table if missing (writing commands);
            when False a missing or empty store raises :class:`EmptyStore`.
        clock: returns the record time of new entries, an aware datetime;
            injected by tests. Record time never goes backwards in log
            order: an entry gets the later of the clock and the last entry's
            record time.
        user: who records (default ``$LEDGER_USER``, else the OS user).
        read_only: open the SQLite file read-only (``mode=ro``); every write
            is refused with a :class:`StoreError`.

    Raises:
        StoreError: the location is not a SQLite file the ledger can use;
            nothing is written.
        EmptyStore: ``create`` is False and the store holds no entries.
    """

    def __init__(
        self,
        location: str,
        *,
        create: bool = False,
        clock: Callable[[], datetime] = utc_now,
        user: str | None = None,
        read_only: bool = False,
    ) -> None:
        self.location = location
        self.read_only = read_only
        self._clock = clock
        self.user = (user or os.environ.get("LEDGER_USER") or _os_user()).strip()
        if not self.user or not self.user.isprintable():
            raise StoreError(
                f"{self.user!r} is not a name for the record (--by or LEDGER_USER): "
                "give one line of text"
            )
        env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        self._new_file: Path | None = None
        creating = None
        if is_postgres(location):
            env, creating = _postgres_env(location, create=create, read_only=read_only)
        elif location != MEMORY:
            if create and not Path(location).exists():
                self._new_file = Path(location)
            if read_only and create:
                raise ValueError("a ledger opened read-only cannot create its store")
            if not check_sqlite_file(location, create=create):
                mark_as_ledger(location)
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": (
                    Path(location).resolve().as_uri() + "?mode=ro" if read_only else location
                ),
                "ORIGINATOR_ID_TYPE": "text",
                "CREATE_TABLE": "y" if create else "n",
                "APPLICATION_RECORDER_TOPIC": "ledger.recorder:HashingSQLiteRecorder",
            }
        try:
            self._app = _LedgerApplication(env=env)
        except (PersistenceError, OSError) as err:
            raise StoreError(f"cannot open the store {_shown(location)}: {err}") from err
        finally:
            if creating is not None:
                creating.close()  # releases the creation lock
        if not create and self._is_empty():
            self.close()
            raise EmptyStore(location)
        if create and isinstance(self._app.recorder, _INDEXING):
            self._complete_index()

    def _complete_index(self) -> None:
        """Write the side tables of a ledger made before they existed (once, on a write open)."""
        recorder = self._app.recorder
        try:
            if not recorder.index_is_complete():
                recorder.rebuild_index()
        except (PersistenceError, SideTablesDamaged) as err:
            self.close()
            raise StoreError(
                f"cannot index the store {_shown(self.location)} ({err}); nothing was written"
            ) from err

    def indexed(self) -> IndexedReads | None:
        """Index-backed reads (``ledger.indexed_reads``), or None when the store has no index.

        An in-memory store has none, nor a ledger written by a version
        without it and opened read-only; their readers scan the log.
        """
        reader = self._index_reader()
        return None if reader is None else IndexedReads(self, reader)

    def _index_reader(self) -> IndexReader | None:
        """The store's index queries, if it keeps an index that covers every entry."""
        recorder = self._app.recorder
        if not isinstance(recorder, _INDEXING):
            return None
        with self._reading():
            return recorder.index_reader() if recorder.index_is_complete() else None

    def side_tables(self) -> tuple[list[Any], list[Any], list[Any]] | None:
        """Every row of the valid-time index, subject index and tree heads, or None.

        None for a store without the tables (in memory, or written by a
        version without the index). For ``ledger verify`` (``ledger.index_check``).
        """
        recorder = self._app.recorder
        if not isinstance(recorder, _INDEXING):
            return None
        with self._reading():
            # Checked whether or not they cover every entry: a cut could hide behind that.
            return recorder.index_reader().side_tables() if recorder.has_side_tables() else None

    def checked_entry(self, row: Any) -> Entry:
        """Decode an entry row of ``ledger.index_queries``, checked (``ledger.index_entries``).

        Raises:
            StoreError: the entry is gone, does not hash to what was recorded
                when it was appended, cannot be read, or its index row does
                not match it.
        """
        return checked_entry(row, _shown(self.location))

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        failed_empty = exc_type is not None and self._new_file is not None and self._is_empty()
        self.close()
        if failed_empty:
            # The file was created for a write that failed: leave nothing behind.
            assert self._new_file is not None
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self._new_file}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Release the store's connections."""
        self._app.close()

    def _is_empty(self) -> bool:
        """Whether the store holds no entry (without counting them)."""
        with self._reading():
            return not self._app.recorder.max_notification_id()

    @property
    def log_size(self) -> int:
        """The number of entries, which is also the position of the last (0 when empty)."""
        reads = self.indexed()
        return reads.log_size() if reads is not None else self._count()

    def _count(self, upto_id: int | None = None) -> int:
        """Entries whose notification id is at most ``upto_id`` (all when None)."""
        recorder = self._app.recorder
        with self._reading():
            if isinstance(recorder, HashingSQLiteRecorder | HashingPostgresRecorder):
                return recorder.count_events(upto_id)
            last = recorder.max_notification_id() or 0  # in memory: ids have no gaps
            return last if upto_id is None else min(last, upto_id)

    def _ranks(self, ids: list[int]) -> list[int]:
        """Turn the notification ids of entries just committed into log positions.

        Inserts are serialised (SQLite's write lock, the PostgreSQL recorder's
        table lock), so entries commit in id order and ids skipped by rolled-back
        inserts leave no entry: an entry's position is the count of ids up to it.
        """
        if not ids:
            return []
        recorder = self._app.recorder
        if isinstance(recorder, _INDEXING):
            with self._reading():
                last = recorder.index_reader().position_of(max(ids))
        else:
            last = self._count(max(ids))
        return list(range(last - len(ids) + 1, last + 1))

    def versions(self, record_kind: str, record_id: str) -> Versions | None:
        """Return every version of the record with that kind and id, or None."""
        with self._reading():
            stored = self._app.recorder.select_events(f"{record_kind}:{record_id}")
        if not stored:
            return None
        items = []
        for item in stored:
            entry = self._decoded(0, item)
            items.append((entry.action, entry.record))
        return Versions(items)

    def existing(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Return those (record kind, id) pairs that have at least one entry, in bulk."""
        wanted = {f"{kind}:{record_id}": (kind, record_id) for kind, record_id in keys}
        recorder = self._app.recorder
        with self._reading():
            if isinstance(recorder, HashingSQLiteRecorder | HashingPostgresRecorder):
                found = recorder.select_existing(list(wanted))
            else:
                found = {oid for oid in wanted if recorder.select_events(oid, limit=1)}
        return {wanted[oid] for oid in found}

    def append_contents(
        self, contents: Sequence[tuple[str, bytes]], progress: Progress = lambda done, total: None
    ) -> list[int]:
        """Append records that are not yet in the ledger, all in one transaction.

        The caller (``ledger.importer``) has already validated them and
        checked that none of them is recorded. Every entry gets the same
        record time. They are written in chunks, so that a large import is
        never held in memory as events.

        Args:
            contents: (event-sequence id, record content as ``ledger.codec``
                encodes it) of each record, in order.
            progress: called with (entries written, entries to write).

        Returns:
            The positions of the new entries, in order.

        Raises:
            StoreError: the store refused the write (another writer recorded
                the same id meanwhile, the disk is full, the file is
                read-only); nothing was written.
        """
        if not contents:
            return []
        recorder = self._app.recorder
        total = len(contents)

        def chunks(after: bytes) -> Iterator[Chunk]:
            for start in range(0, total, _CHUNK):
                yield Chunk(
                    [
                        StoredEvent(oid, 1, _TOPICS[Recorded], b'{"record":%s%s' % (content, after))
                        for oid, content in contents[start : start + _CHUNK]
                    ]
                )
                progress(min(start + _CHUNK, total), total)

        for _ in range(_RESTAMPS):
            # The rest of a Recorded event's state, its keys in sorted order after "record".
            after = b',"recorded_at":%s,"recorded_by":%s}' % (
                dumps(self._next_instant()),
                dumps(self.user),
            )
            if isinstance(recorder, _INDEXING):
                # A new generator on each call: _write calls again after indexing.
                insert = partial(lambda after: recorder.insert_stream(chunks(after)), after)
            else:
                insert = partial(
                    recorder.insert_events, [e for c in chunks(after) for e in c.events]
                )
            try:
                return self._ranks(self._write(insert))
            except RecordTimeBehind:
                continue
        raise StoreError(
            f"the store {_shown(self.location)} kept receiving later record times from other "
            "writers; nothing was written, try again"
        )

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

    def append_log(self, entries: Sequence[Entry]) -> list[int]:
        """Append exported entries after the last one, keeping record times and authors.

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
                    f"the store {_shown(self.location)} already holds {size} entries; the log to "
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
                "recorded_at": _format_instant(entry.recorded_at),
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
        try:
            positions = self._save(events) if events else []
        except RecordTimeBehind as err:
            raise StoreError(
                f"another writer appended to {_shown(self.location)} while the log was being "
                f"loaded (its last record time is {err.latest}); nothing was written"
            ) from err
        if positions != [entry.position for entry in entries]:
            raise StoreError(
                f"the store {_shown(self.location)} gave positions {positions[:1]}... to entries "
                f"{entries[0].position}...; the copy is not position-for-position"
            )
        return positions

    def entries(self) -> Iterator[Entry]:
        """Yield every entry in log order, at positions 1, 2, 3..., reading page by page."""
        for rank, notification in enumerate(self._notifications(), start=1):
            yield self._decoded(rank, notification)

    def _notifications(self) -> Iterator:
        last_id = None  # the first page starts at the very first id, whatever it is
        while True:
            with self._reading():
                page = self._app.recorder.select_notifications(
                    start=last_id, limit=_PAGE, inclusive_of_start=False
                )
            if not page:
                return
            yield from page
            last_id = page[-1].id

    def rows(self) -> Iterator[StoredRow]:
        """Yield every stored entry exactly as stored, with its notification id, in log order."""
        for item in self._notifications():
            yield StoredRow(
                item.id, str(item.originator_id), item.originator_version, item.topic, item.state
            )

    def recorded_hashes(self) -> dict[int, bytes]:
        """Notification id to the leaf hash recorded when that entry was appended.

        An in-memory store records none apart from its entries: its hashes
        are computed from them.
        """
        recorder = self._app.recorder
        if isinstance(recorder, HashingSQLiteRecorder | HashingPostgresRecorder):
            with self._reading():
                return recorder.select_hashes()
        return {row.position: entry_hash(row) for row in self.rows()}

    def verified(self) -> VerifiedLog:
        """Read the log once: every entry, checked against the hash recorded when appended.

        Use its ``root_hash(upto)`` to name the Merkle root of what a result
        was computed from; it refuses a log whose entries fail verification.
        """
        notifications = list(self._notifications())
        rows = [
            StoredRow(n.id, str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in notifications
        ]
        leaves, failure = verify_rows(rows, self.recorded_hashes())
        message = ""
        if failure is not None:
            message = (
                f"the log of {_shown(self.location)} fails verification at position "
                f"{failure.position} ({failure.kind}: {failure.detail}); run 'ledger verify'"
            )
        entries = [self._decoded(rank, n) for rank, n in enumerate(notifications, start=1)]
        return VerifiedLog(entries, leaves, message, failure.position if failure else None)

    def root_hash(self, upto: int | None = None) -> str:
        """The RFC 9162 Merkle root (hex) of the first ``upto`` entries, from their content.

        Raises:
            StoreError: the entries up to ``upto`` fail verification.
        """
        return self.verified().root_hash(upto)

    def _decoded(self, position: int, stored) -> Entry:
        """Decode one stored event; a damaged one is a :class:`StoreError`, not a crash.

        ``position`` is 0 when it is not known (the entry is then named by its record).
        """
        try:
            return self._entry(position, self._app.mapper.to_domain_event(stored))
        except (ValueError, TypeError, KeyError, AttributeError, TopicError) as err:
            which = f"position {position}" if position else f"{stored.originator_id!s}"
            raise StoreError(
                f"the entry at {which} of {_shown(self.location)} cannot be read "
                f"({type(err).__name__}: {str(err)[:200]}); the store is damaged or was "
                "written by something else"
            ) from err

    def _entry(self, position: int, event: Recorded | Corrected | Retracted) -> Entry:
        record = RECORD_ADAPTER.validate_python(event.record)
        recorded_at = datetime.fromisoformat(event.recorded_at)
        if isinstance(event, Recorded):
            return Entry(position, recorded_at, event.recorded_by, record)
        sources = tuple(Source.model_validate(source) for source in event.sources)
        changed = tuple(event.changed) if isinstance(event, Corrected) else ()
        return Entry(
            position,
            recorded_at,
            event.recorded_by,
            record,
            _ACTIONS[type(event)],
            changed,
            event.reason,
            sources,
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
        return _format_instant(now)

    def _save_stamped(self, build: Callable[[str], list]) -> list[int]:
        """Save the events ``build`` makes for a record time, restamping if another writer
        appended a later record time meanwhile (record time never goes backwards)."""
        for _ in range(_RESTAMPS):
            try:
                return self._save(build(self._next_instant()))
            except RecordTimeBehind:
                continue
        raise StoreError(
            f"the store {_shown(self.location)} kept receiving later record times from other "
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
                f"the store {_shown(self.location)} is open read-only; nothing was written"
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
                f"the store {_shown(self.location)} cannot be written: {err}; nothing was written"
            ) from err
        except IntegrityError as err:
            raise WriteConflict(
                f"another writer appended to the same record in {_shown(self.location)} "
                "at the same time; nothing was written"
            ) from err
        except OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StoreBusy(
                    f"the store {_shown(self.location)} is locked by another writer; "
                    "nothing was written"
                ) from err
            raise StoreError(
                f"the store {_shown(self.location)} refused the write ({err}); nothing was written"
            ) from err
        except PersistenceError as err:
            raise StoreError(
                f"the store {_shown(self.location)} refused the write ({err}); nothing was written"
            ) from err
        return list(ids or [])

    def _stored(self, event: Recorded | Corrected | Retracted) -> StoredEvent:
        """The stored form of an event, as the library's mapper makes it (no cipher, no zip)."""
        state = dict(vars(event))
        oid, version = state.pop("originator_id"), state.pop("originator_version")
        return StoredEvent(
            oid, version, _TOPICS[type(event)], self._app.mapper.transcoder.encode(state)
        )

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn the library's persistence errors into :class:`StoreError` while reading."""
        try:
            yield
        except PersistenceError as err:
            raise StoreError(f"cannot read the store {_shown(self.location)}: {err}") from err


def _shown(location: str) -> str:
    return redact(location) if is_postgres(location) else repr(location)


def _postgres_env(location: str, *, create: bool, read_only: bool):
    """The library's environment for a PostgreSQL ledger, and the creation lock (or None)."""
    where = parse_postgres(location)
    if read_only and create:
        raise ValueError("a ledger opened read-only cannot create its store")
    creating = check_postgres(where, create=create)
    env = {
        "PERSISTENCE_MODULE": (
            "ledger.pg_recorder:ReadOnlyPostgresFactory" if read_only else "eventsourcing.postgres"
        ),
        "POSTGRES_DBNAME": where.dbname,
        "POSTGRES_HOST": where.host,
        "POSTGRES_PORT": str(where.port),
        "POSTGRES_USER": where.user,
        "POSTGRES_SCHEMA": where.schema,
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "2",
        "ORIGINATOR_ID_TYPE": "text",
        "CREATE_TABLE": "y" if create else "n",
        "APPLICATION_RECORDER_TOPIC": "ledger.pg_recorder:HashingPostgresRecorder",
    }
    # An empty password lets libpq fall back to PGPASSWORD or ~/.pgpass.
    env["POSTGRES_PASSWORD"] = where.password or os.environ.get("PGPASSWORD", "")
    return env, creating


def _format_instant(instant: datetime) -> str:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("record times must be aware datetimes")
    return format_instant(instant)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
